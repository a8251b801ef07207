"""services/common/psc_tokens.py: the parts the auth tests reach only through a running service."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.common.clock import ManualClock
from services.common.context import Principal
from services.common.errors import Unauthenticated
from services.common.psc_tokens import TokenCache, ValidatedToken, acr_satisfies, merged_userinfo, token_digest
from tests.support.psc import Psc

NOW = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)
CLAIRE = "899700000013"


def validated(national_id: str) -> ValidatedToken:
    return ValidatedToken(Principal(national_id=national_id), {"sub": national_id}, NOW)


def test_a_token_digest_is_stable_and_never_contains_the_token() -> None:
    token = "eyJhbGciOiJSUzI1NiJ9.payload.signature"
    assert token_digest(token) == token_digest(token)
    assert token_digest(token) != token_digest(token + "x")
    assert "payload" not in token_digest(token)


@pytest.mark.parametrize(
    ("acr", "minimum", "satisfied"),
    [
        ("eidas1", "eidas1", True),
        ("eidas3", "eidas1", True),
        ("eidas1", "eidas2", False),
        ("eidas0", "eidas1", False),
        (None, "eidas1", False),
        (["eidas1"], "eidas1", False),
    ],
)
def test_acr_is_satisfied_by_the_level_asked_or_a_stronger_one(acr: object, minimum: str, satisfied: bool) -> None:
    assert acr_satisfies(acr, minimum) is satisfied


def test_a_cached_token_is_served_until_it_expires_then_dropped() -> None:
    cache = TokenCache(size=10)
    cache.put("a", validated("1"), expires_at=100.0)
    assert cache.get("a", 100.0) == validated("1")
    assert cache.get("a", 100.5) is None
    assert cache.get("a", 50.0) is None  # dropped, not only hidden


def test_the_cache_is_bounded_and_drops_the_least_recently_used_first() -> None:
    cache = TokenCache(size=2)
    cache.put("a", validated("1"), expires_at=100.0)
    cache.put("b", validated("2"), expires_at=100.0)
    assert cache.get("a", 0.0) is not None  # "a" used: "b" is now the oldest
    cache.put("c", validated("3"), expires_at=100.0)
    assert cache.get("b", 0.0) is None
    assert cache.get("a", 0.0) is not None
    assert cache.get("c", 0.0) is not None


async def test_an_id_token_with_another_nonce_is_refused(psc: Psc) -> None:
    authenticator = psc.authenticator(ManualClock(NOW))
    token = psc.sign(psc.claims_for(CLAIRE, now=NOW.timestamp(), nonce="the-login-nonce"))
    claims = await authenticator.verified_claims(token, nonce="the-login-nonce")
    assert claims["nonce"] == "the-login-nonce"
    with pytest.raises(Unauthenticated) as refused:
        await authenticator.verified_claims(token, nonce="another-nonce")
    assert refused.value.reason == "NONCE_MISMATCH"


async def test_a_token_for_another_audience_is_refused(psc: Psc) -> None:
    authenticator = psc.authenticator(ManualClock(NOW))
    token = psc.token_for(CLAIRE, now=NOW.timestamp())
    with pytest.raises(Unauthenticated) as refused:
        await authenticator.verified_claims(token, audience="another-client")
    assert refused.value.reason == "WRONG_AUDIENCE"


@pytest.mark.parametrize("sub", [Psc.REMOVE, "", "   ", 42, None])
async def test_a_signed_token_without_a_subject_is_refused(psc: Psc, sub: object) -> None:
    authenticator = psc.authenticator(ManualClock(NOW))
    token = psc.token_for(CLAIRE, now=NOW.timestamp(), sub=sub)
    with pytest.raises(Unauthenticated) as refused:
        await authenticator.validate(token)
    assert refused.value.reason == "MISSING_SUBJECT"
    with pytest.raises(Unauthenticated):
        await authenticator.verified_claims(token)  # ID tokens too


@pytest.mark.parametrize("subject_name_id", [Psc.REMOVE, "", "  ", 8997])
async def test_a_signed_token_without_a_subject_name_id_is_refused(psc: Psc, subject_name_id: object) -> None:
    authenticator = psc.authenticator(ManualClock(NOW))
    token = psc.token_for(CLAIRE, now=NOW.timestamp(), SubjectNameID=subject_name_id)
    with pytest.raises(Unauthenticated) as refused:
        await authenticator.validate(token)
    assert refused.value.reason == "MISSING_SUBJECT_NAME_ID"


async def test_the_same_token_with_its_identity_is_accepted(psc: Psc) -> None:
    validated = await psc.authenticator(ManualClock(NOW)).validate(psc.token_for(CLAIRE, now=NOW.timestamp()))
    assert validated.principal.national_id == CLAIRE


@pytest.mark.parametrize(
    ("token_claims", "info"),
    [
        ({"sub": "a"}, {"sub": "b"}),
        ({"sub": "a"}, {}),  # userinfo without sub: never skipped
        ({"sub": "a"}, {"sub": ""}),
        ({}, {"sub": "a"}),  # token without sub
        ({"sub": ""}, {"sub": ""}),
        ({"sub": "a"}, ["not", "an", "object"]),
    ],
)
def test_userinfo_is_merged_only_when_both_sides_name_the_same_subject(token_claims: dict, info: object) -> None:
    with pytest.raises(Unauthenticated) as refused:
        merged_userinfo(token_claims, info)
    assert refused.value.reason == "USERINFO_MISMATCH"


def test_userinfo_about_the_same_subject_completes_but_never_overrides_signed_claims() -> None:
    merged = merged_userinfo({"sub": "a", "iss": "psc"}, {"sub": "a", "iss": "evil", "SubjectNameID": "899"})
    assert merged == {"sub": "a", "iss": "psc", "SubjectNameID": "899"}
