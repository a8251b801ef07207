"""Rules for text typed by users, shared by every service.

Numbers in identifiers, versions and sizes are ASCII digits only: Python's `str.isdigit()`,
`int()` and regex `\\d` all accept any Unicode digit (Arabic-Indic, full-width...), which would let
a look-alike identifier pass the key check as a second, distinct value.
"""

from __future__ import annotations

import re

_ASCII_DIGITS = re.compile(r"[0-9]+")


def is_ascii_digits(value: str) -> bool:
    """True when `value` is one or more ASCII digits 0-9 and nothing else."""
    return _ASCII_DIGITS.fullmatch(value) is not None
