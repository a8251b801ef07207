"""`python -m services.orders` serves; `python -m services.orders migrate` only migrates.

Orders has no seed data of its own: lines and requests are entered by users."""

from __future__ import annotations

import sys

from services.common.bootstrap import migrate_service, run
from services.common.logging import configure_logging
from services.orders.settings import OrdersSettings
from services.orders.spec import SPEC


def main(argv: list[str]) -> int:
    if not argv:
        run(SPEC, OrdersSettings)
        return 0
    if argv == ["migrate"]:
        settings = OrdersSettings(service=SPEC.name)
        configure_logging(SPEC.name, settings.log_format, settings.log_level)
        migrate_service(SPEC, settings)
        return 0
    print("usage: python -m services.orders [migrate]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
