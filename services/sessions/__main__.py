"""python -m services.sessions [migrate | seed DATASET.json]; no argument serves gRPC."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from services.common.bootstrap import migrate_service, run
from services.common.logging import configure_logging
from services.sessions.seed import seed_file
from services.sessions.settings import SessionsSettings
from services.sessions.spec import SPEC

USAGE = "usage: python -m services.sessions [migrate | seed DATASET.json]"


def main(argv: list[str]) -> int:
    if not argv:
        run(SPEC, SessionsSettings)
        return 0
    settings = SessionsSettings(service=SPEC.name)
    configure_logging(SPEC.name, settings.log_format, settings.log_level)
    if argv == ["migrate"]:
        migrate_service(SPEC, settings)
        return 0
    if len(argv) == 2 and argv[0] == "seed":
        migrate_service(SPEC, settings)
        asyncio.run(seed_file(Path(argv[1]), settings))
        return 0
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
