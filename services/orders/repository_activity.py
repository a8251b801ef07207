"""SQL aggregates of the operators' cockpit: line writes per minute, officines
active lately, officines that ordered per département. Each is one GROUP BY
or one COUNT(DISTINCT), whatever the number of lines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.timefmt import as_utc
from services.orders.models import AnyRow
from services.orders.repository import CHANGES, LINES, ordered

# What counts as an order being entered: the trail of lines (a confirmed request fills a line).
LINE_WRITES = ("CREATE", "UPDATE", "DELETE", "CONFIRM_REQUEST")


def _line_writes(session_id: str, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    """Changes of this session's lines in [start, end] (end is now, or the close, when
    no line can be written). Only one session is open at a
    time, the time index does the work; the subject prefix keeps other sessions'
    late trail (a request confirmed elsewhere) out."""
    return [
        CHANGES.c.change_time >= start,
        CHANGES.c.change_time <= end,
        CHANGES.c.action.in_(LINE_WRITES),
        CHANGES.c.subject.startswith(f"sessions/{session_id}/officines/", autoescape=True),
    ]


def _minute(s: AsyncSession) -> ColumnElement[object]:
    if s.get_bind().dialect.name == "postgresql":
        return func.date_trunc("minute", CHANGES.c.change_time)
    # SQLite keeps naive UTC text: the minute as text, parsed back below.
    return func.strftime("%Y-%m-%d %H:%M:00", CHANGES.c.change_time)


def as_minute(value: object) -> datetime:
    if isinstance(value, datetime):
        return as_utc(value)
    return as_utc(datetime.fromisoformat(str(value)))


async def writes_per_minute(s: AsyncSession, session_id: str, start: datetime, end: datetime) -> list[AnyRow]:
    """(minute, line_writes, officines) for every minute of [start, end] with a write."""
    minute = _minute(s).label("minute")
    statement = (
        select(minute, func.count().label("writes"), func.count(func.distinct(CHANGES.c.finess)).label("officines"))
        .where(*_line_writes(session_id, start, end))
        .group_by(minute)
        .order_by(minute)
    )
    return list((await s.execute(statement)).all())


async def active_officines(s: AsyncSession, session_id: str, start: datetime, end: datetime) -> int:
    statement = select(func.count(func.distinct(CHANGES.c.finess))).where(*_line_writes(session_id, start, end))
    return int(await s.scalar(statement) or 0)


async def ordering_per_department(s: AsyncSession, session_id: str) -> list[AnyRow]:
    """(department, officines): officines holding a line now, per département."""
    statement = (
        select(LINES.c.department, func.count(func.distinct(LINES.c.finess)).label("officines"))
        .where(LINES.c.session_id == session_id)
        .group_by(LINES.c.department)
        .order_by(ordered(s, LINES.c.department))
    )
    return list((await s.execute(statement)).all())


async def ordering_finess(s: AsyncSession, session_id: str) -> list[str]:
    statement = (
        select(LINES.c.finess)
        .where(LINES.c.session_id == session_id)
        .group_by(LINES.c.finess)
        .order_by(ordered(s, LINES.c.finess))
    )
    return [str(f) for f in (await s.scalars(statement)).all()]
