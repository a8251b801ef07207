"""The demo seed of the reference session: idempotent, a closed session ready
for the operator's Friday (a short supply for Pfizer 12+, nothing published)."""

from __future__ import annotations

from services.orders.seed import seed_dataset
from tests.orders.conftest import AFTER, OPERATOR, SESSION, Domain


async def test_seed_orders_for_officines_and_effecteurs_with_a_short_pfizer_supply_once(
    domain: Domain, dataset: dict
) -> None:
    first = await seed_dataset(domain.db, dataset, operator=OPERATOR.national_id, now=AFTER)
    again = await seed_dataset(domain.db, dataset, operator=OPERATOR.national_id, now=AFTER)
    assert first == {"lines": 21, "supply_products": 3, "receipts": 1}
    assert again == {"lines": 0, "supply_products": 0, "receipts": 0}
    domain.clock.set(AFTER)
    preview = await domain.supply.preview(OPERATOR, f"sessions/{SESSION}")
    figures = {p.product: (p.supply, p.ordered_vials, p.confirmed_vials, p.lines_reduced > 0) for p in preview.products}
    assert figures == {
        "products/moderna": (60, 36, 36, False),
        "products/pfizer-adult": (80, 101, 80, True),
        "products/pfizer-pediatric": (20, 7, 7, False),
    }
    assert {d.department for d in preview.departments} == {"13", "69", "75"}
    lines = await domain.lines.list(OPERATOR, f"sessions/{SESSION}/officines/-", "", "", 0, "")
    by_effecteur = {(line.effecteur, line.effecteur_type) for line in lines.items}
    assert {
        ("effecteurs/rpps:99700000104", "MEDECIN"),
        ("effecteurs/rpps:99700000120", "SAGE_FEMME"),
        ("effecteurs/rpps:99700000146", "INFIRMIER"),
        ("effecteurs/finess:759901010", "EHPAD"),
        ("effecteurs/rpps:99700000138", "CHIRURGIEN_DENTISTE"),
        ("effecteurs/finess:699901039", "CDS"),
        ("effecteurs/finess:759900111", "PHARMACIEN"),
    } <= by_effecteur
    with_allocation = await domain.supply.get_supply(OPERATOR, f"sessions/{SESSION}/supply")
    assert with_allocation.update_by == OPERATOR.national_id
