"""services/common/psc_claims.py: what a PSC identity may act for (cases tests/auth/test_principal.py leaves out)."""

from __future__ import annotations

from typing import Any

import pytest

from services.common.psc_claims import (
    ROLE_EFFECTEUR,
    ROLE_OPERATOR,
    exercices_of,
    own_record,
    principal_from_claims,
)


@pytest.mark.parametrize(
    ("national_id", "record"),
    [
        ("899700000013", "effecteurs/rpps:99700000013"),
        ("0751234567", "effecteurs/adeli:751234567"),
        ("8", None),
        ("0", None),
        ("3123", None),
        ("", None),
    ],
)
def test_the_own_record_comes_from_the_national_id_prefix(national_id: str, record: str | None) -> None:
    assert own_record(national_id) == record


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"SubjectRefPro": "not a mapping"},
        {"SubjectRefPro": {"exercices": None}},
        {"SubjectRefPro": {"exercices": ["not a mapping", 3]}},
    ],
)
def test_malformed_professional_data_has_no_exercice(claims: dict[str, Any]) -> None:
    assert exercices_of(claims) == []


def test_names_and_profession_are_read_trimmed() -> None:
    claims = {
        "SubjectNameID": " 810000000001 ",
        "given_name": " Jeanne ",
        "family_name": " Martin ",
        "SubjectRefPro": {"exercices": [{"codeProfession": "60", "activities": []}]},
    }
    principal = principal_from_claims(claims, operators=())
    assert (principal.national_id, principal.given_name, principal.family_name) == ("810000000001", "Jeanne", "Martin")
    assert principal.profession_code == "60"
    assert principal.roles == frozenset({ROLE_EFFECTEUR})
    assert principal.acts_for == ("effecteurs/rpps:10000000001",)


def test_an_operator_who_is_also_a_professional_keeps_both_roles() -> None:
    claims = {
        "SubjectNameID": "810000000001",
        "SubjectRefPro": {"exercices": [{"codeProfession": "60", "activities": []}]},
    }
    principal = principal_from_claims(claims, operators=["810000000001"])
    assert principal.roles == frozenset({ROLE_EFFECTEUR, ROLE_OPERATOR})
    assert principal.explanation == ""


def test_an_identity_with_no_right_is_told_why_in_french() -> None:
    principal = principal_from_claims({"SubjectNameID": "810000000001"}, operators=())
    assert principal.roles == frozenset()
    assert principal.acts_for == ()
    assert "aucune officine" in principal.explanation
