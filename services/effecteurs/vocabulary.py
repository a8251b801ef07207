"""Words of the domain: effecteur kinds and types, and how users may write them."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from services.common.errors import InvalidArgument
from services.common.vocabulary import TYPE_LABELS


class EffecteurKind(StrEnum):
    PROFESSIONAL = "PROFESSIONAL"
    ESTABLISHMENT = "ESTABLISHMENT"
    # The officine itself, ordering for its own needs as PHARMACIEN.
    OFFICINE = "OFFICINE"


PROFESSIONAL_TYPES = frozenset({"MEDECIN", "PHARMACIEN", "INFIRMIER", "SAGE_FEMME", "CHIRURGIEN_DENTISTE"})
ESTABLISHMENT_TYPES = frozenset(TYPE_LABELS) - PROFESSIONAL_TYPES
OFFICINE_TYPE = "PHARMACIEN"
# Actor recorded for attachments loaded from the previous portal.
MIGRATION_ACTOR = "migration"


def search_text(text: str) -> str:
    """Lower case without accents, for "name contains" filters ("Traoré" -> "traore")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def parse_type(raw: str, field: str) -> str:
    """ "MEDECIN", "EFFECTEUR_TYPE_MEDECIN", "médecin", "Sage-femme"... -> the type code."""
    code = search_text(raw).strip().upper().replace("-", "_").replace(" ", "_").removeprefix("EFFECTEUR_TYPE_")
    if code in TYPE_LABELS:
        return code
    for known, label in TYPE_LABELS.items():
        if search_text(label) == search_text(raw).strip():
            return known
    raise InvalidArgument.field(
        field,
        f"Type d'effecteur « {raw} » inconnu : attendu l'un de {', '.join(sorted(TYPE_LABELS))}.",
        reason="UNKNOWN_EFFECTEUR_TYPE",
    )


def kind_for_type(type_code: str) -> EffecteurKind:
    return EffecteurKind.PROFESSIONAL if type_code in PROFESSIONAL_TYPES else EffecteurKind.ESTABLISHMENT


def check_type_matches_identifier(type_code: str, is_professional_identifier: bool, field: str) -> None:
    """RPPS/ADELI numbers are people; FINESS/SIRET numbers are places."""
    if is_professional_identifier and type_code not in PROFESSIONAL_TYPES:
        raise InvalidArgument.field(
            field,
            f"Un numéro RPPS ou ADELI désigne un professionnel : le type « {TYPE_LABELS[type_code]} » "
            "est celui d'un établissement.",
            reason="TYPE_MISMATCH",
        )
    if not is_professional_identifier and type_code not in ESTABLISHMENT_TYPES:
        raise InvalidArgument.field(
            field,
            f"Un numéro FINESS ou SIRET désigne un établissement : le type « {TYPE_LABELS[type_code]} » "
            "est celui d'un professionnel.",
            reason="TYPE_MISMATCH",
        )
