"""The signing keys of the PSC issuer (JWKS), by kid, fetched and cached.

Only RS256 signing keys are kept. Nothing here logs a token: only kids and reasons.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import httpx
import structlog
from jose import jwk
from jose.exceptions import JOSEError

from services.common.clock import Clock
from services.common.errors import Unauthenticated

log = structlog.get_logger("psc")

ALGORITHM = "RS256"
PSC_UNAVAILABLE = "Pro Santé Connect ne répond pas : réessayez dans quelques instants."


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
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self._transport = transport  # None: the network (tests pass an in-memory one)
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
            async with httpx.AsyncClient(timeout=self._timeout, transport=self._transport) as client:
                response = await client.get(self.url, headers={"accept": "application/json"})
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("psc.jwks_unavailable", url=self.url, error=type(exc).__name__)
            if not self._keys:
                raise Unauthenticated(PSC_UNAVAILABLE, reason="JWKS_UNAVAILABLE") from None
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
