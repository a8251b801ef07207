"""Every SQL statement on the web-session table."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.gateway.web.models import WebSession


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
    result = await session.execute(
        delete(WebSession).where(or_(WebSession.expires_at <= now, WebSession.last_seen_at <= now - idle))
    )
    return result.rowcount or 0
