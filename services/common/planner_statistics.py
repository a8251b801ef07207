"""PostgreSQL's planner statistics: refreshed after a bulk load, kept by autovacuum.

PostgreSQL plans each statement from its tables' statistics (ANALYZE). A table filled in bulk
and not analyzed since is planned as if it were still small, and a connection keeps the plan
it prepared then. Measured at national scale (137,232 attachments, an order week under way,
nothing analyzed): an officine's current attachments were read through the partial index of
every current attachment (1,100 pages and 85 ms a call), and an officine's order lines
through a plan cached while the table was small (7,000 pages and 115 ms a call), where the
right index reads 4 or 5 pages. So every bulk load (a service's `seed`, effecteurs'
`import-attachments`) ends with ANALYZE, and since the week's orders grow the tables long
after that, a server whose autovacuum (which also analyzes) is off is reported at start.
SQLite's planner chooses our indexes from the schema alone: nothing to do there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

import structlog
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from services.common.db import Database, is_sqlite_url, sync_url

log = structlog.get_logger("planner_statistics")

T = TypeVar("T")


def _on_postgresql(url: str, work: Callable[[Connection], T]) -> T:
    """`work` on one connection of its own, in autocommit, closed after (no pool is kept)."""
    engine = create_engine(sync_url(url), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            return work(connection)
    finally:
        engine.dispose()


def analyze_after_bulk_load(url: str) -> bool:
    """ANALYZE every table of the service's database, on PostgreSQL (whether it ran)."""
    if is_sqlite_url(url):
        return False
    _on_postgresql(url, lambda connection: connection.execute(text("ANALYZE")))
    log.info("db.analyzed", reason="bulk load")
    return True


def autovacuum_is_off(url: str) -> bool:
    """True when the PostgreSQL server runs without autovacuum (never on SQLite)."""
    if is_sqlite_url(url):
        return False
    setting = _on_postgresql(url, lambda connection: connection.scalar(text("SELECT current_setting('autovacuum')")))
    return bool(setting != "on")


async def warn_if_autovacuum_off(db: Database) -> None:
    """At start: a warning when autovacuum is off. Never stops the start (a server briefly
    unreachable is the pools' business, and the check is only advice); holds no connection."""
    try:
        off = await asyncio.to_thread(autovacuum_is_off, db.url)
    except DBAPIError as error:
        log.warning("db.autovacuum_not_checked", error=type(error.orig).__name__)
        return
    if off:
        log.warning(
            "db.autovacuum_off",
            consequence="tables are never analyzed nor vacuumed as orders grow them: plans and bloat degrade",
            action="turn autovacuum on (deploy/README.md, PostgreSQL)",
        )
