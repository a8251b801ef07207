"""Every SQL statement of the effecteurs service.

Functions take the caller's AsyncSession (one transaction per use case, opened
by the service) and return model instances; the reads of an officine's attachment
list (every officine's 08:00) are synchronous Core functions on a SyncExecutor instead,
run whole in one `Database.run_read` transaction, and return plain records. Only this module touches SQLAlchemy
constructs; the one database-level conflict the service must react to (a
second current attachment for an effecteur) comes back as CurrentAttachmentExists.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeVarTuple

from sqlalchemy import BindParameter, ColumnElement, Integer, Select, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import feeds
from services.common.db import SyncExecutor, table_of
from services.common.statements import CursorStatement
from services.effecteurs.models import (
    Attachment,
    AttachmentEvent,
    AttachmentRecord,
    Effecteur,
    EffecteurRecord,
    Officine,
)

OFFICINES, ATTACHMENTS, EFFECTEURS = table_of(Officine), table_of(Attachment), table_of(Effecteur)


class CurrentAttachmentExists(Exception):
    """The effecteur got a current attachment in the meantime (unique index)."""


class Duplicate(Exception):
    """A row with the same key was created in the meantime."""


# ---------------------------------------------------------------- officines


async def get_officine(session: AsyncSession, finess: str, *, for_update: bool = False) -> Officine | None:
    query = select(Officine).where(Officine.finess == finess)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


# Built once, run with bind parameters (services.common.statements), as every statement of the
# attachment list (every officine's 08:00).
_OFFICINE_EXISTS = CursorStatement(select(OFFICINES.c.finess).where(OFFICINES.c.finess == bindparam("o_finess")))


def officine_exists(db: SyncExecutor, finess: str) -> bool:
    """On the primary key, with no row to build (the attachment list's check)."""
    return _OFFICINE_EXISTS.first(db, {"o_finess": finess}) is not None


async def existing_officines(session: AsyncSession, finesses: Iterable[str]) -> dict[str, Officine]:
    wanted = sorted(set(finesses))
    if not wanted:
        return {}
    rows = (await session.execute(select(Officine).where(Officine.finess.in_(wanted)))).scalars()
    return {o.finess: o for o in rows}


async def list_officines(session: AsyncSession, *, department: str, after: str | None, limit: int) -> list[Officine]:
    query = select(Officine).order_by(Officine.finess).limit(limit)
    if department:
        query = query.where(Officine.department == department)
    if after is not None:
        query = query.where(Officine.finess > after)
    return list((await session.execute(query)).scalars())


async def count_officines(session: AsyncSession) -> list[tuple[str, int]]:
    """(department, officines), one GROUP BY on the indexed département."""
    query = (
        select(Officine.department, func.count())
        .group_by(Officine.department)
        .order_by(
            Officine.department.collate("C") if session.get_bind().dialect.name == "postgresql" else Officine.department
        )
    )
    return [(str(d), int(n)) for d, n in (await session.execute(query)).all()]


async def add(session: AsyncSession, *objects: Any) -> None:
    session.add_all(objects)
    await session.flush()


async def add_new(session: AsyncSession, *objects: Any) -> None:
    """Inserts new rows; raises Duplicate (transaction still usable) when one already exists."""
    try:
        async with session.begin_nested():
            session.add_all(objects)
    except IntegrityError as exc:
        raise Duplicate() from exc


# --------------------------------------------------------------- effecteurs


async def get_effecteur(session: AsyncSession, key: str, *, for_update: bool = False) -> Effecteur | None:
    query = select(Effecteur).where(Effecteur.key == key)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def existing_effecteurs(session: AsyncSession, keys: Iterable[str]) -> dict[str, Effecteur]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = (await session.execute(select(Effecteur).where(Effecteur.key.in_(wanted)))).scalars()
    return {e.key: e for e in rows}


async def list_effecteurs(session: AsyncSession, *, type_code: str, after: str | None, limit: int) -> list[Effecteur]:
    query = select(Effecteur).order_by(Effecteur.key).limit(limit)
    if type_code:
        query = query.where(Effecteur.type == type_code)
    if after is not None:
        query = query.where(Effecteur.key > after)
    return list((await session.execute(query)).scalars())


def _insert(session: AsyncSession, table: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT DO NOTHING."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def insert_effecteurs_if_absent(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Creates the effecteurs not known yet; one created concurrently by someone else is kept as is."""
    if rows:
        statement = _insert(session, Effecteur.__table__).on_conflict_do_nothing(index_elements=["key"])
        await session.execute(statement, list(rows))


# -------------------------------------------------------------- attachments


def _current_join() -> ColumnElement[bool]:
    return and_(Attachment.effecteur_key == Effecteur.key, Attachment.detach_time.is_(None))


async def effecteur_with_current_attachment(
    session: AsyncSession, key: str
) -> tuple[Effecteur, Attachment | None] | None:
    """One indexed query (primary key + partial unique index): the effecteur and its current attachment."""
    row = (
        await session.execute(
            select(Effecteur, Attachment).outerjoin(Attachment, _current_join()).where(Effecteur.key == key)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def effecteurs_with_current_attachment(
    session: AsyncSession, keys: Iterable[str]
) -> dict[str, tuple[Effecteur, Attachment | None]]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = await session.execute(
        select(Effecteur, Attachment).outerjoin(Attachment, _current_join()).where(Effecteur.key.in_(wanted))
    )
    return {e.key: (e, a) for e, a in rows}


async def effecteur_states(session: AsyncSession, keys: Iterable[str]) -> dict[str, tuple[str, str, str | None]]:
    """key -> (kind, type, FINESS of its current officine or None), for the import (columns only, no objects)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = await session.execute(
        select(Effecteur.key, Effecteur.kind, Effecteur.type, Attachment.officine_finess)
        .outerjoin(Attachment, _current_join())
        .where(Effecteur.key.in_(wanted))
    )
    return {key: (kind, type_code, officine) for key, kind, type_code, officine in rows}


async def current_officines_of(session: AsyncSession, effecteur_keys: Iterable[str]) -> set[str]:
    """FINESS of the officines these effecteurs are attached to now."""
    keys = sorted(set(effecteur_keys))
    if not keys:
        return set()
    rows = await session.execute(
        select(Attachment.officine_finess).where(Attachment.effecteur_key.in_(keys), Attachment.detach_time.is_(None))
    )
    return set(rows.scalars())


async def officines_ever_of(session: AsyncSession, effecteur_keys: Iterable[str]) -> set[str]:
    """FINESS of every officine these effecteurs were ever attached to (detached ones too)."""
    keys = sorted(set(effecteur_keys))
    if not keys:
        return set()
    rows = await session.execute(
        select(Attachment.officine_finess).where(Attachment.effecteur_key.in_(keys)).distinct()
    )
    return set(rows.scalars())


async def get_attachment(session: AsyncSession, attachment_id: int) -> tuple[Attachment, Effecteur] | None:
    row = (
        await session.execute(
            select(Attachment, Effecteur)
            .join(Effecteur, Attachment.effecteur_key == Effecteur.key)
            .where(Attachment.id == attachment_id)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def insert_attachment(
    session: AsyncSession, *, officine_finess: str, effecteur_key: str, at: datetime, by: str
) -> Attachment:
    """Raises CurrentAttachmentExists when the effecteur already has a current attachment.

    The insert runs in a savepoint, so the losing side of a race keeps a usable
    transaction (PostgreSQL aborts the whole transaction on a failed statement).
    """
    attachment = Attachment(
        officine_finess=officine_finess, effecteur_key=effecteur_key, attach_time=at, attached_by=by
    )
    try:
        async with session.begin_nested():
            session.add(attachment)
    except IntegrityError as exc:
        raise CurrentAttachmentExists(effecteur_key) from exc
    return attachment


async def end_attachment(session: AsyncSession, attachment_id: int, *, at: datetime, by: str) -> bool:
    """False when it had already ended (someone detached it first)."""
    result = await session.execute(
        update(Attachment)
        .where(Attachment.id == attachment_id, Attachment.detach_time.is_(None))
        .values(detach_time=at, detached_by=by)
        .returning(Attachment.id)
        .execution_options(synchronize_session=False)
    )
    return result.first() is not None


async def write_import_batch(
    session: AsyncSession,
    *,
    new_effecteurs: Sequence[dict[str, Any]],
    new_attachments: Sequence[dict[str, Any]],
) -> None:
    """Effecteurs, attachments and their ATTACHED events of one import batch, in one savepoint.

    Raises CurrentAttachmentExists when a user attached one of these effecteurs
    meanwhile; the savepoint is then rolled back and the batch can be re-evaluated.
    """
    try:
        async with session.begin_nested():
            await insert_effecteurs_if_absent(session, new_effecteurs)
            if not new_attachments:
                return
            await session.execute(_insert(session, Attachment.__table__), list(new_attachments))
            # Their ids, without RETURNING (which SQLite would run row by row): each effecteur
            # has one current attachment, the one just inserted.
            ids = dict(
                (
                    await session.execute(
                        select(Attachment.effecteur_key, Attachment.id).where(
                            Attachment.effecteur_key.in_([row["effecteur_key"] for row in new_attachments]),
                            Attachment.detach_time.is_(None),
                        )
                    )
                ).all()
            )
            events = [
                {
                    "attachment_id": ids[row["effecteur_key"]],
                    "officine_finess": row["officine_finess"],
                    "effecteur_key": row["effecteur_key"],
                    "action": "ATTACHED",
                    "actor": row["attached_by"],
                    "event_time": row["attach_time"],
                }
                for row in new_attachments
            ]
            await insert_events(session, events)
    except IntegrityError as exc:
        raise CurrentAttachmentExists() from exc


async def insert_events(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await feeds.append_in_commit_order(session, feeds.ATTACHMENT_EVENTS)
        await session.execute(_insert(session, AttachmentEvent.__table__), list(rows))


@dataclass(frozen=True)
class AttachmentFilter:
    officine_finess: str
    type_code: str = ""
    name_contains: str = ""  # already lower-cased without accents
    key_prefix: str = ""  # on "rpps:997..." when the user typed a kind
    identifier_prefix: str = ""  # on the number alone otherwise
    include_ended: bool = False


# The columns a query selects, kept through the filters.
Row = TypeVarTuple("Row")


def _like_escaped(value: str) -> str:
    """What LIKE's autoescape=True does to a literal, done here: it cannot to a bind parameter."""
    return value.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _filter_params(f: AttachmentFilter) -> dict[str, Any]:
    """The filter's bind parameters; their names (the filters given) pick the statement."""
    params: dict[str, Any] = {"f_finess": f.officine_finess}
    if f.type_code:
        params["f_type"] = f.type_code
    if f.name_contains:
        params["f_name"] = _like_escaped(f.name_contains)
    if f.key_prefix:
        params["f_key_prefix"] = _like_escaped(f.key_prefix)
    if f.identifier_prefix:
        params["f_identifier_prefix"] = _like_escaped(f.identifier_prefix)
    return params


def _filtered(query: Select[*Row], given: frozenset[str], include_ended: bool) -> Select[*Row]:
    """Core columns (not the ORM's): the list and its count run on a bare connection."""
    a, e = ATTACHMENTS.c, EFFECTEURS.c
    query = query.join(EFFECTEURS, a.effecteur_key == e.key).where(a.officine_finess == bindparam("f_finess"))
    if not include_ended:
        query = query.where(a.detach_time.is_(None))
    if "f_type" in given:
        query = query.where(e.type == bindparam("f_type"))
    if "f_name" in given:
        query = query.where(e.search_name.contains(bindparam("f_name"), escape="/"))
    if "f_key_prefix" in given:
        query = query.where(e.key.startswith(bindparam("f_key_prefix"), escape="/"))
    if "f_identifier_prefix" in given:
        query = query.where(e.identifier.startswith(bindparam("f_identifier_prefix"), escape="/"))
    return query


# The records' columns, in their fields' order: a row is the attachment's fields, then the effecteur's.
_LISTED = [ATTACHMENTS.c[f.name] for f in fields(AttachmentRecord)] + [
    EFFECTEURS.c[f.name] for f in fields(EffecteurRecord)
]
_SPLIT = len(fields(AttachmentRecord))


@functools.cache
def _list_statement(given: frozenset[str], include_ended: bool, paged: bool) -> CursorStatement:
    """The page for one combination of filters, built once, run on the driver's cursor
    (services.common.statements: every officine lists its attachments at the Monday opening)."""
    a = ATTACHMENTS.c
    query = (
        _filtered(select(*_LISTED), given, include_ended)
        .order_by(a.effecteur_key, a.id)
        .limit(bindparam("limit", type_=Integer()))
    )
    if paged:
        key: BindParameter[str] = bindparam("after_key")
        query = query.where(or_(a.effecteur_key > key, and_(a.effecteur_key == key, a.id > bindparam("after_id"))))
    return CursorStatement(query)


@functools.cache
def _count_statement(given: frozenset[str], include_ended: bool) -> CursorStatement:
    return CursorStatement(_filtered(select(func.count(ATTACHMENTS.c.id).label("count")), given, include_ended))


def list_attachments(
    db: SyncExecutor, f: AttachmentFilter, *, after: tuple[str, int] | None, limit: int
) -> list[tuple[AttachmentRecord, EffecteurRecord]]:
    """Keyset page by (effecteur, attachment id)."""
    filters = _filter_params(f)
    statement = _list_statement(frozenset(filters), f.include_ended, after is not None)
    params = filters | {"limit": limit}
    if after is not None:
        params["after_key"], params["after_id"] = after
    return [(AttachmentRecord(*row[:_SPLIT]), EffecteurRecord(*row[_SPLIT:])) for row in statement.all(db, params)]


def count_attachments(db: SyncExecutor, f: AttachmentFilter) -> int:
    params = _filter_params(f)
    return int(_count_statement(frozenset(params), f.include_ended).scalar(db, params) or 0)


# ------------------------------------------------------------------- events


async def add_event(
    session: AsyncSession, attachment: Attachment, *, action: str, actor: str, at: datetime, psc_grace: bool = False
) -> None:
    await feeds.append_in_commit_order(session, feeds.ATTACHMENT_EVENTS)
    session.add(
        AttachmentEvent(
            attachment_id=attachment.id,
            officine_finess=attachment.officine_finess,
            effecteur_key=attachment.effecteur_key,
            action=action,
            actor=actor,
            event_time=at,
            psc_grace=psc_grace,
        )
    )
    await session.flush()


async def list_events(
    session: AsyncSession, *, officine_finess: str = "", effecteur_key: str = "", before: int | None, limit: int
) -> list[AttachmentEvent]:
    """Newest first (by insertion order, which a manual test clock cannot reorder)."""
    query = select(AttachmentEvent).order_by(AttachmentEvent.id.desc()).limit(limit)
    if officine_finess:
        query = query.where(AttachmentEvent.officine_finess == officine_finess)
    else:
        query = query.where(AttachmentEvent.effecteur_key == effecteur_key)
    if before is not None:
        query = query.where(AttachmentEvent.id < before)
    return list((await session.execute(query)).scalars())


async def list_changes(
    session: AsyncSession, after_id: int, limit: int
) -> list[tuple[AttachmentEvent, Effecteur, Officine]]:
    """Every officine's events after a position, oldest first, with the effecteur and the
    officine concerned (the attachment feed orders mirrors)."""
    query = (
        select(AttachmentEvent, Effecteur, Officine)
        .join(Effecteur, Effecteur.key == AttachmentEvent.effecteur_key)
        .join(Officine, Officine.finess == AttachmentEvent.officine_finess)
        .where(AttachmentEvent.id > after_id)
        .order_by(AttachmentEvent.id)
        .limit(limit)
    )
    return [(e, f, o) for e, f, o in await session.execute(query)]
