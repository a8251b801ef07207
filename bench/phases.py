"""The measured phases against the running suite: the rush (closed loop, as fast
as the suite answers), the rush at half that rate (open loop), pure order-line
writes, and the hot-row / spread-rows pair."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bench.api import LINE_WRITES, Line
from bench.config import BenchConfig
from bench.dataset import Officine
from bench.flows import CALLS_PER_RUSH, Api, TokenBook, line_slots, rush
from bench.load import LoopResult, closed_loop, open_loop
from bench.procs import Child
from bench.stats import Recorder


@dataclass
class Phase:
    name: str
    recorder: Recorder
    result: LoopResult
    notes: dict[str, Any] = field(default_factory=dict)
    calls_per_job: int = 1

    @property
    def calls_per_second(self) -> float:
        return self.recorder.rate()

    @property
    def jobs_per_second(self) -> float:
        """Jobs (officines, for a rush) per second at full concurrency: the calls
        made in the measuring window over the calls one job makes, so work of the
        jobs still running at the end of the window counts too."""
        return self.calls_per_second / self.calls_per_job

    @property
    def lines_per_second(self) -> float:
        return self.recorder.rate(LINE_WRITES)


@contextmanager
def cpu_of(recorder: Recorder, processes: Sequence[Child]) -> Iterator[None]:
    """CPU seconds each server process spent during the block."""
    before = {c.name: c.cpu() for c in processes}
    yield
    recorder.server_cpu = {c.name: c.cpu() - before[c.name] for c in processes}


async def rush_phase(
    name: str,
    api: Api,
    book: TokenBook,
    officines: Iterator[Officine],
    config: BenchConfig,
    processes: Sequence[Child],
    *,
    seconds: float,
) -> Phase:
    async def job(o: Officine, user: int) -> None:
        await rush(api, book, o, user)

    with cpu_of(api.recorder, processes):
        result = await closed_loop(api.recorder, config.concurrency, job, officines, seconds=seconds)
    return Phase(name, api.recorder, result, calls_per_job=CALLS_PER_RUSH)


async def half_load_phase(
    api: Api,
    book: TokenBook,
    officines: Iterator[Officine],
    config: BenchConfig,
    processes: Sequence[Child],
    *,
    rate: float,
) -> Phase:
    async def job(o: Officine, user: int) -> None:
        await rush(api, book, o, user)

    with cpu_of(api.recorder, processes):
        result = await open_loop(
            api.recorder, rate, job, officines, seconds=config.half_load_seconds, max_in_flight=4 * config.concurrency
        )
    return Phase(
        "half-load", api.recorder, result, {"officines_per_second_offered": rate}, calls_per_job=CALLS_PER_RUSH
    )


async def write_phase(
    api: Api,
    book: TokenBook,
    officines: Sequence[Officine],
    orderable: dict[str, list[str]],
    config: BenchConfig,
    processes: Sequence[Child],
) -> Phase:
    """Nothing but CreateOrderLine, each for a new (officine, effecteur, product)."""

    async def job(slot: tuple[Officine, str, str], user: int) -> None:
        o, effecteur, product = slot
        await api.create_line(user, book.for_officine(o).titulaire, o.order, effecteur, product, 7)

    with cpu_of(api.recorder, processes):
        result = await closed_loop(
            api.recorder, config.concurrency, job, line_slots(officines, orderable), seconds=config.ceiling_seconds
        )
    return Phase("write", api.recorder, result)


async def own_lines(
    api: Api, book: TokenBook, slots: Sequence[tuple[Officine, str, str]]
) -> list[tuple[Officine, Line]]:
    """Create the lines the update loops will raise (one per virtual user)."""
    made = []
    for user, (o, effecteur, product) in enumerate(slots):
        made.append((o, await api.create_line(user, book.for_officine(o).titulaire, o.order, effecteur, product, 1)))
    return made


async def raise_loop_phase(
    name: str,
    api: Api,
    book: TokenBook,
    lines: list[tuple[Officine, Line]],
    config: BenchConfig,
    processes: Sequence[Child],
) -> Phase:
    """Each virtual user raises its own line by one vial, again and again: every
    call runs the conditional quota-ledger update under the line's capped rule."""
    current = [line for _, line in lines]

    async def job(_n: int, user: int) -> None:
        o, _ = lines[user]
        line = current[user]
        current[user] = await api.update_line(user, book.for_officine(o).titulaire, line, line.vials + 1)

    with cpu_of(api.recorder, processes):
        result = await closed_loop(api.recorder, len(lines), job, itertools.count(), seconds=config.hot_row_seconds)
    return Phase(name, api.recorder, result)


def hot_slots(
    officines: Sequence[Officine], count: int, effecteur_type: str, product: str
) -> list[tuple[Officine, str, str]]:
    """`count` lines all under one (type, product) rule, over as few officines as that takes."""
    slots = [(o, e.resource, product) for o in officines for e in o.effecteurs if e.type == effecteur_type]
    if len(slots) < count:
        raise ValueError("not enough reserved officines for the hot-row mode")
    return slots[:count]


def spread_slots(
    officines: Sequence[Officine], count: int, orderable: dict[str, list[str]]
) -> list[tuple[Officine, str, str]]:
    """`count` lines spread over every (type, product) rule, one officine each."""
    rules = sorted({(e.type, p) for o in officines[:1] for e in o.effecteurs for p in orderable.get(e.type, [])})
    slots = []
    for n, o in enumerate(officines[:count]):
        effecteur_type, product = rules[n % len(rules)]
        effecteur = next(e for e in o.effecteurs if e.type == effecteur_type)
        slots.append((o, effecteur.resource, product))
    if len(slots) < count:
        raise ValueError("not enough reserved officines for the spread mode")
    return slots
