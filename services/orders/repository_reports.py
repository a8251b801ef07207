"""SQL aggregates: an officine's summary, live national totals, exports.

Doses are summed from the doses per vial frozen on each line, so a later
catalogue change never rewrites a past session's figures or files.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.orders.models import AnyRow
from services.orders.repository import LINES, ordered

_DOSES = func.sum(LINES.c.vials * LINES.c.doses_per_unit)


async def officine_totals(s: AsyncSession, session_id: str, finess: str) -> list[AnyRow]:
    """(effecteur, product, vials, doses) for one officine's session."""
    statement = (
        select(LINES.c.effecteur, LINES.c.product, func.sum(LINES.c.vials).label("vials"), _DOSES.label("doses"))
        .where(LINES.c.session_id == session_id, LINES.c.finess == finess)
        .group_by(LINES.c.effecteur, LINES.c.product)
        .order_by(ordered(s, LINES.c.effecteur), ordered(s, LINES.c.product))
    )
    return list((await s.execute(statement)).all())


async def department_totals(s: AsyncSession, session_id: str) -> list[AnyRow]:
    """(department, product, vials, doses): one indexed GROUP BY, polled live."""
    statement = (
        select(LINES.c.department, LINES.c.product, func.sum(LINES.c.vials).label("vials"), _DOSES.label("doses"))
        .where(LINES.c.session_id == session_id)
        .group_by(LINES.c.department, LINES.c.product)
        .order_by(ordered(s, LINES.c.department), ordered(s, LINES.c.product))
    )
    return list((await s.execute(statement)).all())


async def ordering_officines(s: AsyncSession, session_id: str) -> int:
    value = await s.scalar(select(func.count(func.distinct(LINES.c.finess))).where(LINES.c.session_id == session_id))
    return int(value or 0)


async def consolidated_rows(s: AsyncSession, session_id: str) -> AsyncIterator[AnyRow]:
    """One row per officine × product, by FINESS then product. The département is
    the one frozen on the officine's lines (MIN keeps it deterministic should an
    officine have moved mid-session)."""
    statement = (
        select(
            LINES.c.finess,
            func.min(LINES.c.department).label("department"),
            LINES.c.product,
            func.sum(LINES.c.vials).label("vials"),
            _DOSES.label("doses"),
        )
        .where(LINES.c.session_id == session_id)
        .group_by(LINES.c.finess, LINES.c.product)
        .order_by(ordered(s, LINES.c.finess), ordered(s, LINES.c.product))
    )
    async for row in await s.stream(statement):
        yield row


async def detail_rows(s: AsyncSession, session_id: str) -> AsyncIterator[AnyRow]:
    """One row per officine × effecteur × product (one line each)."""
    statement = (
        select(
            LINES.c.finess,
            LINES.c.department,
            LINES.c.effecteur,
            LINES.c.effecteur_type,
            LINES.c.product,
            LINES.c.vials,
            (LINES.c.vials * LINES.c.doses_per_unit).label("doses"),
        )
        .where(LINES.c.session_id == session_id)
        .order_by(ordered(s, LINES.c.finess), ordered(s, LINES.c.effecteur), ordered(s, LINES.c.product))
    )
    async for row in await s.stream(statement):
        yield row
