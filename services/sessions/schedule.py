"""Order sessions, calendar windows and the service state derived from them.

Windows are entered by operators as instants (the gateway turns Paris wall
time into UTC); they are stored in UTC and every message shows Paris time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Any, TypeVar

import structlog
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.clock import Clock
from services.common.context import Principal
from services.common.dates import check_instant, parse_day
from services.common.db import Database
from services.common.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    Violations,
)
from services.common.idempotency import Idempotency, check_request_id, fingerprint
from services.common.masks import check_mask
from services.common.pagination import clamp_page_size, decode_time_position, encode_time_position
from services.common.text import CONTROL_CHARACTERS, has_control_characters
from services.common.timefmt import as_utc, in_paris, paris_long
from services.sessions import errors
from services.sessions import repository as repo
from services.sessions.access import (
    check_etag,
    require_operator,
)
from services.sessions.calendar import service_status
from services.sessions.domain import (
    ID_PATTERN,
    SESSION_FIELDS,
    CalendarWindow,
    ServiceStatus,
    Session,
    SessionDraft,
    WindowChange,
    WindowKind,
    parse_name,
)
from services.sessions.models import idempotency_keys

log = structlog.get_logger("sessions.schedule")
T = TypeVar("T")


def _draft_of(session: Session) -> SessionDraft:
    def day(value: date | None) -> str:
        return value.isoformat() if value else ""

    return SessionDraft(
        label=session.label,
        open_time=session.open_time,
        close_time=session.close_time,
        confirmation_email_date=day(session.confirmation_email_date),
        delivery_from_date=day(session.delivery_from_date),
        delivery_to_date=day(session.delivery_to_date),
    )


def _collect(violations: Violations, check: Callable[..., T], *args: Any) -> T | None:
    """What `check(*args)` returns, or None with its violations added to `violations`."""
    try:
        return check(*args)
    except InvalidArgument as error:
        violations.items.extend(error.violations)
        return None


def _validated(base: Session, draft: SessionDraft, now: datetime) -> Session:
    """`base` with the draft's values, or InvalidArgument naming every bad field (session.*);
    every date inside the accepted range (services.common.dates)."""
    violations = Violations()
    label = draft.label.strip()
    if not label:
        violations.add("session.label", "Le libellé de la session est obligatoire.")
    elif len(label) > 200:
        violations.add("session.label", "Le libellé ne doit pas dépasser 200 caractères.")
    elif has_control_characters(label):
        violations.add("session.label", CONTROL_CHARACTERS)
    if draft.open_time is None:
        violations.add("session.open_time", "L'heure d'ouverture est obligatoire.")
    if draft.close_time is None:
        violations.add("session.close_time", "L'heure de fermeture est obligatoire.")
    opens, closes = (
        None if instant is None else _collect(violations, check_instant, instant, f"session.{key}", now)
        for key, instant in (("open_time", draft.open_time), ("close_time", draft.close_time))
    )
    if opens and closes and closes <= opens:
        violations.add(
            "session.close_time",
            f"La fermeture ({paris_long(closes)}) doit être postérieure à l'ouverture ({paris_long(opens)}).",
        )
    days: dict[str, date | None] = {}
    for key in ("confirmation_email_date", "delivery_from_date", "delivery_to_date"):
        days[key] = _collect(violations, parse_day, getattr(draft, key), f"session.{key}", now)
    delivery_from, delivery_to = days.get("delivery_from_date"), days.get("delivery_to_date")
    if delivery_from and delivery_to and delivery_to < delivery_from:
        violations.add("session.delivery_to_date", "La fin de la livraison doit suivre son début.")
    violations.raise_if_any()
    assert draft.open_time is not None and draft.close_time is not None
    return replace(
        base,
        label=label,
        open_time=as_utc(draft.open_time),
        close_time=as_utc(draft.close_time),
        confirmation_email_date=days["confirmation_email_date"],
        delivery_from_date=days["delivery_from_date"],
        delivery_to_date=days["delivery_to_date"],
    )


def _deleted(_: None) -> dict[str, Any]:
    """A delete has no outcome to keep..."""
    return {}


def _deleted_again(_: dict[str, Any]) -> None:
    """...so a retry of one that went through just succeeds."""


def window_id(kind: WindowKind, start: datetime) -> str:
    """Readable and deterministic: one window of a kind per start instant ("maintenance-20220306t0000")."""
    return f"{kind.value.lower()}-{in_paris(start):%Y%m%dt%H%M}"


class ScheduleService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock
        self.once = Idempotency(db, idempotency_keys, clock)

    # ------------------------------------------------------------ state

    async def get_service_state(self, at: datetime | None = None) -> ServiceStatus:
        """Public: the home page shows it before anyone logs in."""
        at = as_utc(at) if at else self.clock.now()

        def read(db: Connection) -> tuple[list[Session], list[CalendarWindow]]:
            return repo.sessions_closing_after(db, at), repo.windows_ending_after(db, at)

        # Every officine asks at 08:00 on Monday: one read transaction, one thread hand-off on SQLite.
        sessions, windows = await self.db.run_read(read)
        return service_status(at, sessions, windows)

    # ------------------------------------------------------------ sessions

    async def get_session(self, name: str) -> Session:
        # Public: the calendar is shown to visitors on the home page.
        session_id = parse_name(name, "sessions", "name", "session")
        session = await self.db.run_read(lambda db: repo.get_session(db, session_id))
        if session is None:
            raise errors.session_not_found(session_id)
        return session

    async def list_sessions(self, *, page_size: int = 0, page_token: str = "") -> tuple[list[Session], str]:
        # Public: the calendar is shown to visitors on the home page.
        limit = clamp_page_size(page_size, 50, 500)
        filters = {"list": "sessions"}
        position = decode_time_position(page_token, filters)
        sessions = await self.db.run_read(lambda db: repo.list_sessions(db, after=position, limit=limit + 1))
        more = len(sessions) > limit
        sessions = sessions[:limit]
        token = encode_time_position(sessions[-1].open_time, sessions[-1].id, filters) if more else ""
        return sessions, token

    async def create_session(
        self, caller: Principal | None, session_id: str, draft: SessionDraft, *, request_id: str = ""
    ) -> Session:
        principal = require_operator(caller)
        request_id = check_request_id(request_id)
        if not ID_PATTERN.match(session_id):
            raise InvalidArgument.field(
                "session_id", f"Identifiant invalide : « {session_id} » (par exemple la date d'ouverture, 2022-03-07)."
            )
        now = self.clock.now()
        blank = Session(session_id, "", now, now, None, None, None, create_time=now, update_time=now)
        session = _validated(blank, draft, now)
        digest = fingerprint(principal.national_id, {"id": session_id, **asdict(draft)})

        async def write(db: AsyncSession, _now: datetime) -> Session:
            await repo.lock_schedule(db)
            if await db.run_sync(repo.get_session, session_id) is not None:
                raise AlreadyExists(f"La session « {session_id} » existe déjà.", reason="SESSION_EXISTS")
            others = await db.run_sync(repo.overlapping_sessions, session.open_time, session.close_time)
            if others:
                raise errors.session_overlap(others)
            await repo.insert_session(db, session)
            log.info(
                "session.created",
                session=session.name,
                opens=session.open_time.isoformat(),
                closes=session.close_time.isoformat(),
            )
            return session

        return await self._once(request_id, "CreateSession", digest, write)

    async def update_session(
        self,
        caller: Principal | None,
        name: str,
        draft: SessionDraft,
        *,
        mask: set[str],
        etag: str = "",
        request_id: str = "",
    ) -> Session:
        """A change of the window of a session that has opened is recorded with who and when."""
        principal = require_operator(caller)
        request_id = check_request_id(request_id)
        session_id = parse_name(name, "sessions", "session.name", "session")
        fields = check_mask(mask, SESSION_FIELDS)
        digest = fingerprint(principal.national_id, {"id": session_id, "etag": etag, "mask": fields, **asdict(draft)})

        async def write(db: AsyncSession, now: datetime) -> Session:
            await repo.lock_schedule(db)
            current = await db.run_sync(repo.get_session, session_id, for_update=True)
            if current is None:
                raise errors.session_not_found(session_id)
            check_etag(etag, current.etag, "La session")
            merged = replace(_draft_of(current), **{f: getattr(draft, f) for f in fields})
            session = replace(_validated(current, merged, now), revision=current.revision + 1, update_time=now)
            window_moved = (session.open_time, session.close_time) != (current.open_time, current.close_time)
            change = None
            if window_moved:
                others = await db.run_sync(
                    repo.overlapping_sessions, session.open_time, session.close_time, except_id=session_id
                )
                if others:
                    raise errors.session_overlap(others)
                if current.open_time <= now:
                    change = WindowChange(
                        principal.national_id,
                        now,
                        current.open_time,
                        current.close_time,
                        session.open_time,
                        session.close_time,
                    )
            await repo.update_session(db, session, change)
            if change is None:
                return session
            # Moving an opened session changes what officines may do: keep a trace in the logs too.
            log.info(
                "session.window_changed",
                session=session.name,
                opens=session.open_time.isoformat(),
                closes=session.close_time.isoformat(),
            )
            return replace(session, window_changes=(*current.window_changes, change))

        return await self._once(request_id, "UpdateSession", digest, write)

    async def _once(
        self,
        request_id: str,
        operation: str,
        digest: str,
        write: Callable[[AsyncSession, datetime], Awaitable[Session]],
    ) -> Session:
        """A retry gets the session as it is now (the one the first call wrote, or later)."""
        return await self.once.run(
            request_id=request_id,
            operation=operation,
            digest=digest,
            work=write,
            dump=lambda session: {"session": session.id},
            load=lambda outcome: self.get_session(f"sessions/{outcome['session']}"),
        )

    async def delete_session(
        self, caller: Principal | None, name: str, *, etag: str = "", request_id: str = ""
    ) -> None:
        """Only a session that has not opened yet: orders may refer to the others.
        A retry of a delete that went through (same request_id) succeeds again."""
        principal = require_operator(caller)
        request_id = check_request_id(request_id)
        session_id = parse_name(name, "sessions", "name", "session")

        async def write(db: AsyncSession, now: datetime) -> None:
            current = await db.run_sync(repo.get_session, session_id, for_update=True)
            if current is None:
                raise errors.session_not_found(session_id)
            check_etag(etag, current.etag, "La session")
            if current.open_time <= now:
                raise FailedPrecondition(
                    f"La session « {current.label} » a déjà ouvert le {paris_long(current.open_time)} : "
                    "elle ne peut plus être supprimée.",
                    reason="SESSION_ALREADY_OPENED",
                )
            await repo.delete_session(db, session_id)
            log.info("session.deleted", session=f"sessions/{session_id}")

        digest = fingerprint(principal.national_id, [session_id, etag])
        await self.once.run(
            request_id=request_id,
            operation="DeleteSession",
            digest=digest,
            work=write,
            dump=_deleted,
            load=_deleted_again,
        )

    # ------------------------------------------------------------ calendar windows

    async def list_windows(self, *, page_size: int = 0, page_token: str = "") -> tuple[list[CalendarWindow], str]:
        # Public: the calendar is shown to visitors on the home page.
        limit = clamp_page_size(page_size, 100, 500)
        filters = {"list": "calendarWindows"}
        position = decode_time_position(page_token, filters)
        async with self.db.read() as db:
            windows = await repo.list_windows(db, after=position, limit=limit + 1)
        more = len(windows) > limit
        windows = windows[:limit]
        token = encode_time_position(windows[-1].start_time, windows[-1].id, filters) if more else ""
        return windows, token

    async def create_window(
        self,
        caller: Principal | None,
        kind: str,
        start: datetime | None,
        end: datetime | None,
        message: str,
        *,
        request_id: str = "",
    ) -> CalendarWindow:
        principal = require_operator(caller)
        request_id = check_request_id(request_id)
        violations = Violations()
        window_kind = WindowKind.__members__.get(kind)
        if window_kind is None:
            violations.add("window.kind", "Indiquez le type de période : prise en main (PREVIEW) ou maintenance.")
        if start is None:
            violations.add("window.start_time", "Le début de la période est obligatoire.")
        else:
            start = _collect(violations, check_instant, start, "window.start_time", self.clock.now())
        if end is None:
            violations.add("window.end_time", "La fin de la période est obligatoire.")
        else:
            end = _collect(violations, check_instant, end, "window.end_time", self.clock.now())
        if start and end and end <= start:
            violations.add("window.end_time", "La fin de la période doit être postérieure à son début.")
        text = message.strip()
        if not text:
            violations.add("window.message", "Le message affiché aux utilisateurs est obligatoire.")
        elif len(text) > 1000:
            violations.add("window.message", "Le message ne doit pas dépasser 1 000 caractères.")
        elif has_control_characters(text, multiline=True):
            violations.add("window.message", CONTROL_CHARACTERS)
        violations.raise_if_any()
        assert window_kind is not None and start is not None and end is not None
        window = CalendarWindow(window_id(window_kind, start), window_kind, as_utc(start), as_utc(end), text)

        async def write(db: AsyncSession, now: datetime) -> CalendarWindow:
            if await repo.get_window(db, window.id) is not None:
                raise AlreadyExists(
                    f"Une période de ce type commence déjà le {paris_long(window.start_time)}.", reason="WINDOW_EXISTS"
                )
            await repo.insert_window(db, window, now)
            return window

        async def reread(outcome: dict[str, Any]) -> CalendarWindow:
            async with self.db.read() as db:
                existing = await repo.get_window(db, outcome["window"])
            if existing is None:  # deleted since the first call
                raise errors.window_not_found(outcome["window"])
            return existing

        digest = fingerprint(principal.national_id, asdict(window))
        return await self.once.run(
            request_id=request_id,
            operation="CreateCalendarWindow",
            digest=digest,
            work=write,
            dump=lambda created: {"window": created.id},
            load=reread,
        )

    async def delete_window(self, caller: Principal | None, name: str, *, request_id: str = "") -> None:
        """A retry of a delete that went through (same request_id) succeeds again."""
        principal = require_operator(caller)
        request_id = check_request_id(request_id)
        window_id_ = parse_name(name, "calendarWindows", "name", "période")

        async def write(db: AsyncSession, _now: datetime) -> None:
            if await repo.get_window(db, window_id_) is None:
                raise errors.window_not_found(window_id_)
            await repo.delete_window(db, window_id_)

        digest = fingerprint(principal.national_id, window_id_)
        await self.once.run(
            request_id=request_id,
            operation="DeleteCalendarWindow",
            digest=digest,
            work=write,
            dump=_deleted,
            load=_deleted_again,
        )
