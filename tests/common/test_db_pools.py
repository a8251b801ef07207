"""services.common.db: the pool settings, and run_write/run_read with the guarantees of
write()/read(): committed or rolled back whole, synchronous=FULL and BEGIN IMMEDIATE on
SQLite, readers not blocked by an open writer. On SQLite the writes queued behind the one
writer are committed together (services.common.group_commit): each still all or nothing, each
caller answered once its rows are committed. On PostgreSQL too when
VAXORDERS_TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import ExitStack, closing
from pathlib import Path

import pytest
from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, create_engine, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from services.common.db import Database, PoolSizes, ping_when_idle, sync_url
from services.common.db_failures import is_database_unavailable
from services.common.settings import ServiceSettings
from tests.conftest import PG_URL, _pg_admin, empty_pg_database

METADATA = MetaData()
NOTES = Table("notes", METADATA, Column("id", Integer, primary_key=True), Column("body", String(40)))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    with ExitStack() as stack:
        if PG_URL:
            url = stack.enter_context(empty_pg_database("vaxtest_pools"))
            database = Database(url, pools=PoolSizes(write=2, read=3, prepare_threshold=0))
        else:
            database = Database(f"sqlite:///{tmp_path / 'pools.db'}", pools=PoolSizes(write=2, read=3))
        async with database.writer.begin() as connection:
            await connection.run_sync(METADATA.create_all)
            await connection.execute(insert(NOTES).values(body="avant"))  # id 1
        yield database
        await database.dispose()


def _body(connection: Connection) -> str:
    return str(connection.execute(select(NOTES.c.body).where(NOTES.c.id == 1)).scalar_one())


def test_pool_sizes_come_from_the_settings() -> None:
    settings = ServiceSettings(
        service="orders", database_pool_size=24, database_read_pool_size=32, database_prepare_threshold=0
    )
    assert PoolSizes.of(settings) == PoolSizes(write=24, read=32, prepare_threshold=0)


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL pools")
async def test_postgresql_reads_and_writes_have_pools_of_their_own_sized_by_the_settings(db: Database) -> None:
    assert db.reader is not db.writer
    assert db.writer.pool.size() == 2  # type: ignore[attr-defined]
    assert db.reader.pool.size() == 3  # type: ignore[attr-defined]
    # Every write connection busy: a read still gets a connection at once.
    holders = [await db.writer.connect() for _ in range(2)]
    try:
        assert await asyncio.wait_for(db.run_read(_body), 10) == "avant"
    finally:
        for connection in holders:
            await connection.close()


def _backend_pid(connection: Connection) -> int:
    return int(connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL backends")
def test_a_pooled_connection_killed_while_idle_is_replaced_at_checkout_and_a_fresh_one_is_not_pinged() -> None:
    with empty_pg_database("vaxtest_ping") as url:
        engine = create_engine(sync_url(url), pool_size=1, max_overflow=0)
        ping_when_idle(engine, idle_seconds=0.2)
        with engine.connect() as connection:
            first = _backend_pid(connection)
        # Back in use at once: not pinged, so a backend killed meanwhile fails that one use.
        with engine.connect() as connection:
            with _pg_admin() as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (first,))
        with pytest.raises(DBAPIError) as raised, engine.connect() as connection:
            _backend_pid(connection)
        assert is_database_unavailable(raised.value)
        with engine.connect() as connection:
            second = _backend_pid(connection)
        # Idle past the bound, then killed: the checkout pings it and hands out a live one.
        with _pg_admin() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (second,))
        time.sleep(0.3)
        with engine.connect() as connection:
            third = _backend_pid(connection)
        assert third not in (first, second)
        engine.dispose()


@pytest.mark.skipif(not PG_URL, reason="psycopg's prepared statements")
async def test_postgresql_statements_are_prepared_as_the_setting_says(db: Database) -> None:
    def prepared(connection: Connection) -> int:
        for _ in range(3):
            _body(connection)
        return int(connection.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one())

    assert await db.run_read(prepared) >= 1


async def test_run_write_commits_what_it_did_and_run_read_sees_it(db: Database) -> None:
    def rename(connection: Connection) -> int:
        connection.execute(update(NOTES).where(NOTES.c.id == 1).values(body="après"))
        return int(connection.execute(insert(NOTES).values(body="nouvelle").returning(NOTES.c.id)).scalar_one())

    new_id = await db.run_write(rename)
    assert new_id == 2
    assert await db.run_read(_body) == "après"
    async with db.read() as session:  # the async path sees the same database
        assert (await session.execute(select(NOTES.c.body).where(NOTES.c.id == 2))).scalar_one() == "nouvelle"


async def test_run_write_rolls_everything_back_when_the_work_raises(db: Database) -> None:
    def half_done(connection: Connection) -> None:
        connection.execute(update(NOTES).where(NOTES.c.id == 1).values(body="à moitié"))
        raise ValueError("refused midway")

    with pytest.raises(ValueError, match="refused midway"):
        await db.run_write(half_done)
    assert await db.run_read(_body) == "avant"


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's durability and locking")
async def test_sqlite_run_write_is_durable_and_holds_the_write_lock_from_begin(db: Database, tmp_path: Path) -> None:
    def inside(connection: Connection) -> tuple[int, str, bool]:
        synchronous = int(connection.exec_driver_sql("PRAGMA synchronous").scalar_one())
        journal = str(connection.exec_driver_sql("PRAGMA journal_mode").scalar_one())
        # BEGIN IMMEDIATE: the write lock is taken before any write, so another writer is refused.
        other = sqlite3.connect(tmp_path / "pools.db", timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            locked = False
        except sqlite3.OperationalError:
            locked = True
        finally:
            other.close()
        return synchronous, journal, locked

    assert await db.run_write(inside) == (2, "wal", True)  # 2: FULL


async def test_a_reader_does_not_wait_for_an_open_write_transaction(db: Database) -> None:
    async with db.write() as session:
        await session.execute(update(NOTES).where(NOTES.c.id == 1).values(body="pas encore"))
        # The write transaction is open: the reader answers at once, with the committed value.
        assert await asyncio.wait_for(db.run_read(_body), 10) == "avant"
    assert await db.run_read(_body) == "pas encore"


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's writer thread")
async def test_a_reader_does_not_wait_for_run_write_holding_its_transaction(db: Database) -> None:
    in_transaction, release = threading.Event(), threading.Event()

    def slow_write(connection: Connection) -> None:
        connection.execute(update(NOTES).where(NOTES.c.id == 1).values(body="pas encore"))
        in_transaction.set()
        release.wait(30)

    writing = asyncio.ensure_future(db.run_write(slow_write))
    try:
        assert await asyncio.to_thread(in_transaction.wait, 30)
        # The writer holds its transaction open: the reader answers, with the committed value.
        assert await asyncio.wait_for(db.run_read(_body), 10) == "avant"
    finally:
        release.set()
        await writing
    assert await db.run_read(_body) == "pas encore"


class _HeldWriter:
    """A write that holds the writer (SQLite's only one) until released: what is queued meanwhile
    is committed together once it ends."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.inside, self.release = threading.Event(), threading.Event()

    def _hold(self, connection: Connection) -> str:
        connection.execute(insert(NOTES).values(body="tenue"))
        self.inside.set()
        self.release.wait(30)
        return "tenue"

    async def __aenter__(self) -> _HeldWriter:
        self.task = asyncio.ensure_future(self.db.run_write(self._hold))
        assert await asyncio.to_thread(self.inside.wait, 30)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.release.set()
        await self.task


def _add(body: str) -> Callable[[Connection], str]:
    def work(connection: Connection) -> str:
        connection.execute(insert(NOTES).values(body=body))
        return body

    return work


def _bodies(connection: Connection) -> list[str]:
    return sorted(str(b) for b in connection.execute(select(NOTES.c.body)).scalars())


async def test_writes_committed_together_each_stay_all_or_nothing(db: Database) -> None:
    def refused(connection: Connection) -> None:
        connection.execute(insert(NOTES).values(body="refusée"))
        connection.execute(update(NOTES).where(NOTES.c.id == 1).values(body="écrasée"))
        raise ValueError("quota dépassé")

    async with _HeldWriter(db):
        queued = [asyncio.ensure_future(db.run_write(w)) for w in (_add("a"), refused, _add("b"), _add("c"))]
        await asyncio.sleep(0.05)  # all four queued behind the held writer
    outcomes = await asyncio.gather(*queued, return_exceptions=True)
    assert outcomes[0] == "a" and outcomes[2:] == ["b", "c"]
    assert isinstance(outcomes[1], ValueError) and str(outcomes[1]) == "quota dépassé"
    # The refused write left nothing, the others are all there.
    assert await db.run_read(_bodies) == ["a", "avant", "b", "c", "tenue"]


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's one writer")
async def test_queued_writes_run_one_after_another_each_seeing_the_one_before(db: Database) -> None:
    """A read-then-write in Python loses no update: the writes of a group are not concurrent."""

    def bump(connection: Connection) -> int:
        count = int(connection.execute(select(NOTES.c.body).where(NOTES.c.id == 1)).scalar_one().count("+"))
        connection.execute(update(NOTES).where(NOTES.c.id == 1).values(body="+" * (count + 1)))
        return count + 1

    async with _HeldWriter(db):
        queued = [asyncio.ensure_future(db.run_write(bump)) for _ in range(12)]
        await asyncio.sleep(0.05)
    assert sorted(await asyncio.gather(*queued)) == list(range(1, 13))
    assert await db.run_read(_body) == "+" * 12


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's group commit")
async def test_no_caller_is_told_saved_when_the_commit_of_its_group_fails(tmp_path: Path) -> None:
    """A deferred foreign key is checked at COMMIT: the one bad write makes the group's COMMIT fail,
    and then every caller of that group gets the error and none of their rows is stored."""
    database = Database(f"sqlite:///{tmp_path / 'deferred.db'}")
    async with database.writer.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE parents (id INTEGER PRIMARY KEY)")
        await connection.exec_driver_sql(
            "CREATE TABLE children (id INTEGER PRIMARY KEY, parent INTEGER"
            " REFERENCES parents(id) DEFERRABLE INITIALLY DEFERRED)"
        )
        await connection.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(40))")
    try:
        async with _HeldWriter(database):
            good = asyncio.ensure_future(database.run_write(_add("bonne")))
            orphan = asyncio.ensure_future(
                database.run_write(lambda c: c.exec_driver_sql("INSERT INTO children (parent) VALUES (99)").rowcount)
            )
            await asyncio.sleep(0.05)
        outcomes = await asyncio.gather(good, orphan, return_exceptions=True)
        assert all(isinstance(o, IntegrityError) for o in outcomes), outcomes
        assert await database.run_read(_bodies) == ["tenue"]
        # The writer goes on: the next write commits.
        assert await database.run_write(_add("après")) == "après"
        assert await database.run_read(_bodies) == ["après", "tenue"]
    finally:
        await database.dispose()


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's writer queue")
async def test_a_write_whose_caller_gave_up_before_its_turn_is_not_run(db: Database) -> None:
    async with _HeldWriter(db):
        abandoned = asyncio.ensure_future(db.run_write(_add("abandonnée")))
        kept = asyncio.ensure_future(db.run_write(_add("gardée")))
        await asyncio.sleep(0.05)
        abandoned.cancel()
    assert await kept == "gardée"
    with pytest.raises(asyncio.CancelledError):
        await abandoned
    assert await db.run_read(_bodies) == ["avant", "gardée", "tenue"]


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's writers of several processes")
async def test_a_write_waits_while_another_process_holds_the_writers_lock(db: Database, tmp_path: Path) -> None:
    # Two workers of one service share the file: each writer takes the lock beside it for its
    # whole transaction (services.common.group_commit). The other worker is played here by a
    # second open of the lock file, which flock treats as another holder.
    fd = os.open(f"{tmp_path / 'pools.db'}-writer.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        queued = [asyncio.ensure_future(db.run_write(_add(body))) for body in ("un", "deux")]
        await asyncio.sleep(0.2)
        assert not any(write.done() for write in queued)
        assert await db.run_read(_bodies) == ["avant"]
        fcntl.flock(fd, fcntl.LOCK_UN)
        assert await asyncio.wait_for(asyncio.gather(*queued), 30) == ["un", "deux"]
    finally:
        os.close(fd)
    assert await db.run_read(_bodies) == ["avant", "deux", "un"]


def _is_closed(dbapi_connection: object) -> bool:
    if hasattr(dbapi_connection, "closed"):  # psycopg
        return bool(dbapi_connection.closed)
    try:  # sqlite3 has no such flag: a closed connection refuses to work
        dbapi_connection.execute("SELECT 1")  # type: ignore[attr-defined]
    except sqlite3.ProgrammingError:
        return True
    return False


@pytest.mark.skipif(not PG_URL, reason="reads on threads (SQLite's run on the event loop)")
async def test_a_read_still_running_when_the_database_is_disposed_has_its_connection_closed(db: Database) -> None:
    # A stopping service cancels its tasks, then disposes the database: a transaction whose
    # caller was cancelled still runs on its thread. Its connection must not outlive the pool
    # (psycopg warns of a connection left open; seen in .ci/run on orders' restart).
    inside, release = threading.Event(), threading.Event()
    used: list[object] = []

    def slow_read(connection: Connection) -> str:
        used.append(connection.connection.dbapi_connection)
        inside.set()
        release.wait(30)
        return _body(connection)

    reading = asyncio.ensure_future(db.run_read(slow_read))
    assert await asyncio.to_thread(inside.wait, 30)
    reading.cancel()
    disposing = asyncio.ensure_future(db.dispose())
    await asyncio.sleep(0.05)
    release.set()
    await asyncio.wait_for(disposing, 30)
    assert _is_closed(used[0])


async def test_a_session_still_unwinding_when_the_database_is_disposed_has_its_connection_closed(
    db: Database,
) -> None:
    # A stopping server cancels its RPCs, then disposes the database; a cancelled RPC may still
    # be unwinding with its session's connection. Disposed under it, the pool was replaced and
    # the connection, given back to the old one, was never closed (aiosqlite warned of it when
    # collected, failing whichever test was running: seen in the mailer tests).
    holding, release = asyncio.Event(), asyncio.Event()
    used: list[object] = []

    async def rpc() -> None:
        async with db.read() as session:
            await session.execute(select(NOTES.c.body))
            used.append((await session.connection()).sync_connection.connection.driver_connection)
            holding.set()
            await release.wait()

    task = asyncio.ensure_future(rpc())
    await asyncio.wait_for(holding.wait(), 30)
    disposing = asyncio.ensure_future(db.dispose())
    await asyncio.sleep(0.05)
    release.set()
    await asyncio.wait_for(asyncio.gather(task, disposing), 30)
    assert await _is_closed_async(used[0])


async def _is_closed_async(driver_connection: object) -> bool:
    if hasattr(driver_connection, "closed"):  # psycopg's AsyncConnection
        return bool(driver_connection.closed)
    try:  # aiosqlite has no such flag: a closed connection refuses to work
        await driver_connection.execute("SELECT 1")  # type: ignore[attr-defined]
    except ValueError:
        return True
    return False


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's reads on the event loop")
async def test_a_read_that_finds_the_database_locked_waits_off_the_event_loop(db: Database) -> None:
    # A read runs on the event loop's thread without ever waiting for a lock: one that finds the
    # database locked goes to a reader thread, so the service keeps answering meanwhile.
    assert db.url.startswith("sqlite")
    await db.writer.dispose()  # nothing else has the file open: the holder below may lock it whole
    await db.reader.dispose()
    path = db.url.removeprefix("sqlite:///")
    locked, release = threading.Event(), threading.Event()

    def hold_the_file() -> None:
        # WAL with an exclusive locking mode: nobody else may even read the file until it closes.
        with closing(sqlite3.connect(path, isolation_level=None)) as holder:
            holder.execute("PRAGMA locking_mode=EXCLUSIVE")
            holder.execute("BEGIN IMMEDIATE")
            holder.execute("UPDATE notes SET body = 'pendant' WHERE id = 1")
            holder.execute("COMMIT")
            locked.set()
            release.wait(30)

    holding = asyncio.ensure_future(asyncio.to_thread(hold_the_file))
    assert await asyncio.to_thread(locked.wait, 30)
    reading = asyncio.ensure_future(db.run_read(_body))
    await asyncio.sleep(0.05)  # the read has had its turn on the loop: it waits, neither failed nor stale
    assert not reading.done()
    release.set()
    await holding
    assert await asyncio.wait_for(reading, 30) == "pendant"


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's read transactions (PostgreSQL's run at READ COMMITTED)")
async def test_a_sqlite_read_sees_one_snapshot_from_its_first_statement_to_its_last(db: Database) -> None:
    # A listing and its total read in one run_read agree: a write committed between the two
    # statements is seen by the next read only.
    path = db.url.removeprefix("sqlite:///")

    def read_around_a_write(connection: Connection) -> tuple[str, str]:
        first = _body(connection)
        with closing(sqlite3.connect(path, isolation_level=None)) as other:
            other.execute("UPDATE notes SET body = 'entre-temps' WHERE id = 1")
        return first, _body(connection)

    assert await db.run_read(read_around_a_write) == ("avant", "avant")
    assert await db.run_read(_body) == "entre-temps"
