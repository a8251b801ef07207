"""The gateway's tests run against the whole suite really running (see stack.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.gateway.friday import closed_reference_week
from tests.gateway.stack import Stack, start_stack


@pytest.fixture
async def stack(database_url_for, tmp_path) -> AsyncIterator[Stack]:  # type: ignore[no-untyped-def]
    running = await start_stack(database_url_for, tmp_path)
    try:
        yield running
    finally:
        await running.close()


@pytest.fixture
async def friday(database_url_for, tmp_path) -> AsyncIterator[Stack]:  # type: ignore[no-untyped-def]
    """The reference session with its orders, closed: the Friday's starting point (friday.py)."""
    async with closed_reference_week(database_url_for, tmp_path) as running:
        yield running
