"""Every SQL statement of the sessions service. Rows in, domain values out.

The reads are synchronous Core statements on a `SyncExecutor`: the read paths run them
whole in one `Database.run_read` transaction (one thread hand-off on SQLite, not one per
statement), and the ORM writers call the same functions through `AsyncSession.run_sync`,
so each statement has one home. Writes stay on the writer's AsyncSession.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import SyncExecutor, dialect_name, table_of
from services.common.statements import CursorStatement
from services.sessions.domain import (
    CalendarWindow,
    EffecteurType,
    Product,
    QuotaKind,
    QuotaRule,
    QuotaTable,
    Session,
    WindowChange,
    WindowKind,
)
from services.sessions.models import (
    AnyRow,
    CalendarWindowRow,
    ProductRow,
    QuotaRuleRow,
    QuotaTableRow,
    SessionRow,
    WindowChangeRow,
)

# Key of the PostgreSQL advisory lock serialising schedule changes (overlap checks).
_SCHEDULE_LOCK = 0x5E5510
PRODUCTS, SESSIONS, WINDOW_CHANGES = table_of(ProductRow), table_of(SessionRow), table_of(WindowChangeRow)
WINDOWS, TABLES, RULES = table_of(CalendarWindowRow), table_of(QuotaTableRow), table_of(QuotaRuleRow)
_PRODUCT_ORDER = (PRODUCTS.c.display_order, PRODUCTS.c.id)

# The statements of the Monday rush's reads (GetServiceState, GetQuotaTable), built once and
# run with bind parameters: building one per call costs more than running it; the hottest on
# the driver's cursor (services.common.statements).
_ALL_PRODUCTS = select(PRODUCTS).order_by(*_PRODUCT_ORDER)
_SESSION_BY_ID = select(SESSIONS).where(SESSIONS.c.id == bindparam("s_id"))
_GET_SESSION = CursorStatement(_SESSION_BY_ID)
_GET_SESSION_FOR_UPDATE = CursorStatement(_SESSION_BY_ID.with_for_update())
_CHANGE_ORDER = (WINDOW_CHANGES.c.change_time, WINDOW_CHANGES.c.id)
_CHANGES_OF = (
    select(WINDOW_CHANGES)
    .where(WINDOW_CHANGES.c.session_id.in_(bindparam("s_ids", expanding=True)))
    .order_by(*_CHANGE_ORDER)
)
_CHANGES_OF_ONE = CursorStatement(
    select(WINDOW_CHANGES).where(WINDOW_CHANGES.c.session_id == bindparam("s_id")).order_by(*_CHANGE_ORDER)
)
_SESSIONS_CLOSING_AFTER = CursorStatement(
    select(SESSIONS)
    .where(SESSIONS.c.close_time > bindparam("at", type_=SESSIONS.c.close_time.type))
    .order_by(SESSIONS.c.open_time)
)
_WINDOWS_ENDING_AFTER = CursorStatement(
    select(WINDOWS)
    .where(WINDOWS.c.end_time > bindparam("at", type_=WINDOWS.c.end_time.type))
    .order_by(WINDOWS.c.start_time)
)
_VERSION_HEADERS = CursorStatement(
    select(TABLES).where(TABLES.c.session_id == bindparam("t_session")).order_by(TABLES.c.version)
)
_GET_VERSION = select(TABLES).where(
    TABLES.c.session_id == bindparam("t_session"), TABLES.c.version == bindparam("t_version")
)
_RULES_OF = select(RULES).where(
    RULES.c.session_id == bindparam("t_session"), RULES.c.version.in_(bindparam("t_versions", expanding=True))
)


async def lock_schedule(db: AsyncSession) -> None:
    """Serialise writers that check for overlapping sessions. SQLite writers
    are already serialised by BEGIN IMMEDIATE; PostgreSQL needs a lock, since
    two transactions could each see no overlap and both insert."""
    if dialect_name(db) == "postgresql":
        await db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEDULE_LOCK})


# ---------------------------------------------------------------- products


def _product(row: AnyRow) -> Product:
    return Product(
        id=row.id,
        display_name=row.display_name,
        unit=row.unit,
        doses_per_unit=row.doses_per_unit,
        shelf_life_days=row.shelf_life_days,
        paediatric=row.paediatric,
        redistributable_to=tuple(EffecteurType[c] for c in row.redistributable_to.split()),
        orderable_from=row.orderable_from,
        orderable_until=row.orderable_until,
        active=row.active,
        display_order=row.display_order,
        revision=row.revision,
    )


def _product_values(product: Product) -> dict[str, Any]:
    return {
        "display_name": product.display_name,
        "unit": product.unit,
        "doses_per_unit": product.doses_per_unit,
        "shelf_life_days": product.shelf_life_days,
        "paediatric": product.paediatric,
        "redistributable_to": " ".join(t.name for t in product.redistributable_to),
        "orderable_from": product.orderable_from,
        "orderable_until": product.orderable_until,
        "active": product.active,
        "display_order": product.display_order,
        "revision": product.revision,
    }


def get_product(db: SyncExecutor, product_id: str) -> Product | None:
    row = db.execute(select(PRODUCTS).where(PRODUCTS.c.id == product_id)).first()
    return _product(row) if row else None


def all_products(db: SyncExecutor) -> dict[str, Product]:
    rows = db.execute(_ALL_PRODUCTS)
    return {row.id: _product(row) for row in rows}


def list_products(
    db: SyncExecutor, *, include_inactive: bool, after: tuple[int, str] | None, limit: int
) -> list[Product]:
    query = select(PRODUCTS).order_by(*_PRODUCT_ORDER).limit(limit)
    if not include_inactive:
        query = query.where(PRODUCTS.c.active.is_(True))
    if after is not None:
        order, product_id = after
        query = query.where(
            or_(
                PRODUCTS.c.display_order > order,
                and_(PRODUCTS.c.display_order == order, PRODUCTS.c.id > product_id),
            )
        )
    return [_product(row) for row in db.execute(query)]


async def insert_product(db: AsyncSession, product: Product, now: datetime) -> None:
    db.add(ProductRow(id=product.id, create_time=now, update_time=now, **_product_values(product)))
    await db.flush()


async def update_product(db: AsyncSession, product: Product, now: datetime) -> None:
    row = await db.get(ProductRow, product.id)
    assert row is not None
    for key, value in _product_values(product).items():
        setattr(row, key, value)
    row.update_time = now
    await db.flush()


# ---------------------------------------------------------------- sessions


def _session(row: AnyRow, changes: Sequence[AnyRow] = ()) -> Session:
    return Session(
        id=row.id,
        label=row.label,
        open_time=row.open_time,
        close_time=row.close_time,
        confirmation_email_date=row.confirmation_email_date,
        delivery_from_date=row.delivery_from_date,
        delivery_to_date=row.delivery_to_date,
        create_time=row.create_time,
        update_time=row.update_time,
        revision=row.revision,
        window_changes=tuple(
            WindowChange(
                c.changed_by, c.change_time, c.old_open_time, c.old_close_time, c.new_open_time, c.new_close_time
            )
            for c in changes
        ),
    )


def _with_changes(db: SyncExecutor, rows: Sequence[AnyRow]) -> list[Session]:
    if not rows:
        return []
    if len(rows) == 1:  # a session read alone (GetQuotaTable's check, every write's window)
        changes = _CHANGES_OF_ONE.all(db, {"s_id": rows[0].id})
    else:
        changes = list(db.execute(_CHANGES_OF, {"s_ids": [r.id for r in rows]}))
    return [_session(row, [c for c in changes if c.session_id == row.id]) for row in rows]


def get_session(db: SyncExecutor, session_id: str, *, for_update: bool = False) -> Session | None:
    row = (_GET_SESSION_FOR_UPDATE if for_update else _GET_SESSION).first(db, {"s_id": session_id})
    return _with_changes(db, [row])[0] if row else None


def list_sessions(db: SyncExecutor, *, after: tuple[datetime, str] | None, limit: int) -> list[Session]:
    """Most recent opening first."""
    query = select(SESSIONS).order_by(SESSIONS.c.open_time.desc(), SESSIONS.c.id.desc()).limit(limit)
    if after is not None:
        open_time, session_id = after
        query = query.where(
            or_(
                SESSIONS.c.open_time < open_time,
                and_(SESSIONS.c.open_time == open_time, SESSIONS.c.id < session_id),
            )
        )
    return _with_changes(db, db.execute(query).all())


def overlapping_sessions(
    db: SyncExecutor, open_time: datetime, close_time: datetime, *, except_id: str | None = None
) -> list[Session]:
    query = select(SESSIONS).where(SESSIONS.c.open_time < close_time, SESSIONS.c.close_time > open_time)
    if except_id is not None:
        query = query.where(SESSIONS.c.id != except_id)
    return [_session(row) for row in db.execute(query.order_by(SESSIONS.c.open_time))]


def sessions_closing_after(db: SyncExecutor, at: datetime) -> list[Session]:
    return [_session(row) for row in _SESSIONS_CLOSING_AFTER.all(db, {"at": at})]


async def insert_session(db: AsyncSession, session: Session) -> None:
    db.add(
        SessionRow(
            id=session.id,
            label=session.label,
            open_time=session.open_time,
            close_time=session.close_time,
            confirmation_email_date=session.confirmation_email_date,
            delivery_from_date=session.delivery_from_date,
            delivery_to_date=session.delivery_to_date,
            revision=session.revision,
            create_time=session.create_time,
            update_time=session.update_time,
        )
    )
    await db.flush()


async def update_session(db: AsyncSession, session: Session, change: WindowChange | None) -> None:
    row = await db.get(SessionRow, session.id)
    assert row is not None
    for key in (
        "label",
        "open_time",
        "close_time",
        "confirmation_email_date",
        "delivery_from_date",
        "delivery_to_date",
        "revision",
        "update_time",
    ):
        setattr(row, key, getattr(session, key))
    if change is not None:
        db.add(WindowChangeRow(session_id=session.id, **change.__dict__))
    await db.flush()


async def delete_session(db: AsyncSession, session_id: str) -> None:
    # Children first: SQLite only cascades with foreign_keys=ON, never rely on it alone.
    await db.execute(delete(QuotaRuleRow).where(QuotaRuleRow.session_id == session_id))
    await db.execute(delete(QuotaTableRow).where(QuotaTableRow.session_id == session_id))
    await db.execute(delete(WindowChangeRow).where(WindowChangeRow.session_id == session_id))
    await db.execute(delete(SessionRow).where(SessionRow.id == session_id))


# ---------------------------------------------------------------- calendar


def _window(row: CalendarWindowRow | AnyRow) -> CalendarWindow:
    return CalendarWindow(row.id, WindowKind(row.kind), row.start_time, row.end_time, row.message)


async def get_window(db: AsyncSession, window_id: str) -> CalendarWindow | None:
    row = await db.get(CalendarWindowRow, window_id)
    return _window(row) if row else None


async def list_windows(db: AsyncSession, *, after: tuple[datetime, str] | None, limit: int) -> list[CalendarWindow]:
    query = select(CalendarWindowRow).order_by(CalendarWindowRow.start_time, CalendarWindowRow.id).limit(limit)
    if after is not None:
        start, window_id = after
        query = query.where(
            or_(
                CalendarWindowRow.start_time > start,
                and_(CalendarWindowRow.start_time == start, CalendarWindowRow.id > window_id),
            )
        )
    return [_window(row) for row in (await db.scalars(query)).all()]


def windows_ending_after(db: SyncExecutor, at: datetime) -> list[CalendarWindow]:
    return [_window(row) for row in _WINDOWS_ENDING_AFTER.all(db, {"at": at})]


async def insert_window(db: AsyncSession, window: CalendarWindow, now: datetime) -> None:
    db.add(
        CalendarWindowRow(
            id=window.id,
            kind=window.kind.value,
            start_time=window.start_time,
            end_time=window.end_time,
            message=window.message,
            create_time=now,
        )
    )
    await db.flush()


async def delete_window(db: AsyncSession, window_id: str) -> None:
    await db.execute(delete(CalendarWindowRow).where(CalendarWindowRow.id == window_id))


# ---------------------------------------------------------------- quota tables


def _header(row: AnyRow) -> QuotaTable:
    return QuotaTable(row.session_id, row.version, row.publish_time, row.published_by)


def _rule(row: AnyRow) -> QuotaRule:
    return QuotaRule(
        EffecteurType[row.effecteur_type], row.product_id, QuotaKind(row.kind), row.max_vials, row.soft_threshold
    )


def _with_rules(db: SyncExecutor, headers: Sequence[QuotaTable]) -> list[QuotaTable]:
    if not headers:
        return []
    session_id = headers[0].session_id
    rows = db.execute(_RULES_OF, {"t_session": session_id, "t_versions": [h.version for h in headers]}).all()
    order = lambda r: (r.effecteur_type.value, r.product_id)  # noqa: E731
    return [
        replace(h, rules=tuple(sorted((_rule(r) for r in rows if r.version == h.version), key=order))) for h in headers
    ]


def version_headers(db: SyncExecutor, session_id: str) -> list[QuotaTable]:
    """Every version of a session's table, oldest first, without its rules."""
    return [_header(row) for row in _VERSION_HEADERS.all(db, {"t_session": session_id})]


def with_rules(db: SyncExecutor, header: QuotaTable) -> QuotaTable:
    """A version read by `version_headers`, with its rules."""
    return _with_rules(db, [header])[0]


def get_version(db: SyncExecutor, session_id: str, version: int) -> QuotaTable | None:
    row = db.execute(_GET_VERSION, {"t_session": session_id, "t_version": version}).first()
    return _with_rules(db, [_header(row)])[0] if row else None


def list_versions(db: SyncExecutor, session_id: str, *, before: int | None, limit: int) -> list[QuotaTable]:
    """Newest first."""
    query = select(TABLES).where(TABLES.c.session_id == session_id).order_by(TABLES.c.version.desc()).limit(limit)
    if before is not None:
        query = query.where(TABLES.c.version < before)
    return _with_rules(db, [_header(row) for row in db.execute(query)])


async def last_version_number(db: AsyncSession, session_id: str) -> int:
    query = select(func.max(QuotaTableRow.version)).where(QuotaTableRow.session_id == session_id)
    return (await db.scalar(query)) or 0


async def insert_version(db: AsyncSession, table: QuotaTable) -> None:
    assert table.publish_time is not None
    db.add(
        QuotaTableRow(
            session_id=table.session_id,
            version=table.version,
            publish_time=table.publish_time,
            published_by=table.published_by,
        )
    )
    await db.flush()
    db.add_all(
        QuotaRuleRow(
            session_id=table.session_id,
            version=table.version,
            effecteur_type=rule.effecteur_type.name,
            product_id=rule.product_id,
            kind=rule.kind.value,
            max_vials=rule.max_vials,
            soft_threshold=rule.soft_threshold,
        )
        for rule in table.rules
    )
    await db.flush()
