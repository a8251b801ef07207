"""services/common/planner_statistics.py: a bulk load is analyzed, so PostgreSQL plans the
officine's reads with the right index; a server without autovacuum is reported at start."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from services.common.db import Database
from services.common.planner_statistics import analyze_after_bulk_load, autovacuum_is_off, warn_if_autovacuum_off
from services.effecteurs.spec import SPEC as EFFECTEURS
from tests.conftest import PG_URL, log_events, pg_connect

# An officine's current attachments, as effecteurs lists and counts them at the Monday opening.
_CURRENT_ATTACHMENTS = (
    "SELECT count(attachments.id) FROM attachments JOIN effecteurs ON attachments.effecteur_key = effecteurs.key "
    "WHERE attachments.officine_finess = '100000042' AND attachments.detach_time IS NULL"
)


def _bulk_load(url: str, officines: int, per_officine: int) -> None:
    """What a national import leaves: many officines, each with its current attachments."""
    with pg_connect(url, autocommit=True) as c:
        c.execute(
            "INSERT INTO officines SELECT (100000000 + n)::text, 'Officine ' || n, '', '75001', 'Paris', '75', '',"
            " '[]', 1, now(), now() FROM generate_series(1, %s) AS n",
            (officines,),
        )
        c.execute(
            "INSERT INTO effecteurs SELECT 'rpps:' || (10000000000 + n), 'rpps', (10000000000 + n)::text,"
            " 'PERSON', 'MEDECIN', 'Dr ' || n, 'dr ' || n, '', '75', 1, now(), now()"
            " FROM generate_series(1, %s) AS n",
            (officines * per_officine,),
        )
        c.execute(
            "INSERT INTO attachments (officine_finess, effecteur_key, attach_time, attached_by)"
            " SELECT (100000000 + 1 + (n - 1) / %s)::text, 'rpps:' || (10000000000 + n), now(), 'import'"
            " FROM generate_series(1, %s) AS n",
            (per_officine, officines * per_officine),
        )


def _plan(url: str) -> tuple[str, int]:
    """The plan of the officine's attachments count (as text) and the pages it read."""
    with pg_connect(url, autocommit=True) as c:
        plan: Any = c.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {_CURRENT_ATTACHMENTS}").fetchone()
    top = plan[0][0]
    return json.dumps(top["Plan"]), top["Plan"]["Shared Hit Blocks"] + top["Plan"]["Shared Read Blocks"]


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL's planner statistics")
def test_after_a_bulk_load_an_officine_s_attachments_are_read_through_their_own_index(database_url_for) -> None:
    url = database_url_for(EFFECTEURS)
    _bulk_load(url, officines=3_000, per_officine=6)
    plan, pages = _plan(url)
    # Unanalyzed, the planner takes the 18,000 current attachments for a few hundred, and
    # walks the index of all of them.
    assert "uq_attachments_current_effecteur" in plan
    assert pages > 50

    assert analyze_after_bulk_load(url) is True

    plan, pages = _plan(url)
    assert "uq_attachments_current_effecteur" not in plan
    assert pages < 30


def test_on_sqlite_nothing_is_analyzed(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert analyze_after_bulk_load(url) is False
    assert not (tmp_path / "x.db").exists()


async def test_the_start_reports_a_server_without_autovacuum(json_logs: io.StringIO, database_url_for) -> None:
    db = Database(database_url_for(EFFECTEURS))
    try:
        off = autovacuum_is_off(db.url)
        await warn_if_autovacuum_off(db)
    finally:
        await db.dispose()
    if PG_URL:
        with pg_connect(PG_URL) as c:
            row: Any = c.execute("SHOW autovacuum").fetchone()
        assert off is (row[0] == "off")
    else:
        assert off is False
    warned = [e for e in log_events(json_logs) if e["event"] == "db.autovacuum_off"]
    assert len(warned) == (1 if off else 0)


@pytest.mark.skipif(not PG_URL, reason="a PostgreSQL server that does not answer")
async def test_a_server_that_does_not_answer_does_not_stop_the_start(json_logs: io.StringIO) -> None:
    db = Database("postgresql+psycopg://postgres@127.0.0.1:9/nowhere")
    try:
        await warn_if_autovacuum_off(db)
    finally:
        await db.dispose()
    assert [e["event"] for e in log_events(json_logs)] == ["db.autovacuum_not_checked"]
