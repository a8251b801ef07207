"""`make peak` (python -m bench --peak MINUTES): the Monday 08:00 rush held at a steady
rate while an operator watches /operateur/pilotage.

It starts its own suite, as the bench does (bench/suite.py), rather than driving the one
`make run` started: the rush needs thousands of officines whose titulaires and médecins
the load generator can mint tokens for (bench/dataset.py, bench/tokens.py), a session
open at 08:00 when it starts, and each process's metrics port known to the gateway's
cockpit; `make run` holds the small reference week, whose session is not open at the
wall-clock time. The suite's PSC issuer is the development one and knows the reference
identities, so the dataset's operator Élise Marchand (899700000906) logs in to the
suite's gateway as in `make run`; she is a support agent here too.

The rush goes through the gateway's HTTP API (as pharmacists' browsers reach it), one
officine starting every 1/rate seconds whatever the answers (open loop), so the cockpit
shows what a steady national arrival rate does. Nothing is measured or written to
docs: the figures are the cockpit's.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bench.api import HttpApi
from bench.clients import http_client, http_connect
from bench.config import BenchConfig
from bench.dataset import Officine
from bench.flows import TokenBook, rush
from bench.load import open_loop
from bench.procs import Children
from bench.stats import Recorder
from bench.suite import databases, new_run_id, prepare, seed, start_services

OPERATOR = "899700000906"  # Élise Marchand in fixtures/reference-week.json
# Seconds between two lines of progress on the console.
PROGRESS_EVERY = 30.0


def officines_needed(config: BenchConfig) -> int:
    """Enough officines that none orders twice while the rush is held."""
    assert config.peak_minutes is not None
    return max(config.officines, int(config.peak_rate * config.peak_minutes * 60) + 1)


def progress_line(recorder: Recorder, since: int) -> tuple[str, int]:
    """What was answered since the last line: calls, errors by code, median latency."""
    fresh = recorder.samples[since:]
    codes = Counter(s.code for s in fresh if s.code != "OK")
    latencies = sorted(s.seconds for s in fresh)
    median = f"{latencies[len(latencies) // 2] * 1000:.0f} ms" if latencies else "-"
    errors = ", ".join(f"{code} x{n}" for code, n in codes.most_common()) or "none"
    return f"{len(fresh)} calls, median {median}, errors: {errors}", len(recorder.samples)


async def report_progress(recorder: Recorder, say: Callable[[str], None]) -> None:
    seen = 0
    while True:
        await asyncio.sleep(PROGRESS_EVERY)  # a console heartbeat, not waiting for a condition
        line, seen = progress_line(recorder, seen)
        say(line)


async def hold_peak(config: BenchConfig, say: Callable[[str], None]) -> int:
    """Seed, start, print the login, hold the rush; 0 when every officine's rush passed."""
    assert config.peak_minutes is not None
    tell = say
    workdir = Path(tempfile.mkdtemp(prefix="vaxpeak-"))
    children = Children(workdir / "logs", None)  # no pinning: the operator's browser shares the cores
    children.env["VAXORDERS_SUPPORT_AGENTS"] = json.dumps([OPERATOR])
    count = officines_needed(config)
    seconds = config.peak_minutes * 60
    try:
        with databases(config.database_url, workdir, new_run_id()) as (urls, _autovacuum):
            suite = await prepare(children, workdir, count, config.database)
            book = TokenBook(suite.mint)
            tell(f"seeding {count:,} officines ({config.database})…")
            minting = asyncio.create_task(asyncio.to_thread(book.prepare, suite.officines))
            await seed(suite, children, urls)
            await minting
            await start_services(suite, children, urls)
            tell(
                f"suite ready: open {suite.gateway_url}/operateur/pilotage and log in with Pro Santé Connect "
                f"(development issuer) as Élise Marchand, {OPERATOR}. Rush: {config.peak_rate:g} officine(s)/s "
                f"for {config.peak_minutes:g} min through the gateway; logs in {workdir / 'logs'}"
            )
            recorder = Recorder("peak", time.perf_counter())
            async with http_client(suite.gateway_url, config.connections) as client:
                await http_connect(client, config.connections)
                api = HttpApi(client, recorder)

                async def job(officine: Officine, user: int) -> None:
                    await rush(api, book, officine, user)

                heartbeat = asyncio.create_task(report_progress(recorder, tell))
                try:
                    result = await open_loop(
                        recorder,
                        config.peak_rate,
                        job,
                        suite.officines,
                        seconds=seconds,
                        max_in_flight=4 * config.concurrency,
                    )
                finally:
                    heartbeat.cancel()
            tell(
                f"held {config.peak_minutes:g} min: {result.jobs_done:,} officines done, {result.jobs_failed} failed, "
                f"{result.late_starts} started late (the suite fell behind the rate), {result.jobs_cut} cut at the end"
            )
            for failure in result.failures:
                tell(f"  {failure}")
            return 1 if result.jobs_failed else 0
    finally:
        children.stop_all()
        if config.keep_data:
            tell(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
