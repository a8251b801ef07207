"""services/common/feeds.py: a feed's rows become visible in id order. The hot path's append takes
the feed's lock in its own statement, and waits for the end of the transaction."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Connection, Engine

from services.common.db import sync_url
from services.common.feeds import VIAL_REQUEST_EVENTS, FeedAppend, appends_last
from services.orders.repository_requests import EVENTS
from services.orders.spec import SPEC as ORDERS
from tests.conftest import PG_URL

APPEND = FeedAppend(EVENTS, VIAL_REQUEST_EVENTS)


def event(request: str) -> dict[str, Any]:
    return {
        "kind": "CREATED",
        "request": request,
        "finess": "759900111",
        "effecteur": "effecteurs/rpps:99700000104",
        "product": "products/moderna",
        "vials": 4,
        "confirmed_vials": 0,
        "text": "",
        "actor": "899700000104",
        "event_time": datetime(2022, 3, 7, 7, 5, tzinfo=UTC),
    }


@pytest.fixture
def engine(database_url_for) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    made = create_engine(sync_url(database_url_for(ORDERS)))
    yield made
    made.dispose()


def requests(c: Connection) -> list[str]:
    return list(c.execute(select(EVENTS.c.request).order_by(EVENTS.c.id)).scalars())


def test_inside_appends_last_the_rows_wait_for_the_end_and_go_with_a_refusal(engine: Engine) -> None:
    with engine.begin() as c, appends_last(c) as flush:
        APPEND.run(c, [event("first")])
        assert requests(c) == []  # not yet: after the rest of the transaction
        flush()
        assert requests(c) == ["first"]
    with engine.begin() as c, appends_last(c):
        APPEND.run(c, [event("refused")])  # the transaction ends without reaching its flush
    with engine.begin() as c:
        APPEND.run(c, [event("at once")])  # outside appends_last: appended at once
        assert requests(c) == ["first", "at once"]


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL's concurrent appenders")
def test_a_second_appender_waits_for_the_first_one_s_commit_so_ids_are_seen_in_order(engine: Engine) -> None:
    first = engine.connect()
    first.begin()
    with appends_last(first) as flush:
        APPEND.run(first, [event("first")])
        flush()
    done: list[str] = []

    def second() -> None:
        with engine.begin() as c:
            done.append(str(c.execute(text("SELECT pg_backend_pid()")).scalar()))
            APPEND.run(c, [event("second")])
        done.append("committed")

    thread = threading.Thread(target=second)
    thread.start()
    try:
        with engine.connect() as watcher:
            waiting = 0
            for _ in range(200):  # until the second appender waits on the feed's lock
                pid = done[0] if done else "0"
                waiting = watcher.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"
                        " AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
                    ),
                    {"pid": int(pid)},
                ).scalar_one()
                if waiting:
                    break
                time.sleep(0.05)
            assert waiting == 1
            assert done[1:] == []
            first.commit()
            thread.join(30)
            assert done[1:] == ["committed"]
            assert requests(watcher) == ["first", "second"]
            assert watcher.execute(select(func.count()).select_from(EVENTS)).scalar_one() == 2
    finally:
        first.close()
        thread.join(30)
