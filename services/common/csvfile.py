"""Spreadsheet CSV uploads: the one way every service reads them.

UTF-8 (a byte-order mark is ignored), `,` or — when the first line uses it and
no comma — `;` as separator (French spreadsheet exports), strict quoting.
Rows are numbered by the line they start on (a quoted cell may span lines) and
blank rows are dropped. A file that cannot be read at all raises
InvalidArgument on `field`, with a French message; what the rows mean is the
caller's business.

Every CSV a service writes goes through `formula_safe`/`formula_safe_row`: a text cell that a
spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) gets a leading single
quote (OWASP "CSV injection"); numbers are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import NamedTuple

from services.common.errors import InvalidArgument

_MIB = 1024 * 1024


def _size(max_bytes: int) -> str:
    """2 MiB -> "2 Mio", 256 KiB -> "256 Kio"."""
    return f"{max_bytes // _MIB} Mio" if max_bytes % _MIB == 0 else f"{max_bytes // 1024} Kio"


def decode(data: bytes, *, field: str, max_bytes: int) -> str:
    """The text of an upload of at most `max_bytes`, which must be UTF-8."""
    if len(data) > max_bytes:
        raise InvalidArgument.field(field, f"Fichier trop volumineux (plus de {_size(max_bytes)}).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidArgument.field(
            field, "Le fichier doit être enregistré en UTF-8 (CSV UTF-8 dans le tableur)."
        ) from exc


def delimiter_of(text: str) -> str:
    """`;` when the first line uses it and no comma, else `,`."""
    first_line = text.split("\n", 1)[0]
    return ";" if ";" in first_line and "," not in first_line else ","


class Rows(NamedTuple):
    rows: list[tuple[int, list[str]]]  # (first line number, cells) of each non-blank row, in file order
    delimiter: str  # the separator the file uses, to quote its lines back in messages


def read_rows(data: bytes, *, field: str, max_bytes: int) -> Rows:
    """The non-blank rows of an upload, and its separator."""
    text = decode(data, field=field, max_bytes=max_bytes)
    delimiter = delimiter_of(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1  # a quoted cell may span lines: a row is known by its first line
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidArgument.field(
            field, f"ligne {start} : CSV mal formé (guillemets mal placés ou non refermés)."
        ) from exc
    return Rows([(n, row) for n, row in rows if any(cell.strip() for cell in row)], delimiter)


FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(cell: object) -> object:
    """A text cell a spreadsheet would read as a formula, prefixed with "'"; anything else as is."""
    if isinstance(cell, str) and cell.startswith(FORMULA_LEADERS):
        return "'" + cell
    return cell


def formula_safe_row(row: Iterable[object]) -> list[object]:
    return [formula_safe(cell) for cell in row]
