"""Settings of the gateway (VAXORDERS_* environment variables).

The gateway is the only HTTP process: it needs the address it listens on, the
public URL browsers use (cookies, redirects, CSRF origin check), the secret
that protects its cookies, and its own small database of web sessions.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator

from services.common.settings import DEFAULT_METRICS_PORTS, CommonSettings

_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
_DEV_SECRET = "dev-only-gateway-secret-change-me-0123456789"


def _local_metrics_urls() -> dict[str, str]:
    """Each process's /metrics on its default local port (`make run`)."""
    return {name: f"http://127.0.0.1:{port}/metrics" for name, port in DEFAULT_METRICS_PORTS.items()}


class GatewaySettings(CommonSettings):
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    metrics_port: int = Field(default=0, ge=0, le=65535)
    # What browsers type: redirects, cookies and the Origin check derive from it.
    public_base_url: str = "http://127.0.0.1:8080"
    # Plain http is accepted only with this flag and only on a loopback host.
    dev_allow_http: bool = True
    # Protects the pre-login cookie, the web-session ids and the tokens at rest.
    session_secret: SecretStr = SecretStr(_DEV_SECRET)
    # SQLAlchemy URL of the web-session store; an SQLite file under data_dir when empty.
    database_url: str = ""
    # Web sessions end after this long without a request, and after this long anyway.
    session_idle_seconds: int = Field(default=30 * 60, gt=0)
    session_absolute_seconds: int = Field(default=4 * 3600, gt=0)
    # The access token is refreshed when it has less than this left.
    token_refresh_margin_seconds: float = Field(default=10.0, ge=0)
    # A login must come back from PSC within this time.
    login_timeout_seconds: int = Field(default=600, gt=0)
    # Budget of one HTTP request; every backend call gets at most what is left.
    request_budget_seconds: float = Field(default=10.0, gt=0, le=120)
    # /healthz waits this long for each backend.
    health_timeout_seconds: float = Field(default=1.0, gt=0, le=10)
    # Largest accepted upload (CSV imports), in bytes.
    max_upload_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    # Proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed: the
    # ingress controller's pods. uvicorn then takes, from the right, the first address not in
    # this list as the client's (the support form's rate limit counts anonymous requests per
    # address). Empty: the TCP peer is the client (local runs).
    forwarded_allow_ips: str = ""

    # Operators' cockpit: each service's Prometheus endpoint (JSON {"orders": "http://..."}),
    # read with this timeout (a silent service is shown as such), and how often the page refreshes.
    cockpit_metrics_urls: dict[str, str] = Field(default_factory=_local_metrics_urls)
    cockpit_metrics_timeout_seconds: float = Field(default=0.5, gt=0, le=5)
    cockpit_refresh_seconds: int = Field(default=15, ge=5, le=300)

    @model_validator(mode="after")
    def _check_public_url(self) -> GatewaySettings:
        parts = urlsplit(self.public_base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("public_base_url must be an absolute http(s) URL")
        if parts.path not in ("", "/"):
            raise ValueError("public_base_url must not have a path (cookies are __Host- scoped to /)")
        if parts.scheme == "http" and not (self.dev_allow_http and parts.hostname in _LOOPBACK_HOSTS):
            raise ValueError(
                "public_base_url may use plain http only on 127.0.0.1/localhost with VAXORDERS_DEV_ALLOW_HTTP=true"
            )
        if self.environment == "production":
            if parts.scheme != "https":
                raise ValueError("production needs an https public_base_url")
            if self.session_secret.get_secret_value() == _DEV_SECRET:
                raise ValueError("production needs VAXORDERS_SESSION_SECRET")
        if len(self.session_secret.get_secret_value()) < 32:
            raise ValueError("session_secret must be at least 32 characters")
        return self

    @property
    def base_url(self) -> str:
        return self.public_base_url.rstrip("/")

    @property
    def origin(self) -> str:
        parts = urlsplit(self.public_base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def secure_cookies(self) -> bool:
        """False only for plain http on loopback in dev, where browsers refuse Secure cookies."""
        return urlsplit(self.public_base_url).scheme == "https"

    @property
    def redirect_uri(self) -> str:
        return f"{self.base_url}/auth/callback"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'gateway.db').resolve()}"
