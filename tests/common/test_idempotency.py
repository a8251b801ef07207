"""The one request_id algorithm every service uses (services.common.idempotency):
a retried mutation does its work once, concurrent twins included, on SQLite and
on PostgreSQL when VAXORDERS_TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import ExitStack
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.clock import ManualClock
from services.common.db import Database, naming_metadata
from services.common.errors import InvalidArgument
from services.common.idempotency import check_request_id, fingerprint, idempotency_table, run_once, run_once_sync
from tests.conftest import PG_URL, empty_pg_database

METADATA: MetaData = naming_metadata()
KEYS = idempotency_table(METADATA)
THINGS = Table("things", METADATA, Column("id", Integer, primary_key=True), Column("label", String(40), unique=True))
NOW = datetime.fromisoformat("2022-03-07T08:00:00+01:00")


@pytest.fixture
async def db(tmp_path) -> AsyncIterator[Database]:  # type: ignore[no-untyped-def]
    with ExitStack() as stack:
        if PG_URL:
            database = Database(stack.enter_context(empty_pg_database("vaxtest_idem")))
        else:
            database = Database(f"sqlite:///{tmp_path / 'idem.db'}")
        async with database.writer.begin() as connection:
            await connection.run_sync(METADATA.create_all)
        yield database
        await database.dispose()


async def _count(db: Database) -> int:
    async with db.read() as s:
        return int((await s.execute(select(func.count()).select_from(THINGS))).scalar_one())


def _create(db: Database, label: str, request_id: str, actor: str = "899700000013", *, core: bool = False) -> Any:
    def values() -> Any:
        return insert(THINGS).values(label=f"{label}-{uuid.uuid4().hex[:6]}").returning(THINGS.c.id)

    async def work(s: AsyncSession, now: datetime) -> dict[str, Any]:
        row = await s.execute(values())
        await asyncio.sleep(0)  # let a twin reach the key while this one is in flight
        return {"id": row.scalar_one(), "at": now.isoformat()}

    def sync_work(c: Connection, now: datetime) -> dict[str, Any]:
        return {"id": c.execute(values()).scalar_one(), "at": now.isoformat()}

    common: dict[str, Any] = {
        "request_id": request_id,
        "operation": "CreateThing",
        "digest": fingerprint(actor, {"label": label}),
        "dump": lambda outcome: outcome,
        "load": lambda stored: stored,
    }
    if core:
        return run_once_sync(db, KEYS, ManualClock(NOW), work=sync_work, **common)
    return run_once(db, KEYS, ManualClock(NOW), work=work, **common)


# The same algorithm on an ORM session's transaction and in a synchronous Core
# transaction (`Database.run_write`: the order lines' and grid save's).
FLAVOURS = pytest.mark.parametrize("core", [False, True], ids=["session", "core-connection"])


@FLAVOURS
async def test_a_retry_returns_the_first_outcome_and_writes_nothing_twice(db: Database, core: bool) -> None:
    request_id = str(uuid.uuid4())
    first = await _create(db, "a", request_id, core=core)
    again = await _create(db, "a", request_id, core=core)
    assert again == first
    assert await _count(db) == 1


@FLAVOURS
async def test_concurrent_twins_do_the_work_once(db: Database, core: bool) -> None:
    request_id = str(uuid.uuid4())
    outcomes = await asyncio.gather(*(_create(db, "a", request_id, core=core) for _ in range(12)))
    assert len({o["id"] for o in outcomes}) == 1
    assert await _count(db) == 1


async def test_without_request_id_every_call_does_the_work(db: Database) -> None:
    await _create(db, "a", "")
    await _create(db, "a", "")
    assert await _count(db) == 2


@pytest.mark.parametrize(("label", "actor"), [("b", "899700000013"), ("a", "899700000021")])
async def test_the_same_id_for_other_values_or_another_caller_is_refused(db: Database, label: str, actor: str) -> None:
    request_id = str(uuid.uuid4())
    await _create(db, "a", request_id)
    with pytest.raises(InvalidArgument) as refused:
        await _create(db, label, request_id, actor)
    assert refused.value.reason == "REQUEST_ID_REUSED"
    assert await _count(db) == 1


async def test_a_failed_work_leaves_the_key_free_for_the_retry(db: Database) -> None:
    request_id = str(uuid.uuid4())

    async def failing(s: AsyncSession, now: datetime) -> dict[str, Any]:
        await s.execute(insert(THINGS).values(label="doomed"))
        raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        await run_once(
            db,
            KEYS,
            ManualClock(NOW),
            request_id=request_id,
            operation="CreateThing",
            digest=fingerprint("899700000013", {"label": "a"}),
            work=failing,
            dump=lambda o: o,
            load=lambda o: o,
        )
    assert await _count(db) == 0
    await _create(db, "a", request_id)
    assert await _count(db) == 1


def test_request_ids_are_uuids_in_canonical_form() -> None:
    assert check_request_id("") == ""
    assert check_request_id("6F0B7F1E-3A51-4C1E-9A43-0C3F2D8E6A10") == "6f0b7f1e-3a51-4c1e-9a43-0c3f2d8e6a10"
    with pytest.raises(InvalidArgument):
        check_request_id("not-a-uuid")
