"""The service state through the reference week, instant by instant, and
sessions that span a change of legal time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client import CollectorRegistry

from services.sessions.domain import ServiceState, SessionDraft, SessionState
from services.sessions.metrics import ServiceStateMetrics
from services.sessions.service import SessionsService
from tests.sessions.conftest import OPERATOR_CALLER, PARIS, paris

REFERENCE_WEEK = [
    (paris(2022, 3, 4, 10, 0), ServiceState.PREVIEW),
    (paris(2022, 3, 5, 23, 59, 59), ServiceState.PREVIEW),
    (paris(2022, 3, 6, 0, 0), ServiceState.MAINTENANCE),
    (paris(2022, 3, 6, 12, 0), ServiceState.MAINTENANCE),
    (paris(2022, 3, 7, 7, 59, 59), ServiceState.MAINTENANCE),
    (paris(2022, 3, 7, 8, 0, 0), ServiceState.OPEN_FOR_ORDERS),
    (paris(2022, 3, 8, 22, 59, 59), ServiceState.OPEN_FOR_ORDERS),
    (paris(2022, 3, 8, 23, 0, 0), ServiceState.CLOSED),
    (paris(2022, 3, 8, 23, 30, 0), ServiceState.CLOSED),  # 23:00, not 23:30 as the week before
]


async def test_reference_week_state_instant_by_instant(seeded: SessionsService) -> None:
    seen = [(f"{at:%a %d %H:%M:%S}", (await seeded.schedule.get_service_state(at)).state) for at, _ in REFERENCE_WEEK]
    assert seen == [(f"{at:%a %d %H:%M:%S}", expected) for at, expected in REFERENCE_WEEK]


async def test_preview_tells_what_the_window_says_and_when_orders_open(seeded: SessionsService) -> None:
    status = await seeded.schedule.get_service_state(paris(2022, 3, 4, 10, 0))
    assert status.session is not None and status.session.id == "2022-03-07"
    # Preview ends into maintenance at midnight: that is the next change, not the session opening.
    assert status.next_change_time == paris(2022, 3, 6, 0, 0)
    assert status.message == (
        "Service ouvert pour prise en main : la saisie des commandes ouvre le lundi 7 mars à 8h. "
        "Prise en main possible jusqu'au dimanche 6 mars 2022 à 0\u00a0h\u00a000"
    )


async def test_maintenance_shows_its_message_and_its_end(seeded: SessionsService) -> None:
    status = await seeded.schedule.get_service_state(paris(2022, 3, 6, 12, 0))
    assert status.next_change_time == paris(2022, 3, 7, 8, 0)
    assert status.session is not None and status.session.id == "2022-03-07"
    assert status.message == (
        "Service fermé pour les derniers préparatifs techniques. "
        "Retour du service prévu le lundi 7 mars 2022 à 8\u00a0h\u00a000"
    )


async def test_open_session_says_until_when(seeded: SessionsService) -> None:
    status = await seeded.schedule.get_service_state(paris(2022, 3, 7, 8, 0))
    assert status.session is not None and status.session.id == "2022-03-07"
    assert status.next_change_time == paris(2022, 3, 8, 23, 0)
    assert status.message == "Saisie des commandes ouverte jusqu'au mardi 8 mars 2022 à 23\u00a0h\u00a000"


async def test_after_the_last_session_nothing_is_scheduled(seeded: SessionsService) -> None:
    status = await seeded.schedule.get_service_state(paris(2022, 3, 8, 23, 0))
    assert status.session is None
    assert status.next_change_time is None
    assert status.message == "Saisie des commandes fermée : aucune session n'est programmée"


async def test_closed_between_sessions_points_at_the_next_opening(seeded: SessionsService) -> None:
    status = await seeded.schedule.get_service_state(paris(2022, 3, 2, 12, 0))
    assert status.state is ServiceState.CLOSED
    assert status.session is not None and status.session.id == "2022-03-07"
    # Closed until the preview starts on Friday 4 March.
    assert status.next_change_time == paris(2022, 3, 4, 0, 0)
    assert status.message == "Saisie des commandes fermée : prochaine ouverture le lundi 7 mars 2022 à 8\u00a0h\u00a000"


async def test_state_defaults_to_the_server_clock(seeded: SessionsService, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(paris(2022, 3, 7, 9, 30))
    assert (await seeded.schedule.get_service_state()).state is ServiceState.OPEN_FOR_ORDERS
    clock.set(paris(2022, 3, 8, 23, 0))
    assert (await seeded.schedule.get_service_state()).state is ServiceState.CLOSED


async def test_maintenance_wins_over_an_open_session(seeded: SessionsService) -> None:
    await seeded.schedule.create_window(
        OPERATOR_CALLER,
        "MAINTENANCE",
        paris(2022, 3, 7, 12, 0),
        paris(2022, 3, 7, 13, 0),
        "Intervention urgente sur la base.",
    )
    assert (await seeded.schedule.get_service_state(paris(2022, 3, 7, 12, 30))).state is ServiceState.MAINTENANCE
    status = await seeded.schedule.get_service_state(paris(2022, 3, 7, 11, 0))
    assert status.state is ServiceState.OPEN_FOR_ORDERS
    assert status.next_change_time == paris(2022, 3, 7, 12, 0)
    assert (await seeded.schedule.get_service_state(paris(2022, 3, 7, 13, 0))).state is ServiceState.OPEN_FOR_ORDERS


async def _create(service: SessionsService, session_id: str, opens, closes):  # type: ignore[no-untyped-def]
    return await service.schedule.create_session(
        OPERATOR_CALLER, session_id, SessionDraft(label=f"Session {session_id}", open_time=opens, close_time=closes)
    )


@pytest.mark.parametrize(
    ("opens", "closes", "hours_open", "closing_text"),
    [
        # Spring forward: Sunday 27 March 2022, 02:00 -> 03:00: one hour less than the wall clock says.
        (paris(2022, 3, 26, 8, 0), paris(2022, 3, 28, 23, 0), 62, "lundi 28 mars 2022 à 23\u00a0h\u00a000"),
        # Fall back: Sunday 30 October 2022, 03:00 -> 02:00: one hour more.
        (paris(2022, 10, 29, 8, 0), paris(2022, 10, 31, 23, 0), 64, "lundi 31 octobre 2022 à 23\u00a0h\u00a000"),
    ],
    ids=["spring-forward", "fall-back"],
)
async def test_session_across_a_dst_change_opens_and_closes_at_paris_wall_time(
    service: SessionsService, opens, closes, hours_open, closing_text
) -> None:
    session = await _create(service, f"{opens:%Y-%m-%d}", opens, closes)
    stored = await service.schedule.get_session(session.name)
    assert (stored.open_time, stored.close_time) == (opens, closes)
    assert stored.open_time.astimezone(PARIS).hour == 8
    assert stored.close_time.astimezone(PARIS).hour == 23
    assert stored.close_time - stored.open_time == timedelta(hours=hours_open)

    assert stored.state_at(opens - timedelta(seconds=1)) is SessionState.SCHEDULED
    assert stored.state_at(opens) is SessionState.OPEN
    assert stored.state_at(closes - timedelta(seconds=1)) is SessionState.OPEN
    assert stored.state_at(closes) is SessionState.CLOSED

    before = await service.schedule.get_service_state(opens - timedelta(seconds=1))
    assert before.state is ServiceState.CLOSED and before.next_change_time == opens
    assert before.message.endswith(
        f"le samedi {opens.day} {'mars' if opens.month == 3 else 'octobre'} 2022 à 8\u00a0h\u00a000"
    )
    during = await service.schedule.get_service_state(closes - timedelta(seconds=1))
    assert during.state is ServiceState.OPEN_FOR_ORDERS and during.next_change_time == closes
    assert during.message == f"Saisie des commandes ouverte jusqu'au {closing_text}"
    assert (await service.schedule.get_service_state(closes)).state is ServiceState.CLOSED


async def test_the_state_gauge_marks_the_state_in_force_and_only_it(seeded: SessionsService, clock) -> None:  # type: ignore[no-untyped-def]
    registry = CollectorRegistry()
    metrics = ServiceStateMetrics(registry)
    seen = []
    for at in (paris(2022, 3, 6, 12, 0), paris(2022, 3, 7, 8, 0)):
        clock.set(at)
        await metrics.refresh(seeded.schedule)
        seen.append(
            {s.value: registry.get_sample_value("vaxorders_service_state", {"state": s.value}) for s in ServiceState}
        )
    assert seen == [
        {"OPEN_FOR_ORDERS": 0, "PREVIEW": 0, "MAINTENANCE": 1, "CLOSED": 0},
        {"OPEN_FOR_ORDERS": 1, "PREVIEW": 0, "MAINTENANCE": 0, "CLOSED": 0},
    ]
