"""python -m services.orders [migrate | seed DATASET.json]; no argument serves gRPC.

`seed` loads the demo orders and supply of the reference session (services/orders/seed.py)."""

from __future__ import annotations

import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from services.common.cli import migrate_or_seed
from services.common.clock import clock_from_start
from services.orders.seed import seed_file
from services.orders.settings import OrdersSettings
from services.orders.spec import SPEC


def _seed(path: Path, settings: OrdersSettings) -> Coroutine[Any, Any, dict[str, int]]:
    return seed_file(path, settings, clock_from_start(settings.clock_start).now())


def main(argv: list[str]) -> int:
    return migrate_or_seed(argv, SPEC, OrdersSettings, _seed)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
