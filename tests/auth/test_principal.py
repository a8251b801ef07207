"""Who acts for what: principal_from_claims on PSC claims."""

from __future__ import annotations

from typing import Any

import pytest

from services.common.psc_claims import principal_from_claims


def claims(national_id: str, profession: str, *activities: dict[str, str]) -> dict[str, Any]:
    return {
        "SubjectNameID": national_id,
        "given_name": "Jean",
        "family_name": "Test",
        "SubjectRefPro": {"exercices": [{"codeProfession": profession, "activities": list(activities)}]},
    }


def activity(**fields: str) -> dict[str, str]:
    return {
        "codeSecteurDactivite": "",
        "codeSectionPharmacien": "",
        "numeroFinessSite": "",
        "numeroSiretSite": "",
        "raisonSocialeSite": "",
        **fields,
    }


EXPECTED = {
    "899700000013": ({"OFFICINE"}, ("officines/759900111",)),
    "899700000021": ({"OFFICINE"}, ("officines/699900122",)),
    "899700000039": ({"OFFICINE"}, ("officines/139900138",)),
    "899700000047": (set(), ()),
    "899700000104": ({"EFFECTEUR"}, ("effecteurs/rpps:99700000104",)),
    "899700000112": ({"EFFECTEUR"}, ("effecteurs/rpps:99700000112",)),
    "899700000120": ({"EFFECTEUR"}, ("effecteurs/rpps:99700000120",)),
    "899700000138": ({"EFFECTEUR"}, ("effecteurs/rpps:99700000138",)),
    "899700000146": ({"EFFECTEUR"}, ("effecteurs/rpps:99700000146",)),
    "899700000153": ({"EFFECTEUR"}, ("effecteurs/rpps:99700000153",)),
    "899700000161": ({"EFFECTEUR"}, ("effecteurs/rpps:99700000161", "effecteurs/finess:759901010")),
    "899700000179": ({"EFFECTEUR"}, ("effecteurs/rpps:99700000179", "effecteurs/finess:759901028")),
    "899700000906": ({"EFFECTEUR", "OPERATOR"}, ("effecteurs/rpps:99700000906",)),
}


def test_every_dataset_identity_gets_what_it_may_act_for(psc) -> None:
    assert set(EXPECTED) == set(psc.identities)
    for national_id, identity in psc.identities.items():
        principal = principal_from_claims(identity.userinfo(), psc.operators)
        roles, acts_for = EXPECTED[national_id]
        assert principal.national_id == national_id
        assert set(principal.roles) == roles, national_id
        assert principal.acts_for == acts_for, national_id
        assert principal.profession_code == identity.profession_code
        assert (principal.given_name, principal.family_name) == (identity.given_name, identity.family_name)
        assert bool(principal.explanation) == (not roles), national_id


def test_adjoint_pharmacist_gets_no_officine_and_a_french_reason() -> None:
    principal = principal_from_claims(
        claims(
            "899700000047",
            "21",
            activity(
                codeSecteurDactivite="SA33",
                codeSectionPharmacien="D",
                numeroFinessSite="759900111",
                raisonSocialeSite="Pharmacie des Lilas",
            ),
        ),
        operators=[],
    )
    assert principal.roles == frozenset()
    assert principal.acts_for == ()
    assert "Seuls les pharmaciens titulaires peuvent commander pour l'officine" in principal.explanation
    assert "Pharmacie des Lilas (FINESS 759900111)" in principal.explanation


def test_adeli_professional_acts_for_their_adeli_record() -> None:
    principal = principal_from_claims(claims("0751234567", "60", activity(codeSecteurDactivite="SA07")), [])
    assert principal.roles == {"EFFECTEUR"}
    assert principal.acts_for == ("effecteurs/adeli:751234567",)


def test_establishment_known_only_by_siret_is_acted_for_by_siret() -> None:
    principal = principal_from_claims(
        claims("899700000500", "60", activity(codeSecteurDactivite="SA29", numeroSiretSite="90000009901076")), []
    )
    assert principal.acts_for == ("effecteurs/rpps:99700000500", "effecteurs/siret:90000009901076")


def test_finess_site_wins_over_siret_for_an_establishment() -> None:
    principal = principal_from_claims(
        claims("899700000500", "10", activity(numeroFinessSite="759901010", numeroSiretSite="90000009901076")), []
    )
    assert principal.acts_for == ("effecteurs/rpps:99700000500", "effecteurs/finess:759901010")


def test_a_pharmacy_site_is_never_an_effecteur_establishment() -> None:
    # A médecin listed at an officine's FINESS (e.g. a vaccination room) does not act for the officine.
    principal = principal_from_claims(
        claims("899700000501", "10", activity(codeSecteurDactivite="SA33", numeroFinessSite="759900111")), []
    )
    assert principal.acts_for == ("effecteurs/rpps:99700000501",)


def test_titulaire_of_two_officines_acts_for_both() -> None:
    principal = principal_from_claims(
        claims(
            "899700000502",
            "21",
            activity(codeSectionPharmacien="A", numeroFinessSite="759900111"),
            activity(codeSectionPharmacien="D", numeroFinessSite="699900122"),
            activity(codeSectionPharmacien="A", numeroFinessSite="139900138"),
        ),
        [],
    )
    assert principal.roles == {"OFFICINE"}
    assert principal.acts_for == ("officines/759900111", "officines/139900138")


def test_hospital_pharmacist_is_an_effecteur_for_themselves_and_their_establishment() -> None:
    principal = principal_from_claims(
        claims("899700000503", "21", activity(codeSectionPharmacien="H", numeroFinessSite="750000001")), []
    )
    assert principal.roles == {"EFFECTEUR"}
    assert principal.acts_for == ("effecteurs/rpps:99700000503", "effecteurs/finess:750000001")


def test_operator_without_professional_record_is_only_an_operator() -> None:
    principal = principal_from_claims({"SubjectNameID": "899700000906"}, operators=["899700000906"])
    assert principal.roles == {"OPERATOR"}
    assert principal.acts_for == ()
    assert principal.explanation == ""


@pytest.mark.parametrize("ref", [None, "texte", {"exercices": "x"}, {"exercices": [None, 3]}])
def test_missing_or_malformed_professional_data_grants_nothing(ref: object) -> None:
    principal = principal_from_claims({"SubjectNameID": "899700000104", "SubjectRefPro": ref}, operators=[])
    assert principal.roles == frozenset()
    assert principal.acts_for == ()
    assert "ne correspond à aucune officine" in principal.explanation


def test_support_agents_are_allow_listed_and_may_be_nothing_else(psc) -> None:  # type: ignore[no-untyped-def]
    adjoint = psc.identities["899700000047"].userinfo()  # acts for no officine on his own
    assert principal_from_claims(adjoint, psc.operators).roles == frozenset()
    agent = principal_from_claims(adjoint, psc.operators, ["899700000047"])
    assert agent.roles == frozenset({"SUPPORT"}) and agent.is_support_agent
    assert agent.explanation == ""  # a role: the service is open to him
    assert not agent.is_operator and agent.acts_for == ()
