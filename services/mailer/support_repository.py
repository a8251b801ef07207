"""Every SQL statement of the support desk."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.mailer.models import SupportEventRow, SupportRateWindow, SupportRequestRow

CLOSED = "CLOSED"


async def add(session: AsyncSession, row: SupportRequestRow | SupportEventRow) -> None:
    session.add(row)
    await session.flush()


async def get(session: AsyncSession, request_id: str, *, for_update: bool = False) -> SupportRequestRow | None:
    query = select(SupportRequestRow).where(SupportRequestRow.id == request_id)
    if for_update:
        # Two agents acting at once on one request: one waits for the other (PostgreSQL;
        # SQLite has a single writer), so state changes never cross.
        query = query.with_for_update()
    return (await session.scalars(query)).first()


async def events(session: AsyncSession, request_id: str) -> list[SupportEventRow]:
    query = (
        select(SupportEventRow)
        .where(SupportEventRow.support_request_id == request_id)
        .order_by(SupportEventRow.create_time, SupportEventRow.id)
    )
    return list(await session.scalars(query))


async def update_request(session: AsyncSession, request_id: str, values: dict[str, Any]) -> None:
    await session.execute(
        update(SupportRequestRow)
        .where(SupportRequestRow.id == request_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def queue(
    session: AsyncSession, *, include_closed: bool, after: tuple[datetime, str] | None, limit: int
) -> list[SupportRequestRow]:
    """Soonest due first, keyset on (due_time, id)."""
    query = select(SupportRequestRow)
    if not include_closed:
        query = query.where(SupportRequestRow.state != CLOSED)
    if after is not None:
        at, item = after
        query = query.where(
            or_(SupportRequestRow.due_time > at, and_(SupportRequestRow.due_time == at, SupportRequestRow.id > item))
        )
    return list(await session.scalars(query.order_by(SupportRequestRow.due_time, SupportRequestRow.id).limit(limit)))


async def of_requester(
    session: AsyncSession, requester: str, *, include_closed: bool, after: tuple[datetime, str] | None, limit: int
) -> list[SupportRequestRow]:
    """A requester's own, newest first, keyset on (create_time, id)."""
    query = select(SupportRequestRow).where(SupportRequestRow.created_by == requester)
    if not include_closed:
        query = query.where(SupportRequestRow.state != CLOSED)
    if after is not None:
        at, item = after
        query = query.where(
            or_(
                SupportRequestRow.create_time < at,
                and_(SupportRequestRow.create_time == at, SupportRequestRow.id < item),
            )
        )
    query = query.order_by(SupportRequestRow.create_time.desc(), SupportRequestRow.id.desc()).limit(limit)
    return list(await session.scalars(query))


async def count_unanswered(session: AsyncSession, now: datetime) -> tuple[int, int]:
    """(past their due time, all) among the requests no agent answered yet."""
    waiting = SupportRequestRow.state == "OPEN"
    late = func.count().filter(SupportRequestRow.due_time < now)
    overdue, total = (await session.execute(select(late, func.count()).where(waiting))).one()
    return int(overdue), int(total)


async def forget_windows_before(session: AsyncSession, before: datetime) -> None:
    """Past windows count nothing any more: the table keeps only the last hours' rows."""
    await session.execute(
        delete(SupportRateWindow)
        .where(SupportRateWindow.window_start < before)
        .execution_options(synchronize_session=False)
    )


async def count_filed(session: AsyncSession, client_key: str, window_start: datetime) -> int:
    """Count one more request for this client in this window; the count after it.

    One atomic upsert: concurrent requests of one client (several gateway replicas,
    several mailer replicas) each get a distinct count, so no more than the limit
    ever pass; the caller's transaction rolls the increment back if it refuses.
    """
    dialect = session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(SupportRateWindow)
    statement = (
        insert.values(client_key=client_key, window_start=window_start, count=1)
        .on_conflict_do_update(
            index_elements=["client_key", "window_start"], set_={"count": SupportRateWindow.count + 1}
        )
        .returning(SupportRateWindow.count)
    )
    return int((await session.execute(statement)).scalar_one())
