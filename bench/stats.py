"""Latency samples and the figures drawn from them.

Every call the load generator makes is one Sample: when it ended (seconds since
the run started), which operation, how long it took, and its status code. The
report and the chart are computed from these lists only, so what is printed is
what was measured.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Sample:
    end: float  # seconds since the recorder's origin
    op: str  # "CreateOrderLine", "POST /api/v1/.../lines", "echo"...
    seconds: float
    code: str  # "OK", a gRPC code name, or "HTTP 409"...


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values (p in 0..100); NaN when empty.

    Nearest rank, not interpolation: a reported p99 is a latency some call really had.
    """
    if not values:
        return math.nan
    if not 0 <= p <= 100:
        raise ValueError(f"percentile out of range: {p}")
    rank = max(1, math.ceil(p / 100 * len(values)))
    return values[rank - 1]


@dataclass(frozen=True)
class LatencySummary:
    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: Iterable[float]) -> LatencySummary:
        ordered = sorted(seconds)
        ms = [s * 1000 for s in ordered]
        return cls(
            count=len(ms),
            p50_ms=percentile(ms, 50),
            p95_ms=percentile(ms, 95),
            p99_ms=percentile(ms, 99),
            max_ms=ms[-1] if ms else math.nan,
        )

    def as_dict(self) -> dict[str, float | int]:
        return {
            "count": self.count,
            "p50_ms": _round(self.p50_ms),
            "p95_ms": _round(self.p95_ms),
            "p99_ms": _round(self.p99_ms),
            "max_ms": _round(self.max_ms),
        }


def _round(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 2)


@dataclass
class Recorder:
    """Collects the samples of one phase. `origin` is the run's clock zero (perf_counter)."""

    phase: str
    origin: float
    samples: list[Sample] = field(default_factory=list)
    started: float | None = None  # relative seconds
    stopped: float | None = None  # when the last call of the phase ended
    # When the phase stopped starting new work: rates are measured up to here, at full
    # concurrency, not over the tail where the last jobs finish one by one.
    deadline: float | None = None
    # CPU seconds used during the phase: by the load generator, and by each server process.
    client_cpu: float = 0.0
    server_cpu: dict[str, float] = field(default_factory=dict)

    def add(self, op: str, started_at: float, ended_at: float, code: str) -> None:
        self.samples.append(Sample(ended_at - self.origin, op, ended_at - started_at, code))

    @property
    def wall_seconds(self) -> float:
        if self.started is None or self.stopped is None:
            return 0.0
        return self.stopped - self.started

    @property
    def window_end(self) -> float | None:
        if self.stopped is None:
            return None
        return min(self.stopped, self.deadline) if self.deadline is not None else self.stopped

    @property
    def window_seconds(self) -> float:
        if self.started is None or self.window_end is None:
            return 0.0
        return self.window_end - self.started

    def ok(self, op: str | None = None) -> list[Sample]:
        return [s for s in self.samples if s.code == "OK" and (op is None or s.op == op)]

    def rate(self, ops: Iterable[str] | None = None) -> float:
        """Successful calls per second (only `ops` when given) that ended within the
        measuring window: from the start until the phase stopped starting new work."""
        end, seconds = self.window_end, self.window_seconds
        if end is None or seconds <= 0:
            return 0.0
        wanted = None if ops is None else set(ops)
        done = sum(1 for s in self.samples if s.code == "OK" and s.end <= end and (wanted is None or s.op in wanted))
        return done / seconds

    def by_op(self) -> dict[str, LatencySummary]:
        grouped: dict[str, list[float]] = defaultdict(list)
        for s in self.samples:
            if s.code == "OK":
                grouped[s.op].append(s.seconds)
        return {op: LatencySummary.of(values) for op, values in sorted(grouped.items())}

    def overall(self) -> LatencySummary:
        return LatencySummary.of(s.seconds for s in self.samples if s.code == "OK")

    def codes(self) -> dict[str, int]:
        return dict(sorted(Counter(s.code for s in self.samples).items()))


@dataclass(frozen=True)
class TimelinePoint:
    second: float  # start of the bucket, seconds since the run's origin
    phase: str
    calls_per_second: float
    lines_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def timeline(recorder: Recorder, line_ops: Iterable[str], bucket: float = 1.0) -> list[TimelinePoint]:
    """Per-bucket throughput and latency percentiles of one phase, for the chart."""
    if recorder.started is None or recorder.stopped is None or bucket <= 0:
        return []
    line_ops = set(line_ops)
    n = max(1, math.ceil((recorder.stopped - recorder.started) / bucket))
    calls: list[list[float]] = [[] for _ in range(n)]
    lines = [0] * n
    for s in recorder.samples:
        if s.code != "OK":
            continue
        index = min(n - 1, max(0, int((s.end - recorder.started) // bucket)))
        calls[index].append(s.seconds * 1000)
        if s.op in line_ops:
            lines[index] += 1
    points = []
    for i in range(n):
        width = min(bucket, recorder.stopped - (recorder.started + i * bucket))
        if width <= bucket / 4:  # a sliver of a bucket at the end would show a false dip
            continue
        ordered = sorted(calls[i])
        points.append(
            TimelinePoint(
                second=recorder.started + i * bucket,
                phase=recorder.phase,
                calls_per_second=len(ordered) / width,
                lines_per_second=lines[i] / width,
                p50_ms=percentile(ordered, 50),
                p95_ms=percentile(ordered, 95),
                p99_ms=percentile(ordered, 99),
            )
        )
    return points
