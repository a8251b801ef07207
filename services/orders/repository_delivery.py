"""SQL of the delivery plan, the confirmations sent, the date-change feed and
the deliveries (officines of published sessions with their lines)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import feeds
from services.common.db import table_of
from services.orders.models import AnyRow, ConfirmationSent, DeliveryDateChange, DeliveryOverride
from services.orders.repository import LINES, _dialect, after_in_session, line_scope, ordered
from services.orders.repository_allocation import ALLOCATIONS

OVERRIDES = table_of(DeliveryOverride)
SENT = table_of(ConfirmationSent)
DATE_CHANGES = table_of(DeliveryDateChange)

DEPARTMENT, FINESS = "DEPARTMENT", "FINESS"


# -- plan -------------------------------------------------------------------------


async def overrides(s: AsyncSession, session_ids: Sequence[str]) -> list[AnyRow]:
    statement = (
        select(OVERRIDES)
        .where(OVERRIDES.c.session_id.in_(list(session_ids)))
        .order_by(OVERRIDES.c.session_id, OVERRIDES.c.kind, ordered(s, OVERRIDES.c.code))
    )
    return list((await s.execute(statement)).all())


async def set_override(
    s: AsyncSession, session_id: str, kind: str, code: str, date: str, actor: str, now: datetime
) -> None:
    values = {"date": date, "update_by": actor, "update_time": now}
    statement = _dialect(s).insert(OVERRIDES).values(session_id=session_id, kind=kind, code=code, **values)
    await s.execute(
        statement.on_conflict_do_update(
            index_elements=[OVERRIDES.c.session_id, OVERRIDES.c.kind, OVERRIDES.c.code], set_=values
        )
    )


async def clear_override(s: AsyncSession, session_id: str, kind: str, code: str) -> bool:
    result = await s.execute(
        delete(OVERRIDES).where(
            OVERRIDES.c.session_id == session_id, OVERRIDES.c.kind == kind, OVERRIDES.c.code == code
        )
    )
    assert isinstance(result, CursorResult)  # a DELETE: its row count
    return result.rowcount == 1


async def replace_overrides(
    s: AsyncSession, session_id: str, rows: Iterable[tuple[str, str, str]], actor: str, now: datetime
) -> None:
    """The plan's overrides become `rows` ((kind, code, date)), nothing else."""
    await s.execute(delete(OVERRIDES).where(OVERRIDES.c.session_id == session_id))
    values = [
        {"session_id": session_id, "kind": k, "code": c, "date": d, "update_by": actor, "update_time": now}
        for k, c, d in rows
    ]
    if values:
        await s.execute(insert(OVERRIDES), values)


async def session_officines(s: AsyncSession, session_id: str, finess: Sequence[str] | None = None) -> dict[str, str]:
    """FINESS -> département of the officines with lines in the session (all of
    them, or those of `finess`). MIN keeps the département deterministic."""
    statement = select(LINES.c.finess, func.min(LINES.c.department).label("department")).where(
        LINES.c.session_id == session_id
    )
    if finess is not None:
        statement = statement.where(LINES.c.finess.in_(list(finess)))
    rows = await s.execute(statement.group_by(LINES.c.finess))
    return {r.finess: r.department for r in rows}


# -- confirmations and the feed -------------------------------------------------------


async def confirmations(s: AsyncSession, session_id: str, finess: Sequence[str] | None = None) -> list[AnyRow]:
    statement = select(SENT).where(SENT.c.session_id == session_id)
    if finess is not None:
        statement = statement.where(SENT.c.finess.in_(list(finess)))
    return list((await s.execute(statement)).all())


async def add_confirmations(s: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await s.execute(insert(SENT), rows)


async def add_date_changes(
    s: AsyncSession, session_id: str, changes: Iterable[tuple[str, str, str]], actor: str, now: datetime
) -> int:
    """Append (finess, old, new) to the feed; how many."""
    values = [
        {
            "session_id": session_id,
            "finess": finess,
            "old_date": old,
            "new_date": new,
            "change_by": actor,
            "change_time": now,
        }
        for finess, old, new in changes
    ]
    if values:
        # The mailer's notifier reads on after the last id it saw (feeds.py).
        await feeds.append_in_commit_order(s, feeds.DELIVERY_DATE_CHANGES)
        await s.execute(insert(DATE_CHANGES), values)
    return len(values)


async def list_date_changes(s: AsyncSession, after_id: int, limit: int) -> list[AnyRow]:
    statement = select(DATE_CHANGES).where(DATE_CHANGES.c.id > after_id).order_by(DATE_CHANGES.c.id).limit(limit)
    return list((await s.execute(statement)).all())


# -- deliveries -------------------------------------------------------------------------


async def delivery_officines(
    s: AsyncSession,
    *,
    finess: str | None,
    session_id: str | None,
    effecteur: str | None,
    after: Sequence[str] | None,
    limit: int,
) -> list[AnyRow]:
    """(session_id, finess, department) of officines with lines in a published
    session, by session (newest first) then FINESS: one GROUP BY per page."""
    condition = line_scope(finess, session_id, effecteur)
    if after is not None:
        a_session, a_finess = after
        condition.append(after_in_session(s, a_session, ordered(s, LINES.c.finess) > a_finess))
    statement = (
        select(LINES.c.session_id, LINES.c.finess, func.min(LINES.c.department).label("department"))
        .join(ALLOCATIONS, ALLOCATIONS.c.session_id == LINES.c.session_id)
        .where(*condition)
        .group_by(LINES.c.session_id, LINES.c.finess)
        .order_by(ordered(s, LINES.c.session_id).desc(), ordered(s, LINES.c.finess))
        .limit(limit)
    )
    return list((await s.execute(statement)).all())


def _pairs_condition(session_id: Any, finess: Any, pairs: Sequence[tuple[str, str]]) -> list[Any]:
    """Rows of these (session, officine) pairs, as two plain IN lists (a page
    spans one session or a few): PostgreSQL hashes them, where a row-value IN
    of a thousand pairs is compared one by one. The caller drops the few
    cross-combinations."""
    return [session_id.in_(sorted({p[0] for p in pairs})), finess.in_(sorted({p[1] for p in pairs}))]


async def delivery_lines(s: AsyncSession, pairs: Sequence[tuple[str, str]], effecteur: str | None) -> list[AnyRow]:
    """The lines of these (session, officine) pairs (only `effecteur`'s when set)."""
    if not pairs:
        return []
    condition = _pairs_condition(LINES.c.session_id, LINES.c.finess, pairs)
    if effecteur is not None:
        condition.append(LINES.c.effecteur == effecteur)
    statement = (
        select(
            LINES.c.session_id,
            LINES.c.finess,
            LINES.c.effecteur,
            LINES.c.effecteur_type,
            LINES.c.product,
            LINES.c.vials,
            LINES.c.confirmed_vials,
            LINES.c.doses_per_unit,
        )
        .where(*condition)
        .order_by(ordered(s, LINES.c.effecteur), ordered(s, LINES.c.product))
    )
    wanted = set(pairs)
    return [r for r in (await s.execute(statement)).all() if (r.session_id, r.finess) in wanted]


async def sent_for(s: AsyncSession, pairs: Sequence[tuple[str, str]]) -> Mapping[tuple[str, str], AnyRow]:
    if not pairs:
        return {}
    rows = await s.execute(select(SENT).where(*_pairs_condition(SENT.c.session_id, SENT.c.finess, pairs)))
    wanted = set(pairs)
    return {(r.session_id, r.finess): r for r in rows if (r.session_id, r.finess) in wanted}
