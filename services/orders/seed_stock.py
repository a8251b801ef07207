"""Demo data after delivery (run by services/orders/seed.py): the previous
reference session, `sessions/2022-02-28`, ordered, published and delivered at
Pharmacie des Lilas on Friday 11 March 2022, so a newcomer sees every state of
the stock page on Monday 21 March 2022 (see services/orders/README.md, "Demo
data", for the clock to run `make run` with):

- lots of the three vaccines with their expiry dates (Pfizer 12+, Moderna, Pfizer 5-11);
- vials collected by Jeanne Dubois (14 March), the EHPAD (15 March) and the PMI (12 March);
- vials still uncollected more than 7 days after receipt (Amina Traoré, Nadia Fontaine,
  Jeanne Dubois's Moderna, two of the PMI's paediatric vials);
- the Moderna lot 3004217 usable until Friday 25 March: its 7-day alert shows;
- the officine's own Pfizer vials used on 19 March, two Moderna vials of that lot offered to
  the professionals of Paris (Jeanne Dubois sees the offer in her space), and one broken
  Pfizer vial destroyed on 20 March with its certificate DES-2022-000001.

The lines, the confirmed vials and the published allocation are written through
the repository (the previous portal's data, as seed.py does); everything after
delivery goes through the real use cases (StockService, RedistributionService,
DestructionService) as the officine's titulaire, on a clock set to each
moment, so the counters, reservations, audit moves and the certificate's PDF
are what the service itself would have stored. Idempotent: nothing is done
once the receipt exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from services.common.clock import ManualClock
from services.common.context import Principal
from services.common.db import Database
from services.common.timefmt import PARIS
from services.orders import names, stock_names
from services.orders import repository as repo
from services.orders import repository_allocation as arepo
from services.orders import repository_stock as srepo
from services.orders.destruction import DestructionService
from services.orders.ports import EffecteurAttachment, Maintenance, ProductInfo, QuotaTable, SessionWindow
from services.orders.redistribution import RedistributionService
from services.orders.service import OrderRules
from services.orders.stock import StockService

SESSION_ID = "2022-02-28"
LILAS = "759900111"
CLAIRE = Principal(
    "899700000013",
    given_name="Claire",
    family_name="Moreau",
    roles=frozenset({"OFFICINE"}),
    acts_for=(f"officines/{LILAS}",),
)
NOTE = "Reprise des commandes de l'ancien portail (données de démonstration)."

# (effecteur id — "" for the officine itself, product id, vials, Paris time on 28 February)
LINES = [
    ("rpps:99700000104", "pfizer-adult", 6, "08:02"),  # Jeanne Dubois, médecin
    ("", "pfizer-adult", 10, "08:03"),
    ("rpps:99700000120", "pfizer-adult", 4, "08:05"),  # Amina Traoré, sage-femme
    ("finess:759901010", "moderna", 10, "08:06"),  # EHPAD Les Tilleuls
    ("rpps:99700000146", "moderna", 3, "08:07"),  # Nadia Fontaine, infirmier
    ("rpps:99700000104", "moderna", 2, "08:09"),
    ("finess:759901028", "pfizer-pediatric", 4, "08:12"),  # PMI Belleville
]
RECEIPT_DATE = "2022-03-11"
# (product id, lot, expiry, vials): what arrived on Friday 11 March.
LOTS = [
    ("pfizer-adult", "FK8891", "2022-05-31", 12),
    ("pfizer-adult", "FK9012", "2022-07-31", 8),
    ("moderna", "3004217", "2022-03-25", 10),
    ("moderna", "3005580", "2022-06-30", 5),
    ("pfizer-pediatric", "PD0456", "2022-08-31", 4),
]


def _at(day: str, hour: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour}:00").replace(tzinfo=PARIS)


class DatasetDirectory:
    """The session, catalogue and officine names of the dataset: the seed runs
    before the other services are up."""

    def __init__(self, dataset: dict[str, Any]) -> None:
        self._sessions = {
            s["id"]: SessionWindow(
                id=s["id"],
                label=s["label"],
                open_time=datetime.fromisoformat(s["opens_at"]),
                close_time=datetime.fromisoformat(s["closes_at"]),
                delivery_from_date=date.fromisoformat(s["delivery_from"]),
                delivery_to_date=date.fromisoformat(s["delivery_to"]),
                confirmation_email_date=date.fromisoformat(s["confirmation_email_on"]),
            )
            for s in dataset["sessions"]
        }
        self._products = {
            f"products/{p['id']}": ProductInfo(
                name=f"products/{p['id']}",
                display_name=p["name"],
                doses_per_unit=p["doses_per_vial"],
                shelf_life_days=p.get("shelf_life_days_2_8c"),
                redistributable_to=tuple(p.get("redistributable_to", ())),
            )
            for p in dataset["products"]
        }
        self._officines = {o["finess"]: o["name"] for o in dataset["officines"]}

    async def session(self, session_id: str) -> SessionWindow | None:
        return self._sessions.get(session_id)

    async def sessions(self) -> list[SessionWindow]:
        return list(self._sessions.values())

    async def maintenance(self) -> list[Maintenance]:
        return []

    async def products(self) -> dict[str, ProductInfo]:
        return self._products

    async def quota_table(self, session_id: str, at: datetime) -> QuotaTable | None:
        return None

    async def lookup(self, effecteur: str) -> EffecteurAttachment | None:
        return None

    async def lookup_many(self, effecteurs: Sequence[str]) -> dict[str, EffecteurAttachment | None]:
        return dict.fromkeys(effecteurs)

    async def officine_department(self, finess: str) -> str:
        return "75"

    async def officine_label(self, finess: str) -> str:
        return str(self._officines.get(finess, f"FINESS {finess}"))


async def _order_and_publish(db: Database, dataset: dict[str, Any], operator: str) -> None:
    types = {e["id"]: e["type"] for e in dataset["effecteurs"]}
    doses = {f"products/{p['id']}": p["doses_per_vial"] for p in dataset["products"]}
    confirmed: dict[str, int] = {}
    supply: dict[str, int] = {}
    async with db.write() as s:
        for effecteur_id, product_id, vials, at in LINES:
            effecteur = f"effecteurs/{effecteur_id}" if effecteur_id else names.self_effecteur(LILAS)
            product = f"products/{product_id}"
            ordered_at = _at(SESSION_ID, at)
            row = await s.run_sync(
                repo.insert_line,
                id=names.new_id(),
                session_id=SESSION_ID,
                finess=LILAS,
                effecteur=effecteur,
                product=product,
                vials=vials,
                vials_from_requests=0,
                effecteur_type=types[effecteur_id] if effecteur_id else "PHARMACIEN",
                department="75",
                doses_per_unit=doses[product],
                etag=names.new_etag(),
                created_by=operator,
                updated_by=operator,
                create_time=ordered_at,
                update_time=ordered_at,
            )
            if row is None:
                continue
            confirmed[row.id] = vials
            supply[product] = supply.get(product, 0) + vials
            await s.run_sync(repo.change_usage, SESSION_ID, effecteur, product, vials, None)
            await s.run_sync(
                repo.add_changes,
                repo.Audit(operator, ordered_at).change(
                    names.OfficineOrder(SESSION_ID, LILAS).line(row.id),
                    "CREATE",
                    0,
                    vials,
                    finess=LILAS,
                    effecteur=effecteur,
                    note=NOTE,
                ),
            )
        if confirmed:
            published = _at("2022-03-02", "10:00")
            etag = names.new_etag()
            await arepo.put_supply(s, SESSION_ID, supply, old_etag=None, new_etag=etag, actor=operator, now=published)
            await arepo.set_confirmed(s, confirmed)
            await arepo.insert_allocation(s, SESSION_ID, actor=operator, now=published, supply=supply, supply_etag=etag)


async def seed_after_delivery(db: Database, dataset: dict[str, Any], *, operator: str) -> dict[str, int]:
    async with db.read() as s:
        if await srepo.receipt_of(s, LILAS, SESSION_ID) is not None:
            return {"receipts": 0}
    await _order_and_publish(db, dataset, operator)
    directory = DatasetDirectory(dataset)
    clock = ManualClock(_at(RECEIPT_DATE, "09:30"))
    rules = OrderRules(db, clock, directory, directory, max_vials_per_line=10_000)
    stock = StockService(rules)
    redistribution = RedistributionService(stock, directory)
    destruction = DestructionService(stock, directory)
    request_id = ""  # each call once: the receipt above guards the whole seed

    await stock.record_receipt(
        CLAIRE,
        f"officines/{LILAS}",
        f"sessions/{SESSION_ID}",
        RECEIPT_DATE,
        [(f"products/{p}", lot, expiry, vials) for p, lot, expiry, vials in LOTS],
        request_id,
    )
    async with db.read() as s:
        lot_of = {row.lot_number: stock_names.lot(LILAS, row.id) for row in await srepo.lots(s, LILAS)}

    async def pickup(day: str, effecteur: str, lot: str, vials: int) -> None:
        clock.set(_at(day, "11:00"))
        await stock.record_pickup(
            CLAIRE, f"officines/{LILAS}", f"effecteurs/{effecteur}", lot_of[lot], vials, day, request_id
        )

    await pickup("2022-03-12", "finess:759901028", "PD0456", 2)
    await pickup("2022-03-14", "rpps:99700000104", "FK8891", 6)
    await pickup("2022-03-15", "finess:759901010", "3005580", 5)
    await pickup("2022-03-15", "finess:759901010", "3004217", 5)
    clock.set(_at("2022-03-19", "10:00"))
    await stock.use_vials(CLAIRE, lot_of["FK8891"], 4, request_id)
    await redistribution.create_offer(CLAIRE, lot_of["3004217"], 2, request_id)
    clock.set(_at("2022-03-20", "18:00"))
    await destruction.declare(CLAIRE, f"officines/{LILAS}", [(lot_of["FK9012"], 1)], "BROKEN", request_id)
    return {"receipts": 1}
