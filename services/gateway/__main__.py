"""`python -m services.gateway` serves; `python -m services.gateway migrate` only migrates."""

from __future__ import annotations

import sys

import uvicorn

from services.common.db import migrate
from services.common.logging import configure_logging
from services.common.settings import DEFAULT_METRICS_PORTS
from services.gateway.app import create_app
from services.gateway.metrics import HttpMetrics
from services.gateway.settings import GatewaySettings
from services.gateway.spec import DATABASE


def main(argv: list[str]) -> None:
    settings = GatewaySettings()
    configure_logging("gateway", settings.log_format, settings.log_level)
    migrate(settings.resolved_database_url(), DATABASE.migrations_dir, f"alembic_version_{DATABASE.name}")
    if argv[:1] == ["migrate"]:
        return
    if argv:
        sys.exit(f"unknown command {argv[0]!r}: use no argument (serve) or `migrate`")
    metrics = HttpMetrics()
    metrics.serve(settings.metrics_port or DEFAULT_METRICS_PORTS["gateway"], settings.http_host)
    uvicorn.run(
        create_app(settings, metrics=metrics),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,  # stdlib logs go through structlog's formatter (configure_logging)
        access_log=False,  # one structured event per request comes from our middleware
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        server_header=False,
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
