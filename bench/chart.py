"""The PNG chart: throughput and latency percentiles, second by second, over the
whole run, each phase shaded and named. matplotlib comes with the `bench` extra;
without it the run still reports, with no chart."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from bench.stats import TimelinePoint


def draw(points_by_phase: Sequence[tuple[str, list[TimelinePoint]]], path: Path, title: str) -> Path | None:
    try:
        import matplotlib  # noqa: PLC0415 (optional dependency)

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        return None
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(13, 8), sharex=True, constrained_layout=True)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for n, (phase, points) in enumerate(points_by_phase):
        if not points:
            continue
        x = [p.second for p in points]
        start, end = x[0], x[-1] + 1
        for axis in (top, bottom):
            axis.axvspan(start, end, color=colours[n % len(colours)], alpha=0.08)
        # Upright names inside the span: short phases sit side by side without overlapping.
        top.text(
            start, 0.97, f" {phase}", transform=top.get_xaxis_transform(), ha="left", va="top", rotation=90, fontsize=7
        )
        top.plot(
            x,
            [p.calls_per_second for p in points],
            color="tab:blue",
            linewidth=1.2,
            label="calls/s" if n == 0 else None,
        )
        if any(p.lines_per_second for p in points):
            top.plot(
                x, [p.lines_per_second for p in points], color="tab:green", linewidth=1.2, label="order-line writes/s"
            )
        for name, colour, values in (
            ("p50", "tab:green", [p.p50_ms for p in points]),
            ("p95", "tab:orange", [p.p95_ms for p in points]),
            ("p99", "tab:red", [p.p99_ms for p in points]),
        ):
            bottom.plot(
                x,
                [v if not math.isnan(v) else None for v in values],
                color=colour,
                linewidth=1,
                label=name if n == 0 else None,
            )
    top.set_yscale("log")
    top.set_ylabel("per second (log)")
    handles, labels = top.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=False))
    top.legend(unique.values(), unique.keys(), loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    top.grid(alpha=0.3, which="both")
    bottom.set_yscale("log")
    bottom.axhline(50, color="grey", linestyle="--", linewidth=0.8)
    bottom.text(0.002, 50, " 50 ms", transform=bottom.get_yaxis_transform(), va="bottom", fontsize=8, color="grey")
    bottom.set_ylabel("latency per call (ms, log)")
    bottom.set_xlabel("seconds since the run started")
    bottom.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    bottom.grid(alpha=0.3, which="both")
    fig.suptitle(title, fontsize=10)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
