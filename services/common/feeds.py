"""Feeds other services read "after the last id I saw" (orders' vial-request events and
delivery-date changes, effecteurs' attachment changes): their ids must become visible in id order.

On PostgreSQL two transactions can take ids 5 and 6 and commit 6 first; a reader then at 6
would never see 5, and what it stands for (an e-mail, a detachment) would be missed for good.
A transaction-scoped advisory lock, one per feed, taken just before the append makes appenders
take ids and commit one after the other (held until commit). SQLite has one writer at a time already.

That lock is the one place where every write of a feed waits for every other: how long it is
held bounds the feed's writes per second. Measured at national scale, orders held it about
13 ms (the lock, the insert, the idempotency key's settle and the COMMIT, each a round trip
whose answer waits for the GIL in a busy process): 78 appends/s, 4 per officine's rush, and
the rush was capped near 20 officines/s. So the hot path's append (`FeedAppend`) takes the lock
inside its insert (one statement), and inside `appends_last` it waits until the rest of the
transaction is done: held from that statement to the COMMIT.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import grpc
import structlog
from sqlalchemy import Table, bindparam, func, insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
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


_PENDING = "vaxorders.feed_appends"  # on Connection.info while `appends_last` runs


class FeedAppend:
    """The insert of a feed's rows with the feed's lock taken in the same statement (PostgreSQL:
    `INSERT … SELECT … FROM (SELECT pg_advisory_xact_lock(:feed))`, the lock before the ids are
    drawn; SQLite: a plain insert). Every column but the generated id is a parameter."""

    def __init__(self, table: Table, feed: int) -> None:
        self.feed = feed
        columns = [c for c in table.c if not (c.primary_key and c.autoincrement)]

        def build(dialect: Any) -> Any:
            values = select(*(bindparam(c.name, type_=c.type) for c in columns))
            if dialect is postgresql:
                # A volatile function in a FROM subquery is evaluated, and first: the planner keeps it.
                turn = select(func.pg_advisory_xact_lock(bindparam("feed_lock")).label("turn")).subquery("turn")
                values = values.select_from(turn)
            return insert(table).from_select([c.name for c in columns], values)

        self._statement = CursorStatement(build=build)

    def run(self, s: SyncExecutor, rows: Sequence[Mapping[str, Any]]) -> None:
        """Append now, or, inside `appends_last` on this connection, just before the commit."""
        params = [{**row, "feed_lock": self.feed} for row in rows]
        pending: list[Callable[[], None]] | None = s.info.get(_PENDING) if isinstance(s, Connection) else None
        if pending is None:
            self._statement.many(s, params)
        else:
            pending.append(lambda: self._statement.many(s, params))


@contextmanager
def appends_last(connection: Connection) -> Iterator[Callable[[], None]]:
    """Within it, `FeedAppend.run` on `connection` waits for the function it yields, to be called
    as the transaction's last statements (the lock is then held from them to the COMMIT). Not
    called (a refusal, a retry answered from its key), nothing is appended."""
    pending: list[Callable[[], None]] = []
    connection.info[_PENDING] = pending

    def flush() -> None:
        connection.info.pop(_PENDING, None)
        for append in pending:
            append()

    try:
        yield flush
    finally:
        connection.info.pop(_PENDING, None)


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
