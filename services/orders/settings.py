"""Settings of the orders service (VAXORDERS_* environment variables)."""

from __future__ import annotations

from pydantic import Field

from services.common.settings import ServiceSettings


class OrdersSettings(ServiceSettings):
    # A sane upper bound for one line: a typo (100000 for 10) is refused, not shipped.
    max_vials_per_line: int = Field(default=10_000, gt=0, le=1_000_000)
    # Sessions, products and quota tables change a few times a week: a few seconds
    # of staleness is harmless and saves a call per write during the opening rush.
    directory_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    # The officine's département, frozen on the line at write time.
    officine_cache_seconds: float = Field(default=60.0, ge=0, le=3600)
    # Entries kept per cache (oldest dropped first), so memory stays bounded.
    cache_max_entries: int = Field(default=4096, gt=0)
    # Deadline of each call to SessionService / EffecteurService (also bounded by
    # what the current RPC has left, see services.common.channels).
    dependency_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    # Size of the CSV chunks streamed by ExportSessionOrders.
    export_chunk_bytes: int = Field(default=64 * 1024, ge=1024, le=4 * 1024 * 1024)
