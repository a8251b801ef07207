"""Typed settings read from VAXORDERS_* environment variables.

One class per service extends ServiceSettings; a bad value stops the process
at start-up with pydantic's message rather than failing on first use.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Local ports of DESIGN.md §2; a deployment overrides them by environment.
DEFAULT_ADDRESSES = {
    "auth": "127.0.0.1:50051",
    "effecteurs": "127.0.0.1:50052",
    "sessions": "127.0.0.1:50053",
    "orders": "127.0.0.1:50054",
    "mailer": "127.0.0.1:50055",
}
DEFAULT_METRICS_PORTS = {
    "auth": 9151,
    "effecteurs": 9152,
    "sessions": 9153,
    "orders": 9154,
    "mailer": 9155,
    "gateway": 9180,
}


class CommonSettings(BaseSettings):
    """Settings every process shares (VAXORDERS_ prefix)."""

    model_config = SettingsConfigDict(env_prefix="VAXORDERS_", extra="ignore", frozen=True)

    environment: Literal["dev", "test", "production"] = "dev"
    data_dir: Path = Path("var")
    log_format: Literal["json", "console"] = "json"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # When set, the clock starts at this instant and runs on from there (demo, tests).
    clock_start: datetime | None = None

    auth_address: str = DEFAULT_ADDRESSES["auth"]
    effecteurs_address: str = DEFAULT_ADDRESSES["effecteurs"]
    sessions_address: str = DEFAULT_ADDRESSES["sessions"]
    orders_address: str = DEFAULT_ADDRESSES["orders"]
    mailer_address: str = DEFAULT_ADDRESSES["mailer"]
    # Upper bound of any service-to-service call, in seconds.
    call_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # Processes serving a service's or the gateway's port (services/common/workers.py): one per
    # core it may use. Worker i serves its /metrics on the metrics port + i.
    workers: int = Field(default=1, ge=1, le=64)
    # Database connections per process (services/common/db.py), sized to the RPCs one process
    # has in flight. PostgreSQL: writes and reads have pools of their own, so a read never
    # waits for a connection behind writes, each twice (the async ORM paths' and the hot path's
    # worker threads', opened on demand); SQLite: one writer, this many readers.
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_read_pool_size: int = Field(default=10, ge=1, le=200)
    # PostgreSQL (psycopg 3): a statement is prepared on a connection from its n-th execution
    # there on (0: from the first). Our statements are few and repeated: prepare them at once.
    database_prepare_threshold: int = Field(default=1, ge=0, le=100)

    # PSC token validation, shared by the auth interceptor of every service.
    psc_issuer: str = "http://127.0.0.1:8090/auth/realms/esante-wallet"
    psc_jwks_url: str = ""
    psc_client_id: str = "vaxorders-gateway"
    # National ids (SubjectNameID) given the OPERATOR role.
    operators: list[str] = Field(default_factory=list)
    # National ids given the SUPPORT role (support desk agents; may also be operators).
    support_agents: list[str] = Field(default_factory=list)
    # PSC outage (docs/psc-outage.md): after the caller's last PSC access token expired while
    # PSC could not be reached, writes stay open psc_grace_seconds (marked in the audit trail),
    # then reads only until psc_read_only_seconds after that expiry. Every service and the
    # gateway must agree on these values.
    psc_grace_seconds: int = Field(default=1800, ge=0, le=4 * 3600)
    psc_read_only_seconds: int = Field(default=4 * 3600, ge=0, le=24 * 3600)
    # How often a process asks PSC whether it answers (at most), in seconds.
    psc_probe_interval_seconds: float = Field(default=10.0, gt=0, le=300)

    # Service identity (services/common/service_identity.py). The PEM public key(s) every
    # service verifies job tokens with: one file, possibly a bundle of two keys during a
    # rotation. Empty: service identity disabled, every service token is refused.
    service_public_key_file: str = ""
    # The PEM private key that signs this process's tokens: only the processes that mint
    # (the Friday CronJob, the mailer's notifier) have it.
    service_key_file: str = ""

    @field_validator("clock_start")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("clock_start needs a UTC offset, e.g. 2022-03-07T08:00:00+01:00")
        return value

    @property
    def jwks_url(self) -> str:
        return self.psc_jwks_url or f"{self.psc_issuer}/protocol/openid-connect/certs"


class ServiceSettings(CommonSettings):
    """Settings of one gRPC service; `service` names it (auth, orders...)."""

    service: str = ""
    grpc_host: str = "127.0.0.1"
    grpc_port: int = Field(default=0, ge=0, le=65535)
    metrics_port: int = Field(default=0, ge=0, le=65535)
    # Seconds in-flight RPCs get to finish after SIGTERM.
    grace_seconds: float = Field(default=10.0, ge=0, le=120)
    # SQLAlchemy URL; an SQLite file under data_dir when empty.
    database_url: str = ""
    # Key of the signed page tokens (services/common/pagination.py reads it from the same
    # variable). Production refuses to start without one: the development key is public.
    page_token_secret: SecretStr = SecretStr("")

    @model_validator(mode="after")
    def _page_token_secret_in_production(self) -> ServiceSettings:
        if self.environment == "production" and len(self.page_token_secret.get_secret_value()) < 32:
            raise ValueError("production needs VAXORDERS_PAGE_TOKEN_SECRET (at least 32 characters)")
        return self

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / f'{self.service}.db').resolve()}"

    def resolved_grpc_port(self) -> int:
        if self.grpc_port:
            return self.grpc_port
        return int(DEFAULT_ADDRESSES[self.service].rsplit(":", 1)[1])

    def resolved_metrics_port(self) -> int:
        return self.metrics_port or DEFAULT_METRICS_PORTS[self.service]
