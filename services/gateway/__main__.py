"""`python -m services.gateway` serves; `python -m services.gateway migrate` only migrates."""

from __future__ import annotations

import sys

from services.common.db import migrate
from services.common.logging import configure_logging
from services.common.workers import run_workers
from services.gateway.serving import serve, worker
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
    if settings.workers == 1:
        serve(settings, 0)
    elif status := run_workers(settings.workers, worker):
        sys.exit(status)


if __name__ == "__main__":
    main(sys.argv[1:])
