"""The support desk (DESIGN.md §1b "Support"): requests filed from the contact
form, acknowledged with their due time, answered by agents in the thread of
that acknowledgement, calls noted, closed; every action recorded with who and
when. The queue is ordered by due time (support_clock.py). No gRPC here.

Rate limit: a client (a logged-in user by national id, else the address the
gateway saw) files at most `support_requests_per_hour` requests per clock
hour; the count lives in this service's database, so it holds whatever the
number of gateway or mailer replicas.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.clock import Clock
from services.common.context import Principal
from services.common.db import Database
from services.common.errors import InvalidArgument, Violations
from services.common.idempotency import check_request_id, fingerprint, run_once
from services.common.pagination import clamp_page_size, decode_time_position, encode_time_position
from services.common.phones import national_format
from services.common.timefmt import paris_long
from services.mailer import repository as outbox_repo
from services.mailer import support_repository as repo
from services.mailer.errors import agents_only, already_closed, rate_limited, request_not_found
from services.mailer.models import OutboxMessage, SupportEventRow, SupportRequestRow, idempotency_keys
from services.mailer.outbox import new_message_values
from services.mailer.settings import MailerSettings
from services.mailer.smtp import message_id_header
from services.mailer.support_checks import SupportDraft, check_request, check_text
from services.mailer.support_clock import due_time
from services.mailer.templates import Templates

ANONYMOUS = "anonymous"
OPEN, ANSWERED, CLOSED = "OPEN", "ANSWERED", "CLOSED"
RECEIVED, ANSWER, CALLED, CLOSING = "RECEIVED", "ANSWERED", "CALLED", "CLOSED"

CATEGORY_LABELS = {
    "LOGIN": "Connexion CPS / e-CPS",
    "ORDER": "Commande",
    "DELIVERY": "Livraison",
    "ATTACHMENT": "Rattachements",
    "OTHER": "Autre",
}


@dataclass(frozen=True)
class EventView:
    kind: str
    actor: str
    actor_name: str
    text: str
    create_time: datetime
    message_id: str | None

    @classmethod
    def of(cls, row: SupportEventRow) -> EventView:
        return cls(row.kind, row.actor, row.actor_name, row.text, row.create_time, row.message_id)


@dataclass(frozen=True)
class SupportView:
    id: str
    contact_email: str
    subject: str
    body: str
    about: str
    create_time: datetime
    category: str
    callback_phone: str
    state: str
    due_time: datetime
    first_response_time: datetime | None
    close_time: datetime | None
    requester: str
    requester_name: str
    requester_acts_for: tuple[str, ...]
    events: tuple[EventView, ...] = ()

    @property
    def name(self) -> str:
        return f"supportRequests/{self.id}"

    @classmethod
    def of(cls, row: SupportRequestRow, events: list[SupportEventRow] | None = None) -> SupportView:
        return cls(
            id=row.id,
            contact_email=row.contact_email,
            subject=row.subject,
            body=row.body,
            about=row.about,
            create_time=row.create_time,
            category=row.category,
            callback_phone=row.callback_phone,
            state=row.state,
            due_time=row.due_time,
            first_response_time=row.first_response_time,
            close_time=row.close_time,
            requester="" if row.created_by == ANONYMOUS else row.created_by,
            requester_name=row.requester_name,
            requester_acts_for=tuple(row.requester_acts_for),
            events=tuple(EventView.of(e) for e in events or ()),
        )


@dataclass
class SupportPage:
    requests: list[SupportView] = field(default_factory=list)
    next_page_token: str = ""


def reference(request_id: str) -> str:
    """The short reference users quote ("3F2A9C1B")."""
    return request_id[:8].upper()


def _support_id(name: str) -> str:
    prefix, _, raw = name.partition("/")
    try:
        if prefix != "supportRequests":
            raise ValueError(name)
        return str(uuid.UUID(raw))
    except ValueError as exc:
        raise InvalidArgument.field(
            "name", "Le nom de la demande doit être de la forme supportRequests/{identifiant}."
        ) from exc


def _name_of(principal: Principal) -> str:
    return f"{principal.given_name} {principal.family_name}".strip()


class SupportDesk:
    def __init__(
        self, db: Database, clock: Clock, settings: MailerSettings, templates: Templates | None = None
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._templates = templates or Templates()

    # --- the form -------------------------------------------------------------------

    async def create(
        self,
        principal: Principal | None,
        draft: SupportDraft,
        request_id: str,
        *,
        client_address: str = "",
        trace_request_id: str = "",
    ) -> SupportView:
        """Public (the contact form works before login): the input is checked strictly."""
        request_id = check_request_id(request_id)
        draft = draft.stripped()
        phone = check_request(draft)
        created_by = principal.national_id if principal else ANONYMOUS
        client_key = f"user:{principal.national_id}" if principal else f"addr:{client_address or 'inconnue'}"[:80]
        digest = fingerprint(created_by, {"support_request": draft})

        async def write(session: AsyncSession, now: datetime) -> str:
            await self._count_against_limit(session, client_key, now)
            support_id = str(uuid.uuid4())
            due = due_time(now)
            common = {
                "reference": reference(support_id),
                "contact_email": draft.contact_email,
                "subject": draft.subject,
                "body": draft.body,
                "about": draft.about,
                "category": CATEGORY_LABELS[draft.category],
                "callback_phone": national_format(phone),
                "received_at": paris_long(now),
                "due_at": paris_long(due),
            }
            team = await self._enqueue(
                session,
                [self._settings.support_address],
                "support-request",
                {**common, "requester": _requester(principal), "queue_url": self._settings.support_queue_url},
                created_by=created_by,
                now=now,
                reply_to=draft.contact_email,
                trace_request_id=trace_request_id,
            )
            ack = await self._enqueue(
                session,
                [draft.contact_email],
                "support-acknowledgement",
                common,
                created_by=created_by,
                now=now,
                reply_to=self._settings.support_address,
                trace_request_id=trace_request_id,
            )
            await repo.add(
                session,
                SupportRequestRow(
                    id=support_id,
                    contact_email=draft.contact_email,
                    subject=draft.subject,
                    body=draft.body,
                    about=draft.about,
                    created_by=created_by,
                    message_id=team.id,
                    create_time=now,
                    category=draft.category,
                    callback_phone=phone,
                    state=OPEN,
                    due_time=due,
                    requester_name=_name_of(principal) if principal else "",
                    requester_acts_for=list(principal.acts_for) if principal else [],
                    ack_message_id=ack.id,
                ),
            )
            await self._record(session, support_id, RECEIVED, created_by, common_name(principal), "", ack.id, now)
            return support_id

        support_id = await self._once("CreateSupportRequest", request_id, digest, write)
        return await self._read(support_id)

    async def _count_against_limit(self, session: AsyncSession, client_key: str, now: datetime) -> None:
        window = now.replace(minute=0, second=0, microsecond=0)
        limit = self._settings.support_requests_per_hour
        await repo.forget_windows_before(session, window - timedelta(hours=1))
        if await repo.count_filed(session, client_key, window) > limit:
            # Raising rolls the whole transaction back, the count included.
            raise rate_limited(limit, window + timedelta(hours=1))

    # --- reading ---------------------------------------------------------------------

    async def get(self, principal: Principal | None, name: str) -> SupportView:
        support_id = _support_id(name)
        view = await self._read(support_id)
        if principal is None or not (
            principal.is_support_agent or (view.requester and view.requester == principal.national_id)
        ):
            raise request_not_found()  # someone else's request does not exist, as far as they can tell
        return view

    async def list_requests(
        self, principal: Principal | None, *, mine: bool, include_closed: bool, page_size: int, page_token: str
    ) -> SupportPage:
        if principal is None:
            raise agents_only()
        if not mine and not principal.is_support_agent:
            raise agents_only()
        size = clamp_page_size(page_size, default=50, maximum=200)
        filters = {"mine": mine, "closed": include_closed, "who": principal.national_id if mine else ""}
        after = decode_time_position(page_token, filters)
        async with self._db.read() as session:
            if mine:
                rows = await repo.of_requester(
                    session, principal.national_id, include_closed=include_closed, after=after, limit=size + 1
                )
            else:
                rows = await repo.queue(session, include_closed=include_closed, after=after, limit=size + 1)
        page = SupportPage([SupportView.of(r) for r in rows[:size]])
        if len(rows) > size:
            last = rows[size - 1]
            page.next_page_token = encode_time_position(last.create_time if mine else last.due_time, last.id, filters)
        return page

    # --- agents' actions -----------------------------------------------------------

    async def answer(self, principal: Principal | None, name: str, body: str, request_id: str) -> SupportView:
        """E-mail the requester, in the thread of their acknowledgement (In-Reply-To, References)."""
        agent = _require_agent(principal)
        body = body.strip()
        violations = Violations()
        check_text(violations, "body", body, empty="Écrivez la réponse à envoyer.")
        violations.raise_if_any()

        async def act(session: AsyncSession, row: SupportRequestRow, now: datetime) -> None:
            thread = [row.ack_message_id] if row.ack_message_id else []
            thread += [e.message_id for e in await repo.events(session, row.id) if e.kind == ANSWER and e.message_id]
            ids = [message_id_header(m, self._settings.mail_from) for m in thread]
            message = await self._enqueue(
                session,
                [row.contact_email],
                "support-answer",
                {"answer": body, "subject": row.subject, "reference": reference(row.id), "agent": _name_of(agent)},
                created_by=agent.national_id,
                now=now,
                reply_to=self._settings.support_address,
                headers={"In-Reply-To": ids[-1], "References": " ".join(ids)} if ids else None,
            )
            await self._record(session, row.id, ANSWER, agent.national_id, _name_of(agent), body, message.id, now)
            await self._responded(session, row, now)

        return await self._act("AnswerSupportRequest", agent, name, {"body": body}, request_id, act)

    async def record_call(self, principal: Principal | None, name: str, note: str, request_id: str) -> SupportView:
        agent = _require_agent(principal)
        note = note.strip()
        violations = Violations()
        check_text(violations, "note", note, empty="Résumez l'appel : ce qui a été dit, ce qui reste à faire.")
        violations.raise_if_any()

        async def act(session: AsyncSession, row: SupportRequestRow, now: datetime) -> None:
            await self._record(session, row.id, CALLED, agent.national_id, _name_of(agent), note, None, now)
            await self._responded(session, row, now)

        return await self._act("RecordSupportCall", agent, name, {"note": note}, request_id, act)

    async def close(self, principal: Principal | None, name: str, note: str, request_id: str) -> SupportView:
        agent = _require_agent(principal)
        note = note.strip()
        violations = Violations()
        check_text(violations, "note", note, empty="", required=False)
        violations.raise_if_any()

        async def act(session: AsyncSession, row: SupportRequestRow, now: datetime) -> None:
            await self._record(session, row.id, CLOSING, agent.national_id, _name_of(agent), note, None, now)
            await repo.update_request(session, row.id, {"state": CLOSED, "close_time": now})

        return await self._act("CloseSupportRequest", agent, name, {"note": note}, request_id, act)

    async def _act(
        self,
        operation: str,
        agent: Principal,
        name: str,
        values: dict[str, str],
        request_id: str,
        act: Callable[[AsyncSession, SupportRequestRow, datetime], Awaitable[None]],
    ) -> SupportView:
        support_id = _support_id(name)
        request_id = check_request_id(request_id)
        digest = fingerprint(agent.national_id, {"name": support_id, **values})

        async def write(session: AsyncSession, now: datetime) -> str:
            row = await repo.get(session, support_id, for_update=True)
            if row is None:
                raise request_not_found()
            if row.state == CLOSED:
                raise already_closed()
            await act(session, row, now)
            return support_id

        await self._once(operation, request_id, digest, write)
        return await self._read(support_id)

    async def _responded(self, session: AsyncSession, row: SupportRequestRow, now: datetime) -> None:
        """The first answer (mail or call) is what the two-hour promise is about."""
        values: dict[str, object] = {"state": ANSWERED}
        if row.first_response_time is None:
            values["first_response_time"] = now
        await repo.update_request(session, row.id, values)

    # --- shared ---------------------------------------------------------------------

    async def _record(
        self,
        session: AsyncSession,
        support_id: str,
        kind: str,
        actor: str,
        actor_name: str,
        text: str,
        message_id: str | None,
        now: datetime,
    ) -> None:
        await repo.add(
            session,
            SupportEventRow(
                support_request_id=support_id,
                kind=kind,
                actor=actor,
                actor_name=actor_name,
                text=text,
                message_id=message_id,
                create_time=now,
            ),
        )

    async def _enqueue(
        self,
        session: AsyncSession,
        to: list[str],
        template: str,
        params: dict[str, str],
        *,
        created_by: str,
        now: datetime,
        reply_to: str = "",
        trace_request_id: str = "",
        headers: dict[str, str] | None = None,
    ) -> OutboxMessage:
        row = OutboxMessage(
            **new_message_values(
                self._templates.render(template, params),
                recipients=to,
                reply_to=reply_to,
                template=template,
                params=params,
                created_by=created_by,
                now=now,
                trace_request_id=trace_request_id,
                dedupe_key=None,
                headers=headers,
            )
        )
        await outbox_repo.add_message(session, row)
        return row

    async def _once(
        self, operation: str, request_id: str, digest: str, write: Callable[[AsyncSession, datetime], Awaitable[str]]
    ) -> str:
        """services.common.idempotency: one run per request_id; a retry answers the first run's request."""
        return await run_once(
            self._db,
            idempotency_keys,
            self._clock,
            request_id=request_id,
            operation=operation,
            digest=digest,
            work=write,
            dump=lambda created: {"support_request": created},
            load=lambda outcome: str(outcome["support_request"]),
        )

    async def _read(self, support_id: str) -> SupportView:
        async with self._db.read() as session:
            row = await repo.get(session, support_id)
            if row is None:
                raise request_not_found()
            return SupportView.of(row, await repo.events(session, support_id))


def _require_agent(principal: Principal | None) -> Principal:
    if principal is None or not principal.is_support_agent:
        raise agents_only()
    return principal


def common_name(principal: Principal | None) -> str:
    return _name_of(principal) if principal else ""


def _requester(principal: Principal | None) -> str:
    if principal is None:
        return "non identifié (formulaire de contact public)"
    name = _name_of(principal) or "nom inconnu"
    acts_for = ", ".join(principal.acts_for) or "aucune structure"
    return f"{name}, identifiant national {principal.national_id} (agit pour : {acts_for})"
