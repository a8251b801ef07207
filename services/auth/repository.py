"""Every SQL statement of the auth service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.auth.models import PendingLogin


class PendingLogins:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, login: PendingLogin) -> None:
        self.session.add(login)
        await self.session.flush()

    async def get(self, state: str) -> PendingLogin | None:
        return await self.session.get(PendingLogin, state)

    async def consume(self, state: str, now: datetime) -> PendingLogin | None:
        """Marks the login used and returns it; None when unknown, used or expired.

        A conditional UPDATE, so two exchanges racing on one state cannot both win.
        """
        result = await self.session.execute(
            update(PendingLogin)
            .where(
                PendingLogin.state == state,
                PendingLogin.consume_time.is_(None),
                PendingLogin.expire_time > now,
            )
            .values(consume_time=now)
            .returning(PendingLogin)
        )
        return result.scalar_one_or_none()

    async def purge(self, before: datetime) -> int:
        """Drops logins expired before `before` (used or not): they can never be exchanged."""
        result = await self.session.execute(
            delete(PendingLogin).where(PendingLogin.expire_time < before).returning(PendingLogin.state)
        )
        return len(result.all())
