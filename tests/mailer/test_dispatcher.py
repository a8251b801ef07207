"""The dispatcher's delivery rules, one batch at a time on a manual clock:
backoff between attempts, claims that keep two dispatchers apart, and what
happens to a message whose dispatcher died while sending it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry

from services.common.clock import ManualClock
from services.common.context import Principal
from services.common.db import Database
from services.mailer.dispatcher import Dispatcher, backoff
from services.mailer.metrics import OutboxMetrics
from services.mailer.service import Mailer, MessageDraft
from services.mailer.settings import MailerSettings
from services.mailer.spec import SPEC
from tests.mailer.conftest import OPERATOR, PARIS, Relay
from tests.support.polling import eventually

OPERATOR_PRINCIPAL = Principal(national_id=OPERATOR, roles=frozenset({"OPERATOR"}))
DRAFT = MessageDraft(to=["a@example.test"], template="notice", params={"title": "Titre", "text": "Texte"})


class Outbox:
    def __init__(self, url: str, relay: Relay, **overrides: object) -> None:
        self.clock = ManualClock(datetime(2022, 3, 11, 9, 0, tzinfo=PARIS))
        self.settings = MailerSettings(
            service="mailer",
            database_url=url,
            environment="test",
            **{"smtp_port": relay.port, "smtp_timeout_seconds": 5, "mail_claim_seconds": 60, **overrides},  # type: ignore[arg-type]
        )
        self.db = Database(url)
        self.mailer = Mailer(self.db, self.clock, self.settings)

    def dispatcher(self) -> Dispatcher:
        return Dispatcher(self.db, self.clock, self.settings)

    async def state(self, message_id: str) -> tuple[str, int, str]:
        view = await self.mailer.get_message(OPERATOR_PRINCIPAL, f"messages/{message_id}")
        return view.state, view.attempts, view.last_error


@pytest.fixture
async def outbox_factory(database_url_for, relay: Relay) -> AsyncIterator:  # type: ignore[no-untyped-def,type-arg]
    made: list[Outbox] = []

    def make(**overrides: object) -> Outbox:
        made.append(Outbox(database_url_for(SPEC), relay, **overrides))
        return made[-1]

    yield make
    for outbox in made:
        await outbox.db.dispose()


def test_backoff_doubles_from_the_base_and_stops_at_the_cap() -> None:
    settings = MailerSettings(service="mailer", mail_retry_base_seconds=30, mail_retry_max_seconds=200)
    assert [backoff(settings, n).total_seconds() for n in range(1, 6)] == [30, 60, 120, 200, 200]


async def test_a_failed_attempt_is_retried_only_once_its_backoff_has_elapsed(outbox_factory, relay: Relay) -> None:  # type: ignore[no-untyped-def]
    outbox = outbox_factory(mail_max_attempts=4, mail_retry_base_seconds=60, mail_retry_max_seconds=150)
    dispatcher = outbox.dispatcher()
    relay.handler.refuse_with = "451 4.3.0 Try again later"
    message = await outbox.mailer.send_message(OPERATOR_PRINCIPAL, DRAFT, "")

    assert await dispatcher.run_once() == 1
    for wait in (60, 120, 150):  # 60 s, then doubled, then capped at 150 s
        outbox.clock.advance(timedelta(seconds=wait - 1))
        assert await dispatcher.run_once() == 0
        outbox.clock.advance(timedelta(seconds=1))
        assert await dispatcher.run_once() == 1
    assert relay.handler.refusals == 4
    state, attempts, error = await outbox.state(message.id)
    assert (state, attempts) == ("FAILED", 4)
    assert "451" in error
    outbox.clock.advance(timedelta(days=1))
    assert await dispatcher.run_once() == 0


async def test_a_message_being_sent_is_not_taken_by_another_dispatcher_and_is_resent_if_the_sender_dies(
    outbox_factory,
    relay: Relay,  # type: ignore[no-untyped-def]
) -> None:
    outbox = outbox_factory()
    message = await outbox.mailer.send_message(OPERATOR_PRINCIPAL, DRAFT, "")
    relay.handler.hold = asyncio.Event()
    first, second = outbox.dispatcher(), outbox.dispatcher()

    sending = asyncio.create_task(first.run_once())
    await eventually(relay.handler.holding.is_set)
    assert await second.run_once() == 0  # claimed by the first one

    # The first dispatcher dies mid-send: the relay never confirmed the mail.
    sending.cancel()
    await asyncio.gather(sending, return_exceptions=True)
    relay.handler.hold = None
    assert await outbox.state(message.id) == ("QUEUED", 1, "")
    outbox.clock.advance(timedelta(seconds=59))
    assert await second.run_once() == 0  # its claim still holds

    outbox.clock.advance(timedelta(seconds=1))
    assert await second.run_once() == 1
    assert (await outbox.state(message.id))[:2] == ("SENT", 2)
    assert [m["Subject"] for m in relay.mails()] == ["Titre"]


async def test_a_last_attempt_cut_short_fails_the_message_instead_of_retrying_for_ever(
    outbox_factory,
    relay: Relay,  # type: ignore[no-untyped-def]
) -> None:
    outbox = outbox_factory(mail_max_attempts=1)
    message = await outbox.mailer.send_message(OPERATOR_PRINCIPAL, DRAFT, "")
    relay.handler.hold = asyncio.Event()
    sending = asyncio.create_task(outbox.dispatcher().run_once())
    await eventually(relay.handler.holding.is_set)
    sending.cancel()
    await asyncio.gather(sending, return_exceptions=True)
    relay.handler.hold = None

    outbox.clock.advance(timedelta(seconds=60))
    assert await outbox.dispatcher().run_once() == 0
    state, attempts, error = await outbox.state(message.id)
    assert (state, attempts) == ("FAILED", 1)
    assert "interrupted" in error
    assert relay.mails() == []


async def test_an_unreachable_relay_counts_as_a_failed_attempt(outbox_factory, relay: Relay) -> None:  # type: ignore[no-untyped-def]
    outbox = outbox_factory(smtp_port=1)  # nothing listens there
    message = await outbox.mailer.send_message(OPERATOR_PRINCIPAL, DRAFT, "")
    assert await outbox.dispatcher().run_once() == 1
    state, attempts, error = await outbox.state(message.id)
    assert (state, attempts) == ("QUEUED", 1)
    assert error


class _DriverTurningCancellationIntoAnError(Dispatcher):
    """What psycopg does when the task running a query is cancelled: it cancels the
    query on the server and the caller sees a database error, not CancelledError."""

    def __init__(self, settings: MailerSettings) -> None:
        super().__init__(db=None, clock=ManualClock(datetime(2022, 3, 11, 9, 0, tzinfo=PARIS)), settings=settings)  # type: ignore[arg-type]
        self.in_query = asyncio.Event()

    async def run_once(self) -> int:
        self.in_query.set()
        try:
            await asyncio.Event().wait()  # a query that runs until cancelled
        except asyncio.CancelledError:
            raise RuntimeError("canceling statement due to user request") from None
        return 0


async def test_a_stopping_server_stops_the_dispatcher_even_when_the_driver_hides_the_cancellation() -> None:
    dispatcher = _DriverTurningCancellationIntoAnError(MailerSettings(service="mailer", mail_poll_seconds=0.01))
    task = asyncio.create_task(dispatcher.run_forever())
    await eventually(dispatcher.in_query.is_set)
    task.cancel()
    await eventually(task.done, timeout=5)
    assert task.cancelled()


async def test_a_stopping_dispatcher_finishes_the_batch_it_is_sending_so_nothing_is_sent_twice(
    outbox_factory,
    relay: Relay,  # type: ignore[no-untyped-def]
) -> None:
    outbox = outbox_factory()
    message = await outbox.mailer.send_message(OPERATOR_PRINCIPAL, DRAFT, "")
    relay.handler.hold = asyncio.Event()
    running = asyncio.create_task(outbox.dispatcher().run_forever())
    await eventually(relay.handler.holding.is_set)

    running.cancel()  # SIGTERM reaches the server while the relay is taking the mail
    relay.handler.hold.set()  # the relay accepts it
    await asyncio.gather(running, return_exceptions=True)
    assert running.cancelled()

    # Recorded as sent: once its lease is over, no dispatcher sends it again.
    assert (await outbox.state(message.id))[:2] == ("SENT", 1)
    outbox.clock.advance(timedelta(seconds=120))
    assert await outbox.dispatcher().run_once() == 0
    assert len(relay.mails()) == 1


async def test_the_outbox_gauges_count_queued_and_failed_messages(outbox_factory, relay: Relay) -> None:  # type: ignore[no-untyped-def]
    outbox = outbox_factory(mail_max_attempts=1)
    registry = CollectorRegistry()
    dispatcher = Dispatcher(outbox.db, outbox.clock, outbox.settings, metrics=OutboxMetrics(registry))

    def gauge(state: str) -> float | None:
        return registry.get_sample_value("vaxorders_mailer_outbox_messages", {"state": state})

    await dispatcher.publish_counts()
    assert (gauge("QUEUED"), gauge("FAILED")) == (0, 0)
    for _ in range(2):
        await outbox.mailer.send_message(OPERATOR_PRINCIPAL, DRAFT, "")
    await dispatcher.publish_counts()
    assert (gauge("QUEUED"), gauge("FAILED")) == (2, 0)

    relay.handler.refuse_with = "550 5.1.1 No such user"
    assert await dispatcher.run_once() == 2
    await dispatcher.publish_counts()
    assert (gauge("QUEUED"), gauge("FAILED")) == (0, 2)
