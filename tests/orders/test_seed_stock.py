"""The demo after delivery (services/orders/seed_stock.py): on Monday 21 March
2022, Pharmacie des Lilas shows every state of its stock, reconciled."""

from __future__ import annotations

from datetime import datetime

from services.common.clock import ManualClock
from services.orders.seed import seed_dataset
from services.orders.seed_stock import CLAIRE, DatasetDirectory
from services.orders.service import OrderRules
from services.orders.stock import StockService
from services.orders.stock_rules import EXPIRED
from tests.orders.conftest import AFTER, OPERATOR, Domain

MONDAY_21 = datetime.fromisoformat("2022-03-21T09:00:00+01:00")


async def test_the_demo_stock_shows_collected_uncollected_expiring_offered_and_destroyed_vials(
    domain: Domain, dataset: dict
) -> None:
    await seed_dataset(domain.db, dataset, operator=OPERATOR.national_id, now=AFTER)
    directory = DatasetDirectory(dataset)
    stock = StockService(OrderRules(domain.db, ManualClock(MONDAY_21), directory, directory, max_vials_per_line=10))
    view = await stock.get_stock(CLAIRE, "officines/759900111/stock")
    products = {p.product: p for p in view.products}
    for p in view.products:
        assert p.received == p.picked_up + p.handed_over + p.used + p.destroyed + p.in_stock
    pfizer, moderna, paediatric = (
        products["products/pfizer-adult"],
        products["products/moderna"],
        products["products/pfizer-pediatric"],
    )
    assert (pfizer.received, pfizer.picked_up, pfizer.used, pfizer.destroyed, pfizer.in_stock) == (20, 6, 4, 1, 9)
    assert pfizer.uncollected == 4  # Amina Traoré's, received ten days ago
    expiring = next(lot for lot in moderna.lots if lot.lot_number == "3004217")
    assert (expiring.usable_until, expiring.alert, expiring.offered) == ("2022-03-25", 7, 2)
    assert moderna.reserved == 3 and moderna.uncollected == 3
    assert paediatric.picked_up == 2 and paediatric.uncollected == 2
    assert not any(lot.alert == EXPIRED for p in view.products for lot in p.lots)
    assert view.sessions_to_receive == [] and len(view.receipts) == 1
