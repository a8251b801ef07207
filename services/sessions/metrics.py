"""The service state as Prometheus sees it: vaxorders_service_state{state=...} is 1
for the state in force now (OPEN_FOR_ORDERS, PREVIEW, MAINTENANCE, CLOSED) and 0
for the others, refreshed every few seconds by a background task. The alert on
order writes stopping needs to know that a session is open (deploy/README.md)."""

from __future__ import annotations

import asyncio

import structlog
from prometheus_client import CollectorRegistry, Gauge

from services.sessions.domain import ServiceState
from services.sessions.schedule import ScheduleService

log = structlog.get_logger("sessions.metrics")

REFRESH_SECONDS = 15.0


class ServiceStateMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.state = Gauge(
            "vaxorders_service_state",
            "1 for the service state in force now, 0 for the others.",
            ["state"],
            registry=registry,
        )

    async def refresh(self, schedule: ScheduleService) -> ServiceState:
        state = (await schedule.get_service_state()).state
        for each in ServiceState:
            self.state.labels(each.value).set(1 if each is state else 0)
        return state

    async def refresh_forever(self, schedule: ScheduleService) -> None:
        while True:
            try:
                await self.refresh(schedule)
            except Exception:
                # As the mailer's dispatcher: a driver may turn our cancellation into an error.
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise asyncio.CancelledError from None
                log.exception("service_state.refresh_failed")
            await asyncio.sleep(REFRESH_SECONDS)
