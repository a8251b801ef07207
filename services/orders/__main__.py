"""python -m services.orders [migrate | seed DATASET.json]; no argument serves gRPC.

`seed` loads the demo orders and supply of the reference session (services/orders/seed.py)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from services.common.bootstrap import migrate_service, run
from services.common.clock import clock_from_start
from services.common.logging import configure_logging
from services.orders.seed import seed_file
from services.orders.settings import OrdersSettings
from services.orders.spec import SPEC

USAGE = "usage: python -m services.orders [migrate | seed DATASET.json]"


def main(argv: list[str]) -> int:
    if not argv:
        run(SPEC, OrdersSettings)
        return 0
    settings = OrdersSettings(service=SPEC.name)
    configure_logging(SPEC.name, settings.log_format, settings.log_level)
    if argv == ["migrate"]:
        migrate_service(SPEC, settings)
        return 0
    if len(argv) == 2 and argv[0] == "seed":
        migrate_service(SPEC, settings)
        now = clock_from_start(settings.clock_start).now()
        asyncio.run(seed_file(Path(argv[1]), settings, now))
        return 0
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
