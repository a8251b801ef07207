"""The delivery plan as the logistics partner sends it (CSV). Pure functions.

Format (UTF-8, one header line, then one line per override):

    finess,departement,date
    ,75,2022-03-21
    759900111,,21/03/2022

- header: the three columns `finess`, `departement`, `date`, in any order
  (case, accents and surrounding spaces forgiven: « Département » is fine);
- each row names a FINESS or a département, not both, and a date
  `YYYY-MM-DD` or `DD/MM/YYYY`;
- `;` is accepted as separator when the header uses it (French spreadsheet
  exports); a UTF-8 byte-order mark is ignored; blank lines are skipped.

Like the quota CSV (services/sessions/quota_csv.py), every error is reported at
once, one field violation per bad cell: field `csv[ligne N].colonne`, French
message starting with "ligne N, colonne …". Whether a date lies inside the
session's window and a FINESS ordered in the session is checked by the caller
(delivery_plan.py), which adds its violations to the same list.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from services.common.csvfile import read_rows
from services.common.errors import InvalidArgument, Violations
from services.orders import names

MAX_CSV_BYTES = 2 * 1024 * 1024  # ~20,600 officines with room to spare
FIELD = "csv"
COLUMNS = ("finess", "departement", "date")
_DDMMYYYY = re.compile(r"^[0-9]{2}/[0-9]{2}/[0-9]{4}$")
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class PlanRow:
    line: int
    finess: str  # "" when the row is for a département
    department: str  # "" when the row is for an officine
    date: date


def cell_field(line: int, column: str = "") -> str:
    return f"{FIELD}[ligne {line}]" + (f".{column}" if column else "")


def parse_date(text: str) -> date | None:
    """ "YYYY-MM-DD" or "DD/MM/YYYY"; None when it is neither, or no such day."""
    value = text.strip()
    try:
        if _ISO.match(value):
            return date.fromisoformat(value)
        if _DDMMYYYY.match(value):
            return datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        return None
    return None


def _plain(text: str) -> str:
    """ "Département " -> "departement"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_plan_csv(data: bytes, violations: Violations) -> list[PlanRow]:
    """The well-formed rows; every problem found is added to `violations`.
    A file that cannot be read at all (size, encoding, quotes, header) raises."""
    rows, delimiter = read_rows(data, field=FIELD, max_bytes=MAX_CSV_BYTES)
    if not rows:
        raise InvalidArgument.field(
            FIELD, "Le fichier est vide : une ligne d'en-tête « finess,departement,date » est attendue."
        )
    header_line, header = rows[0]
    columns = [_plain(c) for c in header]
    missing = [c for c in COLUMNS if c not in columns]
    if missing or len(columns) != len(COLUMNS):
        raise InvalidArgument.field(
            FIELD,
            f"ligne {header_line} : l'en-tête doit être « finess,departement,date » "
            f"(lu : « {delimiter.join(c.strip() for c in header)} »).",
        )
    at = {c: columns.index(c) for c in COLUMNS}

    parsed: list[PlanRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows[1:]:
        if len(row) != len(COLUMNS):
            violations.add(cell_field(line), f"ligne {line} : {len(row)} cellules au lieu de 3.")
            continue
        finess = row[at["finess"]].strip()
        department = row[at["departement"]].strip().upper()
        raw_date = row[at["date"]].strip()
        ok = True
        if finess and department:
            violations.add(
                cell_field(line), f"ligne {line} : indiquez soit un FINESS, soit un département, pas les deux."
            )
            ok = False
        elif not finess and not department:
            violations.add(cell_field(line), f"ligne {line} : indiquez un FINESS ou un département.")
            ok = False
        elif finess and not names.is_finess(finess):
            violations.add(
                cell_field(line, "finess"),
                f"ligne {line}, colonne finess : FINESS invalide « {finess} » (9 caractères).",
            )
            ok = False
        elif department and not names.is_department(department):
            violations.add(
                cell_field(line, "departement"),
                f"ligne {line}, colonne departement : code de département inconnu « {department} » "
                "(attendu 01 à 95, 2A, 2B ou 971 à 976).",
            )
            ok = False
        day = parse_date(raw_date)
        if day is None:
            violations.add(
                cell_field(line, "date"),
                f"ligne {line}, colonne date : date « {raw_date} » non reconnue (attendu AAAA-MM-JJ ou JJ/MM/AAAA).",
            )
            ok = False
        if not ok:
            continue
        key = ("FINESS", finess) if finess else ("DEPARTMENT", department)
        if key in seen:
            column = "finess" if finess else "departement"
            violations.add(
                cell_field(line, column),
                f"ligne {line}, colonne {column} : « {finess or department} » figure déjà ligne {seen[key]}.",
            )
            continue
        seen[key] = line
        assert day is not None
        parsed.append(PlanRow(line, finess, department, day))
    return parsed
