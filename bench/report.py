"""Figures of a run: bench/results/latest.json (+ a dated copy, + the latest per
database), the chart, and the results table of docs/benchmarks.md."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.config import NATIONAL_OFFICINES, BenchConfig
from bench.stats import Recorder

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
START_MARK = "<!-- bench:results:start -->"
# Pinned to one server core (comparable with earlier runs), then unpinned with 1 or 2 workers
# per server (every core of this machine) beside them.
KINDS = (
    "sqlite",
    "sqlite-unpinned",
    "sqlite-unpinned-2w",
    "postgresql",
    "postgresql-unpinned-2w",
    "sqlite-national",
    "sqlite-national-unpinned",
    "sqlite-national-unpinned-2w",
    "postgresql-national",
    "postgresql-national-unpinned-2w",
)
PHASE_ORDER = (
    "ceiling-echo",
    "ceiling-echo-interceptor",
    "ceiling-http",
    "ceiling-database",
    "rush-grpc",
    "half-load",
    "rush-gateway",
    "write",
    "hot-row",
    "spread-rows",
)
END_MARK = "<!-- bench:results:end -->"

# (key, threshold, "min" when the value must be at least the threshold, "max" at most)
TARGETS = (
    ("write_ratio_to_echo", 0.40, "min", "Order-line write path vs bare gRPC echo"),
    ("gateway_ratio_to_grpc", 0.50, "min", "Rush through the gateway vs straight to gRPC"),
    ("p99_ms_at_half_load", 50.0, "max", "p99 latency (ms) at half the maximum rush throughput"),
    ("national_rush_seconds", 300.0, "max", "Seconds to drain the 20,600-officine rush"),
    ("hot_row_ratio", 0.50, "min", "One capped (type, product) rule vs spread over many"),
)


def commit() -> str:
    """The commit measured, "-dirty" when the tree had uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}-dirty" if dirty else head


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "load_average_at_start": None,
    }


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0 or math.isnan(a) or math.isnan(b):
        return None
    return round(a / b, 3)


def phase_summary(
    recorder: Recorder,
    *,
    jobs_done: int | None = None,
    jobs_failed: int = 0,
    failures: list[str] | None = None,
    line_ops: tuple[str, ...] = (),
) -> dict[str, Any]:
    wall = recorder.wall_seconds
    summary: dict[str, Any] = {
        "seconds": round(wall, 2),
        "window_seconds": round(recorder.window_seconds, 2),
        "calls": len(recorder.samples),
        "calls_per_second": round(recorder.rate(), 1),
        "codes": recorder.codes(),
        "latency_ms": recorder.overall().as_dict(),
        "by_rpc": {op: s.as_dict() for op, s in recorder.by_op().items()},
        "load_generator_cpu": round(recorder.client_cpu / wall, 2) if wall else None,
        "server_cpu": {name: round(cpu / wall, 2) for name, cpu in recorder.server_cpu.items()} if wall else {},
        # CPU milliseconds each process spent per successful call: unlike calls/s, barely
        # moved by other load on the machine, so the cost of a path can be compared anyway.
        "cpu_ms_per_call": _cpu_per_call(recorder),
    }
    if line_ops:
        summary["lines_per_second"] = round(recorder.rate(line_ops), 1)
    if jobs_done is not None:
        summary["jobs_done"] = jobs_done
        summary["jobs_failed"] = jobs_failed
        summary["failures"] = failures or []
    return summary


def _cpu_per_call(recorder: Recorder) -> dict[str, float]:
    calls = len(recorder.ok())
    if not calls:
        return {}
    costs = {name: cpu * 1000 / calls for name, cpu in recorder.server_cpu.items() if cpu > 0.000005 * calls}
    costs["load generator"] = recorder.client_cpu * 1000 / calls
    costs["servers, total"] = sum(cpu for cpu in recorder.server_cpu.values()) * 1000 / calls
    return {name: round(value, 3) for name, value in costs.items()}


@dataclass
class Verdict:
    key: str
    value: float | None
    threshold: float
    sense: str
    label: str

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.threshold if self.sense == "min" else self.value <= self.threshold


def verdicts(figures: dict[str, Any]) -> list[Verdict]:
    return [Verdict(key, figures.get(key), threshold, sense, label) for key, threshold, sense, label in TARGETS]


def write_results(figures: dict[str, Any], chart_png: Path | None, *, partial: bool = False) -> Path:
    """The dated copy, and unless the run was partial (--only), the latest ones."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    text = json.dumps(figures, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    # A national run is kept apart: the doc shows it beside the default runs, not instead.
    kind = figures["database"] + ("-national" if figures.get("officines", 0) >= NATIONAL_OFFICINES else "")
    kind += figures.get("cores", "")
    if partial:
        kind += "-partial"
    dated = RESULTS / f"{stamp}-{kind}.json"
    latest = () if partial else (RESULTS / "latest.json", RESULTS / f"latest-{kind}.json")
    for path in (*latest, dated):
        path.write_text(text, encoding="utf-8")
    if chart_png is not None and chart_png.exists():
        data = chart_png.read_bytes()
        names = [f"{stamp}-{kind}.png"] if partial else ["latest.png", f"{stamp}-{kind}.png", f"latest-{kind}.png"]
        for name in names:
            (RESULTS / name).write_bytes(data)
    return dated


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}".replace(",", " ")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", " ")
    return str(value)


def _verdict_text(v: Verdict) -> str:
    if v.met is None:
        return "not measured"
    return "met" if v.met else "**missed**"


def markdown(runs: dict[str, dict[str, Any]]) -> str:
    """The results section of docs/benchmarks.md, one column per database measured."""
    names = [d for d in KINDS if d in runs]
    out = [START_MARK, "", "_Generated by `make bench` from bench/results/latest-*.json; do not edit by hand._", ""]
    header = "| | " + " | ".join(names) + " |"
    rule = "|---|" + "---|" * len(names)
    out += ["### Runs", "", header, rule]
    for label, key in (
        ("commit", "commit"),
        ("date (UTC)", "date"),
        ("officines seeded", "officines"),
        ("concurrency / connections", "concurrency_connections"),
        ("pinning", "pinning"),
        ("worker processes per server", "workers"),
        ("load average at start", "load_average_at_start"),
        ("whole run (s)", "run_seconds"),
    ):
        out.append(f"| {label} | " + " | ".join(_fmt(runs[n].get(key)) for n in names) + " |")
    out += [
        "",
        "### Targets",
        "",
        "| target | threshold | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for key, threshold, sense, label in TARGETS:
        cells = []
        for n in names:
            v = Verdict(key, runs[n].get(key), threshold, sense, label)
            extra = ""
            if key == "national_rush_seconds" and runs[n].get("national_rush_measured") is False:
                extra = " (extrapolated)"
            digits = 3 if sense == "min" else (1 if key.startswith("p99") else 0)
            cells.append(f"{_fmt(v.value, digits)}{extra} — {_verdict_text(v)}")
        bound = f"≥ {threshold:g}" if sense == "min" else f"≤ {threshold:g}"
        out.append(f"| {label} (`{key}`) | {bound} | " + " | ".join(cells) + " |")
    out += ["", "### Throughput", "", "| measurement | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    rows = (
        ("bare gRPC echo (calls/s)", "echo_calls_per_second"),
        ("gRPC echo through our ServerInterceptor (calls/s)", "echo_interceptor_calls_per_second"),
        ("bare Starlette/uvicorn endpoint (requests/s)", "http_calls_per_second"),
        ("database alone, one order write (writes/s)", "database_writes_per_second"),
        ("CreateOrderLine over gRPC, writes only (calls/s)", "write_calls_per_second"),
        ("rush over gRPC: officines/s", "rush_grpc_officines_per_second"),
        ("rush over gRPC: order-line writes/s (`lines_per_second`)", "lines_per_second"),
        ("rush over gRPC: calls/s", "rush_grpc_calls_per_second"),
        ("rush through the gateway: officines/s", "rush_gateway_officines_per_second"),
        ("rush through the gateway: order-line writes/s", "rush_gateway_lines_per_second"),
        ("hot row: raises/s on one (type, product) rule", "hot_row_calls_per_second"),
        ("spread rows: raises/s over every rule", "spread_calls_per_second"),
        ("write path / database alone", "write_ratio_to_database"),
        ("write path / echo, by server CPU per call", "write_ratio_to_echo_by_cpu"),
        ("gateway / gRPC, by server CPU per call", "gateway_ratio_to_grpc_by_cpu"),
        ("hot row / spread, by server CPU per call", "hot_row_ratio_by_cpu"),
        ("interceptor echo / bare echo", "interceptor_ratio_to_echo"),
        ("gateway calls/s / bare HTTP endpoint", "gateway_ratio_to_http"),
    )
    for label, key in rows:
        out.append(f"| {label} | " + " | ".join(_fmt(runs[n].get(key)) for n in names) + " |")
    for n in names:
        per_rpc = runs[n].get("rush_rpc_latency_ms", {})
        if not per_rpc:
            continue
        out += [
            "",
            f"### Latency per RPC, {n} (ms: rush at full speed over gRPC · through the gateway · gRPC at half load)",
            "",
            "| RPC | p50 | p95 | p99 | max | gw p50 | gw p99 | half p50 | half p99 |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for op, s in per_rpc.items():
            gw = runs[n].get("gateway_rpc_latency_ms", {}).get(op, {})
            half = runs[n].get("half_load_rpc_latency_ms", {}).get(op, {})
            out.append(
                f"| {op} | {_fmt(s.get('p50_ms'), 1)} | {_fmt(s.get('p95_ms'), 1)} | {_fmt(s.get('p99_ms'), 1)} | "
                f"{_fmt(s.get('max_ms'), 1)} | {_fmt(gw.get('p50_ms'), 1)} | {_fmt(gw.get('p99_ms'), 1)} | "
                f"{_fmt(half.get('p50_ms'), 1)} | {_fmt(half.get('p99_ms'), 1)} |"
            )
    out += [
        "",
        "### CPU per call (ms of CPU per successful call: servers together, then the busiest ones)",
        "",
        "| phase | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    phase_names = [p for p in PHASE_ORDER if any(p in runs[n].get("phases", {}) for n in names)]
    for phase in phase_names:
        cells = []
        for n in names:
            costs = dict(runs[n].get("phases", {}).get(phase, {}).get("cpu_ms_per_call", {}))
            total = costs.pop("servers, total", None)
            costs.pop("load generator", None)
            busiest = ", ".join(f"{k} {v:.2f}" for k, v in sorted(costs.items(), key=lambda kv: -kv[1])[:3])
            cells.append(f"{_fmt(total, 2)} ({busiest})" if total is not None else "—")
        out.append(f"| {phase} | " + " | ".join(cells) + " |")
    out += [
        "",
        "### Peak RSS per process (MiB)",
        "",
        "| process | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    processes = sorted({p for n in names for p in runs[n].get("peak_rss_mib", {})})
    for p in processes:
        out.append(f"| {p} | " + " | ".join(_fmt(runs[n].get("peak_rss_mib", {}).get(p), 1) for n in names) + " |")
    out += ["", "### Errors by status code", ""]
    for n in names:
        errors = runs[n].get("errors_by_code", {})
        out.append(
            f"- {n}: " + (", ".join(f"{code} × {count}" for code, count in errors.items()) if errors else "none")
        )
    charts = [f"![{n}](../bench/results/latest-{n}.png)" for n in names if (RESULTS / f"latest-{n}.png").exists()]
    if charts:
        out += ["", "### Throughput and latency over the run", "", *charts]
    out += ["", END_MARK]
    return "\n".join(out)


def update_doc() -> None:
    """Rewrite the generated section of docs/benchmarks.md from the latest run of each database."""
    runs = {}
    for name in KINDS:
        path = RESULTS / f"latest-{name}.json"
        if path.exists():
            runs[name] = json.loads(path.read_text(encoding="utf-8"))
    if not runs:
        return
    section = markdown(runs)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Benchmarks\n\n{START_MARK}\n{END_MARK}\n"
    if START_MARK in text and END_MARK in text:
        head, rest = text.split(START_MARK, 1)
        _, tail = rest.split(END_MARK, 1)
        text = head + section + tail
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")


def national_seconds(
    officines_per_second: float, *, measured_seconds: float | None = None
) -> tuple[float | None, bool]:
    """Time to drain the national rush: measured when the run replayed all of it."""
    if measured_seconds is not None:
        return round(measured_seconds, 1), True
    if officines_per_second <= 0:
        return None, False
    return round(NATIONAL_OFFICINES / officines_per_second, 1), False


def config_summary(config: BenchConfig) -> dict[str, Any]:
    return {
        "officines": config.officines,
        "concurrency": config.concurrency,
        "connections": config.connections,
        "ceiling_seconds": config.ceiling_seconds,
        "rush_seconds_cap": config.rush_seconds,
        "half_load_seconds": config.half_load_seconds,
        "hot_row_seconds": config.hot_row_seconds,
        "pin": config.pin,
        "workers": config.workers,
    }
