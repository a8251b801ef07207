"""Web sessions on the gateway's own clock: the access token (120 s) is
refreshed with the refresh token without the user noticing; a session ends
after 30 minutes without a request, and 4 hours after login in any case."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from services.common.clock import ManualClock
from services.common.db import Database
from services.gateway.web.models import WebSession
from tests.gateway.helpers import CLAIRE, login
from tests.gateway.stack import DatabaseUrlFor, Stack, start_stack


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC))


@pytest.fixture
async def clocked(database_url_for: DatabaseUrlFor, tmp_path: Path, clock: ManualClock) -> AsyncIterator[Stack]:
    running = await start_stack(database_url_for, tmp_path, clock=clock)
    try:
        yield running
    finally:
        await running.close()


async def _stored(stack: Stack) -> list[WebSession]:
    db = Database(stack.gateway_settings.resolved_database_url())
    try:
        async with db.read() as session:
            return list((await session.execute(select(WebSession))).scalars())
    finally:
        await db.dispose()


async def test_an_expired_access_token_is_refreshed_without_the_user_noticing(
    clocked: Stack, clock: ManualClock
) -> None:
    async with clocked.client() as client:
        await login(client, CLAIRE)
        [before] = await _stored(clocked)
        assert (await client.get("/api/v1/me")).status_code == 200
        [unchanged] = await _stored(clocked)
        assert unchanged.tokens == before.tokens

        clock.advance(timedelta(seconds=115))  # within the refresh margin of the 120 s token
        me = await client.get("/api/v1/me")
        assert me.status_code == 200 and me.json()["principal"]["nationalId"] == CLAIRE
        [after] = await _stored(clocked)
        assert after.tokens != before.tokens
        assert "eyJ" not in after.tokens  # tokens are encrypted at rest


async def test_thirty_minutes_without_a_request_end_the_session(clocked: Stack, clock: ManualClock) -> None:
    async with clocked.client() as client:
        await login(client, CLAIRE)
        clock.advance(timedelta(minutes=29))
        assert (await client.get("/api/v1/me")).status_code == 200
        clock.advance(timedelta(minutes=30))
        assert (await client.get("/api/v1/me")).status_code == 401
        assert await _stored(clocked) == []
        page = await client.get("/officine")
        assert page.status_code == 303 and page.headers["location"].startswith("/auth/login")


async def test_a_session_ends_four_hours_after_login_however_active(clocked: Stack, clock: ManualClock) -> None:
    async with clocked.client() as client:
        await login(client, CLAIRE)
        elapsed = timedelta(0)
        while elapsed + timedelta(minutes=20) < timedelta(hours=4):
            clock.advance(timedelta(minutes=20))
            elapsed += timedelta(minutes=20)
            assert (await client.get("/api/v1/me")).status_code == 200, f"refused after {elapsed}"
        clock.advance(timedelta(hours=4) - elapsed)
        assert (await client.get("/api/v1/me")).status_code == 401
