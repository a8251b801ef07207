"""Shared rules for text typed by users."""

from __future__ import annotations

import pytest

from services.common.text import is_ascii_digits


@pytest.mark.parametrize("value", ["0", "0123456789", "99700000104"])
def test_ascii_digits_are_digits(value: str) -> None:
    assert is_ascii_digits(value)


@pytest.mark.parametrize("value", ["", "٩٩٧", "９９７", "12a", " 12", "1²", "-1", "1_000"])
def test_unicode_digits_signs_and_blanks_are_not_ascii_digits(value: str) -> None:
    assert not is_ascii_digits(value)
