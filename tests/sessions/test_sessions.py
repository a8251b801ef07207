"""Order sessions, calendar windows and products on the service layer."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from services.common.errors import (
    Aborted,
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from services.sessions.domain import ProductDraft, SessionDraft
from services.sessions.service import SessionsService
from tests.sessions.conftest import OFFICINE_CALLER, OPERATOR, OPERATOR_CALLER, paris


def week(day: int, label: str = "") -> SessionDraft:
    """Monday 08:00 to Tuesday 23:00 of the March 2022 week starting on `day`."""
    return SessionDraft(
        label=label or f"Session du {day} mars 2022",
        open_time=paris(2022, 3, day, 8, 0),
        close_time=paris(2022, 3, day + 1, 23, 0),
        confirmation_email_date=f"2022-03-{day + 4:02d}",
        delivery_from_date=f"2022-03-{day + 11:02d}",
        delivery_to_date=f"2022-03-{day + 15:02d}",
    )


async def stored_sessions(service: SessionsService) -> list:
    sessions, _ = await service.schedule.list_sessions(page_size=500)
    return sessions


async def test_sessions_are_listed_most_recent_first_page_by_page(seeded: SessionsService) -> None:
    await seeded.schedule.create_session(OPERATOR_CALLER, "2022-03-14", week(14))
    first, token = await seeded.schedule.list_sessions(page_size=2)
    second, last = await seeded.schedule.list_sessions(page_size=2, page_token=token)
    assert [s.id for s in first + second] == ["2022-03-14", "2022-03-07", "2022-02-28"]
    assert token and last == ""


async def test_a_session_keeps_its_dates_and_paris_window(seeded: SessionsService) -> None:
    session = await seeded.schedule.get_session("sessions/2022-03-07")
    assert session.label == "Session du 7 mars 2022"
    assert (session.open_time, session.close_time) == (paris(2022, 3, 7, 8), paris(2022, 3, 8, 23))
    assert str(session.confirmation_email_date) == "2022-03-11"
    assert (str(session.delivery_from_date), str(session.delivery_to_date)) == ("2022-03-18", "2022-03-22")


async def test_closing_before_opening_is_refused_and_nothing_is_stored(seeded: SessionsService) -> None:
    before = await stored_sessions(seeded)
    draft = SessionDraft(label="À l'envers", open_time=paris(2022, 3, 15, 8), close_time=paris(2022, 3, 14, 23))
    with pytest.raises(InvalidArgument) as refused:
        await seeded.schedule.create_session(OPERATOR_CALLER, "2022-03-15", draft)
    assert [v.field for v in refused.value.violations] == ["session.close_time"]
    assert refused.value.message == (
        "La fermeture (lundi 14 mars 2022 à 23\u00a0h\u00a000) doit être postérieure "
        "à l'ouverture (mardi 15 mars 2022 à 8\u00a0h\u00a000)."
    )
    assert await stored_sessions(seeded) == before


async def test_an_overlapping_session_is_refused_and_nothing_is_stored(seeded: SessionsService) -> None:
    before = await stored_sessions(seeded)
    draft = SessionDraft(label="Rattrapage", open_time=paris(2022, 3, 8, 20), close_time=paris(2022, 3, 9, 12))
    with pytest.raises(InvalidArgument) as refused:
        await seeded.schedule.create_session(OPERATOR_CALLER, "2022-03-08", draft)
    assert refused.value.reason == "SESSION_OVERLAP"
    assert {v.field for v in refused.value.violations} == {"session.open_time", "session.close_time"}
    assert refused.value.message == (
        "Cette période chevauche la session « Session du 7 mars 2022 » "
        "(du lundi 7 mars 2022 à 8\u00a0h\u00a000 au mardi 8 mars 2022 à 23\u00a0h\u00a000)."
    )
    assert await stored_sessions(seeded) == before


async def test_a_session_may_open_the_instant_the_previous_one_closes(seeded: SessionsService) -> None:
    draft = SessionDraft(label="Enchaînée", open_time=paris(2022, 3, 8, 23), close_time=paris(2022, 3, 9, 23))
    created = await seeded.schedule.create_session(OPERATOR_CALLER, "2022-03-08", draft)
    assert created.open_time == paris(2022, 3, 8, 23)


async def test_moving_the_window_of_an_opened_session_is_recorded_with_who_and_when(
    seeded: SessionsService, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(paris(2022, 3, 8, 18, 0))
    session = await seeded.schedule.get_session("sessions/2022-03-07")
    moved = await seeded.schedule.update_session(
        OPERATOR_CALLER,
        session.name,
        SessionDraft(close_time=paris(2022, 3, 8, 23, 30)),
        mask={"close_time"},
        etag=session.etag,
    )
    reread = await seeded.schedule.get_session(session.name)
    assert reread == moved
    assert moved.close_time == paris(2022, 3, 8, 23, 30) and moved.open_time == session.open_time
    [change] = moved.window_changes
    assert change.changed_by == OPERATOR and change.change_time == paris(2022, 3, 8, 18, 0)
    assert (change.old_open_time, change.old_close_time) == (paris(2022, 3, 7, 8), paris(2022, 3, 8, 23))
    assert (change.new_open_time, change.new_close_time) == (paris(2022, 3, 7, 8), paris(2022, 3, 8, 23, 30))
    assert moved.etag != session.etag


async def test_changes_before_opening_or_to_the_label_are_not_window_changes(seeded: SessionsService) -> None:
    session = await seeded.schedule.get_session("sessions/2022-03-07")
    moved = await seeded.schedule.update_session(
        OPERATOR_CALLER, session.name, SessionDraft(open_time=paris(2022, 3, 7, 9)), mask={"open_time"}
    )
    relabelled = await seeded.schedule.update_session(
        OPERATOR_CALLER, session.name, SessionDraft(label="Session du 7 mars"), mask={"label"}
    )
    assert moved.open_time == paris(2022, 3, 7, 9) and moved.window_changes == ()
    assert relabelled.label == "Session du 7 mars" and relabelled.window_changes == ()


async def test_a_stale_etag_is_refused_and_nothing_changes(seeded: SessionsService) -> None:
    session = await seeded.schedule.get_session("sessions/2022-03-07")
    await seeded.schedule.update_session(
        OPERATOR_CALLER, session.name, SessionDraft(label="Première"), mask={"label"}, etag=session.etag
    )
    with pytest.raises(Aborted) as refused:
        await seeded.schedule.update_session(
            OPERATOR_CALLER, session.name, SessionDraft(label="Seconde"), mask={"label"}, etag=session.etag
        )
    with pytest.raises(Aborted):
        await seeded.schedule.delete_session(OPERATOR_CALLER, session.name, etag=session.etag)
    reread = await seeded.schedule.get_session(session.name)
    assert refused.value.message == "La session a été modifié(e) entre-temps : rechargez la page et recommencez."
    assert reread.label == "Première"


async def test_moving_a_session_onto_another_is_refused_and_nothing_changes(seeded: SessionsService) -> None:
    before = await stored_sessions(seeded)
    with pytest.raises(InvalidArgument) as refused:
        await seeded.schedule.update_session(
            OPERATOR_CALLER, "sessions/2022-02-28", SessionDraft(close_time=paris(2022, 3, 7, 9)), mask={"close_time"}
        )
    assert refused.value.reason == "SESSION_OVERLAP"
    assert await stored_sessions(seeded) == before


async def test_an_unknown_field_in_the_mask_is_refused(seeded: SessionsService) -> None:
    with pytest.raises(InvalidArgument) as refused:
        await seeded.schedule.update_session(OPERATOR_CALLER, "sessions/2022-03-07", SessionDraft(), mask={"state"})
    assert [v.field for v in refused.value.violations] == ["update_mask"]


async def test_only_a_session_that_has_not_opened_may_be_deleted(seeded: SessionsService, clock) -> None:  # type: ignore[no-untyped-def]
    await seeded.schedule.create_session(OPERATOR_CALLER, "2022-03-14", week(14))
    clock.set(paris(2022, 3, 7, 8, 0))
    with pytest.raises(FailedPrecondition) as refused:
        await seeded.schedule.delete_session(OPERATOR_CALLER, "sessions/2022-03-07")
    await seeded.schedule.delete_session(OPERATOR_CALLER, "sessions/2022-03-14")
    assert refused.value.reason == "SESSION_ALREADY_OPENED"
    assert [s.id for s in await stored_sessions(seeded)] == ["2022-03-07", "2022-02-28"]


async def test_session_writes_are_for_operators_and_the_calendar_is_public(seeded: SessionsService) -> None:
    before = await stored_sessions(seeded)
    with pytest.raises(PermissionDenied):
        await seeded.schedule.create_session(OFFICINE_CALLER, "2022-03-14", week(14))
    with pytest.raises(PermissionDenied):
        await seeded.schedule.update_session(
            OFFICINE_CALLER, "sessions/2022-03-07", SessionDraft(label="x"), mask={"label"}
        )
    with pytest.raises(PermissionDenied):
        await seeded.schedule.create_window(
            OFFICINE_CALLER, "PREVIEW", paris(2022, 3, 12), paris(2022, 3, 13), "Prise en main."
        )
    assert (await seeded.schedule.get_session("sessions/2022-03-07")).id == "2022-03-07"
    # A visitor reads the calendar (the home page lists coming sessions)...
    assert (await seeded.schedule.get_session("sessions/2022-03-07")).id == "2022-03-07"
    # ...but writes nothing.
    with pytest.raises(Unauthenticated):
        await seeded.schedule.create_session(None, "2022-03-14", week(14))
    assert await stored_sessions(seeded) == before


async def test_a_retried_creation_creates_once(seeded: SessionsService) -> None:
    request_id = str(uuid.uuid4())
    first = await seeded.schedule.create_session(OPERATOR_CALLER, "2022-03-14", week(14), request_id=request_id)
    again = await seeded.schedule.create_session(OPERATOR_CALLER, "2022-03-14", week(14), request_id=request_id)
    with pytest.raises(AlreadyExists):
        await seeded.schedule.create_session(OPERATOR_CALLER, "2022-03-14", week(14))
    assert again == first


async def test_a_retried_session_delete_with_the_same_request_id_succeeds(seeded: SessionsService) -> None:
    request_id = str(uuid.uuid4())
    await seeded.schedule.create_session(OPERATOR_CALLER, "2022-03-14", week(14))
    await seeded.schedule.delete_session(OPERATOR_CALLER, "sessions/2022-03-14", request_id=request_id)
    await seeded.schedule.delete_session(OPERATOR_CALLER, "sessions/2022-03-14", request_id=request_id)
    with pytest.raises(NotFound):
        await seeded.schedule.delete_session(OPERATOR_CALLER, "sessions/2022-03-14", request_id=str(uuid.uuid4()))
    with pytest.raises(InvalidArgument) as reused:
        await seeded.schedule.delete_session(OPERATOR_CALLER, "sessions/2022-02-28", request_id=request_id)
    assert reused.value.reason == "REQUEST_ID_REUSED"
    assert [s.id for s in await stored_sessions(seeded)] == ["2022-03-07", "2022-02-28"]


async def test_a_retried_window_delete_with_the_same_request_id_succeeds(seeded: SessionsService) -> None:
    request_id = str(uuid.uuid4())
    window = await seeded.schedule.create_window(
        OPERATOR_CALLER, "MAINTENANCE", paris(2022, 3, 13, 1), paris(2022, 3, 13, 3), "Mise à jour de sécurité."
    )
    await seeded.schedule.delete_window(OPERATOR_CALLER, window.name, request_id=request_id)
    await seeded.schedule.delete_window(OPERATOR_CALLER, window.name, request_id=request_id)
    with pytest.raises(NotFound):
        await seeded.schedule.delete_window(OPERATOR_CALLER, window.name)
    after, _ = await seeded.schedule.list_windows()
    assert window.name not in [w.name for w in after]


async def test_calendar_windows_are_checked_unique_and_removable(seeded: SessionsService) -> None:
    with pytest.raises(InvalidArgument) as refused:
        await seeded.schedule.create_window(
            OPERATOR_CALLER, "MAINTENANCE", paris(2022, 3, 13, 2), paris(2022, 3, 13, 1), " "
        )
    window = await seeded.schedule.create_window(
        OPERATOR_CALLER, "MAINTENANCE", paris(2022, 3, 13, 1), paris(2022, 3, 13, 3), "Mise à jour de sécurité."
    )
    with pytest.raises(AlreadyExists):
        await seeded.schedule.create_window(
            OPERATOR_CALLER, "MAINTENANCE", paris(2022, 3, 13, 1), paris(2022, 3, 13, 4), "Autre."
        )
    listed, _ = await seeded.schedule.list_windows()
    await seeded.schedule.delete_window(OPERATOR_CALLER, window.name)
    after, _ = await seeded.schedule.list_windows()
    assert {v.field for v in refused.value.violations} == {"window.end_time", "window.message"}
    assert window.name == "calendarWindows/maintenance-20220313t0100"
    assert [w.name for w in listed][-1] == window.name
    assert window.name not in [w.name for w in after] and len(after) == 2


# ---------------------------------------------------------------- products


async def test_the_catalogue_is_public_and_in_display_order(seeded: SessionsService) -> None:
    products, token = await seeded.catalogue.list_products()
    assert [p.name for p in products] == [
        "products/moderna",
        "products/pfizer-adult",
        "products/pfizer-pediatric",
        "products/novavax",
    ]
    assert token == ""
    pediatric = await seeded.catalogue.get_product("products/pfizer-pediatric")
    assert pediatric.paediatric and pediatric.shelf_life_days == 70
    assert [t.name for t in pediatric.redistributable_to] == ["MEDECIN", "PHARMACIEN", "INFIRMIER", "SAGE_FEMME", "PMI"]
    novavax = await seeded.catalogue.get_product("products/novavax")
    assert novavax.orderable_from == paris(2022, 3, 14) and novavax.shelf_life_days is None


async def test_a_consumable_fits_the_catalogue_and_inactive_products_are_hidden(seeded: SessionsService) -> None:
    draft = ProductDraft(
        display_name="Seringues 1 ml", unit="boîte de 100 seringues", doses_per_unit=0, display_order=50
    )
    syringes = await seeded.catalogue.create_product(OPERATOR_CALLER, "seringues-1ml", draft)
    await seeded.catalogue.update_product(
        OPERATOR_CALLER, syringes.name, ProductDraft(active=False), mask={"active"}, etag=syringes.etag
    )
    visible, _ = await seeded.catalogue.list_products()
    everything, _ = await seeded.catalogue.list_products(include_inactive=True)
    assert "products/seringues-1ml" not in [p.name for p in visible]
    assert [p.name for p in everything][-1] == "products/seringues-1ml"


async def test_an_invalid_product_is_refused_field_by_field(seeded: SessionsService) -> None:
    draft = ProductDraft(
        display_name=" ",
        unit="flacon",
        shelf_life_days=0,
        redistributable_to=("MEDECIN", "VETERINAIRE"),
        orderable_from=paris(2022, 4, 1),
        orderable_until=paris(2022, 3, 1),
    )
    with pytest.raises(InvalidArgument) as refused:
        await seeded.catalogue.create_product(OPERATOR_CALLER, "sputnik", draft)
    assert sorted(v.field for v in refused.value.violations) == [
        "product.display_name",
        "product.orderable_until",
        "product.redistributable_to",
        "product.shelf_life_days",
    ]
    assert [p.id for p in (await seeded.catalogue.list_products(include_inactive=True))[0]] == [
        "moderna",
        "pfizer-adult",
        "pfizer-pediatric",
        "novavax",
    ]


async def test_orderable_dates_of_a_product_can_be_moved_by_an_operator(seeded: SessionsService) -> None:
    novavax = await seeded.catalogue.get_product("products/novavax")
    moved = await seeded.catalogue.update_product(
        OPERATOR_CALLER,
        novavax.name,
        ProductDraft(orderable_from=paris(2022, 3, 10)),
        mask={"orderable_from"},
        etag=novavax.etag,
    )
    with pytest.raises(Aborted):
        await seeded.catalogue.update_product(
            OPERATOR_CALLER, novavax.name, ProductDraft(display_name="x"), mask={"display_name"}, etag=novavax.etag
        )
    assert moved.orderable_from == paris(2022, 3, 10)
    assert moved.display_name == novavax.display_name
    assert moved.orderable_at(paris(2022, 3, 10)) and not moved.orderable_at(paris(2022, 3, 10) - timedelta(seconds=1))


async def test_concurrent_overlapping_creations_store_exactly_one_session(seeded: SessionsService) -> None:
    drafts = [
        SessionDraft(label=f"Concurrente {n}", open_time=paris(2022, 3, 14, 8 + n), close_time=paris(2022, 3, 15, 23))
        for n in range(5)
    ]
    outcomes = await asyncio.gather(
        *(seeded.schedule.create_session(OPERATOR_CALLER, f"2022-03-14-{n}", d) for n, d in enumerate(drafts)),
        return_exceptions=True,
    )
    created = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(created) == 1
    assert all(isinstance(e, InvalidArgument) and e.reason == "SESSION_OVERLAP" for e in refused)
    assert next(s.id for s in await stored_sessions(seeded)) == created[0].id


async def test_control_characters_in_a_session_label_product_or_window_message_are_refused(
    seeded: SessionsService,
) -> None:
    with pytest.raises(InvalidArgument) as refused:
        await seeded.schedule.create_session(OPERATOR_CALLER, "2022-03-14", week(14, label="Session\x00 du 14"))
    assert [v.field for v in refused.value.violations] == ["session.label"]
    with pytest.raises(InvalidArgument) as refused:
        await seeded.catalogue.create_product(
            OPERATOR_CALLER, "seringues-1ml", ProductDraft(display_name="Seringues\x1b", unit="boîte\x07")
        )
    assert [v.field for v in refused.value.violations] == ["product.display_name", "product.unit"]
    with pytest.raises(InvalidArgument) as refused:
        await seeded.schedule.create_window(
            OPERATOR_CALLER, "MAINTENANCE", paris(2022, 3, 13, 1), paris(2022, 3, 13, 3), "Mise à jour\x00"
        )
    assert [v.field for v in refused.value.violations] == ["window.message"]
    assert [s.id for s in await stored_sessions(seeded)] == ["2022-03-07", "2022-02-28"]
    multi_line = await seeded.schedule.create_window(
        OPERATOR_CALLER, "MAINTENANCE", paris(2022, 3, 13, 1), paris(2022, 3, 13, 3), "Mise à jour.\nRetour à 3 h."
    )
    assert "\n" in multi_line.message
