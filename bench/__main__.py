"""`make bench` (python -m bench): the ceilings, then the suite seeded and replayed.

Order of a run (each phase bounded in time, everything on loopback):
  1. ceilings  bare gRPC echo, the same through our ServerInterceptor, a bare
               Starlette/uvicorn endpoint, the database alone (one order write)
  2. seed      N officines (+ reserved ones for the write phases) through each
               service's own seed, then every service started as in production
  3. rush      the opening rush straight to gRPC, as fast as the suite answers
  4. half      the same at half the officines/s the rush reached (p99 target)
  5. gateway   the opening rush through the gateway's HTTP API
  6. write     nothing but CreateOrderLine (the write path vs the echo)
  7. hotrow    raises on one capped (type, product) rule, then spread over all
Then: results JSON, chart, docs/benchmarks.md. Exit status 1 on any unexpected
error status or wrong answer, 0 otherwise (targets missed are reported, not fatal).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import chart, report
from bench.api import LINE_WRITES, GrpcApi, HttpApi
from bench.ceilings.run import database_ceiling, echo_ceiling, http_ceiling
from bench.clients import GrpcPool, http_client, http_connect
from bench.config import NATIONAL_OFFICINES, PHASES, BenchConfig, parse
from bench.dataset import orderable
from bench.flows import TokenBook
from bench.load import LoopResult
from bench.peak import hold_peak
from bench.phases import (
    Phase,
    half_load_phase,
    hot_slots,
    own_lines,
    raise_loop_phase,
    rush_phase,
    spread_slots,
    write_phase,
)
from bench.procs import Children, peak_rss_bytes
from bench.profile import profiled
from bench.stats import Recorder, timeline
from bench.suite import analyze_as_autovacuum_would, databases, new_run_id, prepare, seed, start_services

# Officines seeded beyond N, for the phases that need lines nobody else touches.
RESERVED_BASE = 200
# At national scale the gRPC rush drains all N; the gateway and half-load runs get these.
NATIONAL_EXTRA = 2_000
HOT_RULE = ("MEDECIN", "products/pfizer-adult")
# Officines replayed before measuring, over gRPC then through the gateway.
WARM_UP = 4


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def pin(config: BenchConfig) -> tuple[set[int] | None, str]:
    """Load generator on the first allowed core, servers on the others."""
    cpus = sorted(os.sched_getaffinity(0))
    if not config.pin or len(cpus) < 2:
        return None, f"none ({len(cpus)} core(s) allowed)" if config.pin else "none (--no-pin)"
    os.sched_setaffinity(0, {cpus[0]})
    servers = set(cpus[1:])
    return servers, f"load generator on CPU {cpus[0]}, servers on CPU {','.join(map(str, sorted(servers)))}"


class Run:
    def __init__(self, config: BenchConfig) -> None:
        self.config = config
        self.origin = time.perf_counter()
        self.phases: list[Phase] = []
        self.figures: dict[str, Any] = {}
        self.unexpected: list[str] = []

    def keep(self, phase: Phase) -> Phase:
        self.phases.append(phase)
        r = phase.recorder
        bad = {code: n for code, n in r.codes().items() if code != "OK"}
        if bad or phase.result.jobs_failed:
            self.unexpected.append(
                f"{phase.name}: codes {bad}, failed jobs {phase.result.jobs_failed}: {phase.result.failures[:3]}"
            )
        say(
            f"{phase.name}: {phase.calls_per_second:,.0f} calls/s, "
            f"{phase.jobs_per_second:,.2f} jobs/s, p99 {r.overall().p99_ms:,.1f} ms, "
            f"load generator CPU {r.client_cpu / r.wall_seconds if r.wall_seconds else 0:.0%}, codes {r.codes()}"
        )
        return phase

    def check(self, phase: Phase) -> None:
        """Errors of an unmeasured phase (warm-up, set-up) still fail the run."""
        bad = {code: n for code, n in phase.recorder.codes().items() if code != "OK"}
        if bad or phase.result.jobs_failed:
            self.unexpected.append(
                f"{phase.name}: codes {bad}, failed jobs {phase.result.jobs_failed}: {phase.result.failures[:3]}"
            )

    def recorder(self, name: str) -> Recorder:
        return Recorder(name, self.origin)


async def main_async(config: BenchConfig) -> int:
    run = Run(config)
    started_at = datetime.now(UTC)
    load_at_start = os.getloadavg()[0]
    server_cpus, pinning = pin(config)
    workdir = Path(tempfile.mkdtemp(prefix="vaxbench-"))
    children = Children(workdir / "logs", server_cpus)
    reserved = RESERVED_BASE + 2 * config.concurrency + 2 * WARM_UP
    extra = NATIONAL_EXTRA if config.national else 0
    total = config.officines + extra + reserved
    say(
        f"{config.database}, {config.officines:,} officines (+{extra + reserved} reserved), "
        f"concurrency {config.concurrency}, connections {config.connections}; pinning: {pinning}; "
        f"workers per server {config.workers}; work dir {workdir}"
    )
    peak_rss: dict[str, float] = {}
    ceilings: dict[str, Phase] = {}
    autovacuum: str | None = None
    try:
        with databases(config.database_url, workdir, new_run_id()) as (urls, autovacuum):
            suite = await prepare(children, workdir, total, config.database)
            book = TokenBook(suite.mint)
            rules = orderable(suite.quota_rules)
            rush_pool = suite.officines[: config.officines + extra]
            reserved_pool = suite.officines[config.officines + extra :]

            if "ceilings" in config.only:
                token = book.for_officine(suite.officines[0]).titulaire
                for name, coro in (
                    (
                        "ceiling-echo",
                        echo_ceiling(
                            config, children, run.origin, phase="ceiling-echo", interceptor=False, token=token
                        ),
                    ),
                    (
                        "ceiling-echo-interceptor",
                        echo_ceiling(
                            config,
                            children,
                            run.origin,
                            phase="ceiling-echo-interceptor",
                            interceptor=True,
                            token=token,
                            issuer=suite.issuer,
                            jwks=f"{suite.issuer}/protocol/openid-connect/certs",
                        ),
                    ),
                    ("ceiling-http", http_ceiling(config, children, run.origin, token)),
                    ("ceiling-database", database_ceiling(config, children, run.origin, urls["dbceiling"], workdir)),
                ):
                    recorder, result = await coro
                    recorder.phase = name
                    ceilings[name] = run.keep(Phase(name, recorder, result))

            say(f"seeding {total:,} officines and their effecteurs through the services' seeds…")
            minting = asyncio.create_task(asyncio.to_thread(book.prepare, suite.officines))
            await seed(suite, children, urls)
            await minting
            say(f"seeded in {suite.seed_seconds:.0f} s; starting the services…")
            await start_services(suite, children, urls, config.workers)
            say(f"services healthy in {suite.start_seconds:.0f} s")
            processes = suite.server_children()
            fresh = iter(rush_pool)

            pool = GrpcPool(config.connections)
            rush_grpc = half = rush_gw = write = hot = spread = None
            hot_pool = reserved_pool[: config.concurrency]
            spread_pool = reserved_pool[config.concurrency : 2 * config.concurrency]
            warm_pool = reserved_pool[2 * config.concurrency : 2 * config.concurrency + 2 * WARM_UP]
            write_pool = reserved_pool[2 * config.concurrency + 2 * WARM_UP :]
            try:
                # Open every connection, and warm the services' caches and the JWKS with a few
                # officines of their own: the phases below compare steady states, not a cold start.
                await pool.connect(list(suite.addresses.values()))
                run.check(
                    await rush_phase(
                        "warm-up",
                        GrpcApi(pool, suite.addresses, run.recorder("warm-up")),
                        book,
                        iter(warm_pool[:WARM_UP]),
                        config,
                        processes,
                        seconds=None,
                    )
                )
                async with http_client(suite.gateway_url, config.connections) as client:
                    await http_connect(client, config.connections)
                    run.check(
                        await rush_phase(
                            "warm-up-gateway",
                            HttpApi(client, run.recorder("warm-up-gateway")),
                            book,
                            iter(warm_pool[WARM_UP:]),
                            config,
                            processes,
                            seconds=None,
                        )
                    )
                await asyncio.to_thread(analyze_as_autovacuum_would, urls)
                say(f"warmed up with {len(warm_pool)} officines")

                def profiling(phase: str):  # type: ignore[no-untyped-def]
                    return profiled(phase, processes, config.profile, workdir, config.database)

                if "rush" in config.only:
                    officines = itertools.islice(fresh, config.officines) if config.national else fresh
                    with profiling("rush-grpc"):
                        rush_grpc = run.keep(
                            await rush_phase(
                                "rush-grpc",
                                GrpcApi(pool, suite.addresses, run.recorder("rush-grpc")),
                                book,
                                officines,
                                config,
                                processes,
                                seconds=config.rush_seconds,
                            )
                        )
                if "half" in config.only and rush_grpc is not None and rush_grpc.jobs_per_second > 0:
                    half = run.keep(
                        await half_load_phase(
                            GrpcApi(pool, suite.addresses, run.recorder("half-load")),
                            book,
                            fresh,
                            config,
                            processes,
                            rate=rush_grpc.jobs_per_second / 2,
                        )
                    )
                if "gateway" in config.only:
                    async with http_client(suite.gateway_url, config.connections) as client:
                        await http_connect(client, config.connections)
                        with profiling("rush-gateway"):
                            rush_gw = run.keep(
                                await rush_phase(
                                    "rush-gateway",
                                    HttpApi(client, run.recorder("rush-gateway")),
                                    book,
                                    fresh,
                                    config,
                                    processes,
                                    seconds=config.gateway_seconds,
                                )
                            )
                if "write" in config.only:
                    with profiling("write"):
                        write = run.keep(
                            await write_phase(
                                GrpcApi(pool, suite.addresses, run.recorder("write")),
                                book,
                                write_pool,
                                rules,
                                config,
                                processes,
                            )
                        )
                if "hotrow" in config.only:
                    setup = GrpcApi(pool, suite.addresses, run.recorder("hotrow-setup"))
                    hot_lines = await own_lines(setup, book, hot_slots(hot_pool, config.concurrency, *HOT_RULE))
                    spread_lines = await own_lines(setup, book, spread_slots(spread_pool, config.concurrency, rules))
                    run.check(
                        Phase("hotrow-setup", setup.recorder, LoopResult(len(hot_lines) + len(spread_lines), 0, []))
                    )
                    hot = run.keep(
                        await raise_loop_phase(
                            "hot-row",
                            GrpcApi(pool, suite.addresses, run.recorder("hot-row")),
                            book,
                            hot_lines,
                            config,
                            processes,
                        )
                    )
                    spread = run.keep(
                        await raise_loop_phase(
                            "spread-rows",
                            GrpcApi(pool, suite.addresses, run.recorder("spread-rows")),
                            book,
                            spread_lines,
                            config,
                            processes,
                        )
                    )
            finally:
                await pool.close()
            for name, child in suite.processes.items():
                rss = peak_rss_bytes(child.pid)
                if rss is not None:
                    peak_rss[name] = round(rss / 2**20, 1)
            children.stop_all()
            run.figures = figures(config, run, ceilings, rush_grpc, half, rush_gw, write, hot, spread)
    finally:
        children.stop_all()
        if config.keep_data:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    figures_ = run.figures
    figures_.update(
        date=started_at.isoformat(timespec="seconds"),
        commit=report.commit(),
        database=config.database,
        officines=config.officines,
        concurrency_connections=f"{config.concurrency} / {config.connections}",
        pinning=pinning,
        workers=config.workers,
        cores=config.cores,
        postgresql_autovacuum=autovacuum,
        load_average_at_start=round(load_at_start, 2),
        load_average_at_end=round(os.getloadavg()[0], 2),
        machine=report.machine(),
        config=report.config_summary(config),
        peak_rss_mib=peak_rss,
        seed_seconds=round(suite.seed_seconds, 1),
        start_seconds=round(suite.start_seconds, 1),
        run_seconds=round(time.perf_counter() - run.origin, 1),
        unexpected_errors=run.unexpected,
    )
    figures_["machine"]["load_average_at_start"] = figures_["load_average_at_start"]
    png = chart.draw(
        [
            (p.name, timeline(p.recorder, LINE_WRITES))
            for p in sorted(run.phases, key=lambda p: p.recorder.started or 0)
        ],
        workdir.parent / f"vaxbench-{os.getpid()}.png",
        f"vaxorders bench — {config.database}, {config.officines:,} officines, concurrency {config.concurrency}, "
        f"commit {figures_['commit']}",
    )
    partial = config.only != frozenset(PHASES)
    dated = report.write_results(figures_, png, partial=partial)
    if png is not None:
        png.unlink(missing_ok=True)
    if partial:
        say(f"results: {dated.relative_to(report.ROOT)} (a partial run: latest.json and the doc left as they were)")
    else:
        report.update_doc()
        say(f"results: {dated.relative_to(report.ROOT)} (and latest.json); docs/benchmarks.md updated")
    for v in report.verdicts(figures_):
        say(f"target {v.key}: {v.value} ({'met' if v.met else 'MISSED' if v.met is False else 'not measured'})")
    if run.unexpected:
        say("FAILED: unexpected errors:\n  " + "\n  ".join(run.unexpected))
        return 1
    return 0


def _rate(phase: Phase | None) -> float | None:
    if phase is None or phase.recorder.window_seconds <= 0:
        return None
    return round(phase.calls_per_second, 1)


def _cpu(phase: Phase | None) -> float | None:
    """Server CPU seconds per successful call of the phase (every server process)."""
    if phase is None or not phase.recorder.ok():
        return None
    return sum(phase.recorder.server_cpu.values()) / len(phase.recorder.ok())


def figures(
    config: BenchConfig,
    run: Run,
    ceilings: dict[str, Phase],
    rush_grpc: Phase | None,
    half: Phase | None,
    rush_gw: Phase | None,
    write: Phase | None,
    hot: Phase | None,
    spread: Phase | None,
) -> dict[str, Any]:
    echo = _rate(ceilings.get("ceiling-echo"))
    echo_i = _rate(ceilings.get("ceiling-echo-interceptor"))
    http = _rate(ceilings.get("ceiling-http"))
    db = _rate(ceilings.get("ceiling-database"))
    write_rate = _rate(write)
    out: dict[str, Any] = {
        "echo_calls_per_second": echo,
        "echo_interceptor_calls_per_second": echo_i,
        "http_calls_per_second": http,
        "database_writes_per_second": db,
        "write_calls_per_second": write_rate,
        "write_ratio_to_echo": report.ratio(write_rate, echo),
        "write_ratio_to_database": report.ratio(write_rate, db),
        "interceptor_ratio_to_echo": report.ratio(echo_i, echo),
        # The same ratios from the server CPU each call cost: what the throughput ratios
        # converge to when the servers have their core to themselves (see docs/benchmarks.md).
        "write_ratio_to_echo_by_cpu": report.ratio(_cpu(ceilings.get("ceiling-echo")), _cpu(write)),
    }
    if rush_grpc is not None:
        out["rush_grpc_officines_per_second"] = round(rush_grpc.jobs_per_second, 2)
        out["rush_grpc_calls_per_second"] = _rate(rush_grpc)
        out["lines_per_second"] = round(rush_grpc.lines_per_second, 1)
        out["rush_rpc_latency_ms"] = {op: s.as_dict() for op, s in rush_grpc.recorder.by_op().items()}
        drained = config.national and rush_grpc.result.jobs_done + rush_grpc.result.jobs_failed >= config.officines
        seconds, measured = report.national_seconds(
            rush_grpc.jobs_per_second, measured_seconds=rush_grpc.recorder.wall_seconds if drained else None
        )
        out["national_rush_seconds"] = seconds
        out["national_rush_measured"] = measured
        out["national_rush_basis"] = (
            f"measured: {NATIONAL_OFFICINES:,} officines replayed over gRPC"
            if measured
            else f"extrapolated: {NATIONAL_OFFICINES:,} / {rush_grpc.jobs_per_second:.2f} officines/s "
            f"({rush_grpc.result.jobs_done} officines replayed over gRPC in {rush_grpc.recorder.wall_seconds:.1f} s, "
            f"rate measured over the first {rush_grpc.recorder.window_seconds:.1f} s at full concurrency)"
        )
    if half is not None:
        out["p99_ms_at_half_load"] = half.recorder.overall().as_dict()["p99_ms"]
        out["half_load_officines_per_second"] = round(half.notes["officines_per_second_offered"], 2)
        out["half_load_late_starts"] = half.result.late_starts
        out["half_load_rpc_latency_ms"] = {op: s.as_dict() for op, s in half.recorder.by_op().items()}
    if rush_gw is not None:
        out["rush_gateway_officines_per_second"] = round(rush_gw.jobs_per_second, 2)
        out["rush_gateway_calls_per_second"] = _rate(rush_gw)
        out["rush_gateway_lines_per_second"] = round(rush_gw.lines_per_second, 1)
        out["gateway_rpc_latency_ms"] = {op: s.as_dict() for op, s in rush_gw.recorder.by_op().items()}
        out["gateway_ratio_to_http"] = report.ratio(_rate(rush_gw), http)
        if rush_grpc is not None:
            out["gateway_ratio_to_grpc"] = report.ratio(rush_gw.jobs_per_second, rush_grpc.jobs_per_second)
            out["gateway_ratio_to_grpc_by_cpu"] = report.ratio(_cpu(rush_grpc), _cpu(rush_gw))
            out["national_rush_seconds_gateway"] = report.national_seconds(rush_gw.jobs_per_second)[0]
    if hot is not None and spread is not None:
        out["hot_row_calls_per_second"] = _rate(hot)
        out["spread_calls_per_second"] = _rate(spread)
        out["hot_row_ratio"] = report.ratio(_rate(hot), _rate(spread))
        out["hot_row_ratio_by_cpu"] = report.ratio(_cpu(spread), _cpu(hot))
    errors: dict[str, int] = {}
    for phase in run.phases:
        for code, n in phase.recorder.codes().items():
            if code != "OK":
                errors[f"{phase.name} {code}"] = n
        if phase.result.jobs_failed:
            errors[f"{phase.name} failed jobs"] = phase.result.jobs_failed
    out["errors_by_code"] = errors
    out["phases"] = {
        p.name: report.phase_summary(
            p.recorder,
            jobs_done=p.result.jobs_done,
            jobs_failed=p.result.jobs_failed,
            failures=p.result.failures,
            line_ops=LINE_WRITES,
        )
        for p in run.phases
    }
    return out


def main(argv: list[str] | None = None) -> None:
    config = parse(argv)
    if config.peak_minutes is not None:
        sys.exit(asyncio.run(hold_peak(config, say)))
    sys.exit(asyncio.run(main_async(config)))


if __name__ == "__main__":
    main()
