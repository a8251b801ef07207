"""SQLite's one writer, committing the write transactions queued behind it together.

SQLite has a single writer and, with synchronous=FULL, one fsync per COMMIT: on this
kind of disk about 200 to 240 commits a second (make bench, ceiling-database), while an
officine's Monday rush makes six write transactions. One commit per transaction capped
the rush at 33 to 39 officines a second whatever the CPU did (docs/benchmarks.md).

So the writer thread takes every transaction waiting when it becomes free (up to
`GROUP_LIMIT`) and runs them one after the other inside one BEGIN IMMEDIATE … COMMIT,
each in its own SAVEPOINT: a transaction that raises is rolled back alone and its caller
gets the exception; the others go on. Nobody waits on purpose: at low load a group is one
transaction (then no savepoint is needed), under load it is whatever queued during the
previous commit. This is the group commit PostgreSQL does itself.

Several worker processes on one file (VAXORDERS_WORKERS) each have their writer: they take
turns through an advisory lock on a file beside the database (`<database>-writer.lock`,
flock), held from BEGIN IMMEDIATE to COMMIT. A writer waiting for it sleeps in the kernel and
wakes when the other releases it; left to SQLite's busy handler, it polled with sleeps of 1,
2, 5, 10… ms while the file was long free, and two workers wrote no faster than one.

What a caller is promised does not change:
- its `work` is all or nothing, and runs alone (one after the other, on one connection,
  as with a single writer before): what the previous `work` wrote is simply visible;
- it is answered only after the COMMIT that holds its rows returned (it is on disk); if
  that COMMIT (or the BEGIN) fails, every caller of the group gets that error and nothing
  of the group is stored, as each would have had on its own.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import structlog
from sqlalchemy.engine import Connection, Engine

from services.common.driver import driver_cursor

log = structlog.get_logger("db")

T = TypeVar("T")

# The first transaction of a group waits for the others' work (about a millisecond each)
# before its commit: bounded, so a long queue is committed in several groups.
GROUP_LIMIT = 32
# How long dispose() waits for the queue to drain before closing the engines anyway.
CLOSE_SECONDS = 10.0


@dataclass(slots=True)
class _Waiting:
    work: Callable[[Connection], Any]
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop


class GroupCommitWriter:
    """One thread, one connection of `engine_of()` (opened on first use, kept), BEGIN IMMEDIATE;
    each group under the writers' file lock `lock_path`."""

    def __init__(self, engine_of: Callable[[], Engine], *, lock_path: Path, limit: int = GROUP_LIMIT) -> None:
        self._engine_of = engine_of
        self._lock_path = lock_path
        self._limit = limit
        self._queue: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()

    async def write(self, work: Callable[[Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._started()
        self._queue.put(_Waiting(work, future, loop))
        return await future

    async def close(self) -> None:
        """Once what is queued is committed, the thread closes its connection and ends (a write
        after this starts another)."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            await asyncio.to_thread(thread.join, CLOSE_SECONDS)

    def _started(self) -> None:
        if self._thread is None:
            with self._starting:
                if self._thread is None:
                    thread = threading.Thread(target=self._serve, name="db-writer", daemon=True)
                    thread.start()
                    self._thread = thread

    def _serve(self) -> None:
        # One connection for the thread's life: no pool check-out and return per group.
        connection: Connection | None = None
        lock = _WritersLock(self._lock_path)
        try:
            while True:
                first = self._queue.get()
                if first is None:
                    return
                with lock:  # what queued while another process wrote joins this group
                    group, closing = self._next_group(first)
                    if group and (connection is None or connection.closed):
                        connection = self._connect(group)
                    if group and connection is not None:
                        outcomes, whole_failed = self._run(connection, group)
                        if whole_failed:
                            # A failed COMMIT can leave SQLite inside the transaction: the pool's
                            # reset on return rolls it back, the next group takes a fresh connection.
                            connection.close()
                        _answer(group, outcomes)
                if closing:
                    return
        finally:
            lock.close()
            if connection is not None:
                connection.close()

    def _next_group(self, first: _Waiting) -> tuple[list[_Waiting], bool]:
        """`first` and what queued behind it, at most `limit`; and whether close() was asked.
        A caller that gave up (its deadline) before its turn is left out: its work is not run, as
        a thread pool drops a queued task whose future was cancelled."""
        group, closing = [first], False
        while len(group) < self._limit:
            try:
                waiting = self._queue.get_nowait()
            except queue.Empty:
                break
            if waiting is None:
                closing = True
                break
            group.append(waiting)
        return [w for w in group if not w.future.cancelled()], closing

    def _connect(self, group: list[_Waiting]) -> Connection | None:
        try:
            return self._engine_of().connect()
        except Exception as error:  # the database cannot be opened: this group fails, the next tries again
            _answer(group, [(False, error)] * len(group))
            return None

    def _run(self, connection: Connection, group: list[_Waiting]) -> tuple[list[tuple[bool, Any]], bool]:
        """(True, result) or (False, exception) per transaction of the group, in order; and
        whether the transaction itself failed (nothing of the group stored)."""
        outcomes: list[tuple[bool, Any]] = []
        try:
            with connection.begin():
                if len(group) == 1:
                    outcomes.append((True, group[0].work(connection)))
                else:
                    for waiting in group:
                        outcomes.append(_in_savepoint(connection, waiting.work))
        except Exception as error:  # BEGIN, COMMIT, or the lone transaction: the group has nothing stored
            if len(group) > 1:
                log.warning(
                    "db.group_commit_failed", transactions=len(group), error=f"{type(error).__name__}: {error}"[:300]
                )
            return [(False, error)] * len(group), True
        return outcomes, False


# Emitted on the driver's cursor, as the BEGIN (services.common.db._sqlite_tuning): through
# `begin_nested()`, SQLAlchemy's transaction bookkeeping cost more than SQLite's savepoint.
# `work` never sees it: a `begin_nested()` of its own uses SQLAlchemy's names (sa_savepoint_N).
_SAVEPOINT, _RELEASE, _ROLLBACK_TO = "SAVEPOINT group_work", "RELEASE group_work", "ROLLBACK TO group_work"


def _in_savepoint(connection: Connection, work: Callable[[Connection], Any]) -> tuple[bool, Any]:
    """`work` alone in a savepoint of the group's transaction: its rows released into the
    group, or rolled back (its caller gets the exception) while the others' stay. Should the
    rollback itself fail, the connection's state is unknown: the whole group fails."""
    with driver_cursor(connection) as cursor:
        cursor.execute(_SAVEPOINT)
        try:
            result = work(connection)
        except Exception as error:
            cursor.execute(_ROLLBACK_TO)
            cursor.execute(_RELEASE)
            return False, error
        cursor.execute(_RELEASE)
        return True, result


class _WritersLock:
    """The lock the writers of one database file take turns with, across processes (flock on
    `path`, opened on first use and kept). The kernel drops it when its process dies, so a
    killed worker cannot hold the others up."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    def __enter__(self) -> None:
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _answer(group: list[_Waiting], outcomes: list[tuple[bool, Any]]) -> None:
    """One wake-up per event loop for the whole group, not one per transaction."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], tuple[bool, Any]]]] = {}
    for waiting, outcome in zip(group, outcomes, strict=True):
        by_loop.setdefault(waiting.loop, []).append((waiting.future, outcome))
    for loop, answers in by_loop.items():
        try:
            loop.call_soon_threadsafe(_settle, answers)
        except RuntimeError:  # that loop is closed: its callers are gone
            pass


def _settle(answers: list[tuple[asyncio.Future[Any], tuple[bool, Any]]]) -> None:
    for future, (ok, value) in answers:
        if future.cancelled():  # the caller gave up (deadline); what it wrote is committed all the same
            continue
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)
