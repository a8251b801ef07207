"""Settings of the sessions service (VAXORDERS_* environment)."""

from __future__ import annotations

from pydantic import Field

from services.common.settings import ServiceSettings


class SessionsSettings(ServiceSettings):
    service: str = "sessions"
    # How long the demo session stays open once the seed (re)opens it.
    demo_session_days: int = Field(default=7, ge=1, le=60)
