"""In-memory implementations of the orders domain's own ports (SessionDirectory,
AttachmentDirectory), filled from the reference dataset, for domain tests.
Servicer tests use the real SessionService and EffecteurService instead."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from services.orders.ports import EffecteurAttachment, Maintenance, ProductInfo, QuotaRule, QuotaTable, SessionWindow
from services.sessions.domain import Product


class MemorySessionDirectory:
    def __init__(self, dataset: dict) -> None:
        self.windows = {
            s["id"]: SessionWindow(
                s["id"],
                s["label"],
                datetime.fromisoformat(s["opens_at"]),
                datetime.fromisoformat(s["closes_at"]),
                delivery_from_date=date.fromisoformat(s["delivery_from"]),
                delivery_to_date=date.fromisoformat(s["delivery_to"]),
                confirmation_email_date=date.fromisoformat(s["confirmation_email_on"]),
            )
            for s in dataset["sessions"]
        }
        self.catalogue = {
            f"products/{p['id']}": ProductInfo(
                name=f"products/{p['id']}", display_name=p["name"], doses_per_unit=p["doses_per_vial"]
            )
            for p in dataset["products"]
        }
        # Whether a product can be ordered is SessionService's rule (its domain Product), folded into the table.
        self.orderable = {
            f"products/{p['id']}": Product(
                id=p["id"],
                display_name=p["name"],
                unit="flacon",
                doses_per_unit=p["doses_per_vial"],
                shelf_life_days=None,
                paediatric=False,
                redistributable_to=(),
                orderable_from=datetime.fromisoformat(p["orderable_from"]) if p.get("orderable_from") else None,
                orderable_until=None,
                active=True,
                display_order=0,
            )
            for p in dataset["products"]
        }
        self.maintenance_windows = [
            Maintenance(datetime.fromisoformat(w["starts_at"]), datetime.fromisoformat(w["ends_at"]), w["message"])
            for w in dataset["calendar"]
            if w["kind"] == "MAINTENANCE"
        ]
        self.tables = {
            session_id: QuotaTable(
                name=f"sessions/{session_id}/quotaTables/1",
                rules={
                    (r["effecteur_type"], f"products/{r['product']}"): QuotaRule(
                        r["kind"], r.get("max_vials", 0), r.get("soft_threshold", 0)
                    )
                    for r in rules
                },
            )
            for session_id, rules in dataset["quota_tables"].items()
        }

    async def maintenance(self) -> list[Maintenance]:
        return list(self.maintenance_windows)

    def set_rule(self, session_id: str, effecteur_type: str, product: str, rule: QuotaRule) -> None:
        table = self.tables[session_id]
        self.tables[session_id] = replace(table, rules={**table.rules, (effecteur_type, product): rule})

    def add_session(self, window: SessionWindow, copy_table_of: str) -> None:
        self.windows[window.id] = window
        self.tables[window.id] = self.tables[copy_table_of]

    async def session(self, session_id: str) -> SessionWindow | None:
        return self.windows.get(session_id)

    async def sessions(self) -> list[SessionWindow]:
        return list(self.windows.values())

    async def products(self) -> dict[str, ProductInfo]:
        return dict(self.catalogue)

    async def quota_table(self, session_id: str, at: datetime) -> QuotaTable | None:
        table = self.tables.get(session_id)
        if table is None:
            return None
        rules = dict(table.rules)
        for (effecteur_type, product), rule in table.rules.items():
            reason = self.orderable[product].not_orderable_reason(at)
            rules[(effecteur_type, product)] = QuotaRule("NOT_OPEN", not_open_reason=reason) if reason else rule
        return replace(table, rules=rules, effective_at=at)


class MemoryAttachmentDirectory:
    def __init__(self, dataset: dict) -> None:
        self.effecteurs = {f"effecteurs/{e['id']}": (e["type"], e["name"]) for e in dataset["effecteurs"]}
        self.departments = {o["finess"]: o["postal_code"][:2] for o in dataset["officines"]}
        self.attached = {f"effecteurs/{a['effecteur']}": f"officines/{a['officine']}" for a in dataset["attachments"]}
        for o in dataset["officines"]:
            own = f"effecteurs/finess:{o['finess']}"
            self.effecteurs[own] = ("PHARMACIEN", o["name"])
            self.attached[own] = f"officines/{o['finess']}"

    def attach(self, effecteur: str, finess: str | None) -> None:
        if finess is None:
            self.attached.pop(effecteur, None)
        else:
            self.attached[effecteur] = f"officines/{finess}"

    async def lookup(self, effecteur: str) -> EffecteurAttachment | None:
        if effecteur not in self.effecteurs:
            return None
        effecteur_type, display_name = self.effecteurs[effecteur]
        return EffecteurAttachment(effecteur, effecteur_type, display_name, self.attached.get(effecteur))

    async def lookup_many(self, effecteurs: list[str]) -> dict[str, EffecteurAttachment | None]:
        return {effecteur: await self.lookup(effecteur) for effecteur in effecteurs}

    async def officine_department(self, finess: str) -> str:
        return self.departments[finess]
