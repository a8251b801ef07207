"""ProSantéConnect (PSC) access tokens: validation and "who acts for what".

Every service validates the caller's bearer token locally: the signature by
`kid` against the issuer's JWKS (fetched once, cached, refetched at most once
per `refetch_interval` when an unknown kid shows up), then iss, aud/azp, exp,
nbf, iat and acr. The claims are checked here rather than by python-jose's
jwt.decode because jose reads the wall clock and services run on an
injectable clock (demo dates, tests); jose still checks the signature, with
the algorithm pinned to RS256 whatever the token header says.

The access tokens of the local issuer carry the PSC userinfo claims, so the
Principal is derived with no call. A real PSC access token may lack
SubjectRefPro: the userinfo endpoint is then asked once per token (cached with
the token), see services/auth/README.md.

Nothing here logs a token or a claim value: only reasons.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import OrderedDict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog
from jose import jwk, jws
from jose.exceptions import JOSEError

from services.common.clock import Clock
from services.common.context import Principal
from services.common.errors import Unauthenticated
from services.common.settings import CommonSettings

log = structlog.get_logger("psc")

ALGORITHM = "RS256"
MAX_TOKEN_BYTES = 16 * 1024
LEEWAY_SECONDS = 60
# eIDAS levels PSC reports in `acr`, weakest first; eidas1 is what PSC gives a CPS card or e-CPS login.
ACR_LEVELS = ("eidas1", "eidas2", "eidas3")
MIN_ACR = "eidas1"

ROLE_OFFICINE = "OFFICINE"
ROLE_EFFECTEUR = "EFFECTEUR"
ROLE_OPERATOR = "OPERATOR"

PHARMACIEN = "21"
# Sections of the Ordre des pharmaciens that work in an officine: A titulaires, D adjoints and others.
SECTION_TITULAIRE = "A"
SECTION_ADJOINT = "D"
# TRE_R02 sector "Pharmacie d'officine": such a site is never an effecteur establishment.
SECTEUR_OFFICINE = "SA33"

_INVALID = "Votre session Pro Santé Connect n'est pas valide : reconnectez-vous."
_EXPIRED = "Votre session Pro Santé Connect a expiré : reconnectez-vous."
_LEVEL = "Ce service exige une authentification Pro Santé Connect par carte CPS ou e-CPS."
_UNAVAILABLE = "Pro Santé Connect ne répond pas : réessayez dans quelques instants."


# --------------------------------------------------------------------------- who acts for what


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def exercices_of(claims: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    ref = claims.get("SubjectRefPro")
    if not isinstance(ref, Mapping):
        return []
    return [e for e in ref.get("exercices") or () if isinstance(e, Mapping)]


def _activities(exercice: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [a for a in exercice.get("activities") or () if isinstance(a, Mapping)]


def own_record(national_id: str) -> str | None:
    """The effecteur record of a professional: SubjectNameID is "8"+RPPS or "0"+ADELI."""
    if national_id.startswith("8") and len(national_id) > 1:
        return f"effecteurs/rpps:{national_id[1:]}"
    if national_id.startswith("0") and len(national_id) > 1:
        return f"effecteurs/adeli:{national_id[1:]}"
    return None


def principal_from_claims(claims: Mapping[str, Any], operators: Collection[str]) -> Principal:
    """Map PSC claims (access token or userinfo) to what the user may act for.

    - pharmacien with a section A activity at an officine FINESS: OFFICINE for it;
    - pharmacien whose officine activities are all section D (adjoint): nothing, with
      the French reason (only titulaires order for the officine, as in the real service);
    - any other professional: EFFECTEUR for their own record, plus each establishment
      (FINESS site, else SIRET site) they have an activity at;
    - SubjectNameID on the operators allow-list: OPERATOR as well.
    """
    national_id = _text(claims.get("SubjectNameID"))
    exercices = exercices_of(claims)
    profession = _text(exercices[0].get("codeProfession")) if exercices else ""
    roles: set[str] = set()
    acts_for: list[str] = []
    explanation = ""

    def add(resource: str) -> None:
        if resource not in acts_for:
            acts_for.append(resource)

    officine_sites: list[str] = []
    adjoint_sites: list[Mapping[str, Any]] = []
    establishments: list[str] = []
    for exercice in exercices:
        pharmacien = _text(exercice.get("codeProfession")) == PHARMACIEN
        for activity in _activities(exercice):
            section = _text(activity.get("codeSectionPharmacien")).upper()
            finess = _text(activity.get("numeroFinessSite"))
            siret = _text(activity.get("numeroSiretSite"))
            if pharmacien and section == SECTION_TITULAIRE and finess:
                officine_sites.append(finess)
            elif pharmacien and section == SECTION_ADJOINT:
                adjoint_sites.append(activity)
            elif _text(activity.get("codeSecteurDactivite")) == SECTEUR_OFFICINE or section in (
                SECTION_TITULAIRE,
                SECTION_ADJOINT,
            ):
                continue  # an officine is never an effecteur establishment
            elif finess:
                establishments.append(f"effecteurs/finess:{finess}")
            elif siret:
                establishments.append(f"effecteurs/siret:{siret}")

    if officine_sites:
        roles.add(ROLE_OFFICINE)
        for finess in officine_sites:
            add(f"officines/{finess}")
    elif adjoint_sites:
        site = adjoint_sites[0]
        name = _text(site.get("raisonSocialeSite")) or "l'officine"
        finess = _text(site.get("numeroFinessSite"))
        where = f"{name} (FINESS {finess})" if finess else name
        explanation = (
            "Seuls les pharmaciens titulaires peuvent commander pour l'officine. "
            f"Votre carte CPS vous identifie comme pharmacien adjoint de {where} : "
            "demandez au titulaire de passer les commandes."
        )
    elif exercices:
        record = own_record(national_id)
        if record is not None:
            roles.add(ROLE_EFFECTEUR)
            add(record)
        for resource in establishments:
            roles.add(ROLE_EFFECTEUR)
            add(resource)

    if national_id and national_id in operators:
        roles.add(ROLE_OPERATOR)
    if roles:
        explanation = ""
    elif not explanation:
        explanation = (
            "Votre identité Pro Santé Connect ne correspond à aucune officine ni à aucun "
            "effecteur autorisé à commander des vaccins."
        )
    return Principal(
        national_id=national_id,
        given_name=_text(claims.get("given_name")),
        family_name=_text(claims.get("family_name")),
        profession_code=profession,
        roles=frozenset(roles),
        acts_for=tuple(acts_for),
        explanation=explanation,
    )


# --------------------------------------------------------------------------- token validation


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


class JwksCache:
    """The issuer's signing keys by kid, fetched over HTTP and refetched sparingly.

    A kid we do not know triggers a refetch, but at most once per
    `refetch_interval` seconds, so a flood of forged kids costs the issuer
    one request per interval; keys are also refreshed after `max_age` seconds
    so a withdrawn key does not stay trusted forever.
    """

    def __init__(
        self,
        url: str,
        clock: Clock,
        *,
        refetch_interval: float = 30.0,
        max_age: float = 3600.0,
        timeout: float = 5.0,
    ) -> None:
        self.url = url
        self._clock = clock
        self._refetch_interval = refetch_interval
        self._max_age = max_age
        self._timeout = timeout
        self._keys: dict[str, Any] = {}
        self._fetched_at: datetime | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0

    def _age(self) -> float | None:
        if self._fetched_at is None:
            return None
        return (self._clock.now() - self._fetched_at).total_seconds()

    async def key_for(self, kid: str) -> Any | None:
        age = self._age()
        if kid in self._keys and age is not None and age < self._max_age:
            return self._keys[kid]
        async with self._lock:
            age = self._age()
            stale = age is None or age >= self._max_age or (age < 0)
            may_refetch = age is None or age >= self._refetch_interval or age < 0
            if kid in self._keys and not stale:
                return self._keys[kid]
            if stale or (kid not in self._keys and may_refetch):
                await self._fetch()
            return self._keys.get(kid)

    async def _fetch(self) -> None:
        self.fetches += 1
        # The attempt counts even when it fails: a down issuer is not hammered either.
        self._fetched_at = self._clock.now()
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(self.url, headers={"accept": "application/json"})
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("psc.jwks_unavailable", url=self.url, error=type(exc).__name__)
            if not self._keys:
                raise Unauthenticated(_UNAVAILABLE, reason="JWKS_UNAVAILABLE") from None
            return
        keys: dict[str, Any] = {}
        for entry in document.get("keys") or () if isinstance(document, dict) else ():
            if not isinstance(entry, dict) or entry.get("kty") != "RSA" or not entry.get("kid"):
                continue
            if entry.get("use", "sig") != "sig" or entry.get("alg", ALGORITHM) != ALGORITHM:
                continue
            try:
                keys[entry["kid"]] = jwk.construct(entry, algorithm=ALGORITHM)
            except JOSEError:
                log.warning("psc.jwks_bad_key", kid=entry.get("kid"))
        self._keys = keys
        log.info("psc.jwks_fetched", url=self.url, kids=sorted(keys))


class _TokenCache:
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
        self.jwks = JwksCache(settings.jwks_url, clock, refetch_interval=refetch_interval)
        self._cache = _TokenCache(cache_size)
        self._userinfo_url = userinfo_url or f"{settings.psc_issuer}/protocol/openid-connect/userinfo"

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
            return cached
        claims = await self.verified_claims(token)
        if not exercices_of(claims):
            claims = await self._with_userinfo(token, claims)
        principal = principal_from_claims(claims, self._operators)
        exp = float(claims["exp"])
        validated = ValidatedToken(principal, claims, datetime.fromtimestamp(exp, UTC))
        self._cache.put(digest, validated, exp + LEEWAY_SECONDS)
        return validated

    async def verified_claims(
        self, token: str, *, audience: str | None = None, nonce: str | None = None
    ) -> dict[str, Any]:
        """Signature and claims of any PSC token (access or ID token); its claims."""
        if len(token.encode("utf-8", "surrogatepass")) > MAX_TOKEN_BYTES:
            raise _refuse("TOKEN_TOO_LARGE")
        try:
            header = jws.get_unverified_header(token)
        except (JOSEError, ValueError, TypeError, UnicodeError):
            raise _refuse("MALFORMED_TOKEN") from None
        if not isinstance(header, dict) or header.get("alg") != ALGORITHM:
            raise _refuse("UNSUPPORTED_ALGORITHM")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise _refuse("MISSING_KID")
        key = await self.jwks.key_for(kid)
        if key is None:
            raise _refuse("UNKNOWN_KID")
        try:
            payload = jws.verify(token, key, algorithms=[ALGORITHM])
            claims = json.loads(payload)
        except (JOSEError, ValueError, TypeError, UnicodeError):
            raise _refuse("BAD_SIGNATURE") from None
        if not isinstance(claims, dict):
            raise _refuse("MALFORMED_TOKEN")
        self._check_claims(claims, audience or self._settings.psc_client_id)
        if nonce is not None and claims.get("nonce") != nonce:
            raise _refuse("NONCE_MISMATCH")
        return claims

    def _check_claims(self, claims: Mapping[str, Any], audience: str) -> None:
        now = self._clock.now().timestamp()
        if claims.get("iss") != self._settings.psc_issuer:
            raise _refuse("WRONG_ISSUER")
        aud = claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else list(aud) if isinstance(aud, list) else []
        if audience not in audiences and claims.get("azp") != audience:
            raise _refuse("WRONG_AUDIENCE")
        exp = _number(claims, "exp")
        if exp is None:
            raise _refuse("MISSING_EXPIRY")
        if now > exp + LEEWAY_SECONDS:
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
            raise Unauthenticated(_UNAVAILABLE, reason="USERINFO_UNAVAILABLE") from None
        if not isinstance(info, dict) or (info.get("sub") and claims.get("sub") and info["sub"] != claims["sub"]):
            raise _refuse("USERINFO_MISMATCH")
        return {**claims, **{k: v for k, v in info.items() if k not in _PROTECTED_CLAIMS}}


# Claims userinfo may never override: they are what the signature vouched for.
_PROTECTED_CLAIMS = frozenset({"iss", "aud", "azp", "exp", "nbf", "iat", "acr", "sub", "jti"})

