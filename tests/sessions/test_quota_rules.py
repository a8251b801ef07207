"""Validating a quota table and picking the rule in force (services/sessions/quota_rules.py),
called directly: every bad cell is reported at once, each boundary of a rule on its right side."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.common.errors import InvalidArgument
from services.sessions.domain import EffecteurType, Product, QuotaKind, QuotaRule, QuotaTable, RuleDraft
from services.sessions.quota_rules import (
    INVALID_TABLE,
    effective_table,
    resolve,
    validate_rules,
    version_in_force,
)

MONDAY = datetime(2022, 3, 7, 7, tzinfo=UTC)


def product(product_id: str, **changes: object) -> Product:
    fields: dict[str, object] = {
        "id": product_id,
        "display_name": product_id,
        "unit": "flacon",
        "doses_per_unit": 10,
        "shelf_life_days": 30,
        "paediatric": False,
        "redistributable_to": (),
        "orderable_from": None,
        "orderable_until": None,
        "active": True,
        "display_order": 1,
    }
    return Product(**{**fields, **changes})  # type: ignore[arg-type]


CATALOGUE = {"moderna": product("moderna"), "pfizer-adult": product("pfizer-adult")}


def full_column(product_name: str = "products/moderna", kind: str = "UNLIMITED", **cell: object) -> list[RuleDraft]:
    """One rule per effecteur type for a product, médecin first."""
    return [RuleDraft(t.name, product_name, kind, **cell) for t in EffecteurType]  # type: ignore[arg-type]


def violations_of(drafts: list[RuleDraft]) -> list[tuple[str, str]]:
    with pytest.raises(InvalidArgument) as refused:
        validate_rules(drafts, CATALOGUE)
    return [(v.field, v.description) for v in refused.value.violations]


def with_cell(drafts: list[RuleDraft], index: int, cell: RuleDraft) -> list[RuleDraft]:
    return [cell if i == index else d for i, d in enumerate(drafts)]


def test_an_empty_table_is_refused_rather_than_publishing_nothing() -> None:
    assert violations_of([]) == [
        ("rules", "Le tableau de quotas est vide : donnez au moins un produit pour chaque type d'effecteur.")
    ]


def test_every_bad_cell_is_reported_at_once_not_only_the_first() -> None:
    drafts = full_column()
    drafts = with_cell(drafts, 0, RuleDraft("DENTISTE", "products/moderna", "UNLIMITED"))
    drafts = with_cell(drafts, 1, RuleDraft("PHARMACIEN", "products/moderna", "CAPPED", max_vials=0))
    drafts = with_cell(drafts, 2, RuleDraft("INFIRMIER", "products/moderna", "UNLIMITED", soft_threshold=-1))
    found = violations_of(drafts)
    assert ("rules[0].effecteur_type", "Type d'effecteur inconnu : « DENTISTE ».") in found
    assert ("rules[1].max_vials", "Le plafond doit être un nombre de flacons supérieur à 0.") in found
    assert ("rules[2].soft_threshold", "Le seuil d'alerte ne peut pas être négatif.") in found
    # The médecin row went missing with the unknown type: said too, in the same answer.
    assert ("rules", "Règles manquantes pour le produit moderna : MEDECIN.") in found


def test_a_cell_after_a_duplicate_is_still_checked() -> None:
    drafts = [*full_column(), RuleDraft("MEDECIN", "products/moderna", "NOT_OPEN"), *full_column("products/sputnik")]
    found = violations_of(drafts)
    assert ("rules[16].effecteur_type", "Règle en double pour médecin × moderna (déjà donnée en rules[0]).") in found
    assert ("rules[17].product", "Produit inconnu du catalogue : « sputnik ».") in found


def test_one_bad_cell_is_the_message_itself_several_are_summed_up() -> None:
    with pytest.raises(InvalidArgument) as one:
        validate_rules(with_cell(full_column(), 3, RuleDraft("SAGE_FEMME", "products/moderna", "CAPPED")), CATALOGUE)
    assert one.value.message == "Le plafond doit être un nombre de flacons supérieur à 0."
    with pytest.raises(InvalidArgument) as several:
        validate_rules(full_column(kind="CAPPED"), CATALOGUE)
    assert several.value.message == INVALID_TABLE
    assert len(several.value.violations) == len(EffecteurType)


@pytest.mark.parametrize("name", ["moderna", "products/", "products/Moderna", "product/moderna", "products/-x"])
def test_a_malformed_product_name_is_refused_with_the_expected_form(name: str) -> None:
    found = violations_of(full_column(name))
    assert found[0] == (
        "rules[0].product",
        f"Nom de produit invalide : « {name} » (attendu « products/identifiant »).",
    )


def test_a_csv_cell_names_the_bare_product_and_errors_point_at_the_cell() -> None:
    drafts = [RuleDraft(t.name, "moderna", "UNLIMITED", location=f"ligne {t.value + 1}") for t in EffecteurType]
    assert {r.product_id for r in validate_rules(drafts, CATALOGUE)} == {"moderna"}
    spoiled = with_cell(drafts, 0, RuleDraft("MEDECIN", "products/moderna", "UNLIMITED", location="ligne 2"))
    assert violations_of(spoiled)[0] == (
        "csv",
        "ligne 2 : Nom de produit invalide : « products/moderna » (attendu « products/identifiant »).",
    )


def test_a_product_name_may_carry_spaces_around_it() -> None:
    assert {r.product_id for r in validate_rules(full_column("  products/moderna "), CATALOGUE)} == {"moderna"}


def test_a_cap_of_exactly_one_vial_is_a_valid_cap() -> None:
    rules = validate_rules(full_column(kind="CAPPED", max_vials=1), CATALOGUE)
    assert {(r.kind, r.max_vials) for r in rules} == {(QuotaKind.CAPPED, 1)}


@pytest.mark.parametrize("kind", ["UNLIMITED", "NOT_OPEN"])
@pytest.mark.parametrize("max_vials", [1, -1])
def test_a_cap_on_a_rule_that_is_not_capped_is_refused(kind: str, max_vials: int) -> None:
    assert violations_of(with_cell(full_column(), 0, RuleDraft("MEDECIN", "products/moderna", kind, max_vials))) == [
        ("rules[0].max_vials", "Un plafond ne s'applique qu'à une règle plafonnée.")
    ]


def test_an_alert_threshold_of_exactly_one_vial_is_kept_on_an_unlimited_rule() -> None:
    rules = validate_rules(full_column(soft_threshold=1), CATALOGUE)
    assert {r.soft_threshold for r in rules} == {1}


@pytest.mark.parametrize("kind", ["CAPPED", "NOT_OPEN"])
def test_an_alert_threshold_of_one_vial_applies_only_to_an_unlimited_rule(kind: str) -> None:
    cell = RuleDraft("MEDECIN", "products/moderna", kind, max_vials=5 if kind == "CAPPED" else 0, soft_threshold=1)
    assert violations_of(with_cell(full_column(), 0, cell)) == [
        ("rules[0].soft_threshold", "Le seuil d'alerte ne s'applique qu'à une règle illimitée.")
    ]


def test_a_negative_alert_threshold_is_refused_whatever_the_rule() -> None:
    cell = RuleDraft("MEDECIN", "products/moderna", "NOT_OPEN", soft_threshold=-1)
    assert violations_of(with_cell(full_column(), 0, cell)) == [
        ("rules[0].soft_threshold", "Le seuil d'alerte ne peut pas être négatif.")
    ]


def test_missing_rows_are_listed_per_product_in_type_order() -> None:
    drafts = [*full_column()[2:], *full_column("products/pfizer-adult")[:-1]]
    found = violations_of(drafts)
    assert found == [
        ("rules", "Règles manquantes pour le produit moderna : MEDECIN, PHARMACIEN."),
        ("rules", f"Règles manquantes pour le produit pfizer-adult : {list(EffecteurType)[-1].name}."),
    ]


def test_valid_rules_come_back_sorted_by_type_then_product_with_their_values() -> None:
    drafts = [*full_column("products/pfizer-adult", "CAPPED", max_vials=3), *reversed(full_column(soft_threshold=2))]
    rules = validate_rules(drafts, CATALOGUE)
    assert [r.key for r in rules[:2]] == [(EffecteurType.MEDECIN, "moderna"), (EffecteurType.MEDECIN, "pfizer-adult")]
    assert rules[0] == QuotaRule(EffecteurType.MEDECIN, "moderna", QuotaKind.UNLIMITED, 0, 2)
    assert rules[1] == QuotaRule(EffecteurType.MEDECIN, "pfizer-adult", QuotaKind.CAPPED, 3, 0)


def table(version: int, published: datetime | None, *rules: QuotaRule) -> QuotaTable:
    return QuotaTable("2022-03-07", version, published, "operators/x", rules)


def test_the_version_in_force_is_the_latest_published_at_or_before_the_instant() -> None:
    v1, v2, v3 = table(1, MONDAY), table(2, MONDAY + timedelta(hours=1)), table(3, None)
    assert version_in_force([], MONDAY) is None
    assert version_in_force([v3, v2, v1], MONDAY - timedelta(seconds=1)) == v1  # before any: the first
    assert version_in_force([v2, v1, v3], MONDAY) == v1
    assert version_in_force([v3, v1, v2], MONDAY + timedelta(hours=1)) == v2
    assert version_in_force([v3, v1, v2], MONDAY + timedelta(days=1)) == v2


def test_a_cell_absent_from_the_table_or_without_a_table_is_not_open() -> None:
    moderna = CATALOGUE["moderna"]
    assert resolve(None, EffecteurType.PMI, moderna, MONDAY) == QuotaRule(
        EffecteurType.PMI, "moderna", QuotaKind.NOT_OPEN
    )
    published = table(1, MONDAY, QuotaRule(EffecteurType.MEDECIN, "moderna", QuotaKind.CAPPED, 4))
    assert resolve(published, EffecteurType.MEDECIN, moderna, MONDAY).max_vials == 4
    assert resolve(published, EffecteurType.PMI, moderna, MONDAY).kind is QuotaKind.NOT_OPEN


def test_a_product_not_yet_orderable_makes_its_rules_not_open_until_it_is() -> None:
    opens = MONDAY + timedelta(days=7)
    novavax = product("novavax", orderable_from=opens)
    rule = QuotaRule(EffecteurType.MEDECIN, "novavax", QuotaKind.UNLIMITED)
    unknown = QuotaRule(EffecteurType.MEDECIN, "gone", QuotaKind.UNLIMITED)
    later = MONDAY + timedelta(days=3)
    effective = effective_table(table(1, MONDAY, unknown, rule), {"novavax": novavax}, MONDAY, later)
    assert effective.at == MONDAY
    kept, closed = effective.table.rules
    assert kept == unknown  # a product gone from the catalogue keeps its rule as published
    # The closed rule is still the médecin × novavax cell, saying why.
    assert closed.key == (EffecteurType.MEDECIN, "novavax")
    assert closed.kind is QuotaKind.NOT_OPEN and closed.not_open_reason.startswith("Commandable à partir du")
    # Valid until the sooner of the next version and the product's opening.
    assert effective.valid_until == later
    assert effective_table(table(1, MONDAY, rule), {"novavax": novavax}, MONDAY, None).valid_until == opens
    assert effective_table(table(1, MONDAY, rule), {"novavax": novavax}, opens, None).table.rules == (rule,)
