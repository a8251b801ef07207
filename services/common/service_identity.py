"""Service identity: short-lived RS256 tokens that a job presents instead of a PSC token.

A scheduled job (the Friday CronJob) or an internal loop (the mailer's
notifier) acts for nobody: it has no PSC session. It proves what it is with a
token it mints itself, signed by the service private key, which only those
processes have (Kubernetes Secret `vaxorders-service-identity`):

    header  {"alg": "RS256", "typ": "JWT", "kid": <thumbprint of the key>}
    claims  {"iss": "vaxorders-service", "aud": "vaxorders", "sub": "mailer",
             "iat": ..., "exp": iat + 300 (at most 600), "jti": <uuid4>}

Every service verifies it with the public key (ServiceTokenVerifier, installed
by services.common.bootstrap next to the PSC authenticator, chosen by the
token's issuer: see services.common.service_authn), which gives
Principal(national_id="service:mailer", roles={"SERVICE"}); the interceptor
then lets it call only the RPCs of services.common.grants.GRANTS.

Minting, for a process holding VAXORDERS_SERVICE_KEY_FILE:

    source = ServiceTokenSource(settings, clock, identity="mailer")
    with source.acting():              # sets context.token_var for this task
        await stub.ListDeliveryDateChanges(...)   # the Channels interceptor sends it

`source.token()` re-mints when less than half the lifetime is left, so a
long-running loop calls `with source.acting():` around each round (not once
at start). `token_var` is a contextvar: setting it in a background task never
leaks into RPC handlers.

Verification reads the service clock (services run on an injectable clock),
with LEEWAY_SECONDS; iat is only checked against exp (a token may live at
most MAX_LIFETIME_SECONDS), never against the clock, like PSC tokens, because
a demo clock may be years behind the real one. The algorithm is pinned to
RS256 whatever the header says. Nothing here logs a token.

Keys: `python -m services.common.service_identity generate-keys DIR`.
"""

from __future__ import annotations

import argparse
import functools
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import structlog
from jose import jwt
from jose.exceptions import JOSEError

from services.common import context as ctx
from services.common.clock import Clock
from services.common.context import Principal
from services.common.errors import Unauthenticated
from services.common.grants import is_known
from services.common.service_keys import (
    ALGORITHM,
    PrivateKey,
    generate_key_pair,
    load_private_key,
    load_public_keys,
)
from services.common.settings import CommonSettings
from services.common.signed_tokens import checked_header, verified_payload

log = structlog.get_logger("service_identity")

ISSUER = "vaxorders-service"
AUDIENCE = "vaxorders"
ROLE_SERVICE = "SERVICE"
NATIONAL_ID_PREFIX = "service:"
DEFAULT_LIFETIME_SECONDS = 300
MAX_LIFETIME_SECONDS = 600
LEEWAY_SECONDS = 30
MAX_TOKEN_BYTES = 4 * 1024

_INVALID = "Jeton d'identité de service invalide : l'appel est refusé."
_EXPIRED = "Jeton d'identité de service expiré : l'appel est refusé."
_DISABLED = "Ce service n'accepte pas d'identité de service : l'appel est refusé."
_UNKNOWN = "Identité de service inconnue : l'appel est refusé."


def _refuse(reason: str, message: str = _INVALID) -> Unauthenticated:
    log.info("service_identity.token_refused", reason=reason)
    return Unauthenticated(message, reason=reason)


def unverified_issuer(token: str) -> str | None:
    """The `iss` a token claims, before any check (only to choose who verifies it)."""
    try:
        claims = jwt.get_unverified_claims(token)
    except (JOSEError, ValueError, TypeError, UnicodeError):
        return None
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    return issuer if isinstance(issuer, str) else None


@functools.lru_cache(maxsize=4096)
def is_service_token(token: str) -> bool:
    """Asked on every call of every service; a token's claimed issuer never changes and a user's
    token comes back on each of their calls: kept for the last tokens seen (decoding it again
    was 1.4 % of orders' CPU in the Monday rush)."""
    return unverified_issuer(token) == ISSUER


def service_principal(identity: str) -> Principal:
    return Principal(
        national_id=f"{NATIONAL_ID_PREFIX}{identity}", family_name=identity, roles=frozenset({ROLE_SERVICE})
    )


def identity_of(principal: Principal) -> str:
    """ "mailer" for Principal(national_id="service:mailer"); "" for anyone else."""
    if not principal.is_service or not principal.national_id.startswith(NATIONAL_ID_PREFIX):
        return ""
    return principal.national_id.removeprefix(NATIONAL_ID_PREFIX)


# --------------------------------------------------------------------------- minting


def mint(key: PrivateKey, identity: str, *, now: float, lifetime: int = DEFAULT_LIFETIME_SECONDS) -> str:
    """A token for `identity`, valid `lifetime` seconds from `now` (epoch seconds)."""
    if not is_known(identity):
        raise ValueError(f"unknown service identity {identity!r}: add it to services/common/grants.py")
    if not 0 < lifetime <= MAX_LIFETIME_SECONDS:
        raise ValueError(f"lifetime must be within 1..{MAX_LIFETIME_SECONDS} seconds")
    issued = int(now)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": identity,
        "iat": issued,
        "exp": issued + lifetime,
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode(claims, key.signer, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "JWT"})


class ServiceTokenSource:
    """Fresh tokens of one identity for a process holding the private key.

    `token()` returns the current token, minting a new one when less than half
    of its lifetime is left (by `clock`); `acting()` puts it in
    context.token_var for the enclosed block, so every outgoing call made with
    services.common.channels carries it.
    """

    def __init__(
        self, settings: CommonSettings, clock: Clock, identity: str, *, lifetime: int = DEFAULT_LIFETIME_SECONDS
    ) -> None:
        if not is_known(identity):
            raise ValueError(f"unknown service identity {identity!r}: add it to services/common/grants.py")
        self.identity = identity
        self._key = load_private_key(settings.service_key_file)
        self._clock = clock
        self._lifetime = lifetime
        self._token = ""
        self._issued = 0.0

    def token(self) -> str:
        now = self._clock.now().timestamp()
        age = now - self._issued
        if not self._token or age < 0 or age > self._lifetime / 2:
            self._token = mint(self._key, self.identity, now=now, lifetime=self._lifetime)
            self._issued = now
        return self._token

    @contextmanager
    def acting(self) -> Iterator[str]:
        """Outgoing calls in this block carry a fresh token of this identity."""
        reset = ctx.token_var.set(self.token())
        try:
            yield ctx.token_var.get()
        finally:
            ctx.token_var.reset(reset)


# --------------------------------------------------------------------------- verification


def _number(claims: Mapping[str, Any], name: str) -> float:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refuse("INVALID_TOKEN_CLAIMS")
    return float(value)


class ServiceTokenVerifier:
    """Validates service tokens with the public key(s) of VAXORDERS_SERVICE_PUBLIC_KEY_FILE.

    An empty setting disables service identity: every service token is then
    UNAUTHENTICATED. Unreadable key files stop the process at start-up.
    """

    def __init__(self, settings: CommonSettings, clock: Clock) -> None:
        self._clock = clock
        self._keys = load_public_keys(settings.service_public_key_file) if settings.service_public_key_file else {}

    @property
    def enabled(self) -> bool:
        return bool(self._keys)

    async def authenticate(self, token: str) -> Principal:
        return service_principal(self.verified_identity(token))

    def verified_identity(self, token: str) -> str:
        if not self._keys:
            raise _refuse("SERVICE_IDENTITY_DISABLED", _DISABLED)
        header = checked_header(token, max_bytes=MAX_TOKEN_BYTES, algorithm=ALGORITHM, refuse=_refuse)
        kid = header.get("kid")
        key = self._keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise _refuse("UNKNOWN_KID")
        claims = verified_payload(token, key, algorithm=ALGORITHM, refuse=_refuse, not_an_object="INVALID_TOKEN_CLAIMS")
        return self._check_claims(claims)

    def _check_claims(self, claims: Mapping[str, Any]) -> str:
        if claims.get("iss") != ISSUER:
            raise _refuse("WRONG_ISSUER")
        aud = claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
        if AUDIENCE not in audiences:
            raise _refuse("WRONG_AUDIENCE")
        iat, exp = _number(claims, "iat"), _number(claims, "exp")
        if not 0 < exp - iat <= MAX_LIFETIME_SECONDS:
            raise _refuse("LIFETIME_TOO_LONG")
        now = self._clock.now().timestamp()
        if now > exp + LEEWAY_SECONDS:
            raise _refuse("TOKEN_EXPIRED", _EXPIRED)
        if "nbf" in claims and now < _number(claims, "nbf") - LEEWAY_SECONDS:
            raise _refuse("TOKEN_NOT_YET_VALID")
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise _refuse("MISSING_JTI")
        identity = claims.get("sub")
        if not isinstance(identity, str) or not is_known(identity):
            raise _refuse("UNKNOWN_SERVICE_IDENTITY", _UNKNOWN)
        return identity


# --------------------------------------------------------------------------- key generation


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.common.service_identity")
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate-keys", help="write service-identity.key (0600) and service-identity.pub")
    generate.add_argument("folder", type=Path)
    generate.add_argument("--overwrite", action="store_true", help="replace an existing pair")
    args = parser.parse_args(argv)
    private_path, public_path = generate_key_pair(args.folder, overwrite=args.overwrite)
    sys.stdout.write(f"private key: {private_path}\npublic key:  {public_path}\n")


if __name__ == "__main__":
    main()
