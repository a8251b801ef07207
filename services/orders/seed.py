"""`python -m services.orders seed fixtures/reference-week.json`.

Demo orders of the reference session `sessions/2022-03-07` (closed), so a
newcomer logged in as the operator can walk the whole Friday: supply, preview,
publish, plan, dry run, send.

- Lines of the three reference officines, for themselves and for attached
  effecteurs — the médecin Jeanne Dubois, the sage-femme Amina Traoré, the
  infirmier Nadia Fontaine, the EHPAD Les Tilleuls and the PMI at Lilas; the
  médecin Hugo Lefebvre, the dentist Paul Roux and the CDS at Confluent; the
  LBM and the MAS at the Vieux-Port — entered on Monday 7 March between 08:01
  and 08:40 (Paris), so the allocation's tie-break by order time shows.
- A supply short for Pfizer 12+ (80 vials for 101 ordered: lines are reduced)
  and enough for Moderna and Pfizer 5-11. No allocation is published and no
  confirmation is sent: that is the operator's walk.

The window is closed, so lines are written directly through the repository
(this is the migration of the previous portal's orders), with what a real
write copies onto a line: effecteur type, département (from the officine's
postal code in the dataset) and doses per vial (dataset products); the quota
ledger and the audit trail move with them. The actor is the dataset's
operator. Idempotent: a line exists once per (session, officine, effecteur,
product) and the supply is set only when none was recorded; a second run adds
nothing.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog

from services.common.db import Database
from services.common.timefmt import PARIS
from services.orders import names
from services.orders import repository as repo
from services.orders import repository_allocation as arepo
from services.orders.settings import OrdersSettings

log = structlog.get_logger("orders.seed")

SESSION_ID = "2022-03-07"
NOTE = "Reprise des commandes de l'ancien portail (données de démonstration)."

# (officine FINESS, effecteur id — "" for the officine itself, product id, vials, Paris time on 7 March)
LINES: list[tuple[str, str, str, int, str]] = [
    ("759900111", "finess:759901010", "pfizer-adult", 20, "08:01"),  # EHPAD Les Tilleuls
    ("759900111", "", "pfizer-adult", 10, "08:02"),
    ("759900111", "rpps:99700000104", "pfizer-adult", 12, "08:03"),  # Jeanne Dubois, médecin
    ("759900111", "rpps:99700000120", "pfizer-adult", 5, "08:04"),  # Amina Traoré, sage-femme
    ("759900111", "", "moderna", 4, "08:05"),
    ("759900111", "rpps:99700000146", "pfizer-adult", 7, "08:06"),  # Nadia Fontaine, infirmier
    ("759900111", "rpps:99700000104", "moderna", 6, "08:07"),
    ("759900111", "rpps:99700000104", "pfizer-pediatric", 3, "08:08"),
    ("759900111", "finess:759901010", "moderna", 10, "08:09"),
    ("759900111", "rpps:99700000146", "moderna", 2, "08:10"),
    ("759900111", "finess:759901028", "pfizer-pediatric", 4, "08:11"),  # PMI Belleville
    ("699900122", "", "pfizer-adult", 8, "08:02"),
    ("699900122", "rpps:99700000112", "pfizer-adult", 9, "08:04"),  # Hugo Lefebvre, médecin
    ("699900122", "rpps:99700000112", "moderna", 3, "08:05"),
    ("699900122", "rpps:99700000138", "pfizer-adult", 4, "08:06"),  # Paul Roux, chirurgien-dentiste
    ("699900122", "finess:699901039", "pfizer-adult", 15, "08:08"),  # CDS Croix-Rousse
    ("699900122", "finess:699901039", "moderna", 5, "08:09"),
    ("139900138", "", "pfizer-adult", 6, "08:20"),
    ("139900138", "", "moderna", 2, "08:21"),
    ("139900138", "finess:139901052", "pfizer-adult", 5, "08:30"),  # LBM Saint-Charles
    ("139900138", "finess:139901060", "moderna", 4, "08:40"),  # MAS Les Calanques
]
# Pfizer 12+: 101 vials ordered, 80 available -> reduced; the others fit.
SUPPLY = {"products/pfizer-adult": 80, "products/moderna": 60, "products/pfizer-pediatric": 20}


def department_of(postal_code: str) -> str:
    """ "75020" -> "75"; Corsica 200xx-201xx "2A", 202xx-206xx "2B"; overseas 97x -> 3 digits."""
    if postal_code.startswith("20"):
        return "2A" if int(postal_code[:3]) <= 201 else "2B"
    if postal_code.startswith(("97", "98")):
        return postal_code[:3]
    return postal_code[:2]


async def seed_dataset(db: Database, dataset: dict[str, Any], *, operator: str, now: datetime) -> dict[str, int]:
    departments = {o["finess"]: department_of(o["postal_code"]) for o in dataset["officines"]}
    types = {e["id"]: e["type"] for e in dataset["effecteurs"]}
    doses = {f"products/{p['id']}": p["doses_per_vial"] for p in dataset["products"]}
    created = 0
    async with db.write() as s:
        for finess, effecteur_id, product_id, vials, at in LINES:
            effecteur = f"effecteurs/{effecteur_id}" if effecteur_id else names.self_effecteur(finess)
            product = f"products/{product_id}"
            ordered_at = datetime.fromisoformat(f"{SESSION_ID}T{at}:00").replace(tzinfo=PARIS)
            row = await s.run_sync(
                repo.insert_line,
                id=names.new_id(),
                session_id=SESSION_ID,
                finess=finess,
                effecteur=effecteur,
                product=product,
                vials=vials,
                vials_from_requests=0,
                effecteur_type=types[effecteur_id] if effecteur_id else "PHARMACIEN",
                department=departments[finess],
                doses_per_unit=doses[product],
                etag=names.new_etag(),
                created_by=operator,
                updated_by=operator,
                create_time=ordered_at,
                update_time=ordered_at,
            )
            if row is None:  # seeded before
                continue
            created += 1
            await s.run_sync(repo.change_usage, SESSION_ID, effecteur, product, vials, None)
            await s.run_sync(
                repo.add_changes,
                repo.Audit(operator, now).change(
                    names.OfficineOrder(SESSION_ID, finess).line(row.id),
                    "CREATE",
                    0,
                    vials,
                    finess=finess,
                    effecteur=effecteur,
                    note=NOTE,
                ),
            )
        head, _ = await arepo.get_supply(s, SESSION_ID)
        supplied = 0
        if head is None:
            await arepo.put_supply(
                s, SESSION_ID, SUPPLY, old_etag=None, new_etag=names.new_etag(), actor=operator, now=now
            )
            await s.run_sync(
                repo.add_changes,
                *[
                    repo.Audit(operator, now).change(
                        names.supply_name(SESSION_ID), "UPDATE_SUPPLY", 0, vials, note=product
                    )
                    for product, vials in sorted(SUPPLY.items())
                ],
            )
            supplied = len(SUPPLY)
    # The previous session, delivered and in stock at Lilas (services/orders/seed_stock.py).
    from services.orders.seed_stock import seed_after_delivery  # noqa: PLC0415 (imports this package's services)

    after = await seed_after_delivery(db, dataset, operator=operator)
    log.info("orders.seeded", session=SESSION_ID, lines_created=created, supply_products=supplied, **after)
    return {"lines": created, "supply_products": supplied, **after}


async def seed_file(path: Path, settings: OrdersSettings, now: datetime) -> dict[str, int]:
    dataset = json.loads(await asyncio.to_thread(path.read_text, encoding="utf-8"))
    operator = settings.operators[0] if settings.operators else dataset["operators"][0]
    db = Database(settings.resolved_database_url())
    try:
        return await seed_dataset(db, dataset, operator=operator, now=now)
    finally:
        await db.dispose()
