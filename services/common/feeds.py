"""Feeds other services read "after the last id I saw" (orders' vial-request events and
delivery-date changes, effecteurs' attachment changes): their ids must become visible in id order.

On PostgreSQL two transactions can take ids 5 and 6 and commit 6 first; a reader then at 6
would never see 5, and what it stands for (an e-mail, a detachment) would be missed for good.
A transaction-scoped advisory lock, one per feed, taken just before the append makes appenders
take ids and commit one after the other (held until commit). SQLite has one writer at a time already.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager

import grpc
import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import SyncExecutor, dialect_name
from services.common.statements import CursorStatement

log = structlog.get_logger("feeds")

# One key per feed, across services (they may share a PostgreSQL server).
VIAL_REQUEST_EVENTS = 0x7E0E57
DELIVERY_DATE_CHANGES = 0x7E0E58
ATTACHMENT_EVENTS = 0x7E0E59


_LOCK = CursorStatement(text("SELECT pg_advisory_xact_lock(:key)"))


def lock_for_append(s: SyncExecutor, feed: int) -> None:
    """Call in the appending transaction, right before the insert (its last statement ideally:
    the lock is held until commit). Synchronous: for `Database.run_write` work."""
    if dialect_name(s) == "postgresql":
        _LOCK.all(s, {"key": feed})  # on the cursor: orders takes it for every vial-request event


async def append_in_commit_order(s: AsyncSession, feed: int) -> None:
    """`lock_for_append` from an ORM session (nothing to do on SQLite: its single writer)."""
    if s.get_bind().dialect.name == "postgresql":
        await s.run_sync(lock_for_append, feed)


async def follow_forever(
    name: str,
    run_once: Callable[[], Awaitable[int]],
    *,
    page: int,
    poll_seconds: float,
    acting: Callable[[], AbstractContextManager[object]],
) -> None:
    """A reader's loop over such a feed, until cancelled: a round (`run_once`, the number of items
    it handled) under `acting()` (the service token of the calls), at once again after a full page,
    else after `poll_seconds`. A failed round (the other service down, a bad answer) is logged and
    tried again at the next round: a follower never stops for good."""
    while True:
        handled = 0
        try:
            with acting():
                handled = await run_once()
        except grpc.aio.AioRpcError as error:
            log.warning(f"{name}.round_failed", code=error.code().name)
        except Exception:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise asyncio.CancelledError from None
            log.exception(f"{name}.round_failed")
        if handled < page:
            await asyncio.sleep(poll_seconds)
