"""The delivery plan's CSV as the logistics partner sends it (services/orders/plan_csv.py): which
rows are read, and every bad cell refused at its line and column, in French. Whether a date lies
in the session's window or a FINESS ordered is the plan's business (test_delivery_plan.py)."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.errors import InvalidArgument, Violations
from services.orders.plan_csv import PlanRow, parse_plan_csv

LILAS, CONFLUENT = "759900111", "699900122"
HEADER = "finess,departement,date\n"


def parsed(text: str) -> tuple[list[PlanRow], list[tuple[str, str]]]:
    """The rows read from the file, and each violation as (field, French description)."""
    violations = Violations()
    rows = parse_plan_csv(text.encode(), violations)
    return rows, [(v.field, v.description) for v in violations.items]


def unreadable(data: bytes) -> tuple[str, str]:
    """The one violation of a file that cannot be read at all, checked to be the error's message too."""
    with pytest.raises(InvalidArgument) as refused:
        parse_plan_csv(data, Violations())
    [violation] = refused.value.violations
    assert refused.value.message == violation.description
    return violation.field, violation.description


def test_a_row_names_a_finess_or_a_departement_and_a_date_in_either_french_or_iso_form() -> None:
    rows, violations = parsed(HEADER + f"{LILAS},,21/03/2022\n,75,2022-03-22\n")
    assert violations == []
    assert rows == [PlanRow(2, LILAS, "", date(2022, 3, 21)), PlanRow(3, "", "75", date(2022, 3, 22))]


def test_a_departement_written_in_lower_case_is_read_in_capitals() -> None:
    rows, violations = parsed(HEADER + ",2a,2022-03-21\n")
    assert violations == []
    assert rows == [PlanRow(2, "", "2A", date(2022, 3, 21))]


def test_several_departements_and_officines_each_get_their_own_row() -> None:
    rows, violations = parsed(
        HEADER + ",75,2022-03-21\n,69,2022-03-19\n" + f"{LILAS},,2022-03-22\n{CONFLUENT},,2022-03-20\n"
    )
    assert violations == []
    assert [(r.line, r.finess or r.department) for r in rows] == [(2, "75"), (3, "69"), (4, LILAS), (5, CONFLUENT)]


def test_an_empty_file_is_refused_asking_for_the_header() -> None:
    expected = ("csv", "Le fichier est vide : une ligne d'en-tête « finess,departement,date » est attendue.")
    assert unreadable(b"") == expected
    assert unreadable(b"\n \n") == expected


def test_a_file_not_in_utf8_is_refused_on_the_csv_field() -> None:
    data = (HEADER + ",75,21/03/2022\n").replace("departement", "département").encode("latin-1")
    assert unreadable(data) == ("csv", "Le fichier doit être enregistré en UTF-8 (CSV UTF-8 dans le tableur).")


@pytest.mark.parametrize(
    ("header", "read_back"),
    [
        ("finess,departement,date,commentaire", "finess,departement,date,commentaire"),
        ("FINESS;Département;Jour", "FINESS;Département;Jour"),
        ("finess,date", "finess,date"),
    ],
    ids=["a fourth column", "a column misnamed", "a column missing"],
)
def test_a_header_other_than_the_three_columns_is_refused_quoting_what_was_read(header: str, read_back: str) -> None:
    assert unreadable(f"{header}\n,75,2022-03-21\n".encode()) == (
        "csv",
        f"ligne 1 : l'en-tête doit être « finess,departement,date » (lu : « {read_back} »).",
    )


def test_the_header_s_columns_are_read_in_any_order_and_a_refused_header_names_its_own_line() -> None:
    rows, violations = parsed(" Date ;FINESS; Département \n2022-03-21;;75\n")
    assert (rows, violations) == ([PlanRow(2, "", "75", date(2022, 3, 21))], [])
    assert unreadable(b"\nfiness,departement\n") == (
        "csv",
        "ligne 2 : l'en-tête doit être « finess,departement,date » (lu : « finess,departement »).",
    )


@pytest.mark.parametrize(
    ("row", "field", "description"),
    [
        (",75", "csv[ligne 2]", "ligne 2 : 2 cellules au lieu de 3."),
        (
            f"{LILAS},75,2022-03-21",
            "csv[ligne 2]",
            "ligne 2 : indiquez soit un FINESS, soit un département, pas les deux.",
        ),
        (",,2022-03-21", "csv[ligne 2]", "ligne 2 : indiquez un FINESS ou un département."),
        (
            "75990011,,2022-03-21",
            "csv[ligne 2].finess",
            "ligne 2, colonne finess : FINESS invalide « 75990011 » (9 caractères).",
        ),
        (
            ",20,2022-03-21",
            "csv[ligne 2].departement",
            "ligne 2, colonne departement : code de département inconnu « 20 » (attendu 01 à 95, 2A, 2B ou 971 à 976).",
        ),
        (
            ",75,31/02/2022",
            "csv[ligne 2].date",
            "ligne 2, colonne date : date « 31/02/2022 » non reconnue (attendu AAAA-MM-JJ ou JJ/MM/AAAA).",
        ),
        (
            ",75,21-03-2022",
            "csv[ligne 2].date",
            "ligne 2, colonne date : date « 21-03-2022 » non reconnue (attendu AAAA-MM-JJ ou JJ/MM/AAAA).",
        ),
    ],
    ids=[
        "a cell missing",
        "both targets",
        "no target",
        "a short finess",
        "no such departement",
        "no such day",
        "a third form",
    ],
)
def test_a_bad_row_is_refused_naming_its_line_and_column_in_french_and_is_not_read(
    row: str, field: str, description: str
) -> None:
    assert parsed(HEADER + row + "\n") == ([], [(field, description)])


def test_a_row_with_a_bad_target_and_a_bad_date_gets_one_violation_per_cell() -> None:
    rows, violations = parsed(HEADER + "12345,,demain\n")
    assert rows == []
    assert [field for field, _ in violations] == ["csv[ligne 2].finess", "csv[ligne 2].date"]


@pytest.mark.parametrize(
    ("target", "column"),
    [(f"{LILAS},", "finess"), (",75", "departement")],
    ids=["an officine", "a departement"],
)
def test_a_target_named_twice_is_refused_at_its_second_line_pointing_at_the_first(target: str, column: str) -> None:
    code = target.strip(",")
    rows, violations = parsed(HEADER + f"{target},2022-03-21\n,69,2022-03-19\n{target},2022-03-22\n")
    assert [(r.line, r.date) for r in rows] == [(2, date(2022, 3, 21)), (3, date(2022, 3, 19))]
    assert violations == [
        (f"csv[ligne 4].{column}", f"ligne 4, colonne {column} : « {code} » figure déjà ligne 2."),
    ]


def test_every_bad_row_is_reported_at_once_and_the_good_rows_after_them_are_still_read() -> None:
    rows, violations = parsed(
        HEADER
        + ",75\n"  # line 2: a cell missing
        + ",,2022-03-21\n"  # line 3: no target
        + ",,2022-03-22\n"  # line 4: no target again (not a duplicate of line 3)
        + f"{LILAS},69,2022-03-21\n"  # line 5: both
        + "ABC,,2022-03-21\n"  # line 6: not a FINESS
        + ",99,2022-03-21\n"  # line 7: no such département
        + ",69,2022-03-19\n"  # line 8: fine
        + ",69,2022-03-20\n"  # line 9: 69 again
        + f"{LILAS},,2022-03-22\n"  # line 10: fine
    )
    assert violations == [
        ("csv[ligne 2]", "ligne 2 : 2 cellules au lieu de 3."),
        ("csv[ligne 3]", "ligne 3 : indiquez un FINESS ou un département."),
        ("csv[ligne 4]", "ligne 4 : indiquez un FINESS ou un département."),
        ("csv[ligne 5]", "ligne 5 : indiquez soit un FINESS, soit un département, pas les deux."),
        ("csv[ligne 6].finess", "ligne 6, colonne finess : FINESS invalide « ABC » (9 caractères)."),
        (
            "csv[ligne 7].departement",
            "ligne 7, colonne departement : code de département inconnu « 99 » (attendu 01 à 95, 2A, 2B ou 971 à 976).",
        ),
        ("csv[ligne 9].departement", "ligne 9, colonne departement : « 69 » figure déjà ligne 8."),
    ]
    assert rows == [PlanRow(8, "", "69", date(2022, 3, 19)), PlanRow(10, LILAS, "", date(2022, 3, 22))]


def test_a_refused_finess_is_not_remembered_so_its_corrected_row_is_no_duplicate() -> None:
    rows, violations = parsed(HEADER + f"{LILAS},,32/03/2022\n{LILAS},,2022-03-21\n")
    assert [field for field, _ in violations] == ["csv[ligne 2].date"]
    assert rows == [PlanRow(3, LILAS, "", date(2022, 3, 21))]
