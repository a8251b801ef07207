"""The driver's own cursor under a SQLAlchemy connection, for the few statements whose every
microsecond counts on the hot path: SQLite's BEGIN (services.common.db), the group commit's
savepoints (services.common.group_commit), the cursor statements (services.common.statements)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection


@contextmanager
def driver_cursor(connection: Connection) -> Iterator[Any]:
    """A cursor of the driver's connection under `connection` (sqlite3's, psycopg's), inside its
    transaction, closed on exit."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        yield cursor
    finally:
        cursor.close()
