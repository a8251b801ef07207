"""RPPS, ADELI, FINESS and SIRET checks: the dataset's numbers pass, a typo never does."""

from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.effecteurs import identifiers
from services.effecteurs.identifiers import IdKind


def one_digit_changes(number: str):  # type: ignore[no-untyped-def]
    """Every number that differs from `number` by exactly one digit."""
    for position, char in enumerate(number):
        if char.isdigit():
            for digit in "0123456789":
                if digit != char:
                    yield number[:position] + digit + number[position + 1 :]


def dataset_numbers(dataset: dict) -> list[tuple[IdKind, str]]:
    numbers = [(IdKind.FINESS, o["finess"]) for o in dataset["officines"]]
    for effecteur in dataset["effecteurs"]:
        kind, _, value = effecteur["id"].partition(":")
        numbers.append((IdKind(kind), value))
    numbers += [(IdKind.RPPS, i["rpps"]) for i in dataset["identities"]]
    return numbers


def test_every_number_of_the_dataset_is_valid(dataset: dict) -> None:
    numbers = dataset_numbers(dataset)
    assert {kind for kind, _ in numbers} == {IdKind.RPPS, IdKind.FINESS, IdKind.SIRET}
    for kind, value in numbers:
        assert identifiers.check(kind, value, "identifier").value == value


def test_changing_any_one_digit_of_a_dataset_number_makes_it_invalid(dataset: dict) -> None:
    for kind, value in dataset_numbers(dataset):
        for typo in one_digit_changes(value):
            with pytest.raises(InvalidArgument) as caught:
                identifiers.check(kind, typo, "identifier")
            assert caught.value.violations[0].field == "identifier"
            assert "clé de contrôle" in caught.value.message
            assert identifiers.LABELS[kind] in caught.value.message


def test_psc_national_ids_of_the_dataset_map_to_their_rpps_and_a_typo_fails(dataset: dict) -> None:
    for identity in dataset["identities"]:
        identifier = identifiers.from_national_id(identity["SubjectNameID"], "national_id")
        assert identifier == identifiers.Identifier(IdKind.RPPS, identity["rpps"])
        assert identifier.resource == f"effecteurs/rpps:{identity['rpps']}"
        for typo in one_digit_changes(identity["SubjectNameID"][1:]):
            with pytest.raises(InvalidArgument):
                identifiers.from_national_id("8" + typo, "national_id")


def test_adeli_national_id_maps_to_adeli_with_a_format_check_only() -> None:
    assert identifiers.from_national_id("0751234567", "id") == identifiers.Identifier(IdKind.ADELI, "751234567")
    assert identifiers.from_national_id("02A1234567", "id") == identifiers.Identifier(IdKind.ADELI, "2A1234567")
    for bad in ("07512345", "07512345678", "0ABC123456"):
        with pytest.raises(InvalidArgument):
            identifiers.from_national_id(bad, "id")
    with pytest.raises(InvalidArgument, match="commence par 8 \\(RPPS\\) ou 0 \\(ADELI\\)"):
        identifiers.from_national_id("199700000013", "id")


@pytest.mark.parametrize(
    ("kind", "typed", "normalised"),
    [
        (IdKind.RPPS, "997 0000 0104", "99700000104"),
        (IdKind.ADELI, "75 1 23456 7", "751234567"),
        (IdKind.ADELI, "2a1234567", "2A1234567"),
        (IdKind.FINESS, " 759900111 ", "759900111"),
        # Corsica: letters, so format only (no Luhn key to check).
        (IdKind.FINESS, "2A0000019", "2A0000019"),
        (IdKind.FINESS, "2b9999999", "2B9999999"),
        (IdKind.SIRET, "900 000 099 01076", "90000009901076"),
        # La Poste: digit sum multiple of 5 instead of Luhn (this one fails Luhn).
        (IdKind.SIRET, "35600000000010", "35600000000010"),
        # La Poste's head office keeps a Luhn key.
        (IdKind.SIRET, "35600000000048", "35600000000048"),
    ],
)
def test_valid_numbers_are_accepted_normalised(kind: IdKind, typed: str, normalised: str) -> None:
    assert identifiers.check(kind, typed, "identifier").value == normalised


@pytest.mark.parametrize(
    ("kind", "typed", "words"),
    [
        (IdKind.RPPS, "9970000010", "11 chiffres"),
        (IdKind.RPPS, "997000001041", "11 chiffres"),
        (IdKind.RPPS, "9970000010A", "11 chiffres"),
        (IdKind.RPPS, "99700000105", "clé de contrôle"),
        (IdKind.ADELI, "75123456", "9 caractères"),
        (IdKind.ADELI, "AB1234567", "9 caractères"),
        (IdKind.FINESS, "75990011", "9 caractères"),
        (IdKind.FINESS, "7599001110", "9 caractères"),
        (IdKind.FINESS, "759900112", "clé de contrôle"),
        (IdKind.FINESS, "2A00000X9", "9 caractères"),
        (IdKind.SIRET, "9000000990107", "14 chiffres"),
        (IdKind.SIRET, "90000009901077", "clé de contrôle"),
        (IdKind.SIRET, "35600000000012", "clé de contrôle"),
    ],
)
def test_invalid_numbers_are_refused_with_a_french_message_naming_the_field(
    kind: IdKind, typed: str, words: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        identifiers.check(kind, typed, "identifier")
    error = caught.value
    assert words in error.message
    assert f"numéro {identifiers.LABELS[kind]}" in error.message
    assert [v.field for v in error.violations] == ["identifier"]
    assert error.reason == "INVALID_IDENTIFIER"


def test_luhn_is_the_standard_key() -> None:
    assert identifiers.luhn_valid("79927398713")
    assert not identifiers.luhn_valid("79927398710")


def test_resource_names_are_parsed_and_checked() -> None:
    assert identifiers.parse_effecteur_name("effecteurs/siret:90000009901076", "name").key == "siret:90000009901076"
    assert identifiers.parse_officine_name("officines/759900111", "parent") == "759900111"
    for bad in ("effecteurs/rpps:99700000105", "effecteurs/nir:123", "rpps:99700000104", "effecteurs/99700000104"):
        with pytest.raises(InvalidArgument):
            identifiers.parse_effecteur_name(bad, "name")
    with pytest.raises(InvalidArgument):
        identifiers.parse_officine_name("officines/759900112", "parent")


@pytest.mark.parametrize(
    ("postal_code", "department"),
    [
        ("75020", "75"),
        ("01000", "01"),
        ("69002", "69"),
        ("20000", "2A"),
        ("20167", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97100", "971"),
        ("97400", "974"),
        ("98800", "988"),
    ],
)
def test_department_follows_from_the_postal_code(postal_code: str, department: str) -> None:
    assert identifiers.department_from_postal_code(postal_code) == department


@pytest.mark.parametrize("postal_code", ["7502", "750201", "7502A", "20700", "00100"])
def test_impossible_postal_codes_are_refused(postal_code: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        identifiers.department_from_postal_code(postal_code, "officine.postal_code")
    assert caught.value.violations[0].field == "officine.postal_code"


def _look_alikes(ascii_number: str) -> list[str]:
    """The same number in Arabic-Indic and full-width digits, and with one digit swapped."""
    arabic = ascii_number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    full_width = ascii_number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return [arabic, full_width, "٩" + ascii_number[1:]]


@pytest.mark.parametrize(
    ("kind", "number"),
    [(IdKind.RPPS, "99700000104"), (IdKind.FINESS, "759900111"), (IdKind.ADELI, "759900111")],
)
def test_identifiers_written_with_non_ascii_digits_are_refused_on_the_field(kind: IdKind, number: str) -> None:
    identifiers.check(kind, number, "identifier")  # the ASCII spelling is valid
    for look_alike in _look_alikes(number):
        with pytest.raises(InvalidArgument) as caught:
            identifiers.check(kind, look_alike, "identifier")
        assert caught.value.violations[0].field == "identifier"


def test_a_siret_written_with_full_width_digits_is_refused() -> None:
    with pytest.raises(InvalidArgument):
        identifiers.check(IdKind.SIRET, "３５６０００００００００４８", "identifier")


@pytest.mark.parametrize("postal_code", ["٧٥٠٢٠", "７５０２０", "2０200"])
def test_a_postal_code_with_non_ascii_digits_is_refused(postal_code: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        identifiers.department_from_postal_code(postal_code)
    assert caught.value.violations[0].field == "postal_code"


def refusal(call) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument) as caught:
        call()
    [violation] = caught.value.violations
    return violation.field, violation.description


@pytest.mark.parametrize(
    ("call", "description"),
    [
        (
            lambda f: identifiers.parse_key("nir:123", f),
            "Identifiant « nir:123 » incompréhensible : attendu rpps:…, adeli:…, finess:… ou siret:….",
        ),
        (
            lambda f: identifiers.parse_key("rpps:99700000105", f),
            "Le numéro RPPS 99700000105 n'est pas valide : sa clé de contrôle est fausse.",
        ),
        (
            lambda f: identifiers.parse_effecteur_name("rpps:99700000104", f),
            "Nom d'effecteur « rpps:99700000104 » invalide : attendu effecteurs/rpps:… (ou adeli, finess, siret).",
        ),
        (
            lambda f: identifiers.parse_effecteur_name("effecteurs/rpps:1", f),
            "Le numéro RPPS doit comporter 11 chiffres (reçu : « 1 »).",
        ),
        (
            lambda f: identifiers.parse_officine_name("759900111", f),
            "Nom d'officine « 759900111 » invalide : attendu officines/<FINESS>.",
        ),
        (
            lambda f: identifiers.parse_officine_name("officines/759900112", f),
            "Le numéro FINESS 759900112 n'est pas valide : sa clé de contrôle est fausse.",
        ),
        (
            lambda f: identifiers.from_national_id("81", f),
            "Le numéro RPPS doit comporter 11 chiffres (reçu : « 1 »).",
        ),
        (
            lambda f: identifiers.from_national_id("0ABC", f),
            "Le numéro ADELI doit comporter 9 caractères : le département puis 7 chiffres (reçu : « ABC »).",
        ),
        (
            lambda f: identifiers.from_national_id("999700000104", f),
            "Identifiant national « 999700000104 » invalide : il commence par 8 (RPPS) ou 0 (ADELI).",
        ),
        (
            lambda f: identifiers.department_from_postal_code("7502", f),
            "Le code postal doit comporter 5 chiffres (reçu : « 7502 »).",
        ),
        (
            lambda f: identifiers.department_from_postal_code("20700", f),
            "Le code postal 20700 n'existe pas en Corse.",
        ),
        (lambda f: identifiers.department_from_postal_code("00100", f), "Le code postal 00100 n'existe pas."),
    ],
)
def test_every_refusal_names_the_caller_s_field_and_says_why_in_french(call, description: str) -> None:  # type: ignore[no-untyped-def]
    assert refusal(lambda: call("effecteur.identifier")) == ("effecteur.identifier", description)


def test_a_key_splits_at_its_first_colon_so_a_colon_in_the_number_is_a_bad_number() -> None:
    assert refusal(lambda: identifiers.parse_key("rpps:9970000010:4", "key")) == (
        "key",
        "Le numéro RPPS doit comporter 11 chiffres (reçu : « 9970000010:4 »).",
    )
