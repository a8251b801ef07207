"""request_id idempotency: one algorithm for every service (claim first).

A mutation that carries a request_id runs in `run_once`:

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
from sqlalchemy import Column, MetaData, String, Table, Text, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.clock import Clock
from services.common.db import Database, Executor, UTCDateTime, dialect_name
from services.common.errors import InvalidArgument
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


async def recorded_outcome(
    session: Executor, table: Table, request_id: str, operation: str, digest: str
) -> dict[str, Any] | None:
    """The outcome stored for this request_id, None when unknown; a reuse for
    another call is refused."""
    if not request_id:
        return None
    row = (
        await session.execute(
            select(table.c.operation, table.c.fingerprint, table.c.result).where(table.c.request_id == request_id)
        )
    ).first()
    if row is None:
        return None
    if row.operation != operation or row.fingerprint != digest:
        raise InvalidArgument(_REUSED, reason="REQUEST_ID_REUSED", violations=[])
    result: dict[str, Any] = json.loads(row.result)
    return result


def _insert(session: Executor, table: Table) -> Any:
    return (postgresql if dialect_name(session) == "postgresql" else sqlite).insert(table)


async def claim(
    session: Executor, table: Table, request_id: str, operation: str, digest: str, now: datetime
) -> dict[str, Any] | None:
    """Insert the key first, in the write's transaction: None when this call
    owns it, else the outcome the owner recorded (see the module docstring)."""
    if not request_id:
        return None
    claimed = await session.execute(
        _insert(session, table)
        .values(request_id=request_id, operation=operation, fingerprint=digest, result="{}", created_at=now)
        .on_conflict_do_nothing()
        .returning(table.c.request_id)
    )
    if claimed.first() is not None:
        return None
    previous = await recorded_outcome(session, table, request_id, operation, digest)
    assert previous is not None  # the key exists: it was committed by its owner
    return previous


async def settle(session: Executor, table: Table, request_id: str, result: dict[str, Any]) -> None:
    """Store the outcome on the claimed key, in the same transaction as the work."""
    if request_id:
        await session.execute(
            update(table).where(table.c.request_id == request_id).values(result=json.dumps(result, default=str))
        )


async def run_once(
    db: Database,
    table: Table,
    clock: Clock,
    *,
    request_id: str,
    operation: str,
    digest: str,
    work: Callable[[Any, datetime], Awaitable[T]],
    dump: Callable[[T], dict[str, Any]],
    load: Callable[[dict[str, Any]], T | Awaitable[T]],
    attempts: int = WRITE_ATTEMPTS,
    core: bool = False,
) -> T:
    """Run `work(session, now)` at most once per request_id, in one write
    transaction with its key. A retry gets `load(outcome)` of the first call
    (`load` may be async: it runs after the write transaction is closed, so it
    may read). Should the work lose a race on another unique key, it is rolled
    back and re-run from the start (the key is rolled back with it). With
    `core`, the transaction is a bare Core connection (`Database.write_core`)
    and `work` gets that connection instead of an ORM session."""
    begin = db.write_core if core else db.write
    for attempt in range(1, attempts + 1):
        try:
            async with begin() as session:
                now = clock.now()
                previous = await claim(session, table, request_id, operation, digest, now)
                if previous is None:
                    outcome = await work(session, now)
                    await settle(session, table, request_id, dump(outcome))
                    return outcome
        except IntegrityError:
            if attempt == attempts:
                raise
            log.info("idempotency.write_conflict_retried", operation=operation, attempt=attempt)
            continue
        loaded = load(previous)
        return await loaded if inspect.isawaitable(loaded) else loaded
    raise AssertionError("unreachable")


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
