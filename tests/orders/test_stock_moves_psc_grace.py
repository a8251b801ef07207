"""A stock move made while PSC could not be reached is marked in the audit trail, as the
order lines' changes are (docs/psc-outage.md); any other move is not."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from services.common.context import Principal, principal_var
from services.orders import repository_stock as srepo
from services.orders.stock_models import StockMove

NOW = datetime(2022, 3, 21, 9, 0, tzinfo=UTC)


async def _move_as(domain, principal: Principal | None) -> bool:  # type: ignore[no-untyped-def]
    token = principal_var.set(principal)
    try:
        async with domain.db.write() as s:
            move_id = await srepo.add_move(
                s,
                finess="759900111",
                product="products/moderna",
                kind="PICKUP",
                vials=1,
                day="2022-03-21",
                actor=principal.national_id if principal else "stock-alerts",
                move_time=NOW,
            )
        async with domain.db.read() as s:
            return bool((await s.execute(select(StockMove.psc_grace).where(StockMove.id == move_id))).scalar_one())
    finally:
        principal_var.reset(token)


async def test_a_move_under_the_psc_grace_is_marked_and_others_are_not(domain) -> None:  # type: ignore[no-untyped-def]
    assert await _move_as(domain, Principal("899700000013", psc_mode="GRACE")) is True
    assert await _move_as(domain, Principal("899700000013")) is False
    assert await _move_as(domain, None) is False
