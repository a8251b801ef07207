"""services/common/csvfile.py: how a spreadsheet upload is read."""

from __future__ import annotations

import csv
import io

import pytest

from services.common.csvfile import delimiter_of, formula_safe, formula_safe_row, read_rows
from services.common.errors import InvalidArgument


def _refusal(data: bytes, max_bytes: int = 1024) -> tuple[str, str]:
    with pytest.raises(InvalidArgument) as refused:
        read_rows(data, field="csv", max_bytes=max_bytes)
    [violation] = refused.value.violations
    return violation.field, violation.description


def test_rows_are_numbered_by_their_first_line_and_blank_rows_dropped() -> None:
    data = b'a,b\n\n"x\ny",2\n , \n3,4\n'
    assert read_rows(data, field="csv", max_bytes=1024).rows == [(1, ["a", "b"]), (3, ["x\ny", "2"]), (6, ["3", "4"])]


def test_a_byte_order_mark_is_ignored() -> None:
    assert read_rows("\ufefftype,moderna\n".encode(), field="csv", max_bytes=1024).rows == [(1, ["type", "moderna"])]


def test_semicolons_separate_when_the_first_line_uses_them_and_no_comma() -> None:
    assert delimiter_of("a;b\n1,2") == ";"
    assert delimiter_of("a;b,c\n") == ","
    assert delimiter_of("a\n1;2") == ","
    assert read_rows(b"a;b\n1;2,5\n", field="csv", max_bytes=1024) == ([(1, ["a", "b"]), (2, ["1", "2,5"])], ";")


def test_an_empty_file_has_no_rows() -> None:
    assert read_rows(b"\n \n", field="csv", max_bytes=1024).rows == []


def test_a_file_too_large_is_refused_with_its_limit_in_the_unit_that_fits() -> None:
    assert _refusal(b"x" * 2049, max_bytes=2048) == ("csv", "Fichier trop volumineux (plus de 2 Kio).")
    mib = 1024 * 1024
    assert _refusal(b"x" * (2 * mib + 1), max_bytes=2 * mib) == ("csv", "Fichier trop volumineux (plus de 2 Mio).")


def test_a_file_not_in_utf8_is_refused() -> None:
    field, message = _refusal("type,défaut\n".encode("latin-1"))
    assert field == "csv"
    assert "UTF-8" in message


def test_an_unclosed_quote_is_refused_at_the_line_of_its_row() -> None:
    field, message = _refusal(b'a,b\n1,2\n"3,4\n')
    assert field == "csv"
    assert message.startswith("ligne 3 : CSV mal formé")


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://evil","clic")', "+33 1 23", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "=1+1"],
)
def test_a_text_cell_a_spreadsheet_would_run_as_a_formula_gets_a_leading_quote(cell: str) -> None:
    assert formula_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Pharmacie des Lilas", "759900111", "rpps:99700000104", "", "a=b", 12, -3, 0])
def test_ordinary_text_and_numbers_are_written_as_they_are(cell: object) -> None:
    assert formula_safe(cell) == cell


def test_a_written_row_is_neutralised_cell_by_cell() -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(formula_safe_row(["=cmd|' /C calc'!A0", "Lilas", 4]))
    assert buffer.getvalue() == "'=cmd|' /C calc'!A0,Lilas,4\n"
