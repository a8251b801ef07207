"""What the service lets users do at an instant: pure functions of the schedule.

The state is piecewise constant between the boundaries of sessions and
windows, so the next change is found by evaluating the state at each later
boundary, in order, until it differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from services.common.timefmt import paris_long
from services.sessions.domain import CalendarWindow, ServiceState, ServiceStatus, Session, WindowKind


def _state_at(at: datetime, sessions: Sequence[Session], windows: Sequence[CalendarWindow]) -> ServiceState:
    """MAINTENANCE wins, then an open session, then PREVIEW, else CLOSED."""
    if any(w.kind is WindowKind.MAINTENANCE and w.contains(at) for w in windows):
        return ServiceState.MAINTENANCE
    if any(s.is_open_at(at) for s in sessions):
        return ServiceState.OPEN_FOR_ORDERS
    if any(w.kind is WindowKind.PREVIEW and w.contains(at) for w in windows):
        return ServiceState.PREVIEW
    return ServiceState.CLOSED


def _next_change(
    at: datetime, state: ServiceState, sessions: Sequence[Session], windows: Sequence[CalendarWindow]
) -> datetime | None:
    boundaries = sorted(
        {t for s in sessions for t in (s.open_time, s.close_time) if t > at}
        | {t for w in windows for t in (w.start_time, w.end_time) if t > at}
    )
    return next((t for t in boundaries if _state_at(t, sessions, windows) is not state), None)


def _concerned_session(at: datetime, sessions: Sequence[Session]) -> Session | None:
    """The open session, or else the next one to open."""
    open_now = [s for s in sessions if s.is_open_at(at)]
    if open_now:
        return min(open_now, key=lambda s: s.open_time)
    upcoming = [s for s in sessions if s.open_time > at]
    return min(upcoming, key=lambda s: s.open_time) if upcoming else None


def _window_text(window: CalendarWindow, ending: str) -> str:
    text = window.message.strip()
    if text and text[-1] not in ".!?…":
        text += "."
    return f"{text} {ending}".strip()


def service_status(at: datetime, sessions: Sequence[Session], windows: Sequence[CalendarWindow]) -> ServiceStatus:
    state = _state_at(at, sessions, windows)
    session = _concerned_session(at, sessions)
    next_change = _next_change(at, state, sessions, windows)
    if state is ServiceState.MAINTENANCE:
        window = max(
            (w for w in windows if w.kind is WindowKind.MAINTENANCE and w.contains(at)), key=lambda w: w.end_time
        )
        message = _window_text(window, f"Retour du service prévu le {paris_long(window.end_time)}")
    elif state is ServiceState.OPEN_FOR_ORDERS:
        assert session is not None
        message = f"Saisie des commandes ouverte jusqu'au {paris_long(session.close_time)}"
    elif state is ServiceState.PREVIEW:
        window = max((w for w in windows if w.kind is WindowKind.PREVIEW and w.contains(at)), key=lambda w: w.end_time)
        message = _window_text(window, f"Prise en main possible jusqu'au {paris_long(window.end_time)}")
    elif session is not None:
        message = f"Saisie des commandes fermée : prochaine ouverture le {paris_long(session.open_time)}"
    else:
        message = "Saisie des commandes fermée : aucune session n'est programmée"
    return ServiceStatus(state=state, session=session, next_change_time=next_change, message=message)
