"""ProSantéConnect (PSC) access tokens: validation, then the principal they carry.

Every service validates the caller's bearer token locally: the signature by
`kid` against the issuer's JWKS (fetched once, cached, refetched at most once
per `refetch_interval` when an unknown kid shows up), then iss, aud/azp, exp,
nbf, iat and acr. The claims are checked here rather than by python-jose's
jwt.decode because jose reads the wall clock and services run on an
injectable clock (demo dates, tests); jose still checks the signature, with
the algorithm pinned to RS256 whatever the token header says.

The access tokens of the local issuer carry the PSC userinfo claims, so the
Principal is derived with no call (services/common/psc_claims.py). The keys
come from services/common/jwks.py. A real PSC access token may lack
SubjectRefPro: the userinfo endpoint is then asked once per token (cached with
the token), see services/auth/README.md.

An expired token is still accepted while PSC cannot be reached to renew it,
for a bounded time and with what services.common.psc_outage allows (GRACE,
then READ_ONLY): the principal says which. Its signature, issuer, audience and
acr are checked as always; only the expiry is weighed against PSC's outage.

Nothing here logs a token or a claim value: only reasons.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog

from services.common.clock import Clock
from services.common.context import Principal
from services.common.errors import Unauthenticated
from services.common.jwks import ALGORITHM, PSC_UNAVAILABLE, JwksCache
from services.common.psc_claims import exercices_of, principal_from_claims
from services.common.psc_outage import OutagePolicy, PscMode
from services.common.psc_reachability import PscReachability, discovery_url
from services.common.settings import CommonSettings
from services.common.signed_tokens import checked_header, verified_payload

log = structlog.get_logger("psc")

MAX_TOKEN_BYTES = 16 * 1024
LEEWAY_SECONDS = 60
# An expired token re-asks PSC when its last "it answers" is older than this (at most once a
# second per process, whatever the number of expired tokens sent).
_CONFIRM_SECONDS = 1.0
# eIDAS levels PSC reports in `acr`, weakest first; eidas1 is what PSC gives a CPS card or e-CPS login.
ACR_LEVELS = ("eidas1", "eidas2", "eidas3")
MIN_ACR = "eidas1"

_INVALID = "Votre session Pro Santé Connect n'est pas valide : reconnectez-vous."
_EXPIRED = "Votre session Pro Santé Connect a expiré : reconnectez-vous."
_OUTAGE_TOO_LONG = (
    "Pro Santé Connect ne répond pas depuis trop longtemps pour que votre session reste ouverte : "
    "reconnectez-vous dès son retour."
)
_LEVEL = "Ce service exige une authentification Pro Santé Connect par carte CPS ou e-CPS."


@dataclass(frozen=True)
class ValidatedToken:
    principal: Principal
    claims: Mapping[str, Any]
    expire_time: datetime


def token_digest(token: str) -> str:
    """Cache key and log-safe handle of a token (never the token itself)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def acr_satisfies(acr: Any, minimum: str = MIN_ACR) -> bool:
    return isinstance(acr, str) and acr in ACR_LEVELS and ACR_LEVELS.index(acr) >= ACR_LEVELS.index(minimum)


def _refuse(reason: str, message: str = _INVALID) -> Unauthenticated:
    log.info("psc.token_refused", reason=reason)
    return Unauthenticated(message, reason=reason)


def _number(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refuse("INVALID_TOKEN_CLAIMS")
    return float(value)


class TokenCache:
    """Validated tokens by digest, until they expire; bounded, oldest dropped first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[str, tuple[ValidatedToken, float]] = OrderedDict()

    def get(self, digest: str, now: float) -> ValidatedToken | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        validated, expires_at = entry
        if now > expires_at:
            del self._entries[digest]
            return None
        self._entries.move_to_end(digest)
        return validated

    def put(self, digest: str, validated: ValidatedToken, expires_at: float) -> None:
        self._entries[digest] = (validated, expires_at)
        self._entries.move_to_end(digest)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)


class PscAuthenticator:
    """The Authenticator of every service (services.common.authn)."""

    def __init__(
        self,
        settings: CommonSettings,
        clock: Clock,
        *,
        refetch_interval: float = 30.0,
        cache_size: int = 10_000,
        userinfo_url: str | None = None,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._operators = frozenset(settings.operators)
        self._support_agents = frozenset(settings.support_agents)
        self.jwks = JwksCache(settings.jwks_url, clock, refetch_interval=refetch_interval)
        self._cache = TokenCache(cache_size)
        self._userinfo_url = userinfo_url or f"{settings.psc_issuer}/protocol/openid-connect/userinfo"
        self.policy = OutagePolicy.from_settings(settings)
        self.reachability = PscReachability(
            discovery_url(settings.psc_issuer), clock, interval=settings.psc_probe_interval_seconds
        )

    async def authenticate(self, token: str) -> Principal:
        return (await self.validate(token)).principal

    async def validate(self, token: str) -> ValidatedToken:
        if not isinstance(token, str) or not token:
            raise _refuse("MISSING_TOKEN")
        if len(token.encode("utf-8", "surrogatepass")) > MAX_TOKEN_BYTES:
            raise _refuse("TOKEN_TOO_LARGE")
        digest = token_digest(token)
        now = self._clock.now().timestamp()
        cached = self._cache.get(digest, now)
        if cached is not None:
            return await self._admitted(cached, now)
        claims = await self.verified_claims(token, allow_expired=True)
        exp = float(claims["exp"])
        if now > exp + LEEWAY_SECONDS:
            await self._outage_mode(exp, now)  # refuses unless PSC is unreachable and within bounds
        if not exercices_of(claims):
            claims = await self._with_userinfo(token, claims)
        if not _subject_name_id(claims):
            raise _refuse("MISSING_SUBJECT_NAME_ID")
        principal = principal_from_claims(claims, self._operators, self._support_agents)
        validated = ValidatedToken(principal, claims, datetime.fromtimestamp(exp, UTC))
        # Kept past its expiry so a PSC outage costs no RSA work either; admission is decided per call.
        self._cache.put(digest, validated, exp + LEEWAY_SECONDS + self.policy.read_only.total_seconds())
        return await self._admitted(validated, now)

    async def _admitted(self, validated: ValidatedToken, now: float) -> ValidatedToken:
        exp = validated.expire_time.timestamp()
        if now <= exp + LEEWAY_SECONDS:
            return validated
        mode = await self._outage_mode(exp, now)
        principal = replace(
            validated.principal, psc_mode=mode.value, psc_grace_until=self.policy.grace_until(validated.expire_time)
        )
        return replace(validated, principal=principal)

    async def _outage_mode(self, exp: float, now: float) -> PscMode:
        """An expired token: only while PSC is unreachable, within the outage policy's bounds."""
        # A "yes" up to a second old: at the start of an outage the gateway may know before this
        # process's next probe, and a user sent to the login then would find it refused.
        if await self.reachability.reachable(max_age=_CONFIRM_SECONDS):
            raise _refuse("TOKEN_EXPIRED", _EXPIRED)
        mode = self.policy.mode(datetime.fromtimestamp(exp, UTC), datetime.fromtimestamp(now, UTC))
        if mode is None:
            raise _refuse("TOKEN_EXPIRED_DURING_PSC_OUTAGE", _OUTAGE_TOO_LONG)
        return mode

    async def verified_claims(
        self, token: str, *, audience: str | None = None, nonce: str | None = None, allow_expired: bool = False
    ) -> dict[str, Any]:
        """Signature and claims of any PSC token (access or ID token); its claims."""
        header = checked_header(token, max_bytes=MAX_TOKEN_BYTES, algorithm=ALGORITHM, refuse=_refuse)
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise _refuse("MISSING_KID")
        key = await self.jwks.key_for(kid)
        if key is None:
            raise _refuse("UNKNOWN_KID")
        claims = verified_payload(token, key, algorithm=ALGORITHM, refuse=_refuse, not_an_object="MALFORMED_TOKEN")
        self._check_claims(claims, audience or self._settings.psc_client_id, allow_expired=allow_expired)
        if nonce is not None and claims.get("nonce") != nonce:
            raise _refuse("NONCE_MISMATCH")
        return claims

    def _check_claims(self, claims: Mapping[str, Any], audience: str, *, allow_expired: bool = False) -> None:
        now = self._clock.now().timestamp()
        if claims.get("iss") != self._settings.psc_issuer:
            raise _refuse("WRONG_ISSUER")
        aud = claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else list(aud) if isinstance(aud, list) else []
        if audience not in audiences and claims.get("azp") != audience:
            raise _refuse("WRONG_AUDIENCE")
        if _subject(claims) is None:
            raise _refuse("MISSING_SUBJECT")
        exp = _number(claims, "exp")
        if exp is None:
            raise _refuse("MISSING_EXPIRY")
        if now > exp + LEEWAY_SECONDS and not allow_expired:
            raise _refuse("TOKEN_EXPIRED", _EXPIRED)
        nbf = _number(claims, "nbf")
        if nbf is not None and now < nbf - LEEWAY_SECONDS:
            raise _refuse("TOKEN_NOT_YET_VALID")
        # iat: a number, as python-jose checks it; not compared with our clock, which may be
        # set to a demo date before the token was really issued.
        _number(claims, "iat")
        if not acr_satisfies(claims.get("acr")):
            raise _refuse("INSUFFICIENT_ACR", _LEVEL)

    async def _with_userinfo(self, token: str, claims: dict[str, Any]) -> dict[str, Any]:
        """Real PSC access tokens may not carry SubjectRefPro: ask userinfo once per token."""
        try:
            async with httpx.AsyncClient(timeout=5.0) as client:
                response = await client.get(self._userinfo_url, headers={"authorization": f"Bearer {token}"})
            if response.status_code in (401, 403):
                raise _refuse("USERINFO_REFUSED")
            response.raise_for_status()
            info = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("psc.userinfo_unavailable", error=type(exc).__name__)
            raise Unauthenticated(PSC_UNAVAILABLE, reason="USERINFO_UNAVAILABLE") from None
        return merged_userinfo(claims, info)


def _subject(claims: Mapping[str, Any]) -> str | None:
    """The token's `sub`: a non-blank string, else None (a token without identity)."""
    sub = claims.get("sub")
    return sub if isinstance(sub, str) and sub.strip() else None


def _subject_name_id(claims: Mapping[str, Any]) -> str:
    value = claims.get("SubjectNameID")
    return value.strip() if isinstance(value, str) else ""


def merged_userinfo(claims: Mapping[str, Any], info: Any) -> dict[str, Any]:
    """The token's claims completed by the userinfo answer, which must be about the same `sub`.

    Always checked: a userinfo answer without `sub`, or a token without one, is a mismatch.
    """
    token_sub = _subject(claims)
    if not isinstance(info, dict) or token_sub is None or _subject(info) != token_sub:
        raise _refuse("USERINFO_MISMATCH")
    return {**claims, **{k: v for k, v in info.items() if k not in _PROTECTED_CLAIMS}}


# Claims userinfo may never override: they are what the signature vouched for.
_PROTECTED_CLAIMS = frozenset({"iss", "aud", "azp", "exp", "nbf", "iat", "acr", "sub", "jti"})
