"""Losing the database is UNAVAILABLE: the one rule telling a lost or busy
database apart from a bug.

A PostgreSQL restart (AdminShutdown, "the database system is starting up",
connection refused or reset), a connection SQLAlchemy found dead and
invalidated, a pool with no connection to give within its timeout, SQLite
"database is locked" or a disk I/O error: the transaction was rolled back
(or, for a lost COMMIT, may have committed), nothing half-done is visible, and
the same call retried with its `request_id` once the database is back gives
the right answer (services/common/idempotency.py). So the client is told
UNAVAILABLE, which it retries, never INTERNAL, which it must not. The pool
recovers by itself: dead connections are invalidated on the error and
PostgreSQL connections are pinged before use (services/common/db.py).

The interceptor (gRPC) and the gateway's problem edge (HTTP 503) both ask
`database_unavailable`; anything else unexpected stays INTERNAL.
"""

from __future__ import annotations

import sqlite3

import psycopg
from sqlalchemy import exc as sa

from services.common.errors import Unavailable

MESSAGE = "Le service est momentanément indisponible. Réessayez dans un instant."
REASON = "DATABASE_UNAVAILABLE"

# SQLSTATE classes of a server gone or refusing for now: 08 connection exception,
# 57 operator intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot
# connect now), 53 insufficient resources (too many connections, out of memory or disk).
_RETRYABLE_SQLSTATE_CLASSES = ("08", "57", "53")
# SQLite's words for a file it cannot use right now (lowercase, as it writes them).
_SQLITE_TRANSIENT = ("database is locked", "database table is locked", "disk i/o error", "unable to open database")


def _chain(error: BaseException) -> list[BaseException]:
    """The error, what it wraps (SQLAlchemy's `.orig`) and its causes, once each."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        pending.extend([current.__cause__, current.__context__])
        if isinstance(current, sa.DBAPIError):
            orig = current.orig
            pending.append(orig if isinstance(orig, BaseException) else None)
    return seen


def _is_lost(error: BaseException) -> bool:
    if isinstance(error, sa.TimeoutError):  # no pooled connection within pool_timeout
        return True
    if isinstance(error, sa.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, psycopg.OperationalError):
        # No SQLSTATE: the client side failed (refused, reset, closed by the server).
        state = error.sqlstate
        return state is None or state[:2] in _RETRYABLE_SQLSTATE_CLASSES
    if isinstance(error, psycopg.InterfaceError):  # "the connection is closed"
        return True
    if isinstance(error, sqlite3.OperationalError):
        text = str(error).lower()
        return any(words in text for words in _SQLITE_TRANSIENT)
    return False


def is_database_unavailable(error: BaseException) -> bool:
    """True when `error` (or what it wraps) says the database is gone or busy for now."""
    return any(_is_lost(e) for e in _chain(error))


def database_unavailable(error: BaseException) -> Unavailable | None:
    """The retryable domain error for a lost database, None for anything else."""
    if not is_database_unavailable(error):
        return None
    return Unavailable(MESSAGE, reason=REASON)
