"""Settings of the effecteurs service (VAXORDERS_* environment)."""

from __future__ import annotations

from pydantic import Field

from services.common.settings import ServiceSettings


class EffecteursSettings(ServiceSettings):
    service: str = "effecteurs"
    # How long an answer of SessionService.GetServiceState is reused (never past
    # the state change it announces).
    service_state_cache_seconds: float = Field(default=5.0, gt=0, le=60)
    # Deadline of that call: a change waits at most this long for the calendar.
    service_state_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    # Rows per transaction in the migration import.
    import_batch_size: int = Field(default=500, ge=1, le=10_000)
    # Largest file accepted by the ImportAttachments RPC (spooled to disk past 1 MiB).
    import_max_bytes: int = Field(default=256 * 1024 * 1024, ge=1024)
