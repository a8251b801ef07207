"""Every SQL statement on the gateway's tables (web sessions, people)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from services.gateway.web.models import Person, WebSession


async def insert(session: AsyncSession, row: WebSession) -> None:
    session.add(row)
    await session.flush()


async def get(session: AsyncSession, key: str, *, for_update: bool = False) -> WebSession | None:
    query = select(WebSession).where(WebSession.id == key)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def touch(session: AsyncSession, key: str, now: datetime) -> None:
    await session.execute(update(WebSession).where(WebSession.id == key).values(last_seen_at=now))


async def remove(session: AsyncSession, key: str) -> None:
    await session.execute(delete(WebSession).where(WebSession.id == key))


async def purge_expired(session: AsyncSession, now: datetime, idle: timedelta) -> int:
    # A DELETE answers a CursorResult (rowcount); Session.execute is typed with the generic Result.
    result = cast(
        CursorResult[Any],
        await session.execute(
            delete(WebSession).where(or_(WebSession.expires_at <= now, WebSession.last_seen_at <= now - idle))
        ),
    )
    return result.rowcount or 0


async def remember_person(session: AsyncSession, national_id: str, display_name: str, now: datetime) -> None:
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Person)
    statement = insert.values(national_id=national_id, display_name=display_name, update_time=now)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["national_id"], set_={"display_name": display_name, "update_time": now}
        )
    )


async def person_names(session: AsyncSession, national_ids: list[str]) -> dict[str, str]:
    rows = await session.execute(
        select(Person.national_id, Person.display_name).where(Person.national_id.in_(national_ids))
    )
    return {national_id: name for national_id, name in rows}
