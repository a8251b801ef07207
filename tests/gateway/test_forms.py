"""What the pages parse from forms and query strings: numbers are ASCII
digits within int32, anything else is "not a number" (never a 500)."""

from __future__ import annotations

import pytest

from services.gateway.pages.forms import INT32_MAX, ascii_natural
from services.gateway.pages.quotas import parse_cell
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb


@pytest.mark.parametrize("text", ["²", "٣", "３", "1_000", "-1", "+1", " 1", "1.0", "", "abc", str(INT32_MAX + 1)])
def test_only_ascii_digits_within_int32_are_a_number_on_a_form(text: str) -> None:
    assert ascii_natural(text) is None


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("12", 12), ("0012", 12), (str(INT32_MAX), INT32_MAX)])
def test_ascii_digits_are_read_as_their_number(text: str, value: int) -> None:
    assert ascii_natural(text) == value


@pytest.mark.parametrize("text", ["²", "٣", "３", "99999999999"])
def test_a_quota_cell_with_look_alike_or_huge_digits_is_not_understood(text: str) -> None:
    assert parse_cell(text) is None


@pytest.mark.parametrize("text", ["max 5", "Max 5", "max. 5", "maximum 5", "5"])
def test_a_quota_cell_reads_a_cap_as_pharmacists_write_it(text: str) -> None:
    assert parse_cell(text) == (sess_pb.QUOTA_KIND_CAPPED, 5, 0)
