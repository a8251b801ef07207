"""PscAuthenticator against the real local issuer: caching, leeway, kid refetch rate limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.common.clock import ManualClock
from services.common.errors import Unauthenticated
from services.common.psc_tokens import LEEWAY_SECONDS, MAX_TOKEN_BYTES, PscAuthenticator
from services.common.settings import CommonSettings

CLAIRE = "899700000013"
NOW = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)


async def test_valid_token_gives_the_principal_and_its_expiry(psc) -> None:
    clock = ManualClock(NOW)
    token = psc.token_for(CLAIRE, now=NOW.timestamp(), lifetime=120)
    validated = await psc.authenticator(clock).validate(token)
    assert validated.principal.acts_for == ("officines/759900111",)
    assert validated.expire_time == NOW + timedelta(seconds=120)


async def test_many_calls_fetch_the_jwks_once(psc) -> None:
    authenticator = psc.authenticator(ManualClock(NOW))
    for national_id in psc.identities:
        for _ in range(3):
            await authenticator.authenticate(psc.token_for(national_id))
    assert authenticator.jwks.fetches == 1


async def test_expiry_is_read_on_the_injected_clock_with_60_seconds_leeway(psc) -> None:
    clock = ManualClock(NOW)
    authenticator = psc.authenticator(clock)
    token = psc.token_for(CLAIRE, now=NOW.timestamp(), lifetime=120)
    await authenticator.authenticate(token)
    clock.advance(timedelta(seconds=120 + LEEWAY_SECONDS))
    await authenticator.authenticate(token)  # still inside the leeway, served from the cache
    clock.advance(timedelta(seconds=1))
    with pytest.raises(Unauthenticated) as refused:
        await authenticator.authenticate(token)
    assert refused.value.reason == "TOKEN_EXPIRED"
    assert "expiré" in refused.value.message


async def test_unknown_kids_refetch_the_jwks_at_most_once_per_interval(psc) -> None:
    clock = ManualClock(NOW)
    authenticator = psc.authenticator(clock, refetch_interval=30)
    await authenticator.authenticate(psc.token_for(CLAIRE))
    forged = [psc.token_for(CLAIRE, key=psc.foreign_key()) for _ in range(5)]
    for token in forged:
        with pytest.raises(Unauthenticated) as refused:
            await authenticator.authenticate(token)
        assert refused.value.reason == "UNKNOWN_KID"
    assert authenticator.jwks.fetches == 1
    clock.advance(timedelta(seconds=31))
    with pytest.raises(Unauthenticated):
        await authenticator.authenticate(forged[0])
    assert authenticator.jwks.fetches == 2


async def test_oversized_token_is_refused_before_any_fetch(psc) -> None:
    authenticator = psc.authenticator(ManualClock(NOW))
    with pytest.raises(Unauthenticated) as refused:
        await authenticator.authenticate("a" * (MAX_TOKEN_BYTES + 1))
    assert refused.value.reason == "TOKEN_TOO_LARGE"
    assert authenticator.jwks.fetches == 0


async def test_access_token_without_professional_claims_is_completed_from_userinfo(psc) -> None:
    # What a real PSC access token may look like: identity claims only in userinfo.
    token = psc.token_for("899700000161", SubjectRefPro=psc.REMOVE)
    principal = await psc.authenticator(ManualClock(NOW)).authenticate(token)
    assert principal.acts_for == ("effecteurs/rpps:99700000161", "effecteurs/finess:759901010")


async def test_unreachable_issuer_is_unauthenticated_not_an_internal_error(psc) -> None:
    settings = CommonSettings(psc_issuer=psc.issuer, psc_jwks_url="http://127.0.0.1:9/certs")
    authenticator = PscAuthenticator(settings, ManualClock(NOW))
    with pytest.raises(Unauthenticated) as refused:
        await authenticator.authenticate(psc.token_for(CLAIRE))
    assert refused.value.reason == "JWKS_UNAVAILABLE"
