"""National identifiers of officines and effecteurs: RPPS, ADELI, FINESS, SIRET.

Each check normalises what a user typed (spaces removed, letters upper-cased)
and raises InvalidArgument naming the field, in French. Written here rather
than taken from python-stdnum: stdnum knows SIRET but neither RPPS, ADELI nor
FINESS, and the Luhn key is ten lines.

- RPPS: 11 digits, Luhn key over all 11.
- ADELI: 9 characters; no public key algorithm, so a format check only.
- FINESS: 9 characters; Luhn over the 9 digits when all are digits. Numbers
  carrying a letter (Corsica "2A"/"2B", old overseas codes "9A"...) get the
  format check only.
- SIRET: 14 digits, Luhn key; La Poste establishments (SIREN 356000000) use
  a digit sum that is a multiple of 5 instead, except its head office.
- PSC national ids (SubjectNameID): "8" + RPPS, or "0" + ADELI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from services.common.errors import InvalidArgument
from services.common.text import is_ascii_digits


class IdKind(StrEnum):
    RPPS = "rpps"
    ADELI = "adeli"
    FINESS = "finess"
    SIRET = "siret"


LABELS = {IdKind.RPPS: "RPPS", IdKind.ADELI: "ADELI", IdKind.FINESS: "FINESS", IdKind.SIRET: "SIRET"}

_ELEVEN_DIGITS = re.compile(r"[0-9]{11}")
_FOURTEEN_DIGITS = re.compile(r"[0-9]{14}")
# Département (2 digits, "2A"/"2B", or an old overseas "9A".."9F") then 7 digits.
_NINE_CHARACTERS = re.compile(r"[0-9][0-9A-Z][0-9]{7}")
_LA_POSTE_SIREN = "356000000"
# La Poste's head office keeps an ordinary Luhn key.
_LA_POSTE_HEAD_OFFICE = "35600000000048"


@dataclass(frozen=True, order=True)
class Identifier:
    """A checked identifier: `key` is "rpps:99700000104", `resource` is "effecteurs/rpps:..."."""

    kind: IdKind
    value: str

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.value}"

    @property
    def resource(self) -> str:
        return f"effecteurs/{self.key}"

    @property
    def is_professional(self) -> bool:
        return self.kind in (IdKind.RPPS, IdKind.ADELI)


def luhn_valid(digits: str) -> bool:
    """True when the Luhn key of this string of digits is right."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise(raw: str) -> str:
    """What a user typed, without spaces, dots or dashes, letters upper-cased."""
    return re.sub(r"[\s.\-]", "", raw).upper()


def _invalid(field: str, message: str) -> InvalidArgument:
    return InvalidArgument.field(field, message, reason="INVALID_IDENTIFIER")


def check_rpps(raw: str, field: str) -> str:
    value = normalise(raw)
    if not _ELEVEN_DIGITS.fullmatch(value):
        raise _invalid(field, f"Le numéro RPPS doit comporter 11 chiffres (reçu : « {raw} »).")
    if not luhn_valid(value):
        raise _invalid(field, f"Le numéro RPPS {value} n'est pas valide : sa clé de contrôle est fausse.")
    return value


def check_adeli(raw: str, field: str) -> str:
    value = normalise(raw)
    if not _NINE_CHARACTERS.fullmatch(value):
        raise _invalid(
            field,
            f"Le numéro ADELI doit comporter 9 caractères : le département puis 7 chiffres (reçu : « {raw} »).",
        )
    return value


def check_finess(raw: str, field: str) -> str:
    value = normalise(raw)
    if not _NINE_CHARACTERS.fullmatch(value):
        raise _invalid(
            field,
            f"Le numéro FINESS doit comporter 9 caractères : le département puis 7 chiffres (reçu : « {raw} »).",
        )
    if is_ascii_digits(value) and not luhn_valid(value):
        raise _invalid(field, f"Le numéro FINESS {value} n'est pas valide : sa clé de contrôle est fausse.")
    return value


def siret_key_valid(value: str) -> bool:
    if value.startswith(_LA_POSTE_SIREN) and value != _LA_POSTE_HEAD_OFFICE:
        return sum(int(c) for c in value) % 5 == 0
    return luhn_valid(value)


def check_siret(raw: str, field: str) -> str:
    value = normalise(raw)
    if not _FOURTEEN_DIGITS.fullmatch(value):
        raise _invalid(field, f"Le numéro SIRET doit comporter 14 chiffres (reçu : « {raw} »).")
    if not siret_key_valid(value):
        raise _invalid(field, f"Le numéro SIRET {value} n'est pas valide : sa clé de contrôle est fausse.")
    return value


_CHECKS = {IdKind.RPPS: check_rpps, IdKind.ADELI: check_adeli, IdKind.FINESS: check_finess, IdKind.SIRET: check_siret}


def check(kind: IdKind, raw: str, field: str) -> Identifier:
    return Identifier(kind, _CHECKS[kind](raw, field))


def parse_key(key: str, field: str) -> Identifier:
    """ "rpps:99700000104" -> Identifier, checked."""
    prefix, sep, value = key.partition(":")
    try:
        kind = IdKind(prefix.strip().lower())
    except ValueError:
        kind = None
    if not sep or kind is None:
        raise _invalid(
            field,
            f"Identifiant « {key} » incompréhensible : attendu rpps:…, adeli:…, finess:… ou siret:….",
        )
    return check(kind, value, field)


def parse_effecteur_name(name: str, field: str) -> Identifier:
    """ "effecteurs/rpps:99700000104" -> Identifier, checked."""
    if not name.startswith("effecteurs/"):
        raise InvalidArgument.field(
            field, f"Nom d'effecteur « {name} » invalide : attendu effecteurs/rpps:… (ou adeli, finess, siret)."
        )
    return parse_key(name.removeprefix("effecteurs/"), field)


def parse_officine_name(name: str, field: str) -> str:
    """ "officines/759900111" -> its FINESS, checked."""
    if not name.startswith("officines/"):
        raise InvalidArgument.field(field, f"Nom d'officine « {name} » invalide : attendu officines/<FINESS>.")
    return check_finess(name.removeprefix("officines/"), field)


def from_national_id(national_id: str, field: str) -> Identifier:
    """A PSC SubjectNameID: "8" + RPPS, or "0" + ADELI."""
    value = normalise(national_id)
    if value.startswith("8"):
        return Identifier(IdKind.RPPS, check_rpps(value[1:], field))
    if value.startswith("0"):
        return Identifier(IdKind.ADELI, check_adeli(value[1:], field))
    raise _invalid(
        field,
        f"Identifiant national « {national_id} » invalide : il commence par 8 (RPPS) ou 0 (ADELI).",
    )


def department_from_postal_code(postal_code: str, field: str = "postal_code") -> str:
    """ "75020" -> "75"; Corsica 200xx-201xx -> "2A", 202xx-206xx -> "2B"; overseas 97x/98x -> 3 digits."""
    value = postal_code.strip()
    if not re.fullmatch(r"[0-9]{5}", value):
        raise InvalidArgument.field(field, f"Le code postal doit comporter 5 chiffres (reçu : « {postal_code} »).")
    if value.startswith("20"):
        prefix = int(value[:3])
        if prefix in (200, 201):
            return "2A"
        if 202 <= prefix <= 206:
            return "2B"
        raise InvalidArgument.field(field, f"Le code postal {value} n'existe pas en Corse.")
    if value.startswith(("97", "98")):
        return value[:3]
    if value.startswith("00"):
        raise InvalidArgument.field(field, f"Le code postal {value} n'existe pas.")
    return value[:2]
