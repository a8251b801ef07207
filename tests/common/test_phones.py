"""French callback numbers: what people type, kept in E.164, written back nationally."""

from __future__ import annotations

import pytest

from services.common.phones import french_phone, national_format


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("01 23 45 67 89", "+33123456789"),
        ("0692 12 34 56", "+262692123456"),  # Réunion, written nationally
    ],
)
def test_french_numbers_are_kept_in_e164(typed: str, e164: str) -> None:
    assert french_phone(typed) == e164


@pytest.mark.parametrize(
    "typed", ["", "12", "06 12 34 56", "+1 202 555 0147", "+44 20 7946 0958", "06 12\n34 56 78", "abc", "0" * 40]
)
def test_anything_else_is_not_a_french_number(typed: str) -> None:
    assert french_phone(typed) is None


def test_numbers_are_written_back_the_french_way() -> None:
    assert national_format("+33612345678") == "06 12 34 56 78"
    assert national_format("") == ""


def test_a_number_with_a_control_character_is_refused_though_the_library_would_read_it() -> None:
    assert french_phone("06 12 34 56 78\t") is None
    assert french_phone("06 12 34 56 78\n") is None


def test_what_is_typed_may_be_thirty_characters_long_not_more() -> None:
    assert french_phone("06 12 34 56 78".ljust(30)) == "+33612345678"
    assert french_phone("06 12 34 56 78".ljust(31)) is None
