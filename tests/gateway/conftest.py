"""The gateway's tests run against the whole suite really running (see stack.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.gateway.friday import closed_reference_week
from tests.gateway.stack import DatabaseUrlFor, Stack, start_stack
from tests.support.service_identity import ServiceIdentityKeys


@pytest.fixture
async def stack(database_url_for: DatabaseUrlFor, tmp_path: Path) -> AsyncIterator[Stack]:
    running = await start_stack(database_url_for, tmp_path)
    try:
        yield running
    finally:
        await running.close()


@pytest.fixture
async def friday(
    database_url_for: DatabaseUrlFor, tmp_path: Path, service_identity: ServiceIdentityKeys
) -> AsyncIterator[Stack]:
    """The reference session with its orders, closed: the Friday's starting point (friday.py);
    the services also accept the scheduled job's service tokens."""
    async with closed_reference_week(database_url_for, tmp_path, str(service_identity.public_key_file)) as running:
        yield running
