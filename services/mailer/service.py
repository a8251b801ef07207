"""The mailer's rules: who may queue and read what, validation, idempotency.

A message is rendered and stored in the same transaction as its request_id
key; the dispatcher (dispatcher.py) delivers it afterwards. No gRPC here.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.clock import Clock
from services.common.context import Principal
from services.common.db import Database
from services.common.errors import InvalidArgument, Violations
from services.common.idempotency import check_request_id, fingerprint, run_once
from services.common.pagination import clamp_page_size, decode_time_position, encode_time_position
from services.mailer import repository as repo
from services.mailer.addresses import is_valid_address
from services.mailer.errors import message_not_found, operators_only
from services.mailer.models import OutboxMessage, idempotency_keys
from services.mailer.outbox import new_message_values
from services.mailer.settings import MailerSettings
from services.mailer.templates import TEMPLATES, Templates

MAX_RECIPIENTS = 50
MAX_PARAM_LENGTH = 20_000


@dataclass(frozen=True)
class MessageDraft:
    to: Sequence[str]
    template: str
    params: Mapping[str, str]


@dataclass(frozen=True)
class MessageView:
    id: str
    to: list[str]
    template: str
    params: dict[str, str]
    subject: str
    state: str
    attempts: int
    last_error: str
    create_time: datetime
    send_time: datetime | None

    @property
    def name(self) -> str:
        return f"messages/{self.id}"

    @classmethod
    def of(cls, row: OutboxMessage) -> MessageView:
        return cls(
            id=row.id,
            to=list(row.recipients),
            template=row.template,
            params=dict(row.params),
            subject=row.subject,
            state=row.state,
            attempts=row.attempts,
            last_error=row.last_error,
            create_time=row.create_time,
            send_time=row.send_time,
        )


@dataclass
class MessagePage:
    messages: list[MessageView]
    next_page_token: str = ""


@dataclass(frozen=True)
class QueuedMail:
    """A message the mailer itself composes."""

    to: Sequence[str]
    template: str
    params: Mapping[str, str]
    reply_to: str = ""
    # One message per key (reserved for the Friday confirmations: session + recipient).
    dedupe_key: str | None = None


def _message_id(name: str) -> str:
    prefix, _, raw = name.partition("/")
    try:
        if prefix != "messages":
            raise ValueError(name)
        return str(uuid.UUID(raw))
    except ValueError as exc:
        raise InvalidArgument.field("name", "Le nom du message doit être de la forme messages/{identifiant}.") from exc


class Mailer:
    def __init__(
        self, db: Database, clock: Clock, settings: MailerSettings, templates: Templates | None = None
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._templates = templates or Templates()

    # --- messages ----------------------------------------------------------------

    async def send_message(
        self, principal: Principal | None, draft: MessageDraft, request_id: str, *, trace_request_id: str = ""
    ) -> MessageView:
        """Queue a templated message. Operators only: an open relay to any
        address would let any logged-in user send mail in the agency's name."""
        if principal is None or not principal.is_operator:
            raise operators_only()
        request_id = check_request_id(request_id)
        self._check_draft(draft)
        mail = QueuedMail(to=list(draft.to), template=draft.template, params=dict(draft.params))
        digest = fingerprint(
            principal.national_id, {"to": list(draft.to), "template": draft.template, "params": dict(draft.params)}
        )

        async def write(session: AsyncSession, now: datetime) -> str:
            row = await self._enqueue(
                session, mail, created_by=principal.national_id, now=now, trace_request_id=trace_request_id
            )
            return row.id

        message_id = await self._once("SendMessage", request_id, digest, write, key="message")
        return await self._read_message(message_id)

    def _check_draft(self, draft: MessageDraft) -> None:
        violations = Violations()
        if not draft.to:
            violations.add("message.to", "Indiquez au moins un destinataire.")
        elif len(draft.to) > MAX_RECIPIENTS:
            violations.add("message.to", f"Pas plus de {MAX_RECIPIENTS} destinataires par message.")
        for index, address in enumerate(draft.to):
            if not is_valid_address(address):
                violations.add(f"message.to[{index}]", f"Adresse e-mail invalide : « {address[:80]} ».")
        spec = TEMPLATES.get(draft.template)
        if spec is None or not spec.sendable:
            known = ", ".join(sorted(t.id for t in TEMPLATES.values() if t.sendable))
            violations.add(
                "message.template", f"Modèle inconnu : « {draft.template[:64]} » (modèles possibles : {known})."
            )
        else:
            for name in spec.params:
                if not draft.params.get(name, "").strip():
                    violations.add(
                        f"message.params[{name}]", f"Le paramètre « {name} » est obligatoire pour ce modèle."
                    )
            for name in sorted(set(draft.params) - set(spec.params)):
                violations.add(f"message.params[{name[:64]}]", f"Paramètre inconnu du modèle « {spec.id} ».")
        for name, value in draft.params.items():
            if len(value) > MAX_PARAM_LENGTH:
                violations.add(
                    f"message.params[{name[:64]}]", f"Valeur trop longue (au plus {MAX_PARAM_LENGTH} caractères)."
                )
        violations.raise_if_any()

    async def get_message(self, principal: Principal | None, name: str) -> MessageView:
        message_id = _message_id(name)
        async with self._db.read() as session:
            row = await repo.get_message(session, message_id)
            # Someone else's message does not exist, as far as the caller can tell.
            if (
                row is None
                or principal is None
                or not (principal.is_operator or row.created_by == principal.national_id)
            ):
                raise message_not_found()
            return MessageView.of(row)

    async def list_messages(
        self, principal: Principal | None, *, page_size: int, page_token: str, state: str | None
    ) -> MessagePage:
        if principal is None or not principal.is_operator:
            raise operators_only()
        size = clamp_page_size(page_size, default=100, maximum=1000)
        filters = {"state": state or ""}
        position = decode_time_position(page_token, filters)
        async with self._db.read() as session:
            rows = await repo.list_messages(session, state=state, after=position, limit=size + 1)
        page = MessagePage([MessageView.of(r) for r in rows[:size]])
        if len(rows) > size:
            last = rows[size - 1]
            page.next_page_token = encode_time_position(last.create_time, last.id, filters)
        return page

    # --- shared ----------------------------------------------------------------------

    async def _enqueue(
        self, session: AsyncSession, mail: QueuedMail, *, created_by: str, now: datetime, trace_request_id: str
    ) -> OutboxMessage:
        row = OutboxMessage(
            **new_message_values(
                self._templates.render(mail.template, mail.params),
                recipients=mail.to,
                reply_to=mail.reply_to,
                template=mail.template,
                params=mail.params,
                created_by=created_by,
                now=now,
                trace_request_id=trace_request_id,
                dedupe_key=mail.dedupe_key,
            )
        )
        await repo.add_message(session, row)
        return row

    async def _once(
        self,
        operation: str,
        request_id: str,
        digest: str,
        write: Callable[[AsyncSession, datetime], Awaitable[str]],
        *,
        key: str,
    ) -> str:
        """Run `write` once per request_id (services.common.idempotency): the id
        of what it created, the first call's on a retry."""
        return await run_once(
            self._db,
            idempotency_keys,
            self._clock,
            request_id=request_id,
            operation=operation,
            digest=digest,
            work=write,
            dump=lambda created: {key: created},
            load=lambda outcome: str(outcome[key]),
        )

    async def _read_message(self, message_id: str) -> MessageView:
        async with self._db.read() as session:
            row = await repo.get_message(session, message_id)
            if row is None:
                raise message_not_found()
            return MessageView.of(row)
