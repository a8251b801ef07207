"""What tools and tests need to know about the gateway's own database.

The gateway serves HTTP, not gRPC, so it has no ServiceSpec to run; but its
web-session table is migrated like any service's, and tests get a fresh
database for it with `database_url_for(DATABASE)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DatabaseSpec:
    name: str
    migrations_dir: Path


DATABASE = DatabaseSpec(name="gateway", migrations_dir=Path(__file__).resolve().parent / "migrations")
