"""Error rate and p95 latency of each service, read from its own Prometheus
endpoint (`/metrics` on its metrics port) by the gateway.

The counters there are cumulative since the process started, so the figures
shown are the difference between this reading and the oldest one kept of the
last few minutes (a rolling window, like PromQL's `rate` and
`histogram_quantile`). Until a second reading exists, the figures run since
the service started and say so. A service that does not answer within the
short timeout is reported as such: the cockpit never fails because of it.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
import structlog
from prometheus_client.parser import text_string_to_metric_families

log = structlog.get_logger(__name__)

# gRPC codes that mean the service failed (refusals of bad input are answers, not errors).
SERVER_ERROR_CODES = frozenset(
    {"UNKNOWN", "INTERNAL", "UNAVAILABLE", "DEADLINE_EXCEEDED", "DATA_LOSS", "UNIMPLEMENTED"}
)
# Health checks and reflection are not users' calls: left out of the figures.
_INFRA_GRPC_PREFIX = "grpc."
_INFRA_ROUTES = frozenset({"/healthz", "unmatched"})


@dataclass(frozen=True)
class Counts:
    """Cumulative counts of one reading: calls, failed calls, and the latency
    histogram summed over methods ({upper bound in seconds: calls at most that slow})."""

    calls: float = 0.0
    errors: float = 0.0
    buckets: dict[float, float] = field(default_factory=dict)

    def minus(self, earlier: Counts) -> Counts:
        return Counts(
            self.calls - earlier.calls,
            self.errors - earlier.errors,
            {le: n - earlier.buckets.get(le, 0.0) for le, n in self.buckets.items()},
        )

    def restarted_since(self, earlier: Counts) -> bool:
        return self.calls < earlier.calls


def parse_counts(text: str) -> Counts:
    """The calls of a gRPC service (grpc_server_*) or of the gateway (http_*)."""
    calls = errors = 0.0
    buckets: dict[float, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = sample.labels
            if labels.get("grpc_service", "").startswith(_INFRA_GRPC_PREFIX) or labels.get("route") in _INFRA_ROUTES:
                continue
            if sample.name == "grpc_server_handled_total":
                calls += sample.value
                errors += sample.value if labels.get("grpc_code") in SERVER_ERROR_CODES else 0.0
            elif sample.name == "http_requests_total":
                calls += sample.value
                errors += sample.value if labels.get("status", "").startswith("5") else 0.0
            elif sample.name in ("grpc_server_handling_seconds_bucket", "http_request_duration_seconds_bucket"):
                le = float(labels["le"])
                buckets[le] = buckets.get(le, 0.0) + sample.value
    return Counts(calls, errors, buckets)


def quantile(q: float, buckets: dict[float, float]) -> float | None:
    """Prometheus' histogram_quantile: linear inside the bucket holding the rank;
    None without calls; the last finite bound when the rank falls in +Inf."""
    bounds = sorted(buckets)
    if not bounds or buckets[bounds[-1]] <= 0:
        return None
    rank = q * buckets[bounds[-1]]
    lower, below = 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if math.isinf(bound):
                return lower
            if count == below:
                return bound
            return lower + (bound - lower) * (rank - below) / (count - below)
        lower, below = bound, count
    return lower


@dataclass(frozen=True)
class ServiceFigures:
    """What the cockpit shows for one service."""

    service: str
    answered: bool
    calls: int = 0
    error_rate: float | None = None  # 0..1, None without calls
    p95_seconds: float | None = None
    since: datetime | None = None  # start of the span; None: since the service started


class ServiceMetrics:
    """Reads every configured endpoint at once and keeps recent readings per service."""

    def __init__(self, targets: dict[str, str], timeout_seconds: float, window: timedelta) -> None:
        self.targets = dict(targets)
        self.window = window
        self._client = httpx.AsyncClient(timeout=timeout_seconds)
        self._readings: dict[str, deque[tuple[datetime, Counts]]] = {name: deque() for name in targets}

    async def close(self) -> None:
        await self._client.aclose()

    async def _read(self, name: str) -> Counts | None:
        try:
            answer = await self._client.get(self.targets[name])
            answer.raise_for_status()
            return parse_counts(answer.text)
        except (httpx.HTTPError, ValueError) as error:
            log.warning("cockpit.metrics_unreachable", service=name, error=repr(error))
            return None

    async def figures(self, now: datetime) -> list[ServiceFigures]:
        names = list(self.targets)
        readings = await asyncio.gather(*(self._read(name) for name in names))
        return [self._figures(name, now, counts) for name, counts in zip(names, readings, strict=True)]

    def _figures(self, name: str, now: datetime, counts: Counts | None) -> ServiceFigures:
        if counts is None:
            return ServiceFigures(name, answered=False)
        kept = self._readings[name]
        while kept and (kept[0][0] < now - self.window or counts.restarted_since(kept[0][1])):
            kept.popleft()
        since, span = None, counts
        if kept and kept[0][0] < now:
            since, span = kept[0][0], counts.minus(kept[0][1])
        kept.append((now, counts))
        return ServiceFigures(
            name,
            answered=True,
            calls=round(span.calls),
            error_rate=span.errors / span.calls if span.calls > 0 else None,
            p95_seconds=quantile(0.95, span.buckets),
            since=since,
        )
