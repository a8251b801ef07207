"""Settings of the orders service (VAXORDERS_* environment variables)."""

from __future__ import annotations

from pydantic import Field, model_validator

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
    # Attachment mirror (services/orders/attachment_mirror.py), with a service key only: a
    # detachment is never honoured later than max_lag (writes are refused, "réessayez", when
    # effecteurs' feed was last read caught up longer ago); the feed is polled every poll_seconds.
    attachment_mirror_max_lag_seconds: float = Field(default=3.0, gt=0, le=60)
    attachment_feed_poll_seconds: float = Field(default=0.5, gt=0, le=30)
    # Size of the CSV chunks streamed by ExportSessionOrders.
    export_chunk_bytes: int = Field(default=64 * 1024, ge=1024, le=4 * 1024 * 1024)

    @model_validator(mode="after")
    def _poll_within_bound(self) -> OrdersSettings:
        if self.attachment_feed_poll_seconds >= self.attachment_mirror_max_lag_seconds:
            raise ValueError("attachment_feed_poll_seconds must be below attachment_mirror_max_lag_seconds")
        return self
