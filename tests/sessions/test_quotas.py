"""Quota tables on the service layer: the rule in force, versions, validation."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from services.common.errors import InvalidArgument, PermissionDenied
from services.sessions.domain import EffecteurType, ProductDraft, QuotaKind, RuleDraft, SessionDraft
from services.sessions.service import SessionsService
from tests.sessions.conftest import OFFICINE_CALLER, OPERATOR_CALLER, paris

REFERENCE = "sessions/2022-03-07"
DURING_REFERENCE = paris(2022, 3, 7, 10, 0)


def reference_drafts(
    dataset: dict, *, products: tuple[str, ...] = ("moderna", "pfizer-adult", "pfizer-pediatric")
) -> list[RuleDraft]:
    return [
        RuleDraft(r["effecteur_type"], f"products/{r['product']}", r["kind"])
        for r in dataset["quota_tables"]["2022-03-07"]
        if r["product"] in products
    ]


async def resolve(service: SessionsService, effecteur_type: str, product: str, at=DURING_REFERENCE, session=REFERENCE):  # type: ignore[no-untyped-def]
    return (await service.quotas.resolve(OFFICINE_CALLER, session, effecteur_type, f"products/{product}", at)).rule


REFERENCE_RULES = [
    ("PMI", "moderna", QuotaKind.NOT_OPEN),
    ("PMI", "pfizer-adult", QuotaKind.NOT_OPEN),
    ("PMI", "pfizer-pediatric", QuotaKind.UNLIMITED),
    ("CHIRURGIEN_DENTISTE", "pfizer-pediatric", QuotaKind.NOT_OPEN),
    ("CHIRURGIEN_DENTISTE", "moderna", QuotaKind.UNLIMITED),
    ("MEDECIN", "pfizer-pediatric", QuotaKind.UNLIMITED),
    ("EHPAD", "pfizer-pediatric", QuotaKind.NOT_OPEN),
    ("EHPAD", "moderna", QuotaKind.UNLIMITED),
]


async def test_reference_week_rules(seeded: SessionsService) -> None:
    seen = [(t, p, (await resolve(seeded, t, p)).kind) for t, p, _ in REFERENCE_RULES]
    assert seen == REFERENCE_RULES


async def test_a_product_missing_from_the_table_is_not_open(seeded: SessionsService) -> None:
    resolved = await seeded.quotas.resolve(
        OFFICINE_CALLER, REFERENCE, "MEDECIN", "products/novavax", paris(2022, 3, 14, 12, 0)
    )
    assert resolved.rule.kind is QuotaKind.NOT_OPEN
    assert resolved.table is not None and resolved.table.name == "sessions/2022-03-07/quotaTables/1"


async def test_novavax_is_not_open_before_14_march_whatever_the_table_says(
    seeded: SessionsService, dataset: dict, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(paris(2022, 3, 9, 12, 0))
    novavax = [RuleDraft(t.name, "products/novavax", "CAPPED", max_vials=20) for t in EffecteurType]
    await seeded.schedule.create_session(
        OPERATOR_CALLER,
        "2022-03-10",
        SessionDraft(label="Session du 10 mars", open_time=paris(2022, 3, 10, 8), close_time=paris(2022, 3, 15, 23)),
    )
    await seeded.quotas.publish(OPERATOR_CALLER, "sessions/2022-03-10", reference_drafts(dataset) + novavax)

    session = "sessions/2022-03-10"
    assert (await resolve(seeded, "MEDECIN", "novavax", paris(2022, 3, 10, 9, 0), session)).kind is QuotaKind.NOT_OPEN
    assert (
        await resolve(seeded, "MEDECIN", "novavax", paris(2022, 3, 13, 23, 59, 59), session)
    ).kind is QuotaKind.NOT_OPEN
    on_14 = await resolve(seeded, "MEDECIN", "novavax", paris(2022, 3, 14, 0, 0), session)
    assert (on_14.kind, on_14.max_vials) == (QuotaKind.CAPPED, 20)
    # The other products of the same table are open on the 10th.
    assert (await resolve(seeded, "MEDECIN", "moderna", paris(2022, 3, 10, 9, 0), session)).kind is QuotaKind.UNLIMITED


async def test_an_inactive_product_is_not_open(seeded: SessionsService) -> None:
    moderna = await seeded.catalogue.get_product("products/moderna")
    await seeded.catalogue.update_product(
        OPERATOR_CALLER, moderna.name, ProductDraft(active=False), mask={"active"}, etag=moderna.etag
    )
    assert (await resolve(seeded, "MEDECIN", "moderna")).kind is QuotaKind.NOT_OPEN
    assert (await resolve(seeded, "MEDECIN", "pfizer-adult")).kind is QuotaKind.UNLIMITED


async def test_new_version_applies_from_its_publication_and_the_old_one_stays_readable(
    seeded: SessionsService, dataset: dict, clock
) -> None:  # type: ignore[no-untyped-def]
    published_at = paris(2022, 3, 7, 14, 0)
    clock.set(published_at)
    drafts = [
        RuleDraft(d.effecteur_type, d.product, "CAPPED", max_vials=5)
        if (d.effecteur_type, d.product) == ("EHPAD", "products/moderna")
        else d
        for d in reference_drafts(dataset)
    ]
    v2 = await seeded.quotas.publish(OPERATOR_CALLER, REFERENCE, drafts)
    assert v2.version == 2 and v2.publish_time == published_at and v2.published_by == "899700000906"

    before = await resolve(seeded, "EHPAD", "moderna", published_at - timedelta(seconds=1))
    after = await resolve(seeded, "EHPAD", "moderna", published_at)
    assert before.kind is QuotaKind.UNLIMITED
    assert (after.kind, after.max_vials) == (QuotaKind.CAPPED, 5)

    v1 = await seeded.quotas.get_table(OFFICINE_CALLER, "sessions/2022-03-07/quotaTables/1")
    current = await seeded.quotas.get_table(OFFICINE_CALLER, "sessions/2022-03-07/quotaTables/current")
    listed, token = await seeded.quotas.list_tables(OFFICINE_CALLER, REFERENCE)
    assert v1.rule_for(EffecteurType.EHPAD, "moderna").kind is QuotaKind.UNLIMITED  # type: ignore[union-attr]
    assert current.version == 2
    assert [t.version for t in listed] == [2, 1] and token == ""


async def test_a_session_deleted_and_made_again_answers_its_new_table_not_the_one_read_before(
    seeded: SessionsService, dataset: dict, clock
) -> None:  # type: ignore[no-untyped-def]
    draft = SessionDraft(label="Session du 21 mars", open_time=paris(2022, 3, 21, 8), close_time=paris(2022, 3, 22, 23))
    capped = [
        RuleDraft(d.effecteur_type, d.product, "CAPPED", max_vials=5) if d.effecteur_type == "EHPAD" else d
        for d in reference_drafts(dataset)
    ]
    current = "sessions/2022-03-21/quotaTables/current"
    await seeded.schedule.create_session(OPERATOR_CALLER, "2022-03-21", draft)
    await seeded.quotas.publish(OPERATOR_CALLER, "sessions/2022-03-21", reference_drafts(dataset))
    first = await seeded.quotas.get_table(OFFICINE_CALLER, current)
    assert first.rule_for(EffecteurType.EHPAD, "moderna").kind is QuotaKind.UNLIMITED  # type: ignore[union-attr]
    clock.set(paris(2022, 3, 8, 9, 0))  # a day later: deleted before it opened, made again
    await seeded.schedule.delete_session(OPERATOR_CALLER, "sessions/2022-03-21")
    await seeded.schedule.create_session(OPERATOR_CALLER, "2022-03-21", draft)
    await seeded.quotas.publish(OPERATOR_CALLER, "sessions/2022-03-21", capped)
    again = await seeded.quotas.get_table(OFFICINE_CALLER, current)
    assert again.version == first.version == 1
    rule = again.rule_for(EffecteurType.EHPAD, "moderna")
    assert rule is not None and (rule.kind, rule.max_vials) == (QuotaKind.CAPPED, 5)
    resolved = await resolve(seeded, "EHPAD", "moderna", paris(2022, 3, 21, 9), "sessions/2022-03-21")
    assert resolved.kind is QuotaKind.CAPPED


async def test_before_its_first_publication_a_table_answers_with_its_first_version(seeded: SessionsService) -> None:
    # The seed published the 28 February table on 3 March; the session itself was earlier.
    rule = await resolve(seeded, "PMI", "pfizer-pediatric", paris(2022, 2, 28, 9, 0), "sessions/2022-02-28")
    assert rule.kind is QuotaKind.UNLIMITED


async def test_a_session_without_a_table_resolves_to_not_open(seeded: SessionsService) -> None:
    await seeded.schedule.create_session(
        OPERATOR_CALLER,
        "2022-03-21",
        SessionDraft(label="Session du 21 mars", open_time=paris(2022, 3, 21, 8), close_time=paris(2022, 3, 22, 23)),
    )
    resolved = await seeded.quotas.resolve(OPERATOR_CALLER, "sessions/2022-03-21", "MEDECIN", "products/moderna")
    assert resolved.rule.kind is QuotaKind.NOT_OPEN and resolved.table is None


async def _versions(service: SessionsService) -> list:
    tables, _ = await service.quotas.list_tables(OPERATOR_CALLER, REFERENCE)
    return tables


def _cell(drafts: list[RuleDraft], row: str, column: str, **changes) -> list[RuleDraft]:  # type: ignore[no-untyped-def]
    return [replace(d, **changes) if (d.effecteur_type, d.product) == (row, column) else d for d in drafts]


BAD_TABLES = {
    "unknown product": (
        lambda drafts: drafts + [RuleDraft(t.name, "products/sputnik", "UNLIMITED") for t in EffecteurType],
        "rules[48].product",
        "Produit inconnu du catalogue : « sputnik ».",
    ),
    "unknown type": (
        lambda drafts: _cell(drafts, "PMI", "products/moderna", effecteur_type="DENTISTE"),
        "rules[45].effecteur_type",
        "Type d'effecteur inconnu : « DENTISTE ».",
    ),
    "cap of zero": (
        lambda drafts: _cell(drafts, "EHPAD", "products/moderna", kind="CAPPED", max_vials=0),
        "rules[30].max_vials",
        "Le plafond doit être un nombre de flacons supérieur à 0.",
    ),
    "negative cap": (
        lambda drafts: _cell(drafts, "EHPAD", "products/moderna", kind="CAPPED", max_vials=-3),
        "rules[30].max_vials",
        "Le plafond doit être un nombre de flacons supérieur à 0.",
    ),
    "soft threshold on a cap": (
        lambda drafts: _cell(drafts, "EHPAD", "products/moderna", kind="CAPPED", max_vials=5, soft_threshold=3),
        "rules[30].soft_threshold",
        "Le seuil d'alerte ne s'applique qu'à une règle illimitée.",
    ),
    "missing type": (
        lambda drafts: [d for d in drafts if (d.effecteur_type, d.product) != ("SSU", "products/pfizer-adult")],
        "rules",
        "Règles manquantes pour le produit pfizer-adult : SSU.",
    ),
    "same cell twice": (
        lambda drafts: [*drafts, RuleDraft("MEDECIN", "products/moderna", "NOT_OPEN")],
        "rules[48].effecteur_type",
        "Règle en double pour médecin × moderna (déjà donnée en rules[0]).",
    ),
    "kind not set": (
        lambda drafts: _cell(drafts, "MEDECIN", "products/moderna", kind="UNSPECIFIED"),
        "rules[0].kind",
        "Indiquez si la commande est illimitée, plafonnée ou non ouverte.",
    ),
}


async def test_an_invalid_table_is_refused_with_the_field_and_nothing_changes(
    seeded: SessionsService, dataset: dict
) -> None:
    before = await _versions(seeded)
    for case, (spoil, field, description) in BAD_TABLES.items():
        with pytest.raises(InvalidArgument) as refused:
            await seeded.quotas.publish(OPERATOR_CALLER, REFERENCE, spoil(reference_drafts(dataset)))
        assert (field, description) in [(v.field, v.description) for v in refused.value.violations], case
        assert await _versions(seeded) == before, case


async def test_only_operators_publish_quota_tables(seeded: SessionsService, dataset: dict) -> None:
    before = await _versions(seeded)
    with pytest.raises(PermissionDenied) as refused:
        await seeded.quotas.publish(OFFICINE_CALLER, REFERENCE, reference_drafts(dataset))
    assert refused.value.message == "Action réservée aux opérateurs de Santé publique France."
    assert await _versions(seeded) == before


async def test_a_retried_publication_publishes_once(seeded: SessionsService, dataset: dict) -> None:
    request_id = str(uuid.uuid4())
    first = await seeded.quotas.publish(OPERATOR_CALLER, REFERENCE, reference_drafts(dataset), request_id=request_id)
    again = await seeded.quotas.publish(OPERATOR_CALLER, REFERENCE, reference_drafts(dataset), request_id=request_id)
    with pytest.raises(InvalidArgument) as reused:
        await seeded.quotas.publish(
            OPERATOR_CALLER, REFERENCE, reference_drafts(dataset, products=("moderna",)), request_id=request_id
        )
    assert first == again and first.version == 2
    assert reused.value.reason == "REQUEST_ID_REUSED"
    assert [t.version for t in await _versions(seeded)] == [2, 1]


async def test_concurrent_publications_get_distinct_versions(seeded: SessionsService, dataset: dict) -> None:
    published = await asyncio.gather(
        *(seeded.quotas.publish(OPERATOR_CALLER, REFERENCE, reference_drafts(dataset)) for _ in range(4))
    )
    assert sorted(t.version for t in published) == [2, 3, 4, 5]
    assert [t.version for t in await _versions(seeded)] == [5, 4, 3, 2, 1]
