"""Whole numbers a caller sends that end up compared with or stored in an integer column.

Columns are 32-bit integers (PostgreSQL `integer`); protobuf's int64 fields and numbers read from
text can hold more, which PostgreSQL refuses with an error (SQLite takes it): such a number is
bad input, refused here with a French field violation before any query runs.
"""

from __future__ import annotations

from services.common.errors import InvalidArgument

MAX_STORED_INT = 2**31 - 1


def check_stored_int(value: int, field: str, *, minimum: int = 0) -> int:
    """`value` unchanged, or InvalidArgument on `field` when outside minimum..MAX_STORED_INT."""
    if not minimum <= value <= MAX_STORED_INT:
        raise InvalidArgument.field(
            field,
            f"Nombre hors limites : attendu entre {minimum} et {MAX_STORED_INT:,}.".replace(",", "\u202f"),
            reason="NUMBER_OUT_OF_RANGE",
        )
    return value
