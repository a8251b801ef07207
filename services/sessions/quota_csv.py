"""Quota tables as the spreadsheets operators exchange. Pure functions.

Format (UTF-8, one header line, one line per effecteur type):

    type,moderna,pfizer-adult,pfizer-pediatric
    MEDECIN,illimité,illimité,illimité
    EHPAD,10,illimité (alerte 200),non ouvert

- header: `type`, then product ids of the catalogue (the `{id}` of products/{id});
- rows: the effecteur type codes (MEDECIN ... PMI), each exactly once, all 16;
- cells: `illimité`; `illimité (alerte N)` for an unlimited rule warning above
  N vials (soft threshold); `non ouvert`; or a whole number of vials > 0 (a cap),
  also written `max N` (`max. N`, `maximum N`) as pharmacists and the grid write it.
  Case, accents on "illimité" and surrounding spaces are forgiven on import.
- `;` is accepted as separator when the header uses it (French spreadsheet
  exports), and a UTF-8 byte-order mark is ignored.

Export writes `,`, `\\n` line ends, types in the proto enum order and products
in catalogue display order, so the same table always gives the same bytes and
exporting then importing gives the same table back.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Sequence

from services.common.csvfile import formula_safe_row, read_rows
from services.common.errors import InvalidArgument, Violations
from services.common.numbers import MAX_STORED_INT
from services.sessions.domain import ID_PATTERN, EffecteurType, QuotaKind, QuotaRule, QuotaTable, RuleDraft

MAX_CSV_BYTES = 256 * 1024
FIELD = "csv"
UNLIMITED = "illimité"
NOT_OPEN = "non ouvert"

_UNLIMITED_RE = re.compile(r"^illimit[ée]$")
_SOFT_RE = re.compile(r"^illimit[ée]\s*\(\s*alerte\s*:?\s*([0-9]+)\s*\)$")
_NOT_OPEN_RE = re.compile(r"^non[\s-]+ouvert$")
_NUMBER_RE = re.compile(r"^[0-9]+$")
# "max 5", "max. 5", "maximum 5": how pharmacists and the grid itself write a cap.
_MAX_PREFIX_RE = re.compile(r"^max(?:imum|\.)?\s*:?\s*(?=[0-9])")
_CELL_HELP = f"attendu « {UNLIMITED} », « {UNLIMITED} (alerte N) », « {NOT_OPEN} » ou un nombre de flacons"


def _cell(text: str) -> tuple[str, int, int] | str:
    """(kind, max_vials, soft_threshold), or the French reason it is not understood."""
    value = " ".join(text.split()).lower()
    if not value:
        return f"cellule vide ({_CELL_HELP})."
    if _UNLIMITED_RE.match(value):
        return (QuotaKind.UNLIMITED.value, 0, 0)
    if soft := _SOFT_RE.match(value):
        threshold = int(soft.group(1))
        if threshold <= 0:
            return "le seuil d'alerte doit être supérieur à 0."
        # Read from text, it is not bounded by the proto's int32: PostgreSQL would refuse it with an error.
        if threshold > MAX_STORED_INT:
            return "seuil d'alerte trop grand."
        return (QuotaKind.UNLIMITED.value, 0, threshold)
    if _NOT_OPEN_RE.match(value):
        return (QuotaKind.NOT_OPEN.value, 0, 0)
    value = _MAX_PREFIX_RE.sub("", value)
    if _NUMBER_RE.match(value):
        cap = int(value)
        if cap <= 0:
            return f"le plafond doit être supérieur à 0 (écrivez « {NOT_OPEN} » pour fermer la commande)."
        if cap > MAX_STORED_INT:
            return "plafond trop grand."
        return (QuotaKind.CAPPED.value, cap, 0)
    return f"valeur « {text.strip()} » non reconnue ({_CELL_HELP})."


def parse_csv(data: bytes, catalogue: Collection[str]) -> list[RuleDraft]:
    """Rule drafts located at their cells, or InvalidArgument with one violation per bad cell.
    `catalogue` holds the known product ids, so an unknown column is reported once, at the header."""
    violations = Violations()
    rows, _ = read_rows(data, field=FIELD, max_bytes=MAX_CSV_BYTES)
    if not rows:
        raise InvalidArgument.field(FIELD, "Le fichier est vide : une ligne d'en-tête « type,produit,… » est attendue.")

    header_line, header = rows[0]
    products: list[str] = [cell.strip() for cell in header[1:]]
    if header[0].strip().lower() != "type":
        violations.add(FIELD, f"ligne {header_line}, colonne 1 : l'en-tête doit commencer par « type ».")
    if not products:
        violations.add(FIELD, f"ligne {header_line} : aucune colonne de produit après « type ».")
    for position, product in enumerate(products, start=2):
        if not ID_PATTERN.match(product):
            violations.add(
                FIELD, f"ligne {header_line}, colonne {position} : identifiant de produit invalide « {product} »."
            )
        elif products.index(product) != position - 2:
            violations.add(FIELD, f"ligne {header_line}, colonne {product} : produit en double.")
        elif product not in catalogue:
            violations.add(FIELD, f"ligne {header_line}, colonne {product} : produit inconnu du catalogue.")

    drafts: list[RuleDraft] = []
    seen: dict[EffecteurType, int] = {}
    for line, row in rows[1:]:
        if len(row) != len(header):
            violations.add(FIELD, f"ligne {line} : {len(row)} cellules au lieu de {len(header)}.")
            continue
        code = row[0].strip().upper()
        effecteur_type = EffecteurType.from_code(code)
        if effecteur_type is None:
            violations.add(FIELD, f"ligne {line}, colonne type : type d'effecteur inconnu « {row[0].strip()} ».")
            continue
        if effecteur_type in seen:
            violations.add(
                FIELD, f"ligne {line}, colonne type : le type {code} figure déjà ligne {seen[effecteur_type]}."
            )
            continue
        seen[effecteur_type] = line
        for product, raw in zip(products, row[1:], strict=True):
            parsed = _cell(raw)
            location = f"ligne {line}, colonne {product}"
            if isinstance(parsed, str):
                violations.add(FIELD, f"{location} : {parsed}")
                continue
            kind, cap, threshold = parsed
            drafts.append(RuleDraft(code, product, kind, cap, threshold, location=location))
    missing = [t.name for t in EffecteurType if t not in seen]
    if missing:
        violations.add(FIELD, f"Types d'effecteur absents du fichier : {', '.join(missing)}.")
    violations.raise_if_any("Le fichier CSV contient des erreurs : rien n'a été importé.")
    return drafts


def _format_cell(rule: QuotaRule) -> str:
    if rule.kind is QuotaKind.CAPPED:
        return str(rule.max_vials)
    if rule.kind is QuotaKind.NOT_OPEN:
        return NOT_OPEN
    return f"{UNLIMITED} (alerte {rule.soft_threshold})" if rule.soft_threshold else UNLIMITED


def format_csv(table: QuotaTable, product_order: Sequence[str]) -> bytes:
    """The table in the import format; `product_order` lists the table's product ids in column order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(formula_safe_row(["type", *product_order]))
    for effecteur_type in EffecteurType:
        cells = []
        for product_id in product_order:
            rule = table.rule_for(effecteur_type, product_id)
            cells.append(_format_cell(rule) if rule is not None else NOT_OPEN)
        writer.writerow(formula_safe_row([effecteur_type.name, *cells]))
    return buffer.getvalue().encode("utf-8")
