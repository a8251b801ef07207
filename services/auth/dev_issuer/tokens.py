"""How the local issuer mints tokens, shaped like PSC's (Keycloak) tokens.

Access token: 120 s, RS256, iss/aud/azp/acr plus the PSC userinfo claims (so a
service derives the principal locally). ID token: nonce, acr=eidas1.
Refresh token: 30 min, capped by the 4 h PSC session. The test plugin mints
through this same code, so tests see exactly what the issuer serves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from services.auth.dev_issuer.identities import Identity
from services.auth.dev_issuer.keys import KeyStore, SigningKey
from services.common.clock import Clock, SystemClock

ACCESS_SECONDS = 120
REFRESH_SECONDS = 30 * 60
SESSION_SECONDS = 4 * 3600
ACR = "eidas1"
SCOPE = "openid scope_all"


@dataclass(frozen=True)
class Session:
    """One PSC login: who, when, for which client; what a refresh token carries forward."""

    sid: str
    identity: Identity
    client_id: str
    auth_time: int
    acr: str = ACR
    scope: str = SCOPE


@dataclass(frozen=True)
class Minted:
    access_token: str
    refresh_token: str
    id_token: str
    expires_in: int
    refresh_expires_in: int


class Minter:
    def __init__(self, issuer: str, keys: KeyStore, clock: Clock) -> None:
        self.issuer = issuer
        self.keys = keys
        self.clock = clock

    def _now(self) -> int:
        return int(self.clock.now().timestamp())

    def access_claims(
        self, session: Session, *, now: int | None = None, lifetime: int = ACCESS_SECONDS
    ) -> dict[str, Any]:
        now = self._now() if now is None else now
        return {
            "exp": now + lifetime,
            "iat": now,
            "auth_time": session.auth_time,
            "jti": str(uuid.uuid4()),
            "iss": self.issuer,
            "aud": session.client_id,
            "sub": session.identity.sub,
            "typ": "Bearer",
            "azp": session.client_id,
            "session_state": session.sid,
            "sid": session.sid,
            "acr": session.acr,
            "scope": session.scope,
            **session.identity.userinfo(),
        }

    def sign(self, claims: dict[str, Any], key: SigningKey | None = None) -> str:
        return (key or self.keys.signing_key()).sign(claims)

    def mint(self, session: Session, *, nonce: str | None = None) -> Minted:
        now = self._now()
        access = self.sign(self.access_claims(session, now=now))
        refresh_exp = min(now + REFRESH_SECONDS, session.auth_time + SESSION_SECONDS)
        refresh = self.keys.signing_key().sign(
            {
                "exp": refresh_exp,
                "iat": now,
                "jti": str(uuid.uuid4()),
                "iss": self.issuer,
                "aud": self.issuer,
                "sub": session.identity.sub,
                "typ": "Refresh",
                "azp": session.client_id,
                "sid": session.sid,
                "auth_time": session.auth_time,
                "acr": session.acr,
                "scope": session.scope,
                "SubjectNameID": session.identity.national_id,
            },
            typ="JWT",
        )
        id_claims: dict[str, Any] = {
            "exp": now + ACCESS_SECONDS,
            "iat": now,
            "auth_time": session.auth_time,
            "jti": str(uuid.uuid4()),
            "iss": self.issuer,
            "aud": session.client_id,
            "sub": session.identity.sub,
            "typ": "ID",
            "azp": session.client_id,
            "sid": session.sid,
            "acr": session.acr,
            "SubjectNameID": session.identity.national_id,
            "preferred_username": session.identity.national_id,
            "given_name": session.identity.given_name,
            "family_name": session.identity.family_name,
        }
        if nonce is not None:
            id_claims["nonce"] = nonce
        return Minted(access, refresh, self.sign(id_claims), ACCESS_SECONDS, refresh_exp - now)


def new_session(identity: Identity, client_id: str, at: datetime, acr: str = ACR) -> Session:
    return Session(str(uuid.uuid4()), identity, client_id, int(at.timestamp()), acr=acr)


class AccessTokenMinter:
    """Access tokens exactly as this issuer serves them after a login, without
    the browser round trip: for load generators (the bench) that log in
    thousands of identities. Signed with the issuer's current key in
    `keys_dir`, created when missing, so that an issuer started afterwards on
    the same folder publishes it in its JWKS."""

    def __init__(
        self, issuer: str, keys_dir: Path, client_id: str, *, lifetime: int = ACCESS_SECONDS, clock: Clock | None = None
    ) -> None:
        keys = KeyStore(keys_dir)
        keys.ensure()
        self._minter = Minter(issuer, keys, clock or SystemClock())
        self._key = keys.signing_key()
        self.client_id = client_id
        self.lifetime = lifetime

    def token(self, identity: Identity) -> str:
        now = self._minter.clock.now()
        session = new_session(identity, self.client_id, now)
        return self._key.sign(self._minter.access_claims(session, now=int(now.timestamp()), lifetime=self.lifetime))
