"""Error rate and p95 from a service's own Prometheus text, over the last
readings (services/gateway/cockpit/service_metrics.py), on real
prometheus_client registries served over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry, generate_latest, start_http_server

from services.common.metrics import RpcMetrics
from services.gateway.cockpit.service_metrics import ServiceMetrics, parse_counts, quantile

T0 = datetime(2022, 3, 7, 7, 0, tzinfo=UTC)


def test_server_failures_count_as_errors_refusals_and_health_checks_do_not() -> None:
    metrics = RpcMetrics()
    for _ in range(97):
        metrics.observe("/vaxorders.orders.v1.OrderService/CreateOrderLine", "OK", 0.02)
    metrics.observe("/vaxorders.orders.v1.OrderService/CreateOrderLine", "INVALID_ARGUMENT", 0.01)
    metrics.observe("/vaxorders.orders.v1.OrderService/CreateOrderLine", "INTERNAL", 0.01)
    metrics.observe("/vaxorders.orders.v1.OrderService/CreateOrderLine", "UNAVAILABLE", 0.01)
    for _ in range(1000):
        metrics.observe("/grpc.health.v1.Health/Check", "OK", 0.0005)
    counts = parse_counts(generate_latest(metrics.registry).decode())
    assert (counts.calls, counts.errors) == (100, 2)
    # 97 calls at 20 ms: the 95th is in the (10 ms, 25 ms] bucket.
    p95 = quantile(0.95, counts.buckets)
    assert p95 is not None and 0.01 < p95 <= 0.025


def test_quantile_interpolates_like_prometheus_and_says_nothing_without_calls() -> None:
    assert quantile(0.95, {}) is None
    assert quantile(0.95, {0.1: 0.0, float("inf"): 0.0}) is None
    # 100 calls evenly in (0.1, 0.2]: the 95th at 0.195.
    assert quantile(0.95, {0.1: 0.0, 0.2: 100.0, float("inf"): 100.0}) == pytest.approx(0.195)
    # Beyond the last bound: the last finite bound (what histogram_quantile answers).
    assert quantile(0.95, {0.1: 10.0, float("inf"): 100.0}) == 0.1


@pytest.fixture
def served() -> Iterator[tuple[RpcMetrics, str]]:
    metrics = RpcMetrics(CollectorRegistry())
    server, thread = start_http_server(0, addr="127.0.0.1", registry=metrics.registry)
    try:
        yield metrics, f"http://127.0.0.1:{server.server_port}/metrics"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


async def test_figures_cover_the_last_readings_and_a_silent_service_is_reported(
    served: tuple[RpcMetrics, str],
) -> None:
    metrics, url = served
    reader = ServiceMetrics({"orders": url, "mailer": "http://127.0.0.1:9/metrics"}, 0.5, timedelta(minutes=5))
    try:
        for _ in range(10):
            metrics.observe("/vaxorders.orders.v1.OrderService/CreateOrderLine", "INTERNAL", 2.0)
        first = {f.service: f for f in await reader.figures(T0)}
        assert first["orders"].answered and first["orders"].since is None  # since the service started
        assert (first["orders"].calls, first["orders"].error_rate) == (10, 1.0)
        assert not first["mailer"].answered

        # A minute later, 90 good calls: the span starts at the first reading, the old failures are out.
        for _ in range(90):
            metrics.observe("/vaxorders.orders.v1.OrderService/CreateOrderLine", "OK", 0.004)
        second = {f.service: f for f in await reader.figures(T0 + timedelta(minutes=1))}["orders"]
        assert (second.since, second.calls, second.error_rate) == (T0, 90, 0.0)
        assert second.p95_seconds is not None and second.p95_seconds <= 0.005

        # Nobody looked for ten minutes: the readings older than five minutes are dropped,
        # so the figures run since the service started again, and say so.
        third = {f.service: f for f in await reader.figures(T0 + timedelta(minutes=11))}["orders"]
        assert (third.since, third.calls, third.error_rate) == (None, 100, 0.1)
    finally:
        await reader.close()
