"""The service state as a pure function of the schedule (services/sessions/calendar.py), called
directly: overlapping windows, a boundary where the state does not change, which opening is
announced while closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.sessions.calendar import service_status
from services.sessions.domain import CalendarWindow, ServiceState, Session, WindowKind

T0 = datetime(2022, 3, 7, 7, tzinfo=UTC)  # Monday 7 March 2022, 08h00 in Paris
H = timedelta(hours=1)


def session(session_id: str, opens: datetime, closes: datetime) -> Session:
    return Session(session_id, session_id, opens, closes, None, None, None, T0, T0)


def window(kind: WindowKind, start: datetime, end: datetime, message: str = "") -> CalendarWindow:
    return CalendarWindow(f"{kind.value}-{start:%H}", kind, start, end, message)


def preview(start: datetime, end: datetime, message: str = "") -> CalendarWindow:
    return window(WindowKind.PREVIEW, start, end, message)


def maintenance(start: datetime, end: datetime, message: str = "") -> CalendarWindow:
    return window(WindowKind.MAINTENANCE, start, end, message)


def test_a_preview_window_ending_while_a_session_is_open_changes_nothing_the_close_does() -> None:
    week = [session("s", T0, T0 + 10 * H)]
    status = service_status(T0 + H, week, [preview(T0 - 5 * H, T0 + 2 * H)])
    assert status.state is ServiceState.OPEN_FOR_ORDERS
    assert status.next_change_time == T0 + 10 * H
    assert status.message == "Saisie des commandes ouverte jusqu'au lundi 7 mars 2022 à 18\u00a0h\u00a000"


def test_the_next_change_is_the_first_boundary_where_the_state_differs() -> None:
    # Preview until the session opens, then open: the preview's end is the opening, one change.
    status = service_status(T0 - H, [session("s", T0, T0 + 5 * H)], [preview(T0 - 2 * H, T0 + H)])
    assert (status.state, status.next_change_time) == (ServiceState.PREVIEW, T0)
    # At a boundary itself the new state holds (windows and sessions are [start, end)).
    assert service_status(T0, [session("s", T0, T0 + 5 * H)], []).state is ServiceState.OPEN_FOR_ORDERS
    assert service_status(T0 + 5 * H, [session("s", T0, T0 + 5 * H)], []).state is ServiceState.CLOSED
    assert service_status(T0 + 5 * H, [session("s", T0, T0 + 5 * H)], []).next_change_time is None


def test_maintenance_wins_over_an_open_session_and_over_a_preview() -> None:
    status = service_status(
        T0 + H,
        [session("s", T0, T0 + 5 * H)],
        [preview(T0, T0 + 5 * H), maintenance(T0, T0 + 2 * H, "Mise à jour")],
    )
    assert status.state is ServiceState.MAINTENANCE
    assert status.next_change_time == T0 + 2 * H
    assert status.message == "Mise à jour. Retour du service prévu le lundi 7 mars 2022 à 10\u00a0h\u00a000"


def test_of_two_maintenance_windows_at_once_the_later_end_is_announced() -> None:
    windows = [maintenance(T0, T0 + 3 * H, "Longue !"), maintenance(T0, T0 + 2 * H, "Courte")]
    status = service_status(T0 + H, [], windows)
    assert status.message == "Longue ! Retour du service prévu le lundi 7 mars 2022 à 11\u00a0h\u00a000"
    # The shorter window ending is not a change: the longer one still holds.
    assert status.next_change_time == T0 + 3 * H


def test_of_two_preview_windows_at_once_the_later_end_is_announced() -> None:
    windows = [preview(T0, T0 + 2 * H, "Découvrez le service"), preview(T0, T0 + 4 * H, "  ")]
    status = service_status(T0 + H, [], windows)
    assert status.state is ServiceState.PREVIEW
    assert status.message == "Prise en main possible jusqu'au lundi 7 mars 2022 à 12\u00a0h\u00a000"
    assert status.next_change_time == T0 + 4 * H


def test_a_window_message_keeps_its_own_final_punctuation() -> None:
    for message in ("Fermé…", "Fermé?", "Fermé."):
        status = service_status(T0 + H, [], [maintenance(T0, T0 + 2 * H, message)])
        assert status.message.startswith(f"{message} Retour du service")


def test_a_window_message_without_final_punctuation_gets_a_full_stop() -> None:
    for message in ("Mise à jour", "Mise à jour : étape X", "Version 2", "Mise à jour (SI)"):
        status = service_status(T0 + H, [], [maintenance(T0, T0 + 2 * H, message)])
        assert status.message.startswith(f"{message}. Retour du service")


def test_a_later_preview_window_does_not_change_what_the_current_one_announces() -> None:
    windows = [preview(T0, T0 + 2 * H), preview(T0 + 5 * H, T0 + 9 * H)]
    status = service_status(T0 + H, [], windows)
    assert status.message == "Prise en main possible jusqu'au lundi 7 mars 2022 à 10\u00a0h\u00a000"
    assert status.next_change_time == T0 + 2 * H


def test_while_closed_the_next_opening_of_two_future_sessions_is_announced() -> None:
    later, sooner = session("later", T0 + 48 * H, T0 + 50 * H), session("sooner", T0 + 24 * H, T0 + 26 * H)
    status = service_status(T0, [later, sooner], [])
    assert (status.state, status.session) == (ServiceState.CLOSED, sooner)
    assert status.message == "Saisie des commandes fermée : prochaine ouverture le mardi 8 mars 2022 à 8\u00a0h\u00a000"
    assert status.next_change_time == T0 + 24 * H


def test_a_past_session_is_not_announced_and_without_any_the_message_says_so() -> None:
    past = session("past", T0 - 5 * H, T0 - H)
    status = service_status(T0, [past], [])
    assert status.session is None
    assert status.message == "Saisie des commandes fermée : aucune session n'est programmée"


def test_of_two_open_sessions_the_one_opened_first_is_the_concerned_one() -> None:
    first, second = session("first", T0 - 2 * H, T0 + 2 * H), session("second", T0 - H, T0 + 5 * H)
    status = service_status(T0, [second, first], [])
    assert status.session == first
    # The first closing does not change the state: the second is still open.
    assert status.next_change_time == T0 + 5 * H
