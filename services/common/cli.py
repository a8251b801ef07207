"""`python -m services.<name> [migrate | seed DATASET.json]`: the command line of
a service whose only commands are to migrate its database and load a dataset.

No argument serves gRPC (services.common.bootstrap.run); `migrate` brings the
database to the latest schema; `seed FILE` migrates, then loads FILE and refreshes the
planner's statistics (services.common.planner_statistics). Anything
else prints the usage and exits 2.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from services.common.bootstrap import ServiceSpec, migrate_service, run
from services.common.logging import configure_logging
from services.common.planner_statistics import analyze_after_bulk_load
from services.common.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


def migrate_or_seed(
    argv: list[str],
    spec: ServiceSpec,
    settings_cls: type[S],
    seed: Callable[[Path, S], Coroutine[Any, Any, Any]],
) -> int:
    """The exit status of the command `argv` (see the module docstring)."""
    if not argv:
        run(spec, settings_cls)
        return 0
    settings = settings_cls(service=spec.name)
    configure_logging(spec.name, settings.log_format, settings.log_level)
    if argv == ["migrate"]:
        migrate_service(spec, settings)
        return 0
    if len(argv) == 2 and argv[0] == "seed":
        migrate_service(spec, settings)
        asyncio.run(seed(Path(argv[1]), settings))
        analyze_after_bulk_load(settings.resolved_database_url())
        return 0
    print(f"usage: python -m services.{spec.name} [migrate | seed DATASET.json]", file=sys.stderr)  # noqa: T201 (a command line prints its usage)
    return 2
