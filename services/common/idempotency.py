"""request_id idempotency: one algorithm for every service (claim first).

A mutation that carries a request_id runs in `run_once` (`run_once_sync` for
synchronous Core work in `Database.run_write`; the same statements, below):

1. In the write transaction, the key is INSERTed first (ON CONFLICT DO
   NOTHING). Whoever inserts it owns the request and runs the work; the
   outcome is stored on the key before the commit, with the work's rows.
2. A twin that arrives while the owner is still in flight waits on the owner's
   uncommitted key (PostgreSQL's unique index; SQLite's single writer), then
   finds it and returns the owner's outcome: the work never runs twice. Should
   the owner roll back, the key goes with it and the twin runs the work itself.
3. The same request_id with another operation, another caller or other values
   is not a retry: INVALID_ARGUMENT (REQUEST_ID_REUSED), nothing changes.

An empty request_id means "not retry-safe": the work runs each time.
Each service declares the table on its own metadata (`idempotency_table`):
services never share a database.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

import structlog
from sqlalchemy import Column, MetaData, String, Table, Text, bindparam, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import feeds
from services.common.clock import Clock
from services.common.db import Database, SyncExecutor, UTCDateTime
from services.common.errors import InvalidArgument
from services.common.statements import CursorStatement
from services.common.timefmt import as_utc

log = structlog.get_logger("idempotency")

T = TypeVar("T")

# A write that loses a race on another unique key (a twin line created by a
# different request) is re-run from the start; a handful of rounds settles it.
WRITE_ATTEMPTS = 8

_REUSED = "Cet identifiant de requête a déjà servi pour une autre demande."


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys",
        metadata,
        Column("request_id", String(64), primary_key=True),
        Column("operation", String(64), nullable=False),
        Column("fingerprint", String(64), nullable=False),
        Column("result", Text, nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
    )


def check_request_id(request_id: str) -> str:
    """Empty (not retryable) or a UUID, in its canonical form."""
    if not request_id:
        return ""
    try:
        return str(uuid.UUID(request_id))
    except ValueError as exc:
        raise InvalidArgument.field("request_id", "L'identifiant de requête (request_id) doit être un UUID.") from exc


def fingerprint(actor: str, payload: Any) -> str:
    """What makes a call the same call: who made it and with which values."""
    raw = json.dumps([actor, payload], sort_keys=True, default=_plain, ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()


def _plain(value: Any) -> Any:
    """JSON form of the values payloads carry (instants in UTC, so an equal
    instant written with another offset is the same call)."""
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, tuple):
        return list(value)
    return str(value)


def recorded_outcome(
    session: SyncExecutor, table: Table, request_id: str, operation: str, digest: str
) -> dict[str, Any] | None:
    """The outcome stored for this request_id, None when unknown; a reuse for
    another call is refused. Synchronous, as `claim` and `settle`: run inside
    `Database.run_write`/`run_read`, or from an `AsyncSession` through `run_sync`."""
    if not request_id:
        return None
    row = _statements(table).recorded.first(session, {"k_request_id": request_id})
    if row is None:
        return None
    if row.operation != operation or row.fingerprint != digest:
        raise InvalidArgument(_REUSED, reason="REQUEST_ID_REUSED", violations=[])
    result: dict[str, Any] = json.loads(row.result)
    return result


class _Statements:
    """A key table's statements, built once and run on SQLite's cursor
    (services.common.statements): they run on every write."""

    def __init__(self, table: Table) -> None:
        key = table.c.request_id == bindparam("k_request_id")
        self.recorded = CursorStatement(select(table.c.operation, table.c.fingerprint, table.c.result).where(key))
        self.settle = CursorStatement(update(table).where(key).values(result=bindparam("k_result")))
        self.claim = CursorStatement(
            build=lambda dialect: dialect.insert(table).on_conflict_do_nothing().returning(table.c.request_id)
        )


@functools.cache
def _statements(table: Table) -> _Statements:
    return _Statements(table)


def claim(
    session: SyncExecutor, table: Table, request_id: str, operation: str, digest: str, now: datetime
) -> dict[str, Any] | None:
    """Insert the key first, in the write's transaction: None when this call
    owns it, else the outcome the owner recorded (see the module docstring)."""
    if not request_id:
        return None
    claimed = _statements(table).claim.first(
        session,
        {"request_id": request_id, "operation": operation, "fingerprint": digest, "result": "{}", "created_at": now},
    )
    if claimed is not None:
        return None
    previous = recorded_outcome(session, table, request_id, operation, digest)
    assert previous is not None  # the key exists: it was committed by its owner
    return previous


def settle(session: SyncExecutor, table: Table, request_id: str, result: dict[str, Any]) -> None:
    """Store the outcome on the claimed key, in the same transaction as the work."""
    if request_id:
        _statements(table).settle.rowcount(
            session, {"k_request_id": request_id, "k_result": json.dumps(result, default=str)}
        )


class _Recorded:
    """What a transaction returns when its key was already settled: the first call's outcome."""

    def __init__(self, outcome: dict[str, Any]) -> None:
        self.outcome = outcome


async def _attempts(
    transaction: Callable[[], Awaitable[T | _Recorded]],
    operation: str,
    load: Callable[[dict[str, Any]], T | Awaitable[T]],
    attempts: int,
) -> T:
    """Run the transaction, again from the start when it lost a race on another unique
    key; a retry of a settled request_id gets `load(outcome)` once the transaction is closed."""
    for attempt in range(1, attempts + 1):
        try:
            done = await transaction()
        except IntegrityError:
            if attempt == attempts:
                raise
            log.info("idempotency.write_conflict_retried", operation=operation, attempt=attempt)
            continue
        if not isinstance(done, _Recorded):
            return done
        loaded = load(done.outcome)
        return await loaded if inspect.isawaitable(loaded) else loaded
    raise AssertionError("unreachable")


async def run_once(
    db: Database,
    table: Table,
    clock: Clock,
    *,
    request_id: str,
    operation: str,
    digest: str,
    work: Callable[[AsyncSession, datetime], Awaitable[T]],
    dump: Callable[[T], dict[str, Any]],
    load: Callable[[dict[str, Any]], T | Awaitable[T]],
    attempts: int = WRITE_ATTEMPTS,
) -> T:
    """Run `work(session, now)` at most once per request_id, in one write
    transaction with its key. A retry gets `load(outcome)` of the first call
    (`load` may be async: it runs after the write transaction is closed, so it
    may read). Should the work lose a race on another unique key, it is rolled
    back and re-run from the start (the key is rolled back with it)."""

    async def transaction() -> T | _Recorded:
        async with db.write() as session:
            now = clock.now()
            previous = await session.run_sync(claim, table, request_id, operation, digest, now)
            if previous is not None:
                return _Recorded(previous)
            outcome = await work(session, now)
            await session.run_sync(settle, table, request_id, dump(outcome))
            return outcome

    return await _attempts(transaction, operation, load, attempts)


async def run_once_sync(
    db: Database,
    table: Table,
    clock: Clock,
    *,
    request_id: str,
    operation: str,
    digest: str,
    work: Callable[[Connection, datetime], T],
    dump: Callable[[T], dict[str, Any]],
    load: Callable[[dict[str, Any]], T | Awaitable[T]],
    attempts: int = WRITE_ATTEMPTS,
) -> T:
    """`run_once` for synchronous Core work (the orders hot path): claim, work and
    settle in one `Database.run_write` transaction, one thread hand-off on SQLite.
    `work` runs off the event loop on SQLite: it must not await nor touch asyncio."""

    def transaction(connection: Connection) -> T | _Recorded:
        # A feed's append waits until the key is settled: its lock is then held only from the
        # append to the COMMIT (services/common/feeds.py).
        with feeds.appends_last(connection) as append_to_feeds:
            now = clock.now()
            previous = claim(connection, table, request_id, operation, digest, now)
            if previous is not None:
                return _Recorded(previous)
            outcome = work(connection, now)
            settle(connection, table, request_id, dump(outcome))
            append_to_feeds()
            return outcome

    return await _attempts(lambda: db.run_write(transaction), operation, load, attempts)


class Idempotency:
    """`run_once` bound to a service's database, key table and clock: what its
    capability classes hold, so each write says only what is its own."""

    def __init__(self, db: Database, table: Table, clock: Clock) -> None:
        self.db, self.table, self.clock = db, table, clock

    async def run(
        self,
        *,
        request_id: str,
        operation: str,
        digest: str,
        work: Callable[[AsyncSession, datetime], Awaitable[T]],
        dump: Callable[[T], dict[str, Any]],
        load: Callable[[dict[str, Any]], T | Awaitable[T]],
    ) -> T:
        return await run_once(
            self.db,
            self.table,
            self.clock,
            request_id=request_id,
            operation=operation,
            digest=digest,
            work=work,
            dump=dump,
            load=load,
        )
