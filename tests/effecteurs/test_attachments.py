"""Attachments through the service layer, on the seeded reference dataset."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from services.common.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.effecteurs import repository
from services.effecteurs.attachments import AttachmentService, NewEffecteur
from services.effecteurs.identifiers import IdKind
from services.effecteurs.service import DirectoryService
from tests.effecteurs.conftest import (
    CONFLUENT,
    DUBOIS,
    GIRARD,
    LILAS,
    MEDECIN_EHPAD,
    OPERATOR,
    TITULAIRE_CONFLUENT,
    TITULAIRE_LILAS,
    TITULAIRE_VIEUX_PORT,
    VIEUX_PORT,
    paris,
    with_key,
)

NEW_INFIRMIER = NewEffecteur("INFIRMIER", "Léa Mercier", "lea.mercier@example.test")


async def everything(attachments: AttachmentService, principal, parent: str) -> list[tuple[str, str, bool]]:  # type: ignore[no-untyped-def]
    """All attachments of an officine, ended ones included, as (effecteur, by, current)."""
    page = await attachments.list_attachments(principal, parent, include_ended=True, page_size=500)
    return [(v.attachment.effecteur_key, v.attachment.attached_by, v.attachment.is_current) for v in page.items]


async def history(attachments: AttachmentService, principal, parent: str) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    page = await attachments.list_events(principal, parent, page_size=500)
    return [(e.action, e.officine_finess, e.effecteur_key, e.actor) for e in page.items]


async def test_the_officine_orders_for_itself_through_a_permanent_attachment_of_its_own(
    attachments: AttachmentService, directory: DirectoryService, principal
) -> None:  # type: ignore[no-untyped-def]
    lilas = principal(TITULAIRE_LILAS)
    officine = await directory.get_officine(lilas, f"officines/{LILAS}")
    assert officine.self_effecteur_key == f"finess:{LILAS}"

    page = await attachments.list_attachments(lilas, f"officines/{LILAS}")
    own = [v for v in page.items if v.effecteur.key == f"finess:{LILAS}"]
    assert len(own) == 1
    assert (own[0].effecteur.kind, own[0].effecteur.type) == ("OFFICINE", "PHARMACIEN")
    _, current = await attachments.lookup(lilas, f"effecteurs/finess:{LILAS}")
    assert current is not None and current.officine_finess == LILAS

    with pytest.raises(FailedPrecondition) as refused:
        await attachments.detach(lilas, f"officines/{LILAS}/attachments/{own[0].attachment.id}")
    assert refused.value.reason == "OFFICINE_CANNOT_BE_DETACHED"

    with pytest.raises(FailedPrecondition) as refused:
        await attachments.attach(
            principal(TITULAIRE_CONFLUENT), f"officines/{CONFLUENT}", IdKind.FINESS, LILAS, NewEffecteur("PMI", "x")
        )
    assert refused.value.reason == "OFFICINE_CANNOT_BE_ATTACHED"
    assert (await attachments.lookup(lilas, f"effecteurs/finess:{LILAS}"))[1].id == current.id  # type: ignore[union-attr]


async def test_attach_detach_and_reattach_elsewhere_keep_the_whole_history(
    attachments: AttachmentService, principal, clock
) -> None:  # type: ignore[no-untyped-def]
    lilas, confluent, operator = principal(TITULAIRE_LILAS), principal(TITULAIRE_CONFLUENT), principal(OPERATOR)
    rpps = with_key("9970000990")
    key = f"rpps:{rpps}"

    clock.set(paris(2022, 3, 4, 10, 0))
    attached = await attachments.attach(lilas, f"officines/{LILAS}", IdKind.RPPS, rpps, NEW_INFIRMIER)
    assert attached.effecteur.key == key
    assert (attached.effecteur.type, attached.effecteur.display_name, attached.effecteur.department) == (
        "INFIRMIER",
        "Léa Mercier",
        "75",
    )
    assert attached.attachment.attached_by == TITULAIRE_LILAS

    clock.set(paris(2022, 3, 5, 11, 0))
    detached = await attachments.detach(lilas, f"officines/{LILAS}/attachments/{attached.attachment.id}")
    assert detached.attachment.detach_time == paris(2022, 3, 5, 11, 0)
    assert detached.attachment.detached_by == TITULAIRE_LILAS
    assert (await attachments.lookup(operator, f"effecteurs/{key}"))[1] is None

    clock.set(paris(2022, 3, 7, 9, 0))
    # Known now: no type or name needed, and what is typed for them is not used.
    again = await attachments.attach(confluent, f"officines/{CONFLUENT}", IdKind.RPPS, rpps, NewEffecteur())
    assert again.effecteur.display_name == "Léa Mercier"
    assert (await attachments.lookup(operator, f"effecteurs/{key}"))[1].officine_finess == CONFLUENT  # type: ignore[union-attr]

    assert await history(attachments, operator, f"effecteurs/{key}") == [
        ("ATTACHED", CONFLUENT, key, TITULAIRE_CONFLUENT),
        ("DETACHED", LILAS, key, TITULAIRE_LILAS),
        ("ATTACHED", LILAS, key, TITULAIRE_LILAS),
    ]
    lilas_rows = await everything(attachments, lilas, f"officines/{LILAS}")
    assert (key, TITULAIRE_LILAS, False) in lilas_rows
    current = await attachments.list_attachments(lilas, f"officines/{LILAS}")
    assert key not in [v.effecteur.key for v in current.items]
    assert (key, TITULAIRE_CONFLUENT, True) in await everything(attachments, confluent, f"officines/{CONFLUENT}")
    assert (await history(attachments, lilas, f"officines/{LILAS}"))[:2] == [
        ("DETACHED", LILAS, key, TITULAIRE_LILAS),
        ("ATTACHED", LILAS, key, TITULAIRE_LILAS),
    ]


async def test_attaching_an_effecteur_attached_elsewhere_is_refused_and_changes_nothing(
    attachments: AttachmentService, principal
) -> None:  # type: ignore[no-untyped-def]
    confluent, operator = principal(TITULAIRE_CONFLUENT), principal(OPERATOR)
    before = (
        await everything(attachments, operator, f"officines/{LILAS}"),
        await everything(attachments, operator, f"officines/{CONFLUENT}"),
        await history(attachments, operator, "effecteurs/rpps:99700000104"),
    )
    with pytest.raises(FailedPrecondition) as refused:
        await attachments.attach(
            confluent, f"officines/{CONFLUENT}", IdKind.RPPS, "997 0000 0104", NewEffecteur("MEDECIN", "Jeanne Dubois")
        )
    assert refused.value.reason == "ATTACHED_ELSEWHERE"
    assert "déjà rattaché à une autre officine" in refused.value.message
    assert "détaché, par cette officine ou par lui-même" in refused.value.message
    assert LILAS not in refused.value.message and "Lilas" not in refused.value.message
    after = (
        await everything(attachments, operator, f"officines/{LILAS}"),
        await everything(attachments, operator, f"officines/{CONFLUENT}"),
        await history(attachments, operator, "effecteurs/rpps:99700000104"),
    )
    assert after == before

    with pytest.raises(AlreadyExists):
        await attachments.attach(
            principal(TITULAIRE_LILAS), f"officines/{LILAS}", IdKind.RPPS, "99700000104", NewEffecteur()
        )


async def test_a_new_effecteur_needs_its_type_and_name_and_bad_input_stores_nothing(
    attachments: AttachmentService, principal
) -> None:  # type: ignore[no-untyped-def]
    lilas, operator = principal(TITULAIRE_LILAS), principal(OPERATOR)
    rpps = with_key("9970000991")
    with pytest.raises(InvalidArgument) as refused:
        await attachments.attach(lilas, f"officines/{LILAS}", IdKind.RPPS, rpps, NewEffecteur())
    assert sorted(v.field for v in refused.value.violations) == ["display_name", "type"]

    with pytest.raises(InvalidArgument) as refused:
        await attachments.attach(lilas, f"officines/{LILAS}", IdKind.RPPS, rpps, NewEffecteur("EHPAD", "Les Lilas"))
    assert [v.field for v in refused.value.violations] == ["type"]
    assert "professionnel" in refused.value.message

    with pytest.raises(InvalidArgument) as refused:
        await attachments.attach(
            lilas, f"officines/{LILAS}", IdKind.RPPS, rpps[:-1] + str((int(rpps[-1]) + 1) % 10), NEW_INFIRMIER
        )
    assert [v.field for v in refused.value.violations] == ["identifier"]

    with pytest.raises(InvalidArgument) as refused:
        await attachments.attach(lilas, f"officines/{LILAS}", None, rpps, NEW_INFIRMIER)
    assert [v.field for v in refused.value.violations] == ["identifier_kind"]

    with pytest.raises(NotFound):
        await attachments.lookup(operator, f"effecteurs/rpps:{rpps}")
    assert await history(attachments, operator, f"officines/{LILAS}") == await history(
        attachments, operator, f"officines/{LILAS}"
    )


async def test_an_effecteur_may_detach_itself_and_read_only_its_own(attachments: AttachmentService, principal) -> None:  # type: ignore[no-untyped-def]
    dubois = principal(DUBOIS)
    assert "effecteurs/rpps:99700000104" in dubois.acts_for
    _, current = await attachments.lookup(dubois, "effecteurs/rpps:99700000104")
    assert current is not None and current.officine_finess == LILAS
    with pytest.raises(NotFound):
        await attachments.lookup(dubois, "effecteurs/rpps:99700000120")
    with pytest.raises(NotFound):
        await attachments.list_attachments(dubois, f"officines/{LILAS}")

    ended = await attachments.detach(dubois, f"officines/{LILAS}/attachments/{current.id}")
    assert ended.attachment.detached_by == DUBOIS
    assert (await history(attachments, dubois, "effecteurs/rpps:99700000104"))[0] == (
        "DETACHED",
        LILAS,
        "rpps:99700000104",
        DUBOIS,
    )
    # Its past attachment is the officine's business now.
    with pytest.raises(NotFound):
        await attachments.detach(dubois, f"officines/{LILAS}/attachments/{current.id}")


async def test_an_officine_reading_or_changing_another_officines_attachments_gets_not_found(
    attachments: AttachmentService, directory: DirectoryService, principal
) -> None:  # type: ignore[no-untyped-def]
    confluent, lilas = principal(TITULAIRE_CONFLUENT), principal(TITULAIRE_LILAS)
    dubois_now = (await attachments.lookup(lilas, "effecteurs/rpps:99700000104"))[1]
    assert dubois_now is not None
    missing = "officines/759900129"  # valid FINESS, no such officine

    async def same_refusal(call, unknown_call) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(NotFound) as theirs:
            await call
        with pytest.raises(NotFound) as nobodys:
            await unknown_call
        # Same answer as for something that does not exist, up to the name asked for.
        assert type(theirs.value) is type(nobodys.value)
        assert theirs.value.reason == nobodys.value.reason

    await same_refusal(
        attachments.list_attachments(confluent, f"officines/{LILAS}"), attachments.list_attachments(confluent, missing)
    )
    await same_refusal(
        attachments.attach(confluent, f"officines/{LILAS}", IdKind.RPPS, with_key("9970000992"), NEW_INFIRMIER),
        attachments.attach(confluent, missing, IdKind.RPPS, with_key("9970000992"), NEW_INFIRMIER),
    )
    await same_refusal(
        attachments.detach(confluent, f"officines/{LILAS}/attachments/{dubois_now.id}"),
        attachments.detach(confluent, f"officines/{LILAS}/attachments/999999"),
    )
    await same_refusal(
        attachments.list_events(confluent, f"officines/{LILAS}"), attachments.list_events(confluent, missing)
    )
    await same_refusal(
        attachments.lookup(confluent, "effecteurs/rpps:99700000104"),
        attachments.lookup(confluent, f"effecteurs/rpps:{with_key('9970000993')}"),
    )
    await same_refusal(
        directory.get_effecteur(confluent, "effecteurs/rpps:99700000104"),
        directory.get_effecteur(confluent, f"effecteurs/rpps:{with_key('9970000993')}"),
    )
    await same_refusal(
        directory.get_officine(confluent, f"officines/{LILAS}"), directory.get_officine(confluent, missing)
    )
    # Nothing changed for Lilas.
    assert (await attachments.lookup(lilas, "effecteurs/rpps:99700000104"))[1].id == dubois_now.id  # type: ignore[union-attr]


async def test_lookup_answers_the_effecteur_itself_its_officine_and_operators(
    attachments: AttachmentService, principal
) -> None:  # type: ignore[no-untyped-def]
    for who in (TITULAIRE_LILAS, MEDECIN_EHPAD, OPERATOR):
        effecteur, current = await attachments.lookup(principal(who), "effecteurs/finess:759901010")
        assert effecteur.type == "EHPAD"
        assert current is not None and current.officine_finess == LILAS
    for who in (TITULAIRE_CONFLUENT, TITULAIRE_VIEUX_PORT, DUBOIS):
        with pytest.raises(NotFound):
            await attachments.lookup(principal(who), "effecteurs/finess:759901010")
    # Known but attached nowhere: only itself and operators see it.
    effecteur, current = await attachments.lookup(principal(GIRARD), "effecteurs/rpps:99700000153")
    assert current is None and effecteur.display_name == "Marc Girard"
    with pytest.raises(NotFound):
        await attachments.lookup(principal(TITULAIRE_LILAS), "effecteurs/rpps:99700000153")


async def test_operators_read_everything_but_do_not_attach_for_officines(
    attachments: AttachmentService, principal
) -> None:  # type: ignore[no-untyped-def]
    operator = principal(OPERATOR)
    page = await attachments.list_attachments(operator, f"officines/{VIEUX_PORT}")
    assert [v.effecteur.key for v in page.items] == [
        "finess:139900138",
        "finess:139901052",
        "finess:139901060",
    ]
    with pytest.raises(PermissionDenied):
        await attachments.attach(operator, f"officines/{VIEUX_PORT}", IdKind.RPPS, "99700000153", NewEffecteur())


async def test_concurrent_attaches_of_one_effecteur_to_two_officines_exactly_one_wins(
    attachments: AttachmentService, principal
) -> None:  # type: ignore[no-untyped-def]
    lilas, confluent, operator = principal(TITULAIRE_LILAS), principal(TITULAIRE_CONFLUENT), principal(OPERATOR)
    for n in range(6):
        rpps = with_key(f"997000098{n}")
        results = await asyncio.gather(
            attachments.attach(lilas, f"officines/{LILAS}", IdKind.RPPS, rpps, NEW_INFIRMIER),
            attachments.attach(confluent, f"officines/{CONFLUENT}", IdKind.RPPS, rpps, NEW_INFIRMIER),
            return_exceptions=True,
        )
        won = [r for r in results if not isinstance(r, BaseException)]
        lost = [r for r in results if isinstance(r, BaseException)]
        assert len(won) == 1, results
        assert len(lost) == 1 and isinstance(lost[0], FailedPrecondition) and lost[0].reason == "ATTACHED_ELSEWHERE"
        _, current = await attachments.lookup(operator, f"effecteurs/rpps:{rpps}")
        assert current is not None and current.id == won[0].attachment.id
        events = await history(attachments, operator, f"effecteurs/rpps:{rpps}")
        assert [e[0] for e in events] == ["ATTACHED"]


async def test_concurrent_attaches_of_a_known_free_effecteur_exactly_one_wins_each_time(
    attachments: AttachmentService, principal
) -> None:  # type: ignore[no-untyped-def]
    """Marc Girard is known and free: both officines see him free, only the database can choose."""
    officines = {LILAS: principal(TITULAIRE_LILAS), CONFLUENT: principal(TITULAIRE_CONFLUENT)}
    for _ in range(6):
        results = await asyncio.gather(
            *(
                attachments.attach(who, f"officines/{finess}", IdKind.RPPS, "99700000153", NewEffecteur())
                for finess, who in officines.items()
            ),
            return_exceptions=True,
        )
        won = [r for r in results if not isinstance(r, BaseException)]
        lost = [r for r in results if isinstance(r, BaseException)]
        assert len(won) == 1, results
        assert isinstance(lost[0], FailedPrecondition) and lost[0].reason == "ATTACHED_ELSEWHERE", lost
        winner = won[0].attachment
        await attachments.detach(
            officines[winner.officine_finess], f"officines/{winner.officine_finess}/attachments/{winner.id}"
        )
    events = await history(attachments, principal(OPERATOR), "effecteurs/rpps:99700000153")
    assert [e[0] for e in events] == ["DETACHED", "ATTACHED"] * 6


async def test_the_list_reads_every_column_as_the_orm_reads_it(
    attachments: AttachmentService, seeded, principal
) -> None:  # type: ignore[no-untyped-def]
    """The list's plain records (one Core read) carry what the ORM instances of the same rows
    carry, column by column, an ended attachment's detach time and author included."""
    lilas = principal(TITULAIRE_LILAS)
    current = await attachments.list_attachments(lilas, f"officines/{LILAS}")
    leaving = next(v for v in current.items if v.effecteur.kind != "OFFICINE")
    await attachments.detach(lilas, f"officines/{LILAS}/attachments/{leaving.attachment.id}")
    page = await attachments.list_attachments(lilas, f"officines/{LILAS}", include_ended=True)
    assert any(not v.attachment.is_current for v in page.items)
    async with seeded.read() as session:
        for view in page.items:
            found = await repository.get_attachment(session, view.attachment.id)
            assert found is not None
            for record, instance in zip((view.attachment, view.effecteur), found, strict=True):
                columns = type(instance).__table__.columns.keys()
                assert {c: getattr(record, c) for c in columns} == {c: getattr(instance, c) for c in columns}


async def test_the_database_itself_refuses_a_second_current_attachment(seeded, clock) -> None:  # type: ignore[no-untyped-def]
    """Even a writer that skipped every check cannot give an effecteur two officines."""
    with pytest.raises(repository.CurrentAttachmentExists):
        async with seeded.write() as session:
            await repository.insert_attachment(
                session, officine_finess=CONFLUENT, effecteur_key="rpps:99700000104", at=clock.now(), by="test"
            )
    async with seeded.read() as session:
        _, current = await repository.effecteur_with_current_attachment(session, "rpps:99700000104")  # type: ignore[misc]
    assert current.officine_finess == LILAS


async def test_a_retried_attach_with_the_same_request_id_attaches_once(
    attachments: AttachmentService, principal
) -> None:  # type: ignore[no-untyped-def]
    lilas = principal(TITULAIRE_LILAS)
    request_id = "7d5f6a8e-2f4b-4c1e-9a3d-0b1c2d3e4f50"
    rpps = with_key("9970000994")
    first = await attachments.attach(
        lilas, f"officines/{LILAS}", IdKind.RPPS, rpps, NEW_INFIRMIER, request_id=request_id
    )
    second = await attachments.attach(
        lilas, f"officines/{LILAS}", IdKind.RPPS, rpps, NEW_INFIRMIER, request_id=request_id
    )
    assert second.attachment.id == first.attachment.id
    assert [e[0] for e in await history(attachments, lilas, f"officines/{LILAS}") if e[2] == f"rpps:{rpps}"] == [
        "ATTACHED"
    ]
    with pytest.raises(InvalidArgument) as reused:
        await attachments.attach(
            lilas, f"officines/{LILAS}", IdKind.RPPS, with_key("9970000995"), NEW_INFIRMIER, request_id=request_id
        )
    assert reused.value.reason == "REQUEST_ID_REUSED"


async def test_listing_filters_by_type_name_and_identifier_and_pages_without_gaps(
    attachments: AttachmentService, principal
) -> None:  # type: ignore[no-untyped-def]
    lilas = principal(TITULAIRE_LILAS)
    parent = f"officines/{LILAS}"

    async def keys(**filters) -> list[str]:  # type: ignore[no-untyped-def]
        page = await attachments.list_attachments(lilas, parent, **filters)
        assert page.total_size == len(page.items)
        return [v.effecteur.key for v in page.items]

    assert await keys(type_code="MEDECIN") == ["rpps:99700000104"]
    assert await keys(type_code="PHARMACIEN") == [f"finess:{LILAS}"]
    assert await keys(name_contains="TRAORE") == ["rpps:99700000120"]  # "Amina Traoré"
    assert await keys(name_contains="tilleuls") == ["finess:759901010"]
    assert await keys(name_contains="100%") == []
    assert await keys(identifier_prefix="siret:") == ["siret:90000009901076"]
    assert await keys(identifier_prefix="99700000") == ["rpps:99700000104", "rpps:99700000120", "rpps:99700000146"]
    assert await keys(identifier_prefix="7599 010") == ["finess:759901010", "finess:759901028"]

    seen: list[str] = []
    token = ""
    while True:
        page = await attachments.list_attachments(lilas, parent, page_size=2, page_token=token)
        assert page.total_size == 7
        assert len(page.items) <= 2
        seen += [v.effecteur.key for v in page.items]
        token = page.next_page_token
        if not token:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 7
    first = await attachments.list_attachments(lilas, parent, page_size=2)
    with pytest.raises(InvalidArgument) as refused:
        await attachments.list_attachments(lilas, parent, type_code="MEDECIN", page_token=first.next_page_token)
    assert refused.value.violations[0].field == "page_token"


async def test_times_stay_exact_across_both_daylight_saving_changes(
    attachments: AttachmentService, principal, clock
) -> None:  # type: ignore[no-untyped-def]
    lilas = principal(TITULAIRE_LILAS)
    rpps = with_key("9970000993")
    # 27 March 2022: 01:59:59 (UTC+1) is one second before 03:00:00 (UTC+2).
    clock.set(paris(2022, 3, 27, 1, 59, 59))
    first = await attachments.attach(lilas, f"officines/{LILAS}", IdKind.RPPS, rpps, NEW_INFIRMIER)
    clock.set(paris(2022, 3, 27, 3, 0, 0))
    ended = await attachments.detach(lilas, f"officines/{LILAS}/attachments/{first.attachment.id}")
    assert ended.attachment.detach_time - ended.attachment.attach_time == timedelta(seconds=1)  # type: ignore[operator]
    # 30 October 2022: 02:30 happens twice; the second one (UTC+1) is an hour after the first.
    clock.set(datetime(2022, 10, 30, 0, 30, tzinfo=UTC))  # 02:30 Paris, summer time
    again = await attachments.attach(lilas, f"officines/{LILAS}", IdKind.RPPS, rpps, NewEffecteur())
    clock.set(datetime(2022, 10, 30, 1, 30, tzinfo=UTC))  # 02:30 Paris, winter time
    await attachments.detach(lilas, f"officines/{LILAS}/attachments/{again.attachment.id}")
    history_rows = (await attachments.list_events(principal(OPERATOR), f"effecteurs/rpps:{rpps}")).items
    assert [(e.action, e.event_time) for e in history_rows] == [
        ("DETACHED", datetime(2022, 10, 30, 1, 30, tzinfo=UTC)),
        ("ATTACHED", datetime(2022, 10, 30, 0, 30, tzinfo=UTC)),
        ("DETACHED", datetime(2022, 3, 27, 1, 0, tzinfo=UTC)),
        ("ATTACHED", datetime(2022, 3, 27, 0, 59, 59, tzinfo=UTC)),
    ]


async def test_a_medecin_reads_the_officine_he_left_for_his_history_but_not_any_other(
    attachments: AttachmentService, directory: DirectoryService, principal
) -> None:  # type: ignore[no-untyped-def]
    lilas, dubois = principal(TITULAIRE_LILAS), principal(DUBOIS)
    page = await attachments.list_attachments(lilas, f"officines/{LILAS}")
    his = next(v for v in page.items if v.effecteur.key == "rpps:99700000104")
    await attachments.detach(lilas, f"officines/{LILAS}/attachments/{his.attachment.id}")
    # His history still lists his orders at Lilas: the page names it.
    assert (await directory.get_officine(dubois, f"officines/{LILAS}")).display_name == "Pharmacie des Lilas"
    with pytest.raises(NotFound):
        await directory.get_officine(dubois, f"officines/{CONFLUENT}")
    with pytest.raises(NotFound):
        await directory.get_officine(principal(GIRARD), f"officines/{LILAS}")
