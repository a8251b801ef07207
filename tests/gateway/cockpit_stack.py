"""The suite during the reference session for the cockpit's tests: a manual
clock at Monday 10:00, orders placed by two officines (friday.ORDERS), the
orders service's real metrics served over HTTP as its metrics port does, and
the mailer's metrics address pointing at a port nobody listens on (a service
that does not answer)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from prometheus_client import CollectorRegistry, start_http_server

from services.common.clock import ManualClock
from tests.gateway.friday import DURING, place_orders
from tests.gateway.stack import DatabaseUrlFor, Stack, start_stack


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def live_session(
    database_url_for: DatabaseUrlFor, tmp_path: Path, *, refresh_seconds: int = 15
) -> AsyncIterator[tuple[Stack, ManualClock]]:
    # The orders server's own collectors, exposed once it runs (a collector may sit in two registries).
    exposed = CollectorRegistry()
    server, thread = start_http_server(0, addr="127.0.0.1", registry=exposed)
    clock = ManualClock(DURING)
    urls = {
        "orders": f"http://127.0.0.1:{server.server_port}/metrics",
        "mailer": f"http://127.0.0.1:{_closed_port()}/metrics",
    }
    running = await start_stack(
        database_url_for,
        tmp_path,
        clock=clock,
        gateway_overrides={"cockpit_metrics_urls": urls, "cockpit_refresh_seconds": refresh_seconds},
    )
    try:
        metrics = running.backends["orders"].running.metrics
        exposed.register(metrics.handled)
        exposed.register(metrics.latency)
        await place_orders(running)
        yield running, clock
    finally:
        await running.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
