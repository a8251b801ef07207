"""Shared rules for text typed by users."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.common.text import (
    CONTROL_CHARACTERS,
    check_free_text,
    control_violation,
    has_control_characters,
    is_ascii_digits,
)


@pytest.mark.parametrize("value", ["0", "0123456789", "99700000104"])
def test_ascii_digits_are_digits(value: str) -> None:
    assert is_ascii_digits(value)


@pytest.mark.parametrize("value", ["", "٩٩٧", "９９７", "12a", " 12", "1²", "-1", "1_000"])
def test_unicode_digits_signs_and_blanks_are_not_ascii_digits(value: str) -> None:
    assert not is_ascii_digits(value)


@pytest.mark.parametrize(
    "value", ["Paris\x00", "Lyon\x1b[31m", "a\x7fb", "a\x85b", "Saint-\nDenis", "Tab\there", "a\rb"]
)
def test_single_line_free_text_with_a_control_character_is_refused_in_french(value: str) -> None:
    assert has_control_characters(value)
    with pytest.raises(InvalidArgument) as refused:
        check_free_text(value, "officine.city")
    assert [v.field for v in refused.value.violations] == ["officine.city"]
    assert refused.value.message == CONTROL_CHARACTERS


@pytest.mark.parametrize("value", ["Ligne 1\nLigne 2", "Colonne\tvaleur", "Windows\r\nligne"])
def test_multi_line_free_text_keeps_line_breaks_and_tabs(value: str) -> None:
    assert check_free_text(value, "reason", multiline=True) == value
    assert has_control_characters(value)  # but a single-line field refuses them


@pytest.mark.parametrize("value", ["a\x00b", "a\rb", "fin\x1f"])
def test_multi_line_free_text_still_refuses_other_control_characters(value: str) -> None:
    assert has_control_characters(value, multiline=True)


@pytest.mark.parametrize("value", ["Pharmacie des Lilas", "Saint-Étienne", "=HYPERLINK(x)", "😀 ١٢٣", ""])
def test_ordinary_text_has_no_control_character(value: str) -> None:
    assert check_free_text(value, "display_name") == value


def test_free_text_is_single_line_unless_the_field_says_otherwise() -> None:
    assert control_violation("Pharmacie\ndes Lilas") == CONTROL_CHARACTERS
    assert control_violation("Pharmacie\ndes Lilas", multiline=True) is None


def test_a_refusal_for_control_characters_says_so_in_its_reason() -> None:
    with pytest.raises(InvalidArgument) as refused:
        check_free_text("Lilas\x00", "officine.display_name")
    assert refused.value.reason == "CONTROL_CHARACTERS"
    assert [v.field for v in refused.value.violations] == ["officine.display_name"]
