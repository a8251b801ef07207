"""Hot-path SQL built once, run with bind parameters.

Building a Core statement (coercions, its cache key) costs far more than running it
on our sub-millisecond statements: measured on SQLite, a ledger upsert built per call
took 290 µs against 24 µs for the same statement built once and executed with its
parameters (docs/benchmarks.md). The statements the Monday rush runs are therefore
built once per dialect (the upserts differ) by `per_dialect`, or once at import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite

from services.common.db import Executor, SyncExecutor, dialect_name

S = TypeVar("S")


def per_dialect(build: Callable[[Any], S]) -> Callable[[Executor | SyncExecutor], S]:
    """`build(dialect_module)` (sqlalchemy.dialects.sqlite or .postgresql, for their `insert`
    with ON CONFLICT) once per dialect, the statement for the connection's dialect after that."""
    built: dict[str, S] = {}

    def statement(s: Executor | SyncExecutor) -> S:
        name = dialect_name(s)
        found = built.get(name)
        if found is None:
            found = built[name] = build(postgresql if name == "postgresql" else sqlite)
        return found

    return statement
