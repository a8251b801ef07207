"""The bench's own pieces: percentile maths, rates over the measuring window, the
per-second timeline, target verdicts, the results section of the doc, the bench
dataset and tokens, and the bounded load loops. No timing is asserted here: the
bench is where speed is judged."""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import os
import signal
import subprocess
import sys

import pytest
from jose import jwt

from bench import dataset, report
from bench.config import parse
from bench.flows import CALLS_PER_RUSH, line_slots
from bench.load import CallFailed, closed_loop, open_loop
from bench.procs import process_tree
from bench.stats import LatencySummary, Recorder, percentile, timeline
from bench.tokens import TokenMint, medecin_identity, officine_identity
from services.common.psc_claims import principal_from_claims
from services.effecteurs.identifiers import check_finess, check_rpps


def test_percentile_is_a_latency_some_call_really_had() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile(values, 0) == 1
    assert percentile([7.0], 99) == 7
    assert percentile([1.0, 2.0, 3.0], 95) == 3  # rank ceil(2.85) = 3, no interpolation
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile(values, 101)


def test_latency_summary_reports_milliseconds_of_sorted_values() -> None:
    summary = LatencySummary.of([0.003, 0.001, 0.002, 0.010])
    assert (summary.count, summary.p50_ms, summary.max_ms) == (4, 2.0, 10.0)
    assert LatencySummary.of([]).as_dict()["p99_ms"] is None


def test_rates_count_only_calls_that_ended_before_the_loop_stopped_starting_work() -> None:
    recorder = Recorder("rush", origin=0.0)
    recorder.started, recorder.deadline, recorder.stopped = 10.0, 12.0, 15.0
    for end in (10.5, 11.0, 11.5, 12.0):
        recorder.add("CreateOrderLine", end - 0.01, end, "OK")
    recorder.add("ListOrderLines", 11.0, 11.2, "OK")
    recorder.add("CreateOrderLine", 11.0, 11.3, "ABORTED")  # errors are not throughput
    recorder.add("CreateOrderLine", 13.0, 14.0, "OK")  # the tail, after the deadline
    assert recorder.rate() == 5 / 2
    assert recorder.rate(["CreateOrderLine"]) == 4 / 2
    assert recorder.codes() == {"ABORTED": 1, "OK": 6}
    assert recorder.overall().count == 6


def test_timeline_gives_each_second_its_throughput_and_percentiles() -> None:
    recorder = Recorder("write", origin=0.0)
    recorder.started, recorder.stopped = 0.0, 2.0
    for n in range(10):
        recorder.add("CreateOrderLine", 0.5, 0.5 + 0.001 * (n + 1), "OK")
    recorder.add("ListOrderLines", 1.0, 1.5, "OK")
    first, second = timeline(recorder, ["CreateOrderLine"])
    assert (first.calls_per_second, first.lines_per_second) == (10, 10)
    assert first.p50_ms == pytest.approx(5.0) and first.p99_ms == pytest.approx(10.0)
    assert (second.calls_per_second, second.lines_per_second, second.p50_ms) == (1, 0, pytest.approx(500.0))


def test_targets_are_judged_in_their_own_direction() -> None:
    verdicts = {
        v.key: v
        for v in report.verdicts(
            {
                "write_ratio_to_echo": 0.39,
                "gateway_ratio_to_grpc": 0.5,
                "p99_ms_at_half_load": 60.0,
                "national_rush_seconds": 120.0,
            }
        )
    }
    assert verdicts["write_ratio_to_echo"].met is False
    assert verdicts["gateway_ratio_to_grpc"].met is True
    assert verdicts["p99_ms_at_half_load"].met is False
    assert verdicts["national_rush_seconds"].met is True
    assert verdicts["hot_row_ratio"].met is None  # not measured is not "met"


def test_national_drain_is_labelled_extrapolated_unless_replayed_in_full() -> None:
    assert report.national_seconds(103.0) == (200.0, False)
    assert report.national_seconds(0.0) == (None, False)
    assert report.national_seconds(1.0, measured_seconds=250.04) == (250.0, True)


def test_results_section_replaces_only_the_generated_part_of_the_doc(tmp_path, monkeypatch) -> None:
    results, doc = tmp_path / "results", tmp_path / "benchmarks.md"
    results.mkdir()
    monkeypatch.setattr(report, "RESULTS", results)
    monkeypatch.setattr(report, "DOC", doc)
    doc.write_text(
        f"# Benchmarks\n\nWritten by hand.\n\n{report.START_MARK}\nold figures\n{report.END_MARK}\n\n"
        "## Where the time goes\n"
    )
    figures = {
        "database": "sqlite",
        "commit": "abc123",
        "write_ratio_to_echo": 0.12,
        "national_rush_seconds": 900.0,
        "national_rush_measured": False,
        "lines_per_second": 321.5,
        "peak_rss_mib": {"orders": 80.5},
        "errors_by_code": {},
        "rush_rpc_latency_ms": {"CreateOrderLine": {"p50_ms": 4.0, "p95_ms": 9.0, "p99_ms": 12.0, "max_ms": 30.0}},
    }
    dated = report.write_results(figures, None)
    assert json.loads((results / "latest.json").read_text()) == figures
    assert json.loads(dated.read_text()) == figures
    report.update_doc()
    text = doc.read_text()
    assert text.startswith("# Benchmarks\n\nWritten by hand.")
    assert text.rstrip().endswith("## Where the time goes")
    assert "old figures" not in text
    assert "0.120 — **missed**" in text
    assert "900 (extrapolated) — **missed**" in text
    assert "| CreateOrderLine | 4.0 | 9.0 | 12.0 | 30.0 |" in text
    assert "321.50" in text

    report.write_results({**figures, "commit": "partial"}, None, partial=True)
    assert json.loads((results / "latest.json").read_text())["commit"] == "abc123"  # a partial run leaves it


def test_bench_identifiers_pass_the_services_own_checks_and_never_repeat() -> None:
    officines = dataset.officines(300)
    finess = [o.finess for o in officines] + [
        e.key[7:] for o in officines for e in o.effecteurs if e.key.startswith("finess:")
    ]
    rpps = [o.titulaire[1:] for o in officines] + [
        e.key[5:] for o in officines for e in o.effecteurs if e.key.startswith("rpps:")
    ]
    for value in finess:
        assert check_finess(value, "finess") == value
    for value in rpps:
        assert check_rpps(value, "rpps") == value
    assert len(set(finess)) == len(finess) and len(set(rpps)) == len(rpps)


def test_bench_quota_table_caps_what_the_reference_week_leaves_unlimited() -> None:
    reference = json.loads(dataset.REFERENCE.read_text(encoding="utf-8"))
    rules = dataset.bench_quota_rules(reference)
    kinds = {(r["effecteur_type"], r["product"]): (r["kind"], r.get("max_vials")) for r in rules}
    assert kinds[("MEDECIN", "moderna")] == ("CAPPED", dataset.CAP)
    assert kinds[("PMI", "moderna")][0] == "NOT_OPEN"
    orderable = dataset.orderable(rules)
    # What one officine's rush writes: 15 lines (every open product of its 5 effecteurs, Moderna for itself).
    o = dataset.officine(0)
    assert sum(len(orderable[e.type]) for e in o.effecteurs) + 1 == 15
    # 2 requests, 2 dashboard reads, 3 grid reads, 2 grid saves (15 cells; 2 changes and 1 withdrawal),
    # 1 list of requests, 2 confirmations, 1 list of lines.
    assert CALLS_PER_RUSH == 2 + 2 + 3 + 2 + 1 + 2 + 1


def test_bench_tokens_let_the_titulaire_act_for_its_officine_and_the_medecin_for_itself(tmp_path) -> None:
    mint = TokenMint("http://127.0.0.1:9/auth/realms/esante-wallet", tmp_path / "keys")
    o = dataset.officine(42)
    titulaire = principal_from_claims(jwt.get_unverified_claims(mint.token(officine_identity(o))), [])
    assert titulaire.acts_for == (o.name,) and "OFFICINE" in titulaire.roles
    medecin = o.requesters[0]
    doctor = principal_from_claims(jwt.get_unverified_claims(mint.token(medecin_identity(medecin, o))), [])
    assert doctor.acts_for == (medecin.resource,) and "EFFECTEUR" in doctor.roles


def test_line_slots_take_officines_in_turn() -> None:
    officines = dataset.officines(3)
    slots = list(line_slots(officines, {"MEDECIN": ["products/moderna", "products/pfizer-adult"]}))
    assert [o.index for o, _, _ in slots[:3]] == [0, 1, 2]
    assert len(slots) == 3 * 2 * 2 and len(set(slots)) == len(slots)


async def test_closed_loop_stops_when_the_work_runs_out_and_counts_failures() -> None:
    recorder = Recorder("loop", origin=0.0)
    seen: list[int] = []

    async def job(item: int, _user: int) -> None:
        seen.append(item)
        if item == 3:
            raise CallFailed("CreateOrderLine", "ABORTED")

    result = await closed_loop(recorder, 4, job, range(10), seconds=None)
    assert sorted(seen) == list(range(10))
    assert (result.jobs_done, result.jobs_failed) == (9, 1)
    assert result.failures == ["CreateOrderLine: ABORTED"]


async def test_open_loop_starts_exactly_rate_times_seconds_jobs() -> None:
    recorder = Recorder("open", origin=0.0)
    seen: list[int] = []

    async def job(item: int, _user: int) -> None:
        seen.append(item)

    result = await open_loop(recorder, 400.0, job, iter(range(1000)), seconds=0.05, max_in_flight=4)
    assert seen == list(range(20)) and result.jobs_done == 20


async def test_jobs_still_running_after_the_grace_period_are_cut_not_awaited_forever() -> None:
    recorder = Recorder("stuck", origin=0.0)
    never = asyncio.Event()

    async def job(_item: int, _user: int) -> None:
        await never.wait()  # a suite that stopped answering

    result = await closed_loop(recorder, 3, job, itertools.count(), seconds=0.01, grace=0.01)
    assert (result.jobs_done, result.jobs_failed, result.jobs_cut) == (0, 0, 3)


async def test_database_ceiling_writes_real_order_lines_through_the_orders_code(database_url_for) -> None:
    from sqlalchemy import func, select  # noqa: PLC0415

    from bench.ceilings import database as ceiling  # noqa: PLC0415
    from services.common.db import Database  # noqa: PLC0415
    from services.orders.models import Change, OrderLine, QuotaUsage  # noqa: PLC0415
    from services.orders.spec import SPEC  # noqa: PLC0415

    url = database_url_for(SPEC)
    result = await ceiling.run(url, concurrency=2, seconds=0.05)
    db = Database(url)
    try:
        async with db.read() as s:
            lines = await s.scalar(select(func.count()).select_from(OrderLine))
            changes = await s.scalar(select(func.count()).select_from(Change))
            ledger = await s.scalar(select(func.sum(QuotaUsage.vials)))
            vials = await s.scalar(select(func.sum(OrderLine.vials)))
    finally:
        await db.dispose()
    assert lines == changes == 2 + len(result["samples"])  # the warm-up writes one line per writer
    assert ledger == vials  # every write moved the quota ledger with its line
    assert result["dialect"] in ("sqlite", "postgresql")


def test_a_server_with_workers_is_measured_with_them() -> None:
    # A parent that starts a child, as a service with VAXORDERS_WORKERS=2 starts its workers.
    code = (
        "import subprocess, sys; c = subprocess.Popen([sys.executable, '-c', 'input()'], stdin=subprocess.PIPE); "
        "print(c.pid, flush=True); c.wait()"
    )
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as parent:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        try:
            assert process_tree(parent.pid) == [parent.pid, worker]
        finally:
            os.kill(worker, signal.SIGKILL)
            parent.kill()


def test_runs_on_every_core_get_a_column_of_their_own_beside_the_pinned_ones() -> None:
    pinned = parse(["--scale", "100"])
    spread = parse(["--scale", "100", "--no-pin", "--workers", "2"])
    assert (pinned.cores, spread.cores) == ("", "-unpinned-2w")
    assert f"sqlite{spread.cores}" in report.KINDS
    assert f"postgresql{spread.cores}" in report.KINDS
