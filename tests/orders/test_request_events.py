"""The request feed read while requests are written concurrently: a reader
resuming after the last id it saw never misses an event (ids become visible
in their order; on PostgreSQL an appender holding a lower id commits first)."""

from __future__ import annotations

import asyncio

from services.orders.views import RequestEventView
from tests.orders.conftest import DUBOIS, JEANNE, LILAS, MAILER, MODERNA, SESSION, Domain, rid

PARENT = f"sessions/{SESSION}/officines/{LILAS}"
WRITERS = 24


async def test_a_reader_polling_during_concurrent_requests_misses_none(domain: Domain) -> None:
    done = asyncio.Event()
    seen: list[RequestEventView] = []

    async def read_on() -> None:
        position = 0
        while True:
            finished = done.is_set()
            page = await domain.requests.events(MAILER, position, 1000)
            seen.extend(page)
            if page:
                position = page[-1].id
            elif finished:
                return
            await asyncio.sleep(0)

    async def write(i: int) -> str:
        outcome = await domain.requests.create(JEANNE, PARENT, DUBOIS, MODERNA, 1 + i, "", rid())
        return outcome.request.name

    reader = asyncio.create_task(read_on())
    names = await asyncio.gather(*(write(i) for i in range(WRITERS)))
    done.set()
    await reader
    everything = await domain.requests.events(MAILER, 0, 1000)
    assert len(everything) == WRITERS
    assert sorted(e.request for e in seen) == sorted(names)
    assert [e.id for e in seen] == [e.id for e in everything]
