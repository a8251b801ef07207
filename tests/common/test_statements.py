"""services.common.statements: a statement run on the driver's cursor (sqlite3's, psycopg's)
gives what SQLAlchemy's `execute` gives for it (values, their Python types, column names),
writes what it would write, and raises the exceptions it would raise."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from services.common.db import UTCDateTime, sync_url
from services.common.db_failures import is_database_unavailable
from services.common.statements import MAX_ROWS, CursorStatement, RowsStatement, numbered_values
from tests.conftest import PG_URL, _pg_admin, empty_pg_database

METADATA = MetaData()
STOCK = Table(
    "stock",
    METADATA,
    Column("id", String(20), primary_key=True),
    Column("vials", Integer, nullable=False),
    Column("open", Boolean, nullable=False),
    Column("seen_at", UTCDateTime(), nullable=True),
    Column("note", String(40), nullable=False, default=""),
)
PARIS = timezone(timedelta(hours=1))

_ADD = CursorStatement(insert(STOCK))
_BY_ID = CursorStatement(select(STOCK).where(STOCK.c.id == bindparam("s_id")))
_FIRST_TWO = CursorStatement(select(STOCK.c.id, STOCK.c.vials).order_by(STOCK.c.id).limit(2))
_RAISE = CursorStatement(
    build=lambda dialect: (
        dialect.insert(STOCK)
        .on_conflict_do_update(
            index_elements=[STOCK.c.id],
            set_={"vials": STOCK.c.vials + bindparam("delta")},
            where=STOCK.c.vials + bindparam("delta") <= bindparam("cap"),
        )
        .returning(STOCK.c.vials)
    )
)
_CLOSE = CursorStatement(update(STOCK).where(STOCK.c.vials < bindparam("below")).values(open=False))
_DROP = CursorStatement(delete(STOCK).where(STOCK.c.id == bindparam("s_id")))


def _row(id_: str, vials: int, seen_at: datetime | None = None) -> dict[str, object]:
    return {"id": id_, "vials": vials, "open": True, "seen_at": seen_at, "note": ""}


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    """A database of its own on the test server, dropped on the way out."""
    if not PG_URL:
        pytest.skip("PostgreSQL: set VAXORDERS_TEST_DATABASE_URL")
    with empty_pg_database("vaxtest_statements") as url:
        yield sync_url(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The services' synchronous engines (run_write, run_read): sqlite3 and psycopg."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'stock.db'}"
    else:
        url = request.getfixturevalue("postgresql_url")
    engine = create_engine(url)
    METADATA.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection, connection.begin():
        yield connection


def test_a_read_on_the_cursor_gives_what_sqlalchemy_gives(connection: Connection) -> None:
    seen = datetime(2022, 3, 7, 8, 0, 5, 123456, tzinfo=PARIS)
    _ADD.many(connection, [_row("a", 3, seen), _row("b", 5)])
    ours = _BY_ID.first(connection, {"s_id": "a"})
    theirs = connection.execute(_BY_ID.statement(connection), {"s_id": "a"}).one()
    assert tuple(ours) == tuple(theirs)
    assert ours._fields == tuple(theirs._fields)
    # The instant comes back aware, in UTC, as UTCDateTime promises; the flag a bool.
    assert ours.seen_at == seen and ours.seen_at.tzinfo == UTC
    assert ours.open is True
    assert _BY_ID.first(connection, {"s_id": "b"}).seen_at is None
    assert _BY_ID.first(connection, {"s_id": "absent"}) is None


def test_values_bound_in_the_statement_itself_are_used(connection: Connection) -> None:
    _ADD.many(connection, [_row(name, n) for n, name in enumerate("cab")])
    assert [tuple(r) for r in _FIRST_TWO.all(connection, {})] == [("a", 1), ("b", 2)]


def test_a_conditional_upsert_returns_the_new_total_or_nothing_when_refused(connection: Connection) -> None:
    params = {"id": "a", "vials": 4, "open": True, "seen_at": None, "note": "", "delta": 4, "cap": 10}
    assert _RAISE.scalar(connection, params) == 4  # inserted
    assert _RAISE.scalar(connection, params) == 8  # raised
    assert _RAISE.scalar(connection, params) is None  # 12 > 10: refused, unchanged
    assert _BY_ID.first(connection, {"s_id": "a"}).vials == 8


def test_updates_and_deletes_say_how_many_rows_they_touched(connection: Connection) -> None:
    _ADD.many(connection, [_row("a", 1), _row("b", 2), _row("c", 9)])
    assert _CLOSE.rowcount(connection, {"below": 5}) == 2
    assert [r.open for r in (_BY_ID.first(connection, {"s_id": n}) for n in "abc")] == [False, False, True]
    assert _DROP.rowcount(connection, {"s_id": "c"}) == 1
    assert _DROP.rowcount(connection, {"s_id": "c"}) == 0


def test_a_driver_error_is_sqlalchemys_exception(connection: Connection) -> None:
    # The idempotency retry loop re-runs a write that lost a race on a unique key: it
    # catches SQLAlchemy's IntegrityError, whatever ran the statement.
    # (Each in a savepoint, as that loop runs them: PostgreSQL refuses any statement after an
    # error in a transaction until it is rolled back.)
    _ADD.many(connection, [_row("a", 1)])
    with pytest.raises(IntegrityError), connection.begin_nested():
        _ADD.many(connection, [_row("a", 2)])
    with pytest.raises(IntegrityError), connection.begin_nested():
        _RAISE.scalar(
            connection, {"id": "z", "vials": None, "open": True, "seen_at": None, "note": ""} | {"delta": 1, "cap": 1}
        )
    assert _BY_ID.first(connection, {"s_id": "a"}).vials == 1


def test_a_connection_the_server_dropped_is_invalidated_and_the_next_transaction_gets_a_live_one(
    postgresql_url: str,
) -> None:
    # A PostgreSQL restarted under the service: the error says "unavailable" (the client retries)
    # and the pool does not hand the dead connection out again.
    engine = create_engine(postgresql_url)
    METADATA.create_all(engine)
    with engine.connect() as connection:
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with _pg_admin() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(DBAPIError) as raised:
            _BY_ID.first(connection, {"s_id": "a"})
        assert raised.value.connection_invalidated
        assert connection.invalidated
        assert is_database_unavailable(raised.value)
    with engine.begin() as connection:
        _ADD.many(connection, [_row("a", 1)])
        assert _BY_ID.first(connection, {"s_id": "a"}).vials == 1
    engine.dispose()


def test_a_statement_that_needs_python_side_defaults_is_refused_before_it_runs(connection: Connection) -> None:
    # SQLAlchemy would fill `note` from its default: run on the cursor, it must be given.
    with pytest.raises(ValueError, match="note"):
        _ADD.many(connection, [{"id": "a", "vials": 1, "open": True, "seen_at": None}])
    assert _BY_ID.first(connection, {"s_id": "a"}) is None


def test_an_orm_session_runs_the_same_statement_through_sqlalchemy(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'orm.db'}")
    METADATA.create_all(engine)
    seen = datetime(2022, 3, 7, 7, 0, tzinfo=UTC)
    with Session(engine) as session, session.begin():
        _ADD.many(session, [_row("a", 3, seen)])
        row = _BY_ID.first(session, {"s_id": "a"})
        assert (row.id, row.vials, row.seen_at) == ("a", 3, seen)
    engine.dispose()


def test_a_parameter_left_out_is_an_error_not_a_null(connection: Connection) -> None:
    _ADD.many(connection, [_row("a", 1)])
    with pytest.raises(KeyError, match="s_id"):
        _BY_ID.first(connection, {"id": "a"})


_ADD_ROWS = RowsStatement(
    lambda _d, keys, n: insert(STOCK).values(numbered_values(STOCK, keys, n)).returning(STOCK.c.id, STOCK.c.seen_at)
)


def test_rows_written_together_are_all_written_with_their_types_past_one_statement(connection: Connection) -> None:
    seen = datetime(2022, 3, 7, 8, 0, 5, tzinfo=PARIS)
    rows = [_row(f"r{i:03}", i, seen if i % 2 else None) for i in range(MAX_ROWS * 2 + 7)]
    returned = _ADD_ROWS.all(connection, rows)
    assert sorted(r.id for r in returned) == [row["id"] for row in rows]
    assert {r.seen_at for r in returned} == {seen, None}
    stored = connection.execute(select(STOCK.c.id, STOCK.c.vials, STOCK.c.seen_at).order_by(STOCK.c.id)).all()
    assert [tuple(r) for r in stored] == [(row["id"], row["vials"], row["seen_at"]) for row in rows]
    # Written by rows' count alone, without RETURNING rows to read.
    added = RowsStatement(lambda _d, keys, n: insert(STOCK).values(numbered_values(STOCK, keys, n)))
    assert added.run(connection, [_row("z1", 1), _row("z2", 2)]) == 2
    assert _BY_ID.first(connection, {"s_id": "z2"}).vials == 2


def test_a_column_without_a_name_is_read_by_position(connection: Connection) -> None:
    _ADD.many(connection, [_row("a", 3), _row("b", 5)])
    counted = CursorStatement(select(func.count(STOCK.c.id), func.max(STOCK.c.vials)))
    assert tuple(counted.one(connection, {})) == (2, 5)
