"""services.common.db: the pool settings, and run_write/run_read (one thread hand-off per
transaction on SQLite) with the guarantees of write()/read(): committed or rolled back whole,
synchronous=FULL and BEGIN IMMEDIATE on SQLite, readers not blocked by an open writer.
On PostgreSQL too when VAXORDERS_TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, insert, select, text, update

from services.common.db import Database, PoolSizes
from services.common.settings import ServiceSettings
from tests.conftest import PG_URL, _pg_admin, _pg_url

METADATA = MetaData()
NOTES = Table("notes", METADATA, Column("id", Integer, primary_key=True), Column("body", String(40)))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    name = ""
    if PG_URL:
        name = f"vaxtest_pools_{uuid.uuid4().hex[:8]}"
        with _pg_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        database = Database(_pg_url(name), pools=PoolSizes(write=2, read=3, prepare_threshold=0))
    else:
        database = Database(f"sqlite:///{tmp_path / 'pools.db'}", pools=PoolSizes(write=2, read=3))
    async with database.writer.begin() as connection:
        await connection.run_sync(METADATA.create_all)
        await connection.execute(insert(NOTES).values(body="avant"))  # id 1
    yield database
    await database.dispose()
    if name:
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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


# On PostgreSQL run_write's work runs on the event loop (SQLAlchemy's greenlet): it must not block.
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
