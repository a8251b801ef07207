"""pytest plugin: a real local ProSantéConnect issuer for the whole test session.

    def test_x(psc):
        settings = OrdersSettings(service="orders", database_url=url, environment="test",
                                  **psc.settings_overrides())
        running, runtime = await start_service(SPEC, settings, clock=clock)
        stub.GetOrder(req, metadata=psc.metadata_for("899700000013"))

The issuer is services/auth/dev_issuer itself (uvicorn in a background thread
on 127.0.0.1, a free port), loaded with the identities of
fixtures/reference-week.json. `token_for` mints exactly what the issuer's
token endpoint mints, with a lifetime long enough for the whole session
(services under test often run on a ManualClock set in 2022: a token has no
nbf and an iat that is only checked to be a number, so it is valid there too).

The session issuer never rotates its keys; tests that rotate start their own
with `start_psc(folder)`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from services.auth.dev_issuer.identities import Identity
from services.auth.dev_issuer.keys import SigningKey, generate_key, public_pem
from services.auth.dev_issuer.server import ThreadedIssuer
from services.auth.dev_issuer.tokens import new_session
from services.auth.settings import AuthSettings
from services.common.clock import Clock, SystemClock
from services.common.psc_tokens import PscAuthenticator
from services.common.settings import CommonSettings
from tests.support.claims import REMOVE, overridden

if TYPE_CHECKING:
    from tests.support.service_identity import ServiceIdentityKeys

ROOT = Path(__file__).resolve().parent.parent.parent
DATASET_PATH = ROOT / "fixtures" / "reference-week.json"
# Long enough for any test session; tests of expiry pass their own exp.
SESSION_LIFETIME_SECONDS = 24 * 3600
CLIENT_ID = "vaxorders-gateway"
CLIENT_SECRET = "dev-secret"
REDIRECT_URI = "http://127.0.0.1:8080/auth/callback"
POST_LOGOUT_REDIRECT_URI = "http://127.0.0.1:8080/"


class Psc:
    """What tests need from the local issuer."""

    REMOVE = REMOVE  # token_for(nid, exp=psc.REMOVE) leaves the claim out

    def __init__(self, running: ThreadedIssuer, operators: Iterable[str], service_public_key_file: str = "") -> None:
        self.running = running
        self.operators = list(operators)
        # The session's service-identity public key (tests/support/service_identity.py), so every
        # service started with settings_overrides() also accepts the service tokens tests mint.
        self.service_public_key_file = service_public_key_file

    # -- where it is -------------------------------------------------------------------------
    @property
    def issuer(self) -> str:
        return self.running.config.issuer

    @property
    def origin(self) -> str:
        return self.running.origin

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/certs"

    @property
    def authorize_url(self) -> str:
        return self.running.config.authorize_url

    @property
    def client_id(self) -> str:
        return CLIENT_ID

    @property
    def client_secret(self) -> str:
        return CLIENT_SECRET

    @property
    def redirect_uri(self) -> str:
        return REDIRECT_URI

    @property
    def identities(self) -> dict[str, Identity]:
        return self.running.config.identities

    @property
    def jwks_requests(self) -> int:
        """How many times the JWKS was fetched from this issuer."""
        return self.running.state.jwks_requests

    def settings_overrides(self) -> dict[str, Any]:
        """CommonSettings fields pointing a service under test at this issuer."""
        overrides: dict[str, Any] = {
            "psc_issuer": self.issuer,
            "psc_jwks_url": self.jwks_url,
            "operators": list(self.operators),
            # The dataset's support agents (Élise Marchand, also an operator).
            "support_agents": _dataset_support_agents(),
        }
        if self.service_public_key_file:
            overrides["service_public_key_file"] = self.service_public_key_file
        return overrides

    def authenticator(self, clock: Clock | None = None, **kwargs: Any) -> PscAuthenticator:
        settings = CommonSettings(environment="test", **self.settings_overrides())
        return PscAuthenticator(settings, clock or SystemClock(), **kwargs)

    # -- tokens ------------------------------------------------------------------------------
    def claims_for(
        self, national_id: str, *, lifetime: int = SESSION_LIFETIME_SECONDS, now: float | None = None, **overrides: Any
    ) -> dict[str, Any]:
        """The access token claims the issuer would mint, with overrides (psc.REMOVE drops one)."""
        identity = self.identities[national_id]
        issued = int(self.running.config.clock.now().timestamp() if now is None else now)
        session = new_session(identity, CLIENT_ID, _aware(issued))
        claims = self.running.state.minter.access_claims(session, now=issued, lifetime=lifetime)
        return overridden(claims, overrides)

    def token_for(self, national_id: str, *, key: SigningKey | None = None, **overrides: Any) -> str:
        """A valid RS256 access token of a dataset identity (signed by the current key)."""
        return self.sign(self.claims_for(national_id, **overrides), key=key)

    def metadata_for(self, national_id: str, **overrides: Any) -> list[tuple[str, str]]:
        return [("authorization", f"Bearer {self.token_for(national_id, **overrides)}")]

    def sign(
        self, claims: dict[str, Any], *, key: SigningKey | None = None, headers: dict[str, Any] | None = None
    ) -> str:
        key = key or self.running.config.keys.signing_key()
        return key.sign(claims, headers=headers)

    # -- what an attacker would send ---------------------------------------------------------
    @staticmethod
    def foreign_key() -> SigningKey:
        """A key the issuer never published."""
        return generate_key()

    def signed_by_foreign_key(self, national_id: str, *, same_kid: bool = True) -> str:
        """Claims fine, signature by another key; by default under the issuer's current kid."""
        foreign = self.foreign_key()
        if same_kid:
            foreign = replace(foreign, kid=self.running.config.keys.signing_key().kid)
        return self.sign(self.claims_for(national_id), key=foreign)

    def hs256_with_public_key(self, national_id: str) -> str:
        """Algorithm confusion: HMAC-SHA256 keyed with the issuer's public key."""
        key = self.running.config.keys.signing_key()
        return _hand_signed(
            self.claims_for(national_id), {"alg": "HS256", "typ": "JWT", "kid": key.kid}, public_pem(key)
        )

    def unsigned(self, national_id: str) -> str:
        """alg none, empty signature."""
        key = self.running.config.keys.signing_key()
        header = _b64json({"alg": "none", "typ": "JWT", "kid": key.kid})
        return f"{header}.{_b64json(self.claims_for(national_id))}."


def _aware(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _b64json(value: dict[str, Any]) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _hand_signed(claims: dict[str, Any], header: dict[str, Any], secret: str) -> str:
    # python-jose refuses to use a PEM public key as an HMAC secret, so the forgery is made by hand.

    signing_input = f"{_b64json(header)}.{_b64json(claims)}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _dataset_operators() -> list[str]:
    return [str(x) for x in json.loads(DATASET_PATH.read_text(encoding="utf-8")).get("operators", [])]


def _dataset_support_agents() -> list[str]:
    """As in the demo (tools/devrun.py): the dataset's operators are also support agents."""
    dataset = json.loads(DATASET_PATH.read_text(encoding="utf-8"))
    return [str(x) for x in dataset.get("support_agents") or dataset.get("operators", [])]


def issuer_settings(data_dir: Path) -> AuthSettings:
    return AuthSettings(
        service="auth",
        environment="test",
        data_dir=data_dir,
        issuer_dataset=DATASET_PATH,
        redirect_uris=[REDIRECT_URI],
        post_logout_redirect_uris=[POST_LOGOUT_REDIRECT_URI],
    )


@contextmanager
def start_psc(data_dir: Path, clock: Clock | None = None) -> Iterator[Psc]:
    """A separate issuer with its own key folder (tests that rotate keys), on `clock` if given."""
    running = ThreadedIssuer.start(issuer_settings(data_dir), clock=clock)
    try:
        yield Psc(running, _dataset_operators())
    finally:
        running.stop()


@pytest.fixture(scope="session")
def psc(tmp_path_factory: pytest.TempPathFactory, service_identity: ServiceIdentityKeys) -> Iterator[Psc]:
    with start_psc(tmp_path_factory.mktemp("psc-dev-issuer")) as harness:
        harness.service_public_key_file = str(service_identity.public_key_file)
        yield harness
