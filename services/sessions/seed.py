"""`python -m services.sessions seed fixtures/reference-week.json`.

Loads the sessions part of the dataset (products, sessions, calendar windows,
quota tables) and keeps the demo session `sessions/demo` open: created, or
re-opened for the next days when it has closed, with the reference week's
quota table except EHPAD × Moderna capped at 10 vials, so the demo shows a cap.

Idempotent: everything goes through the service layer (same validation and
overlap rule as an operator's call), and only what is missing is created.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import structlog

from services.common.clock import Clock, clock_from_start
from services.common.context import Principal
from services.common.db import Database
from services.common.errors import InvalidArgument, NotFound
from services.common.timefmt import PARIS
from services.sessions.domain import (
    EffecteurType,
    ProductDraft,
    QuotaKind,
    QuotaRule,
    RuleDraft,
    SessionDraft,
    WindowKind,
)
from services.sessions.schedule import window_id
from services.sessions.service import SessionsService
from services.sessions.settings import SessionsSettings

log = structlog.get_logger("sessions.seed")

DEMO_SESSION_ID = "demo"
DEMO_LABEL = "Session de démonstration"
DEMO_TABLE_FROM = "2022-03-07"
# The one cell where the demo differs from the reference week: a visible cap.
DEMO_CAP = ("EHPAD", "moderna", 10)


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _rule_drafts(rows: list[dict[str, Any]]) -> list[RuleDraft]:
    return [
        RuleDraft(
            effecteur_type=row["effecteur_type"],
            product=f"products/{row['product']}",
            kind=row["kind"],
            max_vials=row.get("max_vials", 0),
            soft_threshold=row.get("soft_threshold", 0),
        )
        for row in rows
    ]


def demo_rules(dataset: dict[str, Any]) -> list[RuleDraft]:
    effecteur_type, product, cap = DEMO_CAP
    rules = []
    for draft in _rule_drafts(dataset["quota_tables"][DEMO_TABLE_FROM]):
        if (draft.effecteur_type, draft.product) == (effecteur_type, f"products/{product}"):
            draft = RuleDraft(effecteur_type, draft.product, QuotaKind.CAPPED.value, max_vials=cap)
        rules.append(draft)
    return rules


def demo_window(now: datetime, days: int) -> SessionDraft:
    """Opened an hour ago (so it is open at once), closing at 23:00 Paris `days` days on,
    with the reference week's rhythm: e-mail the Friday after, delivery a week later."""
    opens = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    last_day = (now + timedelta(days=days)).astimezone(PARIS).date()
    closes = datetime.combine(last_day, time(23, 0), PARIS)
    friday = last_day + timedelta(days=(4 - last_day.weekday()) % 7 or 7)
    return SessionDraft(
        label=DEMO_LABEL,
        open_time=opens,
        close_time=closes,
        confirmation_email_date=friday.isoformat(),
        delivery_from_date=(friday + timedelta(days=7)).isoformat(),
        delivery_to_date=(friday + timedelta(days=11)).isoformat(),
    )


class Seeder:
    def __init__(self, service: SessionsService, dataset: dict[str, Any], operator: str) -> None:
        self.service, self.dataset = service, dataset
        # The seed writes as the dataset's operator, like an operator's own calls.
        self.operator = Principal(national_id=operator, roles=frozenset({"OPERATOR"}), explanation="seed")
        self.created: dict[str, int] = {"products": 0, "sessions": 0, "calendar_windows": 0, "quota_tables": 0}

    async def run(self, *, demo_days: int) -> dict[str, int]:
        await self.products()
        await self.sessions()
        await self.windows()
        await self.quota_tables()
        await self.demo_session(demo_days)
        log.info("seed.done", **self.created)
        return self.created

    async def products(self) -> None:
        existing, _ = await self.service.catalogue.list_products(include_inactive=True, page_size=500)
        known = {p.id for p in existing}
        for position, item in enumerate(self.dataset["products"], start=1):
            if item["id"] in known:
                continue
            draft = ProductDraft(
                display_name=item["name"],
                unit="flacon",
                doses_per_unit=item["doses_per_vial"],
                shelf_life_days=item.get("shelf_life_days_2_8c"),
                paediatric=item.get("paediatric", False),
                redistributable_to=tuple(item.get("redistributable_to", ())),
                orderable_from=_instant(item.get("orderable_from")),
                orderable_until=_instant(item.get("orderable_until")),
                active=item.get("active", True),
                display_order=position * 10,
            )
            await self.service.catalogue.create_product(self.operator, item["id"], draft)
            self.created["products"] += 1

    async def _session_exists(self, session_id: str) -> bool:
        try:
            await self.service.schedule.get_session(f"sessions/{session_id}")
        except NotFound:
            return False
        return True

    async def sessions(self) -> None:
        for item in self.dataset["sessions"]:
            if await self._session_exists(item["id"]):
                continue
            draft = SessionDraft(
                label=item["label"],
                open_time=_instant(item["opens_at"]),
                close_time=_instant(item["closes_at"]),
                confirmation_email_date=item.get("confirmation_email_on", ""),
                delivery_from_date=item.get("delivery_from", ""),
                delivery_to_date=item.get("delivery_to", ""),
            )
            await self.service.schedule.create_session(self.operator, item["id"], draft)
            self.created["sessions"] += 1

    async def windows(self) -> None:
        existing, _ = await self.service.schedule.list_windows(page_size=500)
        known = {w.id for w in existing}
        for item in self.dataset["calendar"]:
            start, end = datetime.fromisoformat(item["starts_at"]), _instant(item["ends_at"])
            if window_id(WindowKind(item["kind"]), start) in known:
                continue
            await self.service.schedule.create_window(self.operator, item["kind"], start, end, item["message"])
            self.created["calendar_windows"] += 1

    async def _has_table(self, session_id: str) -> bool:
        tables, _ = await self.service.quotas.list_tables(self.operator, f"sessions/{session_id}", page_size=1)
        return bool(tables)

    async def quota_tables(self) -> None:
        for session_id, rows in self.dataset["quota_tables"].items():
            if not await self._session_exists(session_id) or await self._has_table(session_id):
                continue
            await self.service.quotas.publish(self.operator, f"sessions/{session_id}", _rule_drafts(rows))
            self.created["quota_tables"] += 1

    async def demo_session(self, days: int) -> None:
        schedule = self.service.schedule
        now = self.service.clock.now()
        try:
            demo = await schedule.get_session(f"sessions/{DEMO_SESSION_ID}")
        except NotFound:
            demo = None
        if demo is None or not demo.is_open_at(now):
            draft = demo_window(now, days)
            try:
                if demo is None:
                    await schedule.create_session(self.operator, DEMO_SESSION_ID, draft)
                    self.created["sessions"] += 1
                else:
                    await schedule.update_session(self.operator, demo.name, draft, mask=set(), etag=demo.etag)
                    log.info("seed.demo_session_reopened", closes_at=str(draft.close_time))
            except InvalidArgument as error:
                if error.reason != "SESSION_OVERLAP":
                    raise
                # Another session holds the period (e.g. the clock was set inside a real one): leave it be.
                log.warning("seed.demo_session_skipped", reason=error.message)
                if demo is None:
                    return
        await self._demo_table()

    async def _demo_table(self) -> None:
        drafts = demo_rules(self.dataset)
        wanted = {
            QuotaRule(
                EffecteurType[d.effecteur_type], d.product.removeprefix("products/"), QuotaKind(d.kind), d.max_vials
            )
            for d in drafts
        }
        try:
            current = await self.service.quotas.get_table(
                self.operator, f"sessions/{DEMO_SESSION_ID}/quotaTables/current"
            )
        except NotFound:
            current = None
        if current is None or set(current.rules) != wanted:
            await self.service.quotas.publish(self.operator, f"sessions/{DEMO_SESSION_ID}", drafts)
            self.created["quota_tables"] += 1


async def seed_dataset(
    service: SessionsService, dataset: dict[str, Any], *, operator: str, demo_days: int = 7
) -> dict[str, int]:
    """What was created (all zeros when the data was already there)."""
    return await Seeder(service, dataset, operator).run(demo_days=demo_days)


async def seed_file(path: Path, settings: SessionsSettings, clock: Clock | None = None) -> dict[str, int]:
    dataset = json.loads(await asyncio.to_thread(path.read_text, encoding="utf-8"))
    operator = settings.operators[0] if settings.operators else dataset["operators"][0]
    db = Database(settings.resolved_database_url())
    try:
        service = SessionsService(db, clock or clock_from_start(settings.clock_start))
        return await seed_dataset(service, dataset, operator=operator, demo_days=settings.demo_session_days)
    finally:
        await db.dispose()
