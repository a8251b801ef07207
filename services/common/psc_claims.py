"""ProSantéConnect identities: "who acts for what", from the PSC claims.

A PSC access token (or the userinfo answer) carries the professional's
national id and their exercices and activities (SubjectRefPro). This module
maps them to a Principal: the officines a titulaire orders for, the effecteur
records a professional acts for, and the operators' role. No I/O: token
validation is services/common/psc_tokens.py.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from services.common.context import Principal

ROLE_OFFICINE = "OFFICINE"
ROLE_EFFECTEUR = "EFFECTEUR"
ROLE_OPERATOR = "OPERATOR"
ROLE_SUPPORT = "SUPPORT"

PHARMACIEN = "21"
# Sections of the Ordre des pharmaciens that work in an officine: A titulaires, D adjoints and others.
SECTION_TITULAIRE = "A"
SECTION_ADJOINT = "D"
# TRE_R02 sector "Pharmacie d'officine": such a site is never an effecteur establishment.
SECTEUR_OFFICINE = "SA33"


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def exercices_of(claims: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    ref = claims.get("SubjectRefPro")
    if not isinstance(ref, Mapping):
        return []
    return [e for e in ref.get("exercices") or () if isinstance(e, Mapping)]


def _activities(exercice: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [a for a in exercice.get("activities") or () if isinstance(a, Mapping)]


def own_record(national_id: str) -> str | None:
    """The effecteur record of a professional: SubjectNameID is "8"+RPPS or "0"+ADELI."""
    if national_id.startswith("8") and len(national_id) > 1:
        return f"effecteurs/rpps:{national_id[1:]}"
    if national_id.startswith("0") and len(national_id) > 1:
        return f"effecteurs/adeli:{national_id[1:]}"
    return None


def principal_from_claims(
    claims: Mapping[str, Any], operators: Collection[str], support_agents: Collection[str] = ()
) -> Principal:
    """Map PSC claims (access token or userinfo) to what the user may act for.

    - pharmacien with a section A activity at an officine FINESS: OFFICINE for it;
    - pharmacien whose officine activities are all section D (adjoint): nothing, with
      the French reason (only titulaires order for the officine, as in the real service);
    - any other professional: EFFECTEUR for their own record, plus each establishment
      (FINESS site, else SIRET site) they have an activity at;
    - SubjectNameID on the operators allow-list: OPERATOR as well;
    - SubjectNameID on the support agents allow-list: SUPPORT as well.
    """
    national_id = _text(claims.get("SubjectNameID"))
    exercices = exercices_of(claims)
    profession = _text(exercices[0].get("codeProfession")) if exercices else ""
    roles: set[str] = set()
    acts_for: list[str] = []
    explanation = ""

    def add(resource: str) -> None:
        if resource not in acts_for:
            acts_for.append(resource)

    officine_sites: list[str] = []
    adjoint_sites: list[Mapping[str, Any]] = []
    establishments: list[str] = []
    for exercice in exercices:
        pharmacien = _text(exercice.get("codeProfession")) == PHARMACIEN
        for activity in _activities(exercice):
            section = _text(activity.get("codeSectionPharmacien")).upper()
            finess = _text(activity.get("numeroFinessSite"))
            siret = _text(activity.get("numeroSiretSite"))
            if pharmacien and section == SECTION_TITULAIRE and finess:
                officine_sites.append(finess)
            elif pharmacien and section == SECTION_ADJOINT:
                adjoint_sites.append(activity)
            elif _text(activity.get("codeSecteurDactivite")) == SECTEUR_OFFICINE or section in (
                SECTION_TITULAIRE,
                SECTION_ADJOINT,
            ):
                continue  # an officine is never an effecteur establishment
            elif finess:
                establishments.append(f"effecteurs/finess:{finess}")
            elif siret:
                establishments.append(f"effecteurs/siret:{siret}")

    if officine_sites:
        roles.add(ROLE_OFFICINE)
        for finess in officine_sites:
            add(f"officines/{finess}")
    elif adjoint_sites:
        site = adjoint_sites[0]
        name = _text(site.get("raisonSocialeSite")) or "l'officine"
        finess = _text(site.get("numeroFinessSite"))
        where = f"{name} (FINESS {finess})" if finess else name
        explanation = (
            "Seuls les pharmaciens titulaires peuvent commander pour l'officine. "
            f"Votre carte CPS vous identifie comme pharmacien adjoint de {where} : "
            "demandez au titulaire de passer les commandes."
        )
    elif exercices:
        record = own_record(national_id)
        if record is not None:
            roles.add(ROLE_EFFECTEUR)
            add(record)
        for resource in establishments:
            roles.add(ROLE_EFFECTEUR)
            add(resource)

    if national_id and national_id in operators:
        roles.add(ROLE_OPERATOR)
    if national_id and national_id in support_agents:
        roles.add(ROLE_SUPPORT)
    if roles:
        explanation = ""
    elif not explanation:
        explanation = (
            "Votre identité Pro Santé Connect ne correspond à aucune officine ni à aucun "
            "effecteur autorisé à commander des vaccins."
        )
    return Principal(
        national_id=national_id,
        given_name=_text(claims.get("given_name")),
        family_name=_text(claims.get("family_name")),
        profession_code=profession,
        roles=frozenset(roles),
        acts_for=tuple(acts_for),
        explanation=explanation,
    )
