"""SQL of the supply and the national allocation: the supply per product, the
lines a closed session allocates, their confirmed vials, the published row."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import bindparam, case, func, select, text, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import table_of
from services.orders.models import Allocation, AnyRow, Supply, SupplyProduct
from services.orders.repository import LINES, _dialect, ordered

SUPPLIES = table_of(Supply)
SUPPLY_PRODUCTS = table_of(SupplyProduct)
ALLOCATIONS = table_of(Allocation)


# -- supply ----------------------------------------------------------------------


async def get_supply(s: AsyncSession, session_id: str) -> tuple[AnyRow | None, dict[str, int]]:
    """(the head row with etag, who, when; vials per product)."""
    head = (await s.execute(select(SUPPLIES).where(SUPPLIES.c.session_id == session_id))).first()
    rows = await s.execute(
        select(SUPPLY_PRODUCTS.c.product, SUPPLY_PRODUCTS.c.vials)
        .where(SUPPLY_PRODUCTS.c.session_id == session_id)
        .order_by(ordered(s, SUPPLY_PRODUCTS.c.product))
    )
    return head, {r.product: r.vials for r in rows}


async def put_supply(
    s: AsyncSession,
    session_id: str,
    products: Mapping[str, int],
    *,
    old_etag: str | None,
    new_etag: str,
    actor: str,
    now: datetime,
) -> bool:
    """Set the products given (others keep their value) and move the etag, if the
    supply still carries `old_etag` (None: none existed). False when it changed."""
    if old_etag is None:
        inserted = await s.execute(
            _dialect(s)
            .insert(SUPPLIES)
            .values(session_id=session_id, etag=new_etag, update_by=actor, update_time=now)
            .on_conflict_do_nothing()
            .returning(SUPPLIES.c.session_id)
        )
        if inserted.first() is None:
            return False
    else:
        moved = await s.execute(
            update(SUPPLIES)
            .where(SUPPLIES.c.session_id == session_id, SUPPLIES.c.etag == old_etag)
            .values(etag=new_etag, update_by=actor, update_time=now)
        )
        assert isinstance(moved, CursorResult)  # an UPDATE: its row count
        if moved.rowcount != 1:
            return False
    for product, vials in products.items():
        statement = _dialect(s).insert(SUPPLY_PRODUCTS).values(session_id=session_id, product=product, vials=vials)
        await s.execute(
            statement.on_conflict_do_update(
                index_elements=[SUPPLY_PRODUCTS.c.session_id, SUPPLY_PRODUCTS.c.product], set_={"vials": vials}
            )
        )
    return True


async def lock_supply(s: AsyncSession, session_id: str, etag: str) -> bool:
    """Hold the supply row (unchanged) for this transaction if it still carries
    `etag`: a concurrent UpdateSupply waits for us, then finds the allocation
    published. False when the supply changed."""
    locked = await s.execute(
        update(SUPPLIES)
        .where(SUPPLIES.c.session_id == session_id, SUPPLIES.c.etag == etag)
        .values(etag=etag)
        .returning(SUPPLIES.c.session_id)
    )
    return locked.first() is not None


# -- allocation -------------------------------------------------------------------


async def lock_allocation(s: AsyncSession, session_id: str) -> AnyRow | None:
    """The published allocation, locked for this transaction (PostgreSQL; SQLite
    has one writer anyway): plan edits and recorded confirmations of a session
    take it first, so each sees the other's committed rows and no date change
    after a confirmation goes unannounced."""
    statement = select(ALLOCATIONS).where(ALLOCATIONS.c.session_id == session_id).with_for_update()
    return (await s.execute(statement)).first()


async def get_allocation(s: AsyncSession, session_id: str) -> AnyRow | None:
    return (await s.execute(select(ALLOCATIONS).where(ALLOCATIONS.c.session_id == session_id))).first()


async def published_sessions(s: AsyncSession, session_ids: Sequence[str]) -> dict[str, AnyRow]:
    rows = await s.execute(select(ALLOCATIONS).where(ALLOCATIONS.c.session_id.in_(list(session_ids))))
    return {r.session_id: r for r in rows}


async def insert_allocation(
    s: AsyncSession, session_id: str, *, actor: str, now: datetime, supply: Mapping[str, int], supply_etag: str
) -> bool:
    """False when the session's allocation is already published (the primary key decides)."""
    inserted = await s.execute(
        _dialect(s)
        .insert(ALLOCATIONS)
        .values(
            session_id=session_id,
            publish_by=actor,
            publish_time=now,
            supply=json.dumps(dict(sorted(supply.items()))),
            supply_etag=supply_etag,
            confirmations_sent_time=None,
        )
        .on_conflict_do_nothing()
        .returning(ALLOCATIONS.c.session_id)
    )
    return inserted.first() is not None


async def mark_confirmations_sent(s: AsyncSession, session_id: str, now: datetime) -> None:
    """The first confirmation queued for the session; later ones keep it."""
    await s.execute(
        update(ALLOCATIONS)
        .where(ALLOCATIONS.c.session_id == session_id, ALLOCATIONS.c.confirmations_sent_time.is_(None))
        .values(confirmations_sent_time=now)
    )


async def ordered_products(s: AsyncSession, session_id: str) -> set[str]:
    rows = await s.execute(select(LINES.c.product).where(LINES.c.session_id == session_id).distinct())
    return {r.product for r in rows}


async def session_claims(s: AsyncSession, session_id: str) -> list[AnyRow]:
    """Every line of the session as the allocation needs it."""
    statement = select(
        LINES.c.id,
        LINES.c.finess,
        LINES.c.product,
        LINES.c.department,
        LINES.c.vials,
        LINES.c.create_time,
    ).where(LINES.c.session_id == session_id)
    return list((await s.execute(statement)).all())


# PostgreSQL: every line of the session in one statement, the values as two arrays.
_SET_CONFIRMED_PG = text(
    "UPDATE order_lines SET confirmed_vials = allocated.confirmed "
    "FROM unnest(CAST(:line_ids AS varchar[]), CAST(:confirmed AS integer[])) AS allocated(line_id, confirmed) "
    "WHERE order_lines.id = allocated.line_id"
)


async def set_confirmed(s: AsyncSession, confirmed: Mapping[str, int]) -> None:
    """Each line's confirmed vials (the etag is left alone: the line's own fields
    did not change, and the session is closed anyway). PostgreSQL: one UPDATE
    joined to the values unnested from two arrays (an executemany of 60,000
    rows takes seconds there); SQLite: one executemany (in-process, fast)."""
    if not confirmed:
        return
    if s.get_bind().dialect.name == "postgresql":
        await s.execute(_SET_CONFIRMED_PG, {"line_ids": list(confirmed), "confirmed": list(confirmed.values())})
        return
    statement = update(LINES).where(LINES.c.id == bindparam("line_id")).values(confirmed_vials=bindparam("confirmed"))
    await s.execute(statement, [{"line_id": line_id, "confirmed": vials} for line_id, vials in confirmed.items()])


async def allocation_cells(s: AsyncSession, session_id: str) -> list[AnyRow]:
    """(department, product, ordered, confirmed, lines, reduced) of a published
    allocation: one GROUP BY on the totals index."""
    confirmed = func.coalesce(LINES.c.confirmed_vials, 0)
    statement = (
        select(
            LINES.c.department,
            LINES.c.product,
            func.sum(LINES.c.vials).label("ordered"),
            func.sum(confirmed).label("confirmed"),
            func.count().label("lines"),
            func.sum(case((confirmed < LINES.c.vials, 1), else_=0)).label("reduced"),
        )
        .where(LINES.c.session_id == session_id)
        .group_by(LINES.c.department, LINES.c.product)
    )
    return list((await s.execute(statement)).all())
