"""The live activity of a session, for the operators' cockpit (DESIGN §1b,
"Operators at the peak"): read-only, operators only, aggregated in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.common.context import Principal
from services.orders import access, names
from services.orders import repository_activity as repo
from services.orders import repository_reports as reports
from services.orders.service import OrderRules

# "Officines active" on the cockpit: a line write in the last five minutes.
ACTIVE_SPAN = timedelta(minutes=5)


@dataclass(frozen=True)
class Minute:
    start: datetime
    line_writes: int
    officines: int


@dataclass(frozen=True)
class SessionActivity:
    minutes: list[Minute]
    active_officines: int
    active_minutes: int
    ordering_officines: int
    departments: list[tuple[str, int]]
    compute_time: datetime
    ordering_names: list[str] = field(default_factory=list)


class ActivityService:
    def __init__(self, rules: OrderRules) -> None:
        self.rules = rules

    async def session_activity(
        self, principal: Principal, session: str, *, include_ordering_officines: bool = False
    ) -> SessionActivity:
        session_id = names.parse_session(session, "session")
        access.require_operator(principal)
        window = await self.rules.window(session_id)
        now = self.rules.clock.now()
        until = min(now, window.close_time)
        async with self.rules.db.read() as s:
            minutes = await repo.writes_per_minute(s, session_id, window.open_time, until)
            active = await repo.active_officines(s, session_id, now - ACTIVE_SPAN, now)
            departments = await repo.ordering_per_department(s, session_id)
            ordering_count = await reports.ordering_officines(s, session_id)
            ordering = await repo.ordering_finess(s, session_id) if include_ordering_officines else []
        per_department = [(str(row.department), int(row.officines)) for row in departments]
        return SessionActivity(
            minutes=[Minute(repo.as_minute(m.minute), int(m.writes), int(m.officines)) for m in minutes],
            active_officines=active,
            active_minutes=int(ACTIVE_SPAN.total_seconds() // 60),
            ordering_officines=ordering_count,
            departments=per_department,
            compute_time=now,
            ordering_names=[f"officines/{finess}" for finess in ordering],
        )
