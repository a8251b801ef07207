"""pytest plugin: one service-identity key pair for the whole test session.

Services started with `**psc.settings_overrides()` already verify service
tokens with this pair's public key (the `psc` fixture adds
`service_public_key_file`). Tests then call them as a job would:

    async def test_x(service_token, ...):
        await stub.ListDeliveries(req, metadata=[("authorization", f"Bearer {service_token('mailer')}")])

or, for a process that mints its own tokens (the mailer's notifier, the CronJob):

    settings = MailerSettings(..., **psc.settings_overrides(), **service_identity.minting_overrides())

Fixtures:
- `service_identity` (session): the ServiceIdentityKeys below;
- `service_token` (session): `service_token(identity, **claims_overrides) -> str`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jose import jwt

from services.common.service_identity import AUDIENCE, DEFAULT_LIFETIME_SECONDS, ISSUER
from services.common.service_keys import PrivateKey, generate_key_pair, load_private_key
from tests.support.claims import REMOVE, overridden


@dataclass
class ServiceIdentityKeys:
    private_key_file: Path
    public_key_file: Path
    key: PrivateKey

    REMOVE = REMOVE  # token(identity, exp=keys.REMOVE) leaves the claim out

    def settings_overrides(self) -> dict[str, Any]:
        """Settings of a service that verifies service tokens (every service)."""
        return {"service_public_key_file": str(self.public_key_file)}

    def minting_overrides(self) -> dict[str, Any]:
        """Settings of a process that also mints them (the mailer, the CronJob command)."""
        return {**self.settings_overrides(), "service_key_file": str(self.private_key_file)}

    def claims_for(
        self, identity: str, *, now: float | None = None, lifetime: int = DEFAULT_LIFETIME_SECONDS, **overrides: Any
    ) -> dict[str, Any]:
        issued = int(time.time() if now is None else now)
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": identity,
            "iat": issued,
            "exp": issued + lifetime,
            "jti": f"test-{identity}-{time.monotonic_ns()}",
        }
        return overridden(claims, overrides)

    def token(
        self, identity: str, *, key: PrivateKey | None = None, headers: dict[str, Any] | None = None, **overrides: Any
    ) -> str:
        """A token of `identity` signed by the session key (claims overridable, even to invalid values).

        `now` defaults to the real time: services on a ManualClock set in 2022 accept it
        (exp is in their future; iat is never compared with the clock).
        """
        key = key or self.key
        claims = self.claims_for(identity, **overrides)
        return jwt.encode(
            claims, key.signer, algorithm="RS256", headers={"kid": key.kid, "typ": "JWT", **(headers or {})}
        )

    def metadata_for(self, identity: str, **overrides: Any) -> list[tuple[str, str]]:
        return [("authorization", f"Bearer {self.token(identity, **overrides)}")]


def make_keys(folder: Path) -> ServiceIdentityKeys:
    private_path, public_path = generate_key_pair(folder, bits=2048)
    return ServiceIdentityKeys(private_path, public_path, load_private_key(str(private_path)))


@pytest.fixture(scope="session")
def service_identity(tmp_path_factory: pytest.TempPathFactory) -> ServiceIdentityKeys:
    return make_keys(tmp_path_factory.mktemp("service-identity"))


@pytest.fixture(scope="session")
def service_token(service_identity: ServiceIdentityKeys) -> Callable[..., str]:
    return service_identity.token
