"""Losing the database is UNAVAILABLE (retryable), never INTERNAL, and the pool
recovers by itself: the classification on real driver errors, then a real
service on a PostgreSQL of its own restarted (fast, then crashed) under write
load from clients retrying UNAVAILABLE with the same request_id."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import psycopg
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from services.common.bootstrap import migrate_service, start_service
from services.common.clock import ManualClock
from services.common.db import Database
from services.common.db_failures import REASON, database_unavailable, is_database_unavailable
from services.common.grpc_errors import ErrorDetails
from services.sessions.settings import SessionsSettings
from services.sessions.spec import SPEC
from tests.support import pg_server
from tests.support.pg_server import ThrowawayPostgres
from vaxorders.sessions.v1 import sessions_service_pb2 as pb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as pb_grpc

OPERATOR = "899700000906"


# -- what counts as a lost database, on errors the drivers really raise --------------------


def test_a_locked_sqlite_database_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")  # holds the write lock
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        with pytest.raises(OperationalError) as caught, engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        assert "database is locked" in str(caught.value)
        assert is_database_unavailable(caught.value)
        lost = database_unavailable(caught.value)
        assert lost is not None and lost.reason == REASON and "indisponible" in lost.message
    finally:
        holder.close()
        engine.dispose()


async def test_an_unreachable_postgresql_is_unavailable() -> None:
    with pytest.raises(psycopg.OperationalError) as caught:
        await psycopg.AsyncConnection.connect("postgresql://postgres@127.0.0.1:9/postgres", connect_timeout=2)
    assert is_database_unavailable(caught.value)
    # The same, wrapped by SQLAlchemy as the services meet it.
    db = Database("postgresql://postgres@127.0.0.1:9/postgres")
    try:
        with pytest.raises(OperationalError) as wrapped:
            async with db.read() as session:
                await session.execute(text("SELECT 1"))
        assert is_database_unavailable(wrapped.value)
    finally:
        await db.dispose()


async def test_a_constraint_or_a_bug_is_not_unavailable(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'plain.db'}")
    try:
        async with db.write() as session:
            await session.execute(text("CREATE TABLE t (x INTEGER PRIMARY KEY)"))
            await session.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(IntegrityError) as duplicate:
            async with db.write() as session:
                await session.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(OperationalError) as typo:  # "no such table": our bug, not the database's
            async with db.read() as session:
                await session.execute(text("SELECT * FROM missing_table"))
    finally:
        await db.dispose()
    assert not is_database_unavailable(duplicate.value)
    assert not is_database_unavailable(typo.value)
    assert not is_database_unavailable(ValueError("boom"))


# -- a real PostgreSQL restarted under load --------------------------------------------------

needs_postgres_binaries = pytest.mark.skipif(
    pg_server.unavailable_reason() is not None, reason=f"no throwaway PostgreSQL: {pg_server.unavailable_reason()}"
)


@dataclass
class Writers:
    """Operators creating calendar windows, each call retried on UNAVAILABLE with its request_id."""

    stub: pb_grpc.SessionServiceStub
    metadata: list[tuple[str, str]]
    acknowledged: dict[str, str] = field(default_factory=dict)  # request_id -> window name
    attempted: set[str] = field(default_factory=set)  # request_ids sent at least once
    codes: Counter[str] = field(default_factory=Counter)
    unavailable_reasons: Counter[str] = field(default_factory=Counter)
    _next: int = 0

    def _window(self) -> tuple[str, pb.CalendarWindow]:
        self._next += 1
        # A minute apart from 10:00 UTC, a hundred a day: never in an hour a DST change repeats.
        day, minute = divmod(self._next, 100)
        start = datetime(2023, 1, 2, 10, tzinfo=UTC) + timedelta(days=day, minutes=minute)
        request_id = str(uuid.uuid4())
        begin, end = Timestamp(), Timestamp()
        begin.FromDatetime(start)
        end.FromDatetime(start + timedelta(minutes=30))
        return request_id, pb.CalendarWindow(
            kind=pb.CalendarWindow.KIND_PREVIEW, start_time=begin, end_time=end, message=f"Essai {request_id}"
        )

    async def write_one(self) -> None:
        request_id, window = self._window()
        self.attempted.add(request_id)
        request = pb.CreateCalendarWindowRequest(window=window, request_id=request_id)
        for attempt in range(200):  # bounded: about a minute of backoff at most
            try:
                reply = await self.stub.CreateCalendarWindow(request, metadata=self.metadata, timeout=20)
            except grpc.aio.AioRpcError as error:
                self.codes[error.code().name] += 1
                if error.code() != grpc.StatusCode.UNAVAILABLE:
                    return
                self.unavailable_reasons[ErrorDetails.from_rpc_error(error).reason] += 1
                await asyncio.sleep(min(0.5, 0.02 * 2**attempt))
                continue
            self.codes["OK"] += 1
            self.acknowledged[request_id] = reply.window.name
            return

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.write_one()


@pytest.fixture
async def postgres() -> AsyncIterator[ThrowawayPostgres]:
    with ThrowawayPostgres.start() as server:
        yield server


@needs_postgres_binaries
async def test_postgresql_restarted_under_load_is_unavailable_then_recovered(
    postgres: ThrowawayPostgres, psc: object
) -> None:
    url = postgres.create_database("sessions")
    settings = SessionsSettings(
        service="sessions",
        database_url=url,
        environment="test",
        **psc.settings_overrides(),  # type: ignore[attr-defined]
    )
    migrate_service(SPEC, settings)
    clock = ManualClock(datetime(2022, 3, 3, 8, 0, tzinfo=UTC))
    running, _ = await start_service(
        SPEC,
        settings,
        address="127.0.0.1:0",
        clock=clock,
        authenticator=psc.authenticator(clock),  # type: ignore[attr-defined]
    )
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
    try:
        writers = [
            Writers(pb_grpc.SessionServiceStub(channel), psc.metadata_for(OPERATOR))  # type: ignore[attr-defined]
            for _ in range(6)
        ]
        for index, writer in enumerate(writers):
            writer._next = index * 2_000  # each writer its own start instants
        stop = asyncio.Event()
        load = [asyncio.create_task(w.run(stop)) for w in writers]
        await _until(lambda: sum(len(w.acknowledged) for w in writers) >= 30, load)
        await asyncio.to_thread(postgres.restart, "fast")  # sessions get AdminShutdown
        await _until(lambda: sum(len(w.acknowledged) for w in writers) >= 80, load)
        await asyncio.to_thread(postgres.restart, "immediate")  # a crash, recovered from the WAL
        before = sum(len(w.acknowledged) for w in writers)
        await _until(lambda: sum(len(w.acknowledged) for w in writers) >= before + 50, load)
        stop.set()
        await asyncio.gather(*load)

        codes = sum((w.codes for w in writers), Counter())
        reasons = sum((w.unavailable_reasons for w in writers), Counter())
        # Nobody was told not to retry; the restarts were felt, as UNAVAILABLE.
        assert set(codes) <= {"OK", "UNAVAILABLE"}, codes
        assert reasons[REASON] > 0, codes
        # The same server process answers after both restarts: its pool reconnected by itself.
        last = Writers(writers[0].stub, writers[0].metadata, _next=20_000)
        await last.write_one()
        assert last.codes == Counter({"OK": 1})

        # Every acknowledged window is there, exactly once; nothing written twice.
        stored = await _all_windows(writers[0].stub, writers[0].metadata)
        by_request = Counter(message.removeprefix("Essai ") for message in stored.values())
        everyone = [*writers, last]
        acknowledged = {rid: name for w in everyone for rid, name in w.acknowledged.items()}
        assert all(stored.get(name) == f"Essai {rid}" for rid, name in acknowledged.items())
        assert max(by_request.values()) == 1
        attempted = set().union(*(w.attempted for w in everyone))
        assert set(by_request) <= attempted
    finally:
        await channel.close()
        await running.stop(0)


async def _until(condition: object, tasks: list[asyncio.Task[None]], within: float = 120) -> None:
    """Poll `condition` while the load runs; a writer that died fails the test at once."""
    deadline = asyncio.get_running_loop().time() + within
    while not condition():  # type: ignore[operator]
        for task in tasks:
            if task.done():
                task.result()
        assert asyncio.get_running_loop().time() < deadline, "the load made no progress"
        await asyncio.sleep(0.05)


async def _all_windows(stub: pb_grpc.SessionServiceStub, metadata: list[tuple[str, str]]) -> dict[str, str]:
    """name -> message of every stored calendar window."""
    windows: dict[str, str] = {}
    token = ""
    while True:
        reply = await stub.ListCalendarWindows(
            pb.ListCalendarWindowsRequest(page_size=500, page_token=token), metadata=metadata, timeout=20
        )
        windows.update({w.name: w.message for w in reply.windows})
        token = reply.next_page_token
        if not token:
            return windows
