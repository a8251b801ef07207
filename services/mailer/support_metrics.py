"""The support desk as Prometheus sees it: requests past their due time without a
first answer (`vaxorders_support_requests_overdue`, alert VaxordersSupportRequestsOverdue
in deploy/) and requests still waiting for one. Counted from the database by a
background task: every replica reports the same table, alert on max()."""

from __future__ import annotations

import asyncio

import structlog
from prometheus_client import CollectorRegistry, Gauge

from services.common.clock import Clock
from services.common.db import Database
from services.mailer import support_repository as repo

log = structlog.get_logger("mailer.support")
POLL_SECONDS = 30.0


class SupportMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.overdue = Gauge(
            "vaxorders_support_requests_overdue",
            "Support requests past their due time (two working hours) with no answer yet.",
            registry=registry,
        )
        self.waiting = Gauge(
            "vaxorders_support_requests_unanswered",
            "Support requests with no answer yet, late or not.",
            registry=registry,
        )

    async def refresh(self, db: Database, clock: Clock) -> None:
        async with db.read() as session:
            overdue, waiting = await repo.count_unanswered(session, clock.now())
        self.overdue.set(overdue)
        self.waiting.set(waiting)

    async def run_forever(self, db: Database, clock: Clock, interval: float = POLL_SECONDS) -> None:
        while True:
            try:
                await self.refresh(db, clock)
            except Exception:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise asyncio.CancelledError from None
                log.exception("support.metrics_error")  # a database hiccup must not stop the gauges for good
            await asyncio.sleep(interval)
