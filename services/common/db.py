"""Database access shared by every service: SQLite by default, PostgreSQL by URL.

SQLite: WAL, a busy timeout, synchronous=FULL (an acknowledged commit is on
disk), and write transactions that start with BEGIN IMMEDIATE on a single
pooled writer connection, so two writers never deadlock upgrading a read
lock; reads run on their own connections and never wait for writers.
PostgreSQL: psycopg 3, a pool for writes and another for reads (a read never waits for a
connection behind writes), each sized by the settings, with server-side prepared statements.
Two ways in: `write()`/`read()` give an async ORM session; `run_write()`/`run_read()` run a
synchronous Core function as one transaction in one go (the hot path): on PostgreSQL on a
worker thread, on SQLite writes on the one writer thread, committed in groups
(services.common.group_commit), reads on a pool of reader threads.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import DateTime, MetaData, Table, create_engine, event
from sqlalchemy.engine import Connection, Dialect, Engine, make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from services.common.driver import driver_cursor
from services.common.group_commit import GroupCommitWriter
from services.common.settings import CommonSettings
from services.common.timefmt import as_utc

T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def naming_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[DeclarativeBase]) -> Table:
    """The Core table of a model, for the repositories' Core statements
    (DeclarativeBase declares `__table__` as a FromClause; ours are Tables)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, whatever the backend keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


def async_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        return str(parsed.set(drivername="sqlite+aiosqlite"))
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def is_sqlite_url(url: str) -> bool:
    return make_url(url).drivername.startswith("sqlite")


def sync_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return str(parsed.set(drivername="sqlite"))
    if parsed.drivername.startswith("postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _sqlite_tuning(engine: Engine, *, immediate: bool, busy_timeout_ms: int = 15000) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:  # the driver's own (sqlite3) connection
        # Take transaction control from the driver: we emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # On the driver's cursor: through exec_driver_sql, SQLAlchemy's execution machinery
        # cost more than the BEGIN itself (2 % of orders' CPU in the rush's profile).
        with driver_cursor(conn) as cursor:
            cursor.execute(begin)


# A pooled connection back in use within this many seconds is not pinged first (ping_when_idle).
IDLE_PING_SECONDS = 1.0


def ping_when_idle(engine: Engine, idle_seconds: float = IDLE_PING_SECONDS) -> None:
    """Ping a pooled PostgreSQL connection at checkout only when it sat idle for
    `idle_seconds`; a dead one is replaced before the caller gets it.

    `pool_pre_ping` pinged at every checkout: a round trip per transaction, 20 per officine's
    rush in orders. A connection used less than a second ago was alive then, and a database
    that went away meanwhile failed the transactions that ran during the outage, which
    invalidated the whole pool (SQLAlchemy's disconnect handling): no stale connection is
    left to hand out. Only a backend killed alone (pg_terminate_backend) within the second
    can fail one transaction, as UNAVAILABLE, which callers retry."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < idle_seconds:
            return  # just opened, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the driver's error, whatever it is: the pool retries afresh
            raise DisconnectionError(f"pooled connection dead after {idle_seconds:g} s idle") from error


# How long dispose() waits for cancelled sessions to give their connections back: below the
# bound the bootstrap gives the whole dispose (services/common/bootstrap.py, 5 s).
_RETURN_SECONDS = 2.0


@dataclass(frozen=True)
class PoolSizes:
    """How many connections one process opens (services.common.settings: database_*)."""

    write: int = 10
    read: int = 10
    prepare_threshold: int = 1

    @classmethod
    def of(cls, settings: CommonSettings) -> PoolSizes:
        return cls(settings.database_pool_size, settings.database_read_pool_size, settings.database_prepare_threshold)


# What a Core statement runs on: an ORM session's transaction or a bare connection's.
Executor = AsyncSession | AsyncConnection
# The same, synchronous: a `run_write`/`run_read` connection, or the session an
# `AsyncSession.run_sync` hands over (so one synchronous repository serves both).
SyncExecutor = Session | Connection


def dialect_name(executor: Executor | SyncExecutor) -> str:
    """ "sqlite" or "postgresql", for the statements that differ (upserts, collations)."""
    if isinstance(executor, AsyncConnection | Connection):
        return executor.dialect.name
    return executor.get_bind().dialect.name


class Database:
    """A service's database: `write()` and `read()` give transactional sessions."""

    def __init__(self, url: str, *, pools: PoolSizes | None = None) -> None:
        pools = pools or PoolSizes()
        self.url = url
        self._one_hop: _OneHop | None = None
        self.is_sqlite = is_sqlite_url(url)
        if self.is_sqlite:
            database = make_url(url).database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            self.writer = create_async_engine(async_url(url), pool_size=1, max_overflow=0, pool_timeout=60)
            self.reader = create_async_engine(async_url(url), pool_size=pools.read, max_overflow=0)
            _sqlite_tuning(self.writer.sync_engine, immediate=True)
            _sqlite_tuning(self.reader.sync_engine, immediate=False)
            # In memory, another engine would open another database: the async path serves it.
            if database and database != ":memory:":
                self._one_hop = _OneHop(url, writers=1, readers=pools.read)
        else:
            connect_args = {"prepare_threshold": pools.prepare_threshold}
            self.writer = create_async_engine(
                async_url(url), pool_size=pools.write, max_overflow=0, connect_args=connect_args
            )
            self.reader = create_async_engine(
                async_url(url), pool_size=pools.read, max_overflow=0, connect_args=connect_args
            )
            for engine in (self.writer, self.reader):
                ping_when_idle(engine.sync_engine)
            self._one_hop = _OneHop(url, writers=pools.write, readers=pools.read, connect_args=connect_args)
        self._write_sessions = async_sessionmaker(self.writer, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(self.reader, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return "sqlite" if self.is_sqlite else "postgresql"

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """One write transaction: committed on exit, rolled back on error."""
        async with self._write_sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._read_sessions() as session, session.begin():
            yield session

    async def run_write(self, work: Callable[[Connection], T]) -> T:
        """`work(connection)` in one write transaction (SQLAlchemy Core, synchronous), committed
        when it returns, rolled back if it raises. The whole transaction is one hand-off to a
        thread, where `write()` pays one per statement (aiosqlite's thread; psycopg's event-loop
        round trips through SQLAlchemy's greenlet bridge): for short transactions of
        sub-millisecond statements the hand-offs were most of the cost. Same guarantees as
        `write()` (SQLite: BEGIN IMMEDIATE, synchronous=FULL, readers not blocked under WAL;
        committed with whatever else queued meanwhile, each `work` in its own savepoint:
        services.common.group_commit). `work` is synchronous code run on a worker thread: it
        must not touch asyncio objects. (An in-memory SQLite database, for some tests, runs it through
        the async engine.)"""
        if self._one_hop is not None:
            return await self._one_hop.write(work)
        async with self.writer.begin() as connection:
            return await connection.run_sync(work)

    async def run_read(self, work: Callable[[Connection], T]) -> T:
        """`work(connection)` in one read transaction, as `run_write`. `work` only reads: on
        SQLite it runs on the event loop's thread, and again on a reader thread if it found the
        database locked (_OneHop)."""
        if self._one_hop is not None:
            return await self._one_hop.read(work)
        async with self.reader.begin() as connection:
            return await connection.run_sync(work)

    async def dispose(self) -> None:
        await self._pooled_connections_returned()
        await self.writer.dispose()
        await self.reader.dispose()
        if self._one_hop is not None:
            await self._one_hop.dispose()

    async def _pooled_connections_returned(self) -> None:
        """Wait (bounded) until no async session holds or is opening a pooled connection.

        A stopping server cancels its RPCs, but a cancelled one may still be unwinding, even
        still opening its connection. Disposed under it, the pool is replaced: the connection
        is given back to the old one and never closed, and aiosqlite warns of it when it is
        collected (the intermittent `Connection was deleted before being closed` of the mailer
        tests: orders stopped while the mailer's change poller had a call in flight)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _RETURN_SECONDS
        pools: list[Any] = [self.writer.sync_engine.pool, self.reader.sync_engine.pool]
        # Polled: a pool tells how many connections are out; it has nothing to await.
        while any(pool.checkedout() for pool in pools) and loop.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.01)


class _OneHop:
    """Synchronous engines, each transaction run whole in one go.

    PostgreSQL: as many threads as pooled connections, for writes and for reads (psycopg
    releases the GIL while it waits on the server).
    SQLite: one writer thread that commits the transactions queued behind it together
    (services.common.group_commit: one fsync for many). A read runs on the event loop's own
    thread, on a connection kept for it, that never waits for a lock (busy timeout 0): a
    hot-path read costs less than a hand-off to a thread and back. One that finds the
    database locked (rare under WAL) is run again on a reader thread, which may wait: a read
    waiting on the loop would freeze it, and with it an aiosqlite writer of the same process
    that the lock may be waiting for (seen in tests when reads waited on the loop:
    docs/benchmarks.md). Opened on first use: a process that never takes the hot path opens
    nothing."""

    def __init__(self, url: str, *, writers: int, readers: int, connect_args: dict[str, Any] | None = None) -> None:
        self._url, self._writers, self._readers = url, writers, readers
        self._connect_args = connect_args or {}
        self._engines: tuple[Engine, Engine] | None = None
        self._opening = threading.Lock()  # the writer and a reader thread may both open first
        self._sqlite = is_sqlite_url(url)
        self._group_writer = (
            GroupCommitWriter(lambda: self._opened()[0], lock_path=_writers_lock_path(url)) if self._sqlite else None
        )
        self._write_threads = None if self._sqlite else ThreadPoolExecutor(writers, thread_name_prefix="db-writer")
        self._read_threads = ThreadPoolExecutor(readers, thread_name_prefix="db-reader")
        # SQLite: one connection per event loop's thread (a Database may serve several loops),
        # by thread id, so that dispose() closes them all.
        self._loop_engine: Engine | None = None
        self._loop_readers: dict[int, Connection] = {}

    def _opened(self) -> tuple[Engine, Engine]:
        with self._opening:
            return self._engines or self._open()

    def _open(self) -> tuple[Engine, Engine]:
        url = sync_url(self._url)
        if not self._sqlite:
            writer = create_engine(url, pool_size=self._writers, max_overflow=0, connect_args=self._connect_args)
            # Reads in autocommit: under READ COMMITTED every statement takes its own snapshot
            # whether or not a transaction wraps it, so BEGIN and COMMIT bought nothing but two
            # round trips per read (a hot-path read is mostly one statement).
            reader = create_engine(
                url,
                pool_size=self._readers,
                max_overflow=0,
                isolation_level="AUTOCOMMIT",
                connect_args=self._connect_args,
            )
            for engine in (writer, reader):
                ping_when_idle(engine)
            self._engines = (writer, reader)
            return self._engines
        # A pooled reader connection may serve another thread later (never two at once).
        shared = {"check_same_thread": False}
        writer = create_engine(url, pool_size=1, max_overflow=0, pool_timeout=60, connect_args=shared)
        reader = create_engine(url, pool_size=self._readers, max_overflow=0, connect_args=shared)
        _sqlite_tuning(writer, immediate=True)
        _sqlite_tuning(reader, immediate=False)
        # Each loop thread keeps its one connection open (_loop_reader): no pool needed.
        self._loop_engine = create_engine(url, poolclass=NullPool, connect_args={**shared, "timeout": 0})
        _sqlite_tuning(self._loop_engine, immediate=False, busy_timeout_ms=0)
        self._engines = (writer, reader)
        return self._engines

    def _loop_reader(self) -> Connection:
        thread = threading.get_ident()
        connection = self._loop_readers.get(thread)
        if connection is None or connection.closed:
            self._opened()
            assert self._loop_engine is not None
            connection = self._loop_readers[thread] = self._loop_engine.connect()
        return connection

    def _read_on_loop(self, work: Callable[[Connection], T]) -> T:
        reader = self._loop_reader()
        try:
            with reader.begin():  # rolled back if `work` raises (a refusal, a lock)
                return work(reader)
        except BaseException:
            if reader.invalidated or reader.in_transaction():
                reader.close()  # left in an unknown state: the next read opens a fresh one
            raise

    async def write(self, work: Callable[[Connection], T]) -> T:
        if self._group_writer is not None:
            return await self._group_writer.write(work)

        def transaction() -> T:
            with self._opened()[0].begin() as connection:
                return work(connection)

        return await asyncio.get_running_loop().run_in_executor(self._write_threads, transaction)

    async def read(self, work: Callable[[Connection], T]) -> T:
        if self._sqlite:
            try:
                return self._read_on_loop(work)
            except OperationalError as error:
                if not _locked(error):
                    raise
                # Locked: on a reader thread, which may wait (a read is safe to run again).

        def transaction() -> T:
            with self._opened()[1].begin() as connection:
                return work(connection)

        return await asyncio.get_running_loop().run_in_executor(self._read_threads, transaction)

    async def dispose(self) -> None:
        if self._group_writer is not None:
            await self._group_writer.close()
        engines = self._engines
        for connection in self._loop_readers.values():
            connection.close()  # sqlite3 allows it from another thread (check_same_thread off)
        self._loop_readers.clear()

        def close() -> None:
            # A transaction whose caller was cancelled (a stopping task) may still run on its
            # thread: wait for it, so that its connection is back in the pool before the pool is
            # closed (disposed under it, the connection was left open: psycopg's ResourceWarning).
            for threads in (self._write_threads, self._read_threads):
                if threads is not None:
                    threads.shutdown(wait=True, cancel_futures=True)
            for engine in (*(engines or ()), self._loop_engine):
                if engine is not None:
                    engine.dispose()

        await asyncio.get_running_loop().run_in_executor(None, close)


def _writers_lock_path(url: str) -> Path:
    """Beside the database file, as SQLite's own -wal and -shm (services.common.group_commit)."""
    database = make_url(url).database
    assert database  # _OneHop serves file-backed SQLite only
    return Path(f"{database}-writer.lock")


def _locked(error: OperationalError) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED (and their extended codes, whose low byte is the primary one)."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def migrate(url: str, migrations_dir: Path, version_table: str) -> None:
    """alembic upgrade head for one service (synchronous: run at start-up)."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.attributes["database_url"] = sync_url(url)
    config.attributes["version_table"] = version_table
    if is_sqlite_url(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            # WAL once, here, before anything else opens the file (it stays in the file): a
            # connection's own `PRAGMA journal_mode=WAL` (_sqlite_tuning) is then a no-op. Left to
            # the first connections, two of them switching at once could get "database is locked"
            # (seen in the tests, where a process opens its writer and readers at the same moment).
            with closing(sqlite3.connect(database)) as connection:
                connection.execute("PRAGMA journal_mode=WAL")
    command.upgrade(config, "head")
