"""Hot-path SQL built once, and run straight on the driver's cursor (sqlite3, psycopg).

Building a Core statement (coercions, its cache key) costs far more than running it
on our sub-millisecond statements: measured on SQLite, a ledger upsert built per call
took 290 µs against 24 µs for the same statement built once and executed with its
parameters (docs/benchmarks.md). The statements the Monday rush runs are therefore
built once, at import (per dialect when they differ: the upserts).

Built once, a statement still paid SQLAlchemy's execution machinery on every run:
cache-key look-up, execution context, parameter construction, events, result metadata.
Profiled in the Monday rush, `Connection.execute` was a fifth of the orders service's CPU,
of which sqlite3's own `execute` was 3 points; on PostgreSQL a point select cost 83 µs of
client CPU through it against 27 µs on psycopg's cursor. A `CursorStatement` does what
that machinery does for our statements, once: it compiles the statement with SQLAlchemy
for the connection's dialect and the keys it is given (as `Connection.execute` does),
keeps the SQL, its parameters (the order of sqlite3's `?`s, psycopg's names) and each
one's type conversion (UTCDateTime, sqlite's DATETIME...), and then per run only orders
and converts the values, calls the driver's `cursor.execute` and converts the returned
columns. What SQLAlchemy would do beyond that is refused when the statement is first
compiled (Python-side column defaults, expanding IN parameters), so a statement cannot
silently run differently here. A driver error goes through SQLAlchemy's own handling:
callers get its exception (IntegrityError, OperationalError...), and a connection found
dead (a restarted PostgreSQL) is invalidated with its pool, as `execute` would.

From an ORM session (a cold path) the same statement runs through `execute`, and the
rows are SQLAlchemy's `Row`s: both kinds give their columns as attributes and as a
tuple, which is all callers use.

A `RowsStatement` writes several rows in one statement (a multi-row VALUES), where
`CursorStatement.many` sends one per row: on PostgreSQL each statement is a round trip
and some 50 µs of psycopg's work around it, and a grid save of 15 cells sent 45 of them.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import MultipleResultsFound, NoResultFound
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from services.common.db import SyncExecutor, dialect_name
from services.common.driver import driver_cursor

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Compiled:
    """One statement for one set of parameter keys, ready for the driver."""

    sql: str
    names: tuple[str, ...]  # sqlite3: the parameter of each `?`, in order (a name may come back)
    positional: bool  # False: psycopg's `%(name)s`, `names` once each
    bound: Mapping[str, Any]  # values carried by the statement itself (a literal, a LIMIT)
    binds: tuple[tuple[int, Processor], ...]  # (position, conversion) of the typed parameters
    row: Any  # the class of the returned rows (a named tuple), None when nothing is returned
    results: tuple[tuple[int, Processor], ...]  # (column, conversion) of the typed columns

    def arguments(self, params: Mapping[str, Any]) -> list[Any] | dict[str, Any]:
        bound = self.bound
        values = [params[name] if name in params else bound[name] for name in self.names]
        for position, convert in self.binds:
            values[position] = convert(values[position])
        return values if self.positional else dict(zip(self.names, values, strict=True))

    def rows(self, raw: list[Any]) -> list[Any]:
        if self.row is None:
            return []
        make = self.row._make
        if not self.results:
            return [make(r) for r in raw]
        converted = []
        for r in raw:
            values = list(r)
            for column, convert in self.results:
                values[column] = convert(values[column])
            converted.append(make(values))
        return converted


class CursorStatement:
    """`statement`, or `build(dialect_module)` once per dialect (sqlalchemy.dialects.sqlite or
    .postgresql, for their `insert` with ON CONFLICT); run on the driver's cursor of a
    connection, through SQLAlchemy from an ORM session."""

    def __init__(self, statement: ClauseElement | None = None, *, build: Callable[[Any], Any] | None = None) -> None:
        if (statement is None) == (build is None):
            raise TypeError("give a statement or a build function")
        self._build = build if build is not None else (lambda _dialect: statement)
        self._statements: dict[str, Any] = {}
        self._compiled: dict[str, dict[tuple[str, ...], _Compiled]] = {}  # by dialect, then parameter keys

    def statement(self, s: SyncExecutor) -> Any:
        """The SQLAlchemy statement for this connection's dialect."""
        name = dialect_name(s)
        found = self._statements.get(name)
        if found is None:
            found = self._statements[name] = self._build(postgresql if name == "postgresql" else sqlite)
        return found

    # -- running -----------------------------------------------------------------------

    def all(self, s: SyncExecutor, params: Mapping[str, Any]) -> list[Any]:
        """Every row returned."""
        on_cursor = _connection(s)
        if on_cursor is None:
            return list(s.execute(self.statement(s), params))
        compiled = self._for(on_cursor, params)
        with driver_cursor(on_cursor) as cursor:
            _execute(on_cursor, cursor, False, compiled.sql, compiled.arguments(params))
            return compiled.rows(cursor.fetchall())

    def first(self, s: SyncExecutor, params: Mapping[str, Any]) -> Any | None:
        """The first row returned, None when none was."""
        rows = self.all(s, params)
        return rows[0] if rows else None

    def one(self, s: SyncExecutor, params: Mapping[str, Any]) -> Any:
        """The one row returned; SQLAlchemy's NoResultFound or MultipleResultsFound otherwise."""
        rows = self.all(s, params)
        if len(rows) != 1:
            raise (NoResultFound if not rows else MultipleResultsFound)(f"{len(rows)} rows, one expected")
        return rows[0]

    def scalar(self, s: SyncExecutor, params: Mapping[str, Any]) -> Any | None:
        """The first column of the first row, None when no row was returned."""
        row = self.first(s, params)
        return None if row is None else row[0]

    def rowcount(self, s: SyncExecutor, params: Mapping[str, Any]) -> int:
        """How many rows an UPDATE or DELETE touched."""
        on_cursor = _connection(s)
        if on_cursor is None:
            result = s.execute(self.statement(s), params)
            count: int = result.rowcount  # type: ignore[attr-defined]  # a DML's CursorResult
            return count
        compiled = self._for(on_cursor, params)
        with driver_cursor(on_cursor) as cursor:
            _execute(on_cursor, cursor, False, compiled.sql, compiled.arguments(params))
            return int(cursor.rowcount)

    def many(self, s: SyncExecutor, rows: Sequence[Mapping[str, Any]]) -> None:
        """The statement once per row of parameters (executemany), nothing returned."""
        if not rows:
            return
        on_cursor = _connection(s)
        if on_cursor is None:
            s.execute(self.statement(s), list(rows))
            return
        compiled = self._for(on_cursor, rows[0])
        with driver_cursor(on_cursor) as cursor:
            _execute(on_cursor, cursor, True, compiled.sql, [compiled.arguments(row) for row in rows])

    # -- compiling -----------------------------------------------------------------------

    def _for(self, connection: Connection, params: Mapping[str, Any]) -> _Compiled:
        keys = tuple(sorted(params))
        compiled = self._compiled.setdefault(connection.dialect.name, {})
        found = compiled.get(keys)
        if found is None:
            found = compiled[keys] = _compile(self.statement(connection), connection, keys)
        return found


def _connection(s: SyncExecutor) -> Connection | None:
    return None if isinstance(s, Session) else s


def _execute(connection: Connection, cursor: Any, many: bool, sql: str, arguments: Any) -> None:
    """`cursor.execute` or `executemany`. A driver error goes through SQLAlchemy's own handling
    (the private method its `execute` uses; SQLAlchemy is pinned): raised as SQLAlchemy's
    exception (IntegrityError...), and a dead connection invalidated with its pool, so that the
    next transaction gets a live one (tests/common/test_statements.py checks both, and would
    tell on an upgrade)."""
    try:
        (cursor.executemany if many else cursor.execute)(sql, arguments)
    except connection.dialect.loaded_dbapi.Error as error:
        connection._handle_dbapi_exception(error, sql, arguments, cursor, None)


def _compile(statement: Any, connection: Connection, keys: tuple[str, ...]) -> _Compiled:
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    assert isinstance(compiled, SQLCompiler)
    if compiled.insert_prefetch or compiled.update_prefetch:
        missing = sorted(c.key for c in (*compiled.insert_prefetch, *compiled.update_prefetch))
        raise ValueError(f"give every column: SQLAlchemy would compute the defaults of {missing}")
    if compiled.post_compile_params or compiled.literal_execute_params:
        raise ValueError("expanding or literal-execute parameters are not run on the cursor")
    if compiled.escaped_bind_names:
        raise ValueError(f"parameter names the driver would see escaped: {sorted(compiled.escaped_bind_names)}")
    positional = compiled.positiontup is not None
    names = tuple(compiled.positiontup) if compiled.positiontup is not None else tuple(compiled.binds)
    binds = []
    for position, name in enumerate(names):
        convert = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            binds.append((position, convert))
    # A parameter left out is an error (KeyError), as in SQLAlchemy, unless the statement carries its value.
    bound = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
    results = []
    columns = list(statement.exported_columns) if statement.is_select or compiled.effective_returning else []
    for position, column in enumerate(columns):
        convert = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if convert is not None:
            results.append((position, convert))
    # A column without a usable name (an unlabelled count) is read by position (rename: `_0`).
    row = namedtuple("Row", [str(c.key) for c in columns], rename=True) if columns else None
    return _Compiled(compiled.string, names, positional, bound, tuple(binds), row, tuple(results))


# Rows per multi-row statement: PostgreSQL takes at most 65,535 parameters in one, SQLite
# 32,766, and a statement is compiled (and prepared) once per row count up to this.
MAX_ROWS = 100


def numbered(name: str, row: int) -> str:
    """The parameter of `name` for the `row`-th row of a RowsStatement."""
    return f"{name}_{row}"


def numbered_values(table: Any, keys: tuple[str, ...], n: int) -> list[dict[str, Any]]:
    """The VALUES of `n` rows of `table` for a RowsStatement's `build`: each key's numbered
    parameter, typed as its column."""
    return [{key: bindparam(numbered(key, i), type_=table.c[key].type) for key in keys} for i in range(n)]


class RowsStatement:
    """One statement over several rows: `build(dialect_module, keys, n)` returns it for `n` rows
    whose parameters are `numbered(key, i)` for each of `keys` (the rows' keys, sorted), plus
    any shared ones. Compiled once per row count and keys, run as a CursorStatement; more than
    MAX_ROWS rows go in several statements."""

    def __init__(self, build: Callable[[Any, tuple[str, ...], int], Any]) -> None:
        self._build = build
        self._statements: dict[tuple[int, tuple[str, ...]], CursorStatement] = {}

    def all(self, s: SyncExecutor, rows: Sequence[Mapping[str, Any]], shared: Mapping[str, Any] = {}) -> list[Any]:
        """Every row the statements return (RETURNING), in no promised order."""
        returned: list[Any] = []
        for statement, params in self._parts(rows, shared):
            returned += statement.all(s, params)
        return returned

    def run(self, s: SyncExecutor, rows: Sequence[Mapping[str, Any]], shared: Mapping[str, Any] = {}) -> int:
        """For a statement that returns nothing: how many rows it wrote."""
        return sum(statement.rowcount(s, params) for statement, params in self._parts(rows, shared))

    def _parts(
        self, rows: Sequence[Mapping[str, Any]], shared: Mapping[str, Any]
    ) -> Iterator[tuple[CursorStatement, dict[str, Any]]]:
        for start in range(0, len(rows), MAX_ROWS):
            part = rows[start : start + MAX_ROWS]
            keys = tuple(sorted(part[0]))
            params = dict(shared)
            for i, row in enumerate(part):
                params.update((numbered(key, i), row[key]) for key in keys)
            yield self._statement(len(part), keys), params

    def _statement(self, n: int, keys: tuple[str, ...]) -> CursorStatement:
        found = self._statements.get((n, keys))
        if found is None:
            found = self._statements[(n, keys)] = CursorStatement(build=lambda dialect: self._build(dialect, keys, n))
        return found
