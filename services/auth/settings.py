"""Settings of the auth service and of the local PSC issuer (VAXORDERS_* environment).

Against the real PSC only the endpoints, client id and secret change; see README.md.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator

from services.common.settings import ServiceSettings

DEV_CLIENT_SECRET = "dev-secret"
_ROOT = Path(__file__).resolve().parent.parent.parent


class AuthSettings(ServiceSettings):
    # Confidential client secret shared with PSC; dev/test default "dev-secret", required in production.
    client_secret: SecretStr | None = None
    # Where PSC may send the browser back after login (the gateway callback).
    redirect_uris: list[str] = Field(default_factory=lambda: ["http://127.0.0.1:8080/auth/callback"])
    # Where PSC may send the browser after logout.
    post_logout_redirect_uris: list[str] = Field(default_factory=lambda: ["http://127.0.0.1:8080/"])
    # PSC endpoints; empty means derived from psc_issuer the Keycloak way. The real PSC's
    # authorize is on another host: https://wallet.esw.esante.gouv.fr/auth (production).
    psc_authorize_url: str = ""
    psc_token_url: str = ""
    psc_userinfo_url: str = ""
    psc_end_session_url: str = ""
    psc_revocation_url: str = ""
    # How long a started login (state, nonce, PKCE verifier) may wait for its callback.
    login_ttl_seconds: int = Field(default=600, ge=30, le=3600)
    # Outgoing calls to PSC.
    psc_http_timeout_seconds: float = Field(default=5.0, gt=0, le=30)

    # Local PSC issuer (`python -m services.auth issuer`), never in production.
    issuer_host: str = "127.0.0.1"
    issuer_port: int = Field(default=8090, ge=0, le=65535)
    issuer_dataset: Path = _ROOT / "fixtures" / "reference-week.json"

    @model_validator(mode="after")
    def _production_secret(self) -> AuthSettings:
        secret = self.client_secret.get_secret_value() if self.client_secret else ""
        if self.environment == "production" and secret in ("", DEV_CLIENT_SECRET):
            raise ValueError("VAXORDERS_CLIENT_SECRET must be set to the PSC client secret in production")
        return self

    @property
    def secret(self) -> str:
        if self.client_secret is not None and self.client_secret.get_secret_value():
            return self.client_secret.get_secret_value()
        return DEV_CLIENT_SECRET

    def _endpoint(self, name: str) -> str:
        return f"{self.psc_issuer.rstrip('/')}/protocol/openid-connect/{name}"

    @property
    def authorize_url(self) -> str:
        if self.psc_authorize_url:
            return self.psc_authorize_url
        parts = urlsplit(self.psc_issuer)
        return f"{parts.scheme}://{parts.netloc}/authorize"

    @property
    def token_url(self) -> str:
        return self.psc_token_url or self._endpoint("token")

    @property
    def userinfo_url(self) -> str:
        return self.psc_userinfo_url or self._endpoint("userinfo")

    @property
    def end_session_url(self) -> str:
        return self.psc_end_session_url or self._endpoint("logout")

    @property
    def revocation_url(self) -> str:
        return self.psc_revocation_url or self._endpoint("revoke")

    @property
    def issuer_keys_dir(self) -> Path:
        return self.data_dir / "psc-dev-issuer"
