"""Page sizes and opaque page tokens (services/common/pagination.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from services.common.errors import InvalidArgument
from services.common.pagination import (
    SECRET_ENV,
    _key,
    clamp_page_size,
    decode_time_position,
    decode_token,
    encode_time_position,
    encode_token,
)
from services.common.settings import ServiceSettings

FILTERS = {"list": "lines", "parent": "sessions/2022-03-07/officines/759900111"}


def test_an_unset_page_size_gets_the_default() -> None:
    assert clamp_page_size(0, 100, 1000) == 100


def test_a_page_size_above_the_maximum_is_cut_to_the_maximum_not_refused() -> None:
    assert clamp_page_size(5000, 100, 1000) == 1000
    assert clamp_page_size(1000, 100, 1000) == 1000
    assert clamp_page_size(7, 100, 1000) == 7


def test_a_negative_page_size_is_a_field_violation() -> None:
    with pytest.raises(InvalidArgument) as refused:
        clamp_page_size(-1, 100, 1000)
    assert [v.field for v in refused.value.violations] == ["page_size"]


def test_an_empty_token_means_the_first_page() -> None:
    assert decode_token("", FILTERS) is None


def test_a_token_gives_back_the_position_it_was_made_from() -> None:
    position = ["2022-03-07T07:00:00+00:00", "a1b2"]
    token = encode_token(position, FILTERS)
    assert decode_token(token, FILTERS) == position
    assert decode_token(encode_token(42, FILTERS), FILTERS) == 42


def test_a_token_is_url_safe_and_unpadded() -> None:
    token = encode_token(["é/+?", 1], FILTERS)
    assert "=" not in token and "/" not in token and "+" not in token


def test_filters_in_another_order_are_the_same_query() -> None:
    token = encode_token(7, {"a": 1, "b": 2})
    assert decode_token(token, {"b": 2, "a": 1}) == 7


def test_a_token_reused_with_other_filters_is_refused() -> None:
    token = encode_token(7, FILTERS)
    with pytest.raises(InvalidArgument) as refused:
        decode_token(token, {**FILTERS, "parent": "sessions/2022-03-07/officines/699900122"})
    assert [v.field for v in refused.value.violations] == ["page_token"]
    assert "recommencez la liste" in refused.value.message


@pytest.mark.parametrize("token", ["not-a-token", "e30", "%%%", encode_token(1, FILTERS)[:-3]])
def test_a_malformed_token_is_a_field_violation_in_french(token: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        decode_token(token, FILTERS)
    assert [v.field for v in refused.value.violations] == ["page_token"]
    assert refused.value.message == "Jeton de page invalide : recommencez la liste depuis le début."


def test_a_time_position_comes_back_as_the_instant_and_the_id() -> None:
    at = datetime(2022, 3, 11, 9, 30, tzinfo=UTC)
    assert decode_time_position("", FILTERS) is None
    assert decode_time_position(encode_time_position(at, "run-1", FILTERS), FILTERS) == (at, "run-1")


@pytest.mark.parametrize("after", [["not a date", "x"], ["2022-03-11T09:30:00+00:00"], 7])
def test_a_token_that_is_not_a_time_position_is_a_field_violation(after: object) -> None:
    with pytest.raises(InvalidArgument) as raised:
        decode_time_position(encode_token(after, FILTERS), FILTERS)
    assert "Jeton de page invalide" in str(raised.value)


def _unsigned(data: object) -> str:
    """A token as they were before signing: base64url JSON anyone can write."""
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _forged(data: object) -> str:
    """Crafted JSON with a signature made with another key."""
    payload = json.dumps(data).encode()
    mac = hmac.new(b"not our key", payload, hashlib.sha256).digest()[:16]
    return f"{_unsigned(data)}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


CRAFTED = [
    _unsigned({"a": 7, "f": "0"}),
    _unsigned({"a": {"x": 1}, "f": "0"}),
    _forged({"a": {"x": 1}, "f": "0"}),
    base64.urlsafe_b64encode(_deep(100_000).encode()).decode()[:900] + ".AAAA",
    "x" * 5000,
    "é.é",
    ".",
    "a.b.c",
    encode_token(7, FILTERS).replace(".", ".A"),
]


@pytest.mark.parametrize("token", CRAFTED)
def test_a_crafted_or_unsigned_token_is_refused_as_an_invalid_page_token(token: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        decode_token(token, FILTERS)
    assert [v.field for v in refused.value.violations] == ["page_token"]


@pytest.mark.parametrize("after", [{"x": 1}, [[1]], [{"x": 1}], [], 1.5, True, None, list(range(9))])
def test_a_correctly_signed_token_holding_another_shape_than_a_position_is_refused(after: object) -> None:
    with pytest.raises(InvalidArgument) as refused:
        decode_token(encode_token(after, FILTERS), FILTERS)
    assert [v.field for v in refused.value.violations] == ["page_token"]


def test_a_token_survives_a_restart_because_its_key_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    token = encode_token(7, FILTERS)
    _key.cache_clear()  # a new process with the same (unset) secret
    assert decode_token(token, FILTERS) == 7
    monkeypatch.setenv(SECRET_ENV, "another deployment's secret")
    _key.cache_clear()
    try:
        with pytest.raises(InvalidArgument):
            decode_token(token, FILTERS)
    finally:
        monkeypatch.delenv(SECRET_ENV)
        _key.cache_clear()


@pytest.mark.parametrize("secret", [None, "", "too-short"])
def test_a_service_refuses_to_start_in_production_without_its_own_page_token_key(secret) -> None:
    # The development key is in the source: production tokens signed with it could be forged.
    overrides = {} if secret is None else {"page_token_secret": secret}
    with pytest.raises(ValidationError, match="VAXORDERS_PAGE_TOKEN_SECRET"):
        ServiceSettings(service="orders", environment="production", **overrides)


def test_production_settings_accept_a_real_page_token_key() -> None:
    settings = ServiceSettings(service="orders", environment="production", page_token_secret="x" * 32)
    assert settings.page_token_secret.get_secret_value() == "x" * 32
