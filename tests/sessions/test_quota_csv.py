"""Quota tables as CSV: the exact export, round trips, and errors that point at the cell."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.sessions.domain import EffecteurType, QuotaKind, QuotaRule, QuotaTable, parse_quota_table_name
from services.sessions.quota_csv import format_csv
from services.sessions.service import SessionsService
from tests.sessions.conftest import OFFICINE_CALLER, OPERATOR_CALLER

REFERENCE = "sessions/2022-03-07"

REFERENCE_CSV = (
    "type,moderna,pfizer-adult,pfizer-pediatric\n"
    "MEDECIN,illimité,illimité,illimité\n"
    "PHARMACIEN,illimité,illimité,illimité\n"
    "INFIRMIER,illimité,illimité,illimité\n"
    "SAGE_FEMME,illimité,illimité,illimité\n"
    "CHIRURGIEN_DENTISTE,illimité,illimité,non ouvert\n"
    "MSP,illimité,illimité,non ouvert\n"
    "CDS,illimité,illimité,non ouvert\n"
    "LBM,illimité,illimité,non ouvert\n"
    "FAM,illimité,illimité,non ouvert\n"
    "MAS,illimité,illimité,non ouvert\n"
    "EHPAD,illimité,illimité,non ouvert\n"
    "USLD,illimité,illimité,non ouvert\n"
    "RESIDENCE_AUTONOMIE,illimité,illimité,non ouvert\n"
    "SST,illimité,illimité,non ouvert\n"
    "SSU,illimité,illimité,non ouvert\n"
    "PMI,non ouvert,non ouvert,illimité\n"
).encode()


def edited(csv: bytes, line: int, column: int, value: str) -> bytes:
    """The CSV with one cell replaced (line and column counted from 1, as a spreadsheet does)."""
    lines = csv.decode().split("\n")
    cells = lines[line - 1].split(",")
    cells[column - 1] = value
    lines[line - 1] = ",".join(cells)
    return "\n".join(lines).encode()


async def _versions(service: SessionsService) -> list:
    tables, _ = await service.quotas.list_tables(OPERATOR_CALLER, REFERENCE)
    return tables


async def test_export_of_the_reference_week_is_exactly_the_spreadsheet(seeded: SessionsService) -> None:
    exported = await seeded.quotas.export_csv(OFFICINE_CALLER, "sessions/2022-03-07/quotaTables/current")
    assert exported == REFERENCE_CSV


async def test_export_then_import_gives_the_same_table_and_the_same_bytes(seeded: SessionsService) -> None:
    # A table using every kind of cell: cap, soft threshold, not open, unlimited.
    source = edited(edited(REFERENCE_CSV, 12, 2, "10"), 2, 3, "illimité (alerte 200)")
    first = await seeded.quotas.import_csv(OPERATOR_CALLER, REFERENCE, source)
    exported = await seeded.quotas.export_csv(OPERATOR_CALLER, first.name)
    second = await seeded.quotas.import_csv(OPERATOR_CALLER, REFERENCE, exported)
    exported_again = await seeded.quotas.export_csv(OPERATOR_CALLER, second.name)
    assert exported == source
    assert (first.version, second.version) == (2, 3)
    assert second.rules == first.rules
    assert exported_again == exported
    ehpad_moderna = first.rule_for(EffecteurType.EHPAD, "moderna")
    medecin_pfizer = first.rule_for(EffecteurType.MEDECIN, "pfizer-adult")
    assert ehpad_moderna is not None and (ehpad_moderna.kind, ehpad_moderna.max_vials) == (QuotaKind.CAPPED, 10)
    assert medecin_pfizer is not None and (medecin_pfizer.kind, medecin_pfizer.soft_threshold) == (
        QuotaKind.UNLIMITED,
        200,
    )


async def test_import_forgives_what_spreadsheets_do(seeded: SessionsService) -> None:
    """BOM, semicolons, CRLF, capitals and a missing accent give the same table."""
    spreadsheet = (
        "\ufeff"
        + REFERENCE_CSV.decode().replace(",", ";").replace("\n", "\r\n").replace("MEDECIN;illimité", "medecin;Illimite")
    ).encode("utf-8")
    imported = await seeded.quotas.import_csv(OPERATOR_CALLER, REFERENCE, spreadsheet, validate_only=True)
    reference = await seeded.quotas.get_table(OPERATOR_CALLER, "sessions/2022-03-07/quotaTables/1")
    assert imported.rules == reference.rules


async def test_validate_only_publishes_nothing(seeded: SessionsService) -> None:
    before = await _versions(seeded)
    checked = await seeded.quotas.import_csv(
        OPERATOR_CALLER, REFERENCE, edited(REFERENCE_CSV, 12, 2, "10"), validate_only=True
    )
    assert checked.version == 0
    assert checked.rule_for(EffecteurType.EHPAD, "moderna").max_vials == 10  # type: ignore[union-attr]
    assert await _versions(seeded) == before


BAD_FILES = {
    "unknown word": (
        edited(REFERENCE_CSV, 4, 3, "beaucoup"),
        "ligne 4, colonne pfizer-adult : valeur « beaucoup » non reconnue "
        "(attendu « illimité », « illimité (alerte N) », « non ouvert » ou un nombre de flacons).",
    ),
    "cap of zero": (
        edited(REFERENCE_CSV, 12, 2, "0"),
        "ligne 12, colonne moderna : le plafond doit être supérieur à 0"
        " (écrivez « non ouvert » pour fermer la commande).",
    ),
    "negative cap": (
        edited(REFERENCE_CSV, 12, 2, "-5"),
        "ligne 12, colonne moderna : valeur « -5 » non reconnue "
        "(attendu « illimité », « illimité (alerte N) », « non ouvert » ou un nombre de flacons).",
    ),
    "empty cell": (
        edited(REFERENCE_CSV, 7, 4, ""),
        "ligne 7, colonne pfizer-pediatric : cellule vide "
        "(attendu « illimité », « illimité (alerte N) », « non ouvert » ou un nombre de flacons).",
    ),
    "unknown product": (
        edited(REFERENCE_CSV, 1, 3, "sputnik"),
        "ligne 1, colonne sputnik : produit inconnu du catalogue.",
    ),
    "unknown type": (
        edited(REFERENCE_CSV, 6, 1, "DENTISTE"),
        "ligne 6, colonne type : type d'effecteur inconnu « DENTISTE ».",
    ),
    "missing row": (
        REFERENCE_CSV.replace(b"SSU,illimit\xc3\xa9,illimit\xc3\xa9,non ouvert\n", b""),
        "Types d'effecteur absents du fichier : SSU.",
    ),
    "row twice": (
        REFERENCE_CSV + b"MEDECIN,non ouvert,non ouvert,non ouvert\n",
        "ligne 18, colonne type : le type MEDECIN figure déjà ligne 2.",
    ),
    "short row": (
        edited(REFERENCE_CSV, 3, 4, "").replace(
            b"PHARMACIEN,illimit\xc3\xa9,illimit\xc3\xa9,\n", b"PHARMACIEN,illimit\xc3\xa9,illimit\xc3\xa9\n"
        ),
        "ligne 3 : 3 cellules au lieu de 4.",
    ),
    "bad header": (
        REFERENCE_CSV.replace(b"type,", b"effecteur,", 1),
        "ligne 1, colonne 1 : l'en-tête doit commencer par « type ».",
    ),
    "not utf-8": (
        REFERENCE_CSV.decode().encode("latin-1"),
        "Le fichier doit être enregistré en UTF-8 (CSV UTF-8 dans le tableur).",
    ),
    "unclosed quote": (
        edited(REFERENCE_CSV, 5, 2, '"illimité'),
        "ligne 5 : CSV mal formé (guillemets mal placés ou non refermés).",
    ),
    "empty file": (b"", "Le fichier est vide : une ligne d'en-tête « type,produit,… » est attendue."),
    "no product column": (
        "\n".join(line.split(",")[0] for line in REFERENCE_CSV.decode().split("\n")).encode(),
        "ligne 1 : aucune colonne de produit après « type ».",
    ),
    "malformed product id": (
        edited(REFERENCE_CSV, 1, 3, "Pfizer Adult"),
        "ligne 1, colonne 3 : identifiant de produit invalide « Pfizer Adult ».",
    ),
    "product twice": (
        edited(REFERENCE_CSV, 1, 3, "moderna"),
        "ligne 1, colonne moderna : produit en double.",
    ),
    "alert threshold of zero": (
        edited(REFERENCE_CSV, 2, 2, "illimité (alerte 0)"),
        "ligne 2, colonne moderna : le seuil d'alerte doit être supérieur à 0.",
    ),
    "cap beyond what is stored": (
        edited(REFERENCE_CSV, 12, 2, str(2**31)),
        "ligne 12, colonne moderna : plafond trop grand.",
    ),
    "alert threshold beyond what is stored": (
        edited(REFERENCE_CSV, 2, 3, f"illimité (alerte {2**31})"),
        "ligne 2, colonne pfizer-adult : seuil d'alerte trop grand.",
    ),
}


async def test_a_malformed_csv_is_refused_at_its_cell_and_nothing_changes(seeded: SessionsService) -> None:
    before = await _versions(seeded)
    for case, (data, description) in BAD_FILES.items():
        with pytest.raises(InvalidArgument) as refused:
            await seeded.quotas.import_csv(OPERATOR_CALLER, REFERENCE, data)
        violations = [(v.field, v.description) for v in refused.value.violations]
        assert ("csv", description) in violations, case
        assert {field for field, _ in violations} == {"csv"}, case
        assert await _versions(seeded) == before, case


async def test_every_bad_cell_is_reported_at_once(seeded: SessionsService) -> None:
    data = edited(edited(REFERENCE_CSV, 4, 3, "beaucoup"), 12, 2, "0")
    with pytest.raises(InvalidArgument) as refused:
        await seeded.quotas.import_csv(OPERATOR_CALLER, REFERENCE, data)
    assert [v.description.split(" : ")[0] for v in refused.value.violations] == [
        "ligne 4, colonne pfizer-adult",
        "ligne 12, colonne moderna",
    ]
    assert refused.value.message == "Le fichier CSV contient des erreurs : rien n'a été importé."


async def test_every_bad_row_and_every_bad_cell_of_a_row_is_reported_in_file_order(seeded: SessionsService) -> None:
    data = REFERENCE_CSV.replace(
        b"PHARMACIEN,illimit\xc3\xa9,illimit\xc3\xa9,illimit\xc3\xa9\n", b"PHARMACIEN,illimit\xc3\xa9\n"
    )
    data = edited(data, 6, 1, "DENTISTE")
    data = edited(data, 10, 1, "MEDECIN")  # the FAM row becomes a second MEDECIN row
    data = edited(edited(data, 12, 2, "beaucoup"), 12, 3, "0")
    before = await _versions(seeded)
    with pytest.raises(InvalidArgument) as refused:
        await seeded.quotas.import_csv(OPERATOR_CALLER, REFERENCE, data)
    assert [(v.field, v.description) for v in refused.value.violations] == [
        ("csv", "ligne 3 : 2 cellules au lieu de 4."),
        ("csv", "ligne 6, colonne type : type d'effecteur inconnu « DENTISTE »."),
        ("csv", "ligne 10, colonne type : le type MEDECIN figure déjà ligne 2."),
        (
            "csv",
            "ligne 12, colonne moderna : valeur « beaucoup » non reconnue "
            "(attendu « illimité », « illimité (alerte N) », « non ouvert » ou un nombre de flacons).",
        ),
        (
            "csv",
            "ligne 12, colonne pfizer-adult : le plafond doit être supérieur à 0"
            " (écrivez « non ouvert » pour fermer la commande).",
        ),
        ("csv", "Types d'effecteur absents du fichier : PHARMACIEN, CHIRURGIEN_DENTISTE, FAM."),
    ]
    assert await _versions(seeded) == before


async def test_the_smallest_and_largest_caps_and_alert_thresholds_are_accepted(
    seeded: SessionsService,
) -> None:
    data = edited(edited(REFERENCE_CSV, 12, 2, "1"), 12, 3, str(2**31 - 1))
    data = edited(edited(data, 2, 2, "illimité (alerte 1)"), 2, 3, f"illimité (alerte {2**31 - 1})")
    table = await seeded.quotas.import_csv(OPERATOR_CALLER, REFERENCE, data, validate_only=True)
    ehpad_moderna = table.rule_for(EffecteurType.EHPAD, "moderna")
    ehpad_pfizer = table.rule_for(EffecteurType.EHPAD, "pfizer-adult")
    medecin_moderna = table.rule_for(EffecteurType.MEDECIN, "moderna")
    assert ehpad_moderna is not None and (ehpad_moderna.kind, ehpad_moderna.max_vials) == (QuotaKind.CAPPED, 1)
    assert ehpad_pfizer is not None and (ehpad_pfizer.kind, ehpad_pfizer.max_vials) == (QuotaKind.CAPPED, 2**31 - 1)
    medecin_pfizer = table.rule_for(EffecteurType.MEDECIN, "pfizer-adult")
    assert medecin_moderna is not None and (medecin_moderna.kind, medecin_moderna.soft_threshold) == (
        QuotaKind.UNLIMITED,
        1,
    )
    assert medecin_pfizer is not None and medecin_pfizer.soft_threshold == 2**31 - 1


def test_a_stored_table_without_a_rule_for_a_type_exports_that_type_as_not_open() -> None:
    """A table stored before a type existed has no rule for it: resolve reads it as not open, and so
    does the spreadsheet (rather than failing the whole export)."""
    table = QuotaTable(
        "2022-03-07",
        1,
        None,
        "899700000906",
        (
            QuotaRule(EffecteurType.MEDECIN, "moderna", QuotaKind.CAPPED, max_vials=5),
            QuotaRule(EffecteurType.PMI, "moderna", QuotaKind.UNLIMITED, soft_threshold=50),
        ),
    )
    lines = format_csv(table, ["moderna"]).decode().splitlines()
    assert lines[0] == "type,moderna"
    assert lines[1] == "MEDECIN,5"
    assert lines[2:-1] == [f"{t.name},non ouvert" for t in list(EffecteurType)[1:-1]]
    assert lines[-1] == "PMI,illimité (alerte 50)"


@pytest.mark.parametrize("version", ["٣", "３", "¹"])
def test_a_quota_table_version_with_non_ascii_digits_is_refused(version: str) -> None:
    assert parse_quota_table_name("sessions/2022-03-07/quotaTables/3") == ("2022-03-07", 3)
    with pytest.raises(InvalidArgument) as caught:
        parse_quota_table_name(f"sessions/2022-03-07/quotaTables/{version}")
    assert caught.value.violations[0].field == "name"


@pytest.mark.parametrize("cell", ["max 5", "Max 5", "max. 5", "maximum 5", "max: 5", "5"])
def test_a_cap_is_read_as_pharmacists_write_it(cell: str) -> None:
    from services.sessions.quota_csv import _cell  # noqa: PLC0415 (the cell rule itself)

    assert _cell(cell) == (QuotaKind.CAPPED.value, 5, 0)


@pytest.mark.parametrize("cell", ["max", "max -5", "max 0", "maxi 5", "max 5 flacons"])
def test_a_cap_that_is_not_a_positive_number_is_still_refused(cell: str) -> None:
    from services.sessions.quota_csv import _cell  # noqa: PLC0415

    assert isinstance(_cell(cell), str)
