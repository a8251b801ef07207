"""python -m services.sessions [migrate | seed DATASET.json]; no argument serves gRPC."""

from __future__ import annotations

import sys

from services.common.cli import migrate_or_seed
from services.sessions.seed import seed_file
from services.sessions.settings import SessionsSettings
from services.sessions.spec import SPEC


def main(argv: list[str]) -> int:
    return migrate_or_seed(argv, SPEC, SessionsSettings, seed_file)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
