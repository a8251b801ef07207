"""services/common/jwks.py: the issuer's signing keys, fetched sparingly and kept while PSC is down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.auth.dev_issuer.keys import SigningKey, generate_key
from services.common.clock import ManualClock
from services.common.errors import Unauthenticated
from services.common.jwks import JwksCache

NOW = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)
URL = "https://psc.test/protocol/openid-connect/certs"


@pytest.fixture(scope="module")
def keys() -> list[SigningKey]:
    return [generate_key(), generate_key()]


class Issuer:
    """An in-memory JWKS endpoint: what it publishes, whether it answers, how often it was asked."""

    def __init__(self, published: list[dict[str, Any]]) -> None:
        self.published = published
        self.up = True
        self.requests = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if not self.up:
            return httpx.Response(503)
        return httpx.Response(200, json={"keys": self.published})

    def cache(self, clock: ManualClock, **kwargs: Any) -> JwksCache:
        return JwksCache(URL, clock, transport=httpx.MockTransport(self.handle), **kwargs)


async def test_a_known_kid_is_served_from_one_fetch(keys: list[SigningKey]) -> None:
    issuer = Issuer([keys[0].public_jwk])
    cache = issuer.cache(ManualClock(NOW))
    for _ in range(3):
        assert await cache.key_for(keys[0].kid) is not None
    assert (cache.fetches, issuer.requests) == (1, 1)


async def test_an_unknown_kid_refetches_at_most_once_per_interval(keys: list[SigningKey]) -> None:
    clock = ManualClock(NOW)
    issuer = Issuer([keys[0].public_jwk])
    cache = issuer.cache(clock, refetch_interval=30)
    await cache.key_for(keys[0].kid)
    for _ in range(5):
        assert await cache.key_for("forged") is None
    assert issuer.requests == 1
    issuer.published = [keys[0].public_jwk, keys[1].public_jwk]  # the issuer rotated
    clock.advance(timedelta(seconds=31))
    assert await cache.key_for(keys[1].kid) is not None
    assert issuer.requests == 2


async def test_keys_are_refreshed_after_max_age_so_a_withdrawn_key_stops_being_trusted(
    keys: list[SigningKey],
) -> None:
    clock = ManualClock(NOW)
    issuer = Issuer([keys[0].public_jwk])
    cache = issuer.cache(clock, max_age=3600)
    assert await cache.key_for(keys[0].kid) is not None
    issuer.published = [keys[1].public_jwk]
    clock.advance(timedelta(seconds=3600))
    assert await cache.key_for(keys[0].kid) is None


async def test_only_rsa_signing_keys_for_rs256_are_kept(keys: list[SigningKey]) -> None:
    good = keys[0].public_jwk
    issuer = Issuer(
        [
            {**keys[1].public_jwk, "kid": "encryption", "use": "enc"},
            {**keys[1].public_jwk, "kid": "other-alg", "alg": "RS512"},
            {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
            {**keys[1].public_jwk, "kid": ""},
            good,
        ]
    )
    cache = issuer.cache(ManualClock(NOW))
    assert await cache.key_for(good["kid"]) is not None
    for kid in ("encryption", "other-alg", "ec"):
        assert await cache.key_for(kid) is None


async def test_an_issuer_down_at_the_first_fetch_is_unauthenticated_not_an_internal_error() -> None:
    issuer = Issuer([])
    issuer.up = False
    with pytest.raises(Unauthenticated) as refused:
        await issuer.cache(ManualClock(NOW)).key_for("any")
    assert refused.value.reason == "JWKS_UNAVAILABLE"


async def test_keys_already_fetched_are_kept_while_the_issuer_is_down(keys: list[SigningKey]) -> None:
    clock = ManualClock(NOW)
    issuer = Issuer([keys[0].public_jwk])
    cache = issuer.cache(clock, max_age=3600)
    await cache.key_for(keys[0].kid)
    issuer.up = False
    clock.advance(timedelta(seconds=3600))
    assert await cache.key_for(keys[0].kid) is not None
    assert issuer.requests == 2
