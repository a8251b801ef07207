"""Serving the gateway: one process, or worker `index` of several on the same port
(VAXORDERS_WORKERS, services/common/workers.py). A module of its own: spawned workers
import their target by name, which `__main__` cannot give them."""

from __future__ import annotations

import socket

import structlog
import uvicorn

from services.common.logging import configure_logging
from services.common.settings import DEFAULT_METRICS_PORTS
from services.gateway.app import create_app
from services.gateway.metrics import HttpMetrics
from services.gateway.settings import GatewaySettings


def worker(index: int) -> None:
    settings = GatewaySettings()
    configure_logging("gateway", settings.log_format, settings.log_level)
    structlog.contextvars.bind_contextvars(worker=index)
    serve(settings, index)


def serve(settings: GatewaySettings, index: int) -> None:
    """One process of the gateway; worker i serves its /metrics on the metrics port + i."""
    metrics = HttpMetrics()
    metrics.serve((settings.metrics_port or DEFAULT_METRICS_PORTS["gateway"]) + index, settings.http_host)
    config = uvicorn.Config(
        create_app(settings, metrics=metrics),
        log_config=None,  # stdlib logs go through structlog's formatter (configure_logging)
        access_log=False,  # one structured event per request comes from our middleware
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        server_header=False,
        timeout_graceful_shutdown=10,
    )
    # Our own listening socket, with SO_REUSEPORT: every worker binds the same port and the
    # kernel spreads connections over them (services/common/workers.py).
    family = socket.AF_INET6 if ":" in settings.http_host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((settings.http_host.strip("[]"), settings.http_port))
    sock.listen(2048)
    uvicorn.Server(config).run(sockets=[sock])
