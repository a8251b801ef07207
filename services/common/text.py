"""Rules for text typed by users, shared by every service.

Free text (names, cities, reasons, comments, messages) holds no control character: NUL and
friends are refused with a French field violation, nothing stored (`check_free_text`).

Numbers in identifiers, versions and sizes are ASCII digits only: Python's `str.isdigit()`,
`int()` and regex `\\d` all accept any Unicode digit (Arabic-Indic, full-width...), which would let
a look-alike identifier pass the key check as a second, distinct value.
"""

from __future__ import annotations

import re
import unicodedata

from services.common.errors import InvalidArgument

_ASCII_DIGITS = re.compile(r"[0-9]+")


def is_ascii_digits(value: str) -> bool:
    """True when `value` is one or more ASCII digits 0-9 and nothing else."""
    return _ASCII_DIGITS.fullmatch(value) is not None


CONTROL_CHARACTERS = "Ce texte contient des caractères de contrôle (invisibles) : retirez-les."
# Multi-line fields (comments, reasons, messages) keep line breaks and tabs; "\r\n" counts as
# one line break (what a browser's textarea sends).
_MULTILINE_ALLOWED = frozenset("\n\t")


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """True when `value` holds a control character (Unicode category Cc: NUL, ESC, DEL, C1...).

    Single-line fields (names, cities, subjects) refuse them all; multi-line fields allow
    line feeds, tabs and CR LF pairs.
    """
    if multiline:
        value = value.replace("\r\n", "\n")
    allowed = _MULTILINE_ALLOWED if multiline else frozenset()
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value)


def control_violation(value: str, *, multiline: bool = False) -> str | None:
    """The French field violation for free text holding control characters, or None."""
    return CONTROL_CHARACTERS if has_control_characters(value, multiline=multiline) else None


def check_free_text(value: str, field: str, *, multiline: bool = False) -> str:
    """`value` unchanged, or InvalidArgument on `field` when it holds control characters."""
    message = control_violation(value, multiline=multiline)
    if message is not None:
        raise InvalidArgument.field(field, message, reason="CONTROL_CHARACTERS")
    return value
