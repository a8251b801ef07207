"""The Friday delivery confirmations: one e-mail per (session, recipient), ever.

A run reads the published deliveries of a session (orders), the names and
addresses (effecteurs) and the catalogue (sessions), composes every e-mail
(deliveries.py), then queues them in batches: each batch is one transaction of
`INSERT ... ON CONFLICT (dedupe_key) DO NOTHING` with the key
"confirmation:{session}:{recipient}". So:

- a second run (same or another request_id, by the CronJob or an operator)
  queues only what is missing;
- two runs at once (two replicas) never queue one recipient twice: the unique
  key decides, and on PostgreSQL the second insert waits for the first's commit;
- a run killed half-way leaves whole batches committed; the next run queues
  the rest.

After each batch, orders is told which officines' confirmations went out and
the date each e-mail announced (RecordConfirmationsSent, idempotent there),
also for recipients queued by an earlier run, whose record may have been lost
in a crash. A dry run composes everything and queues nothing. Every run, dry
or not, is stored with its report (confirmation_runs).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.clock import Clock
from services.common.context import Principal
from services.common.db import Database
from services.common.errors import InvalidArgument
from services.common.idempotency import check_request_id, fingerprint, recorded_outcome, run_once
from services.common.pagination import clamp_page_size, decode_time_position, encode_time_position
from services.mailer import repository as repo
from services.mailer.deliveries import (
    DateChange,
    Delivery,
    Mail,
    Names,
    Party,
    Product,
    Recipient,
    confirmation_mails,
    parties_to_look_up,
)
from services.mailer.errors import (
    allocation_not_published,
    confirmations_refused,
    session_not_closed,
    session_not_found,
)
from services.mailer.models import ConfirmationRunRow, idempotency_keys
from services.mailer.outbox import new_message_values
from services.mailer.request_mails import RequestEvent
from services.mailer.settings import MailerSettings
from services.mailer.templates import Templates

log = structlog.get_logger("mailer.confirmations")

_SESSION = re.compile(r"^sessions/[0-9A-Za-z._-]{1,40}$")
OPERATION = "SendDeliveryConfirmations"


class SessionView(Protocol):
    # Read-only: what clients.Directory answers is frozen.
    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def state(self) -> str: ...


class DirectoryPort(Protocol):
    """What the runs need from the other services (clients.Directory)."""

    async def session(self, name: str) -> SessionView | None: ...
    async def products(self) -> dict[str, Product]: ...
    async def allocation_published(self, session: str) -> bool: ...
    async def deliveries(self, session: str, finess: str = "-") -> list[Delivery]: ...
    async def record_confirmations(self, session: str, announced: dict[str, str]) -> None: ...
    async def date_changes(self, after_id: int, limit: int) -> list[DateChange]: ...
    async def request_events(self, after_id: int, limit: int) -> list[RequestEvent]: ...
    async def officines(self, names: Sequence[str]) -> dict[str, Party]: ...
    async def effecteurs(self, names: Sequence[str]) -> dict[str, Party]: ...


# Recipients listed in a run's report (planned, missing_address), in the report's order
# (officines by FINESS, then professionals by name); the counts are exact.
LISTED_RECIPIENTS = 1000


def _listed(recipients: list[Recipient]) -> list[Recipient]:
    return recipients[:LISTED_RECIPIENTS]


@dataclass(frozen=True)
class RunView:
    id: str
    session: str
    dry_run: bool
    run_by: str
    create_time: datetime
    recipients: int
    queued: int
    already_queued: int
    missing_address: list[Recipient]
    planned: list[Recipient]
    missing_address_count: int
    would_queue: int

    @property
    def name(self) -> str:
        return f"{self.session}/confirmationRuns/{self.id}"

    @classmethod
    def of(cls, row: ConfirmationRunRow) -> RunView:
        return cls(
            id=row.id,
            session=row.session,
            dry_run=row.dry_run,
            run_by=row.run_by,
            create_time=row.create_time,
            recipients=row.recipients,
            queued=row.queued,
            already_queued=row.already_queued,
            missing_address=[Recipient.from_dict(r) for r in row.missing_address],
            planned=[Recipient.from_dict(r) for r in row.planned],
            missing_address_count=row.missing_address_count,
            would_queue=row.would_queue,
        )


@dataclass(frozen=True)
class RunOutcome:
    """What SendDeliveryConfirmations answers: messages queued by this call, and the run."""

    queued: int
    run: RunView


@dataclass
class RunPage:
    runs: list[RunView]
    next_page_token: str = ""


@dataclass
class _Tally:
    queued: int = 0
    already_queued: int = 0
    queued_keys: set[str] = field(default_factory=set)


def dedupe_key(session: str, recipient: str) -> str:
    return f"confirmation:{session}:{recipient}"


def announced_param(announced: dict[str, str]) -> str:
    """The dates a mail announces, kept with the message: "759900111=2022-03-18,..."."""
    return ",".join(f"{finess}={day}" for finess, day in sorted(announced.items()))


def parse_announced(value: str) -> dict[str, str]:
    pairs = (item.partition("=") for item in value.split(",") if item)
    return {finess: day for finess, _, day in pairs}


def _check_session(name: str, field_name: str) -> str:
    if not _SESSION.match(name or ""):
        raise InvalidArgument.field(field_name, "La session doit être de la forme sessions/{identifiant}.")
    return name


def outbox_values(
    templates: Templates,
    mail: Mail,
    key: str,
    params: dict[str, str],
    *,
    created_by: str,
    now: datetime,
    trace_request_id: str,
) -> dict[str, Any]:
    """The outbox row of a mail the mailer composed itself (rendered now: sent as accepted)."""
    return new_message_values(
        templates.render(mail.template, mail.context),
        recipients=[mail.recipient.email],
        reply_to="",
        template=mail.template,
        params=params,
        created_by=created_by[:32],
        now=now,
        trace_request_id=trace_request_id,
        dedupe_key=key,
    )


class DirectoryMail:
    """What composes mail from what the other services answer (the Friday
    confirmations, the date-change notices): the outbox, the clock, the
    directory and the templates."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: MailerSettings,
        directory: DirectoryPort,
        templates: Templates | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._directory = directory
        self._templates = templates or Templates()


class Confirmations(DirectoryMail):
    # --- SendDeliveryConfirmations ------------------------------------------------

    async def send(
        self, principal: Principal | None, session: str, request_id: str, *, dry_run: bool, trace_request_id: str = ""
    ) -> RunOutcome:
        if principal is None or not principal.reads_everything:
            raise confirmations_refused()
        session = _check_session(session, "session")
        request_id = check_request_id(request_id)
        digest = fingerprint(principal.national_id, {"session": session, "dry_run": dry_run})
        if request_id:
            # A retry of a finished run is answered without running again; the queueing
            # itself is idempotent (one message per dedupe key) should twins both run.
            async with self._db.read() as db_session:
                previous = await db_session.run_sync(recorded_outcome, idempotency_keys, request_id, OPERATION, digest)
            if previous is not None:
                return await self._replay(previous)

        found = await self._directory.session(session)
        if found is None:
            raise session_not_found()
        if found.state != "CLOSED":
            raise session_not_closed(found.label or "session")
        if not await self._directory.allocation_published(session):
            raise allocation_not_published(found.label or "session")

        mails = await self._compose(session, found.label)
        keys = [dedupe_key(session, m.recipient.recipient) for m in mails]
        async with self._db.read() as db_session:
            earlier = await repo.existing_dedupe_keys(db_session, keys)
        tally = _Tally()
        if not dry_run:
            tally = await self._queue(session, mails, principal.national_id, trace_request_id)
        report = [_with_flag(m.recipient, dedupe_key(session, m.recipient.recipient) in earlier) for m in mails]
        missing = [r for r in report if not r.email]
        if dry_run:
            queued, already = 0, sum(1 for r in report if r.already_queued)
        else:
            queued = tally.queued
            already = sum(1 for m in mails if m.sendable) - tally.queued
        row = ConfirmationRunRow(
            id=str(uuid.uuid4()),
            session=session,
            dry_run=dry_run,
            run_by=principal.national_id,
            create_time=self._clock.now(),
            recipients=len(mails),
            queued=queued,
            already_queued=already,
            # Lists are bounded so a national run (tens of thousands of recipients) stays a
            # small row and a small gRPC answer; the counts say how many there are in all.
            missing_address=[r.to_dict() for r in _listed(missing)],
            planned=[r.to_dict() for r in _listed(report)] if dry_run else [],
            missing_address_count=len(missing),
            would_queue=sum(1 for r in report if r.email and not r.already_queued) if dry_run else 0,
        )
        outcome = await self._store_run(row, request_id, digest)
        log.info(
            "confirmations.run",
            session=session,
            dry_run=dry_run,
            recipients=len(mails),
            queued=queued,
            already_queued=already,
            missing_address=len(missing),
        )
        return outcome

    async def _compose(self, session: str, label: str) -> list[Mail]:
        deliveries = await self._directory.deliveries(session)
        officine_names, effecteur_names = parties_to_look_up(deliveries)
        names = Names(
            await self._directory.officines(officine_names),
            await self._directory.effecteurs(effecteur_names),
            await self._directory.products(),
        )
        return confirmation_mails(deliveries, names, label)

    async def _queue(self, session: str, mails: list[Mail], run_by: str, trace_request_id: str) -> _Tally:
        """Queue the sendable mails in batches, each followed by the report to orders."""
        tally = _Tally()
        sendable = [m for m in mails if m.sendable]
        size = self._settings.confirmation_batch_size
        for start in range(0, len(sendable), size):
            batch = sendable[start : start + size]
            keys = [dedupe_key(session, m.recipient.recipient) for m in batch]
            async with self._db.write() as db_session:
                now = self._clock.now()
                for mail, key in zip(batch, keys, strict=True):
                    params = {
                        "session": session,
                        "recipient": mail.recipient.recipient,
                        "announced": announced_param(mail.announced),
                    }
                    values = outbox_values(
                        self._templates,
                        mail,
                        key,
                        params,
                        created_by=run_by,
                        now=now,
                        trace_request_id=trace_request_id,
                    )
                    if await repo.add_message_once(db_session, values):
                        tally.queued += 1
                        tally.queued_keys.add(key)
            # What the queued messages (this run's or an earlier one's) announced.
            async with self._db.read() as db_session:
                stored = await repo.existing_dedupe_keys(db_session, keys)
            await self._directory.record_confirmations(session, _announced(stored.values()))
            log.info("confirmations.batch_queued", session=session, batch=len(batch), queued=tally.queued)
        return tally

    async def _store_run(self, row: ConfirmationRunRow, request_id: str, digest: str) -> RunOutcome:
        """The run and its request_id key in one transaction (claim first); a
        concurrent twin with the same request_id that claimed it first wins, and
        its run is answered."""

        async def write(db_session: AsyncSession, now: datetime) -> dict[str, Any]:
            await repo.add_confirmation_run(db_session, row)
            return {"run": row.id, "queued": row.queued}

        result = await run_once(
            self._db,
            idempotency_keys,
            self._clock,
            request_id=request_id,
            operation=OPERATION,
            digest=digest,
            work=write,
            dump=lambda outcome: outcome,
            load=lambda outcome: outcome,
        )
        return await self._replay(result)

    async def _replay(self, outcome: dict[str, Any]) -> RunOutcome:
        async with self._db.read() as db_session:
            row = await repo.get_confirmation_run(db_session, outcome["run"])
        assert row is not None  # stored in the transaction that recorded the outcome
        return RunOutcome(queued=int(outcome["queued"]), run=RunView.of(row))

    # --- ListConfirmationRuns -------------------------------------------------------

    async def list_runs(self, principal: Principal | None, parent: str, *, page_size: int, page_token: str) -> RunPage:
        if principal is None or not principal.reads_everything:
            raise confirmations_refused()
        parent = _check_session(parent, "parent")
        size = clamp_page_size(page_size, default=20, maximum=100)
        filters = {"parent": parent}
        position = decode_time_position(page_token, filters)
        async with self._db.read() as db_session:
            rows = await repo.list_confirmation_runs(db_session, parent, after=position, limit=size + 1)
        page = RunPage([RunView.of(r) for r in rows[:size]])
        if len(rows) > size:
            last = rows[size - 1]
            page.next_page_token = encode_time_position(last.create_time, last.id, filters)
        return page


def _with_flag(recipient: Recipient, already_queued: bool) -> Recipient:
    return Recipient(**{**recipient.to_dict(), "already_queued": already_queued})


def _announced(params: Any) -> dict[str, str]:
    """FINESS -> announced date, from stored confirmation messages. An officine's
    own message (which carries only its date) is as good as a professional's."""
    announced: dict[str, str] = {}
    ordered = sorted(params, key=lambda p: not p.get("recipient", "").startswith("officines/"))
    for p in ordered:
        for finess, day in parse_announced(p.get("announced", "")).items():
            announced.setdefault(finess, day)
    return announced
