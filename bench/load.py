"""The load generator: closed loops (as fast as the system answers) and open loops
(a fixed arrival rate), always bounded in count and in time.

A *job* is what one virtual user does once: one echo call for a ceiling, a whole
pharmacist's session for the rush. Jobs record their own calls (one Sample per
RPC) through `timed`, so a job of 25 RPCs yields 25 latencies.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc

from bench.stats import Recorder

T = TypeVar("T")


class CallFailed(Exception):
    """A call got an error status: the job stops there (its next steps depend on it)."""

    def __init__(self, op: str, code: str, detail: str = "") -> None:
        super().__init__(f"{op}: {code} {detail}".strip())
        self.op, self.code, self.detail = op, code, detail


async def timed(recorder: Recorder, op: str, call: Awaitable[T]) -> T:
    """Await one gRPC call and record it; an error status is recorded, then raised."""
    started = time.perf_counter()
    try:
        result = await call
    except grpc.aio.AioRpcError as error:
        recorder.add(op, started, time.perf_counter(), error.code().name)
        raise CallFailed(op, error.code().name, error.details() or "") from None
    recorder.add(op, started, time.perf_counter(), "OK")
    return result


@dataclass
class LoopResult:
    jobs_done: int
    jobs_failed: int
    failures: list[str]  # first few failure messages, for the report
    late_starts: int = 0  # open loop: arrivals started after their slot (the system fell behind)
    jobs_cut: int = 0  # still running `grace` seconds after the end: cancelled, neither done nor failed


# Once a phase stops starting jobs, those in flight get this long to finish; then
# they are cancelled, so an overloaded suite cannot stretch a run past its budget.
GRACE_SECONDS = 15.0


async def closed_loop(
    recorder: Recorder,
    workers: int,
    job: Callable[[Any, int], Awaitable[None]],
    items: Iterable[Any],
    *,
    seconds: float | None,
    grace: float = GRACE_SECONDS,
) -> LoopResult:
    """`workers` virtual users take items one after the other until the items run
    out or `seconds` have passed (then no new job starts; running ones finish)."""
    iterator: Iterator[Any] = iter(items)
    result = LoopResult(0, 0, [])
    cpu = time.process_time()
    recorder.started = time.perf_counter() - recorder.origin
    deadline = None if seconds is None else time.perf_counter() + seconds
    recorder.deadline = None if deadline is None else deadline - recorder.origin

    async def worker(index: int) -> None:
        while deadline is None or time.perf_counter() < deadline:
            try:
                item = next(iterator)
            except StopIteration:
                return
            await _run_job(job, item, index, result)

    tasks = [asyncio.create_task(worker(i)) for i in range(workers)]
    await _finish(tasks, None if deadline is None else deadline + grace, result)
    recorder.stopped = time.perf_counter() - recorder.origin
    recorder.client_cpu = time.process_time() - cpu
    return result


async def open_loop(
    recorder: Recorder,
    rate: float,
    job: Callable[[Any, int], Awaitable[None]],
    items: Iterable[Any],
    *,
    seconds: float,
    max_in_flight: int,
    grace: float = GRACE_SECONDS,
) -> LoopResult:
    """Start one job every 1/rate seconds (whatever the answers) for `seconds`,
    with at most `max_in_flight` at once: past that the arrival waits and is
    counted late, which tells the rate was not sustainable."""
    if rate <= 0:
        raise ValueError("rate must be positive")
    iterator: Iterator[Any] = iter(items)
    result = LoopResult(0, 0, [])
    slots = asyncio.Semaphore(max_in_flight)
    tasks: set[asyncio.Task[None]] = set()
    cpu = time.process_time()
    start = time.perf_counter()
    recorder.started = start - recorder.origin
    count = int(rate * seconds)
    recorder.deadline = start + seconds - recorder.origin
    for n in range(count):
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)  # pacing the arrivals, not waiting for a condition
        try:
            item = next(iterator)
        except StopIteration:
            break
        if slots.locked() or time.perf_counter() - due > 0.05:
            result.late_starts += 1
        await slots.acquire()

        async def one(item: Any = item, n: int = n) -> None:
            try:
                await _run_job(job, item, n, result)
            finally:
                slots.release()

        task = asyncio.create_task(one())
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await _finish(list(tasks), start + seconds + grace, result)
    recorder.stopped = time.perf_counter() - recorder.origin
    recorder.client_cpu = time.process_time() - cpu
    return result


async def _finish(tasks: list[asyncio.Task[None]], cut_at: float | None, result: LoopResult) -> None:
    """Wait for the tasks; cancel those still running at `cut_at` (perf_counter time)."""
    if not tasks:
        return
    timeout = None if cut_at is None else max(0.0, cut_at - time.perf_counter())
    _, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)
    result.jobs_cut += len(pending)
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]


async def _run_job(job: Callable[[Any, int], Awaitable[None]], item: Any, index: int, result: LoopResult) -> None:
    try:
        await job(item, index)
    except CallFailed as failure:
        result.jobs_failed += 1
        if len(result.failures) < 10:
            result.failures.append(str(failure))
        return
    result.jobs_done += 1
