"""The Friday confirmations and the date-change e-mails against the real
services (sessions, effecteurs, orders, the mailer and an SMTP relay): one
e-mail per (session, recipient) whatever happens, to exactly the right people."""

from __future__ import annotations

import asyncio
import copy
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import grpc
import pytest

from services.common import context as ctx
from services.common.context import Principal
from services.common.grpc_errors import ErrorDetails
from services.mailer.clients import Directory
from services.mailer.confirmations import Confirmations
from tests.conftest import log_events
from tests.mailer.conftest import OPERATOR, Relay
from tests.mailer.stack import (
    CLAIRE,
    CONFLUENT,
    EHPAD,
    EXPECTED_ADDRESSES,
    HUGO,
    JEANNE,
    JEANNE_ID,
    LBM,
    LILAS,
    NADIA,
    OPEN,
    SESSION,
    AfterClose,
    after_close,
    rid,
)
from tests.support.page_tokens import CRAFTED_PAGE_TOKENS
from tests.support.polling import eventually
from vaxorders.mailer.v1 import mailer_service_pb2 as pb

CONFIRMATION_TEMPLATES = {"delivery-confirmation-officine", "delivery-confirmation-effecteur"}


@pytest.fixture
async def stack(psc, database_url_for, dataset, start_mailer, service_identity) -> AsyncIterator[AfterClose]:  # type: ignore[no-untyped-def]
    async with after_close(psc, database_url_for, dataset, start_mailer, service_identity) as running:
        yield running


async def messages(stack: AfterClose, templates: set[str] | None = None) -> list[pb.Message]:
    found, token = [], ""
    while True:
        page = await stack.mailer.stub.ListMessages(
            pb.ListMessagesRequest(page_size=1000, page_token=token), metadata=stack.auth(OPERATOR)
        )
        found += [m for m in page.messages if templates is None or m.template in templates]
        token = page.next_page_token
        if not token:
            return found


def recipients_of(found: list[pb.Message]) -> Counter[str]:
    return Counter(address for m in found for address in m.to)


async def refused(call: Any, code: grpc.StatusCode) -> ErrorDetails:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    details = ErrorDetails.from_rpc_error(caught.value)
    assert details.code == code, details
    return details


async def test_a_dry_run_lists_every_recipient_and_queues_nothing(stack: AfterClose) -> None:
    await stack.publish()
    response = await stack.send(dry_run=True)
    run = response.run
    assert response.queued == 0 and run.dry_run and run.queued == 0
    planned = {r.recipient: r for r in run.planned}
    assert {name: r.email for name, r in planned.items()} == EXPECTED_ADDRESSES
    assert run.recipients == len(EXPECTED_ADDRESSES) and run.already_queued == 0
    assert list(run.missing_address) == []
    # Officines, and médecins, dentistes, sages-femmes only: no infirmier, EHPAD or laboratory.
    assert not {NADIA, EHPAD, LBM} & set(planned)
    lilas = planned[f"officines/{LILAS}"]
    assert lilas.kind == pb.ConfirmationRecipient.KIND_OFFICINE
    assert (lilas.display_name, lilas.delivery_date) == ("Pharmacie des Lilas", "2022-03-18")
    # Moderna is short (50 ordered, 40 available), Pfizer is not.
    confirmed = {d.finess: sum(line.confirmed_vials for line in d.lines) for d in await stack.deliveries()}
    assert lilas.confirmed_vials == confirmed[LILAS]
    jeanne = planned[JEANNE]
    assert (jeanne.kind, jeanne.display_name) == (pb.ConfirmationRecipient.KIND_EFFECTEUR, "Jeanne Dubois")
    assert await messages(stack) == []
    assert run.name.startswith(f"{SESSION}/confirmationRuns/") and run.run_by == OPERATOR


async def test_running_twice_queues_one_message_per_recipient_and_each_is_delivered_once(
    stack: AfterClose, relay: Relay
) -> None:
    await stack.publish()
    first = await stack.send()
    assert (first.queued, first.run.queued, first.run.already_queued) == (7, 7, 0)
    assert list(first.run.planned) == []  # a real run keeps its report small
    second = await stack.send()
    assert (second.queued, second.run.recipients, second.run.already_queued) == (0, 7, 7)
    queued = await messages(stack, CONFIRMATION_TEMPLATES)
    assert recipients_of(queued) == Counter(EXPECTED_ADDRESSES.values())

    mails = await eventually(lambda: (m := relay.mails()) and len(m) >= 7 and m)
    assert Counter(str(m["To"]) for m in mails) == Counter(EXPECTED_ADDRESSES.values())
    assert len({m["Message-ID"] for m in mails}) == 7
    # The sage-femme's internationalised address went through SMTPUTF8, envelope included.
    [amina] = [m for m in mails if str(m["To"]) == "amina.traoré@example.test"]
    assert amina["X-Sink-Envelope-To"] == "amina.traoré@example.test"
    # Orders knows which officines were told, and which date.
    for delivery in await stack.deliveries():
        assert delivery.HasField("confirmation_sent_time")
        assert delivery.announced_date == delivery.delivery_date


async def test_the_officine_and_the_medecin_read_their_volumes_by_name_in_french(
    stack: AfterClose, relay: Relay
) -> None:
    await stack.publish()
    await stack.send()
    mails = await eventually(lambda: (m := relay.mails()) and len(m) >= 7 and m)
    by_address = {str(m["To"]): m for m in mails}
    lilas = by_address["pharmacie.lilas@example.test"]
    assert lilas["Subject"] == "Livraison le vendredi 18 mars 2022 : vos volumes confirmés (Session du 7 mars 2022)"
    text = lilas.get_body(preferencelist=("plain",)).get_content()
    assert "à partir du lendemain, samedi 19 mars 2022" in text
    assert "Pour Jeanne Dubois (médecin)" in text and "Pour EHPAD Les Tilleuls (EHPAD)" in text
    assert "réduit en raison du volume disponible au niveau national" in text
    assert "Spikevax (Moderna)" in text
    html = lilas.get_body(preferencelist=("html",)).get_content()
    for raw in ("rpps:", "effecteurs/", "products/"):
        assert raw not in text and raw not in html
    jeanne = by_address["jeanne.dubois@example.test"]
    body = jeanne.get_body(preferencelist=("plain",)).get_content()
    assert "Livrés à Pharmacie des Lilas le vendredi 18 mars 2022" in body
    assert "EHPAD" not in body


async def test_two_runs_at_once_queue_one_message_per_recipient(stack: AfterClose) -> None:
    await stack.publish()
    second_replica = await stack.start_mailer(clock=stack.clock, **stack.mailer_overrides)
    one, two = await asyncio.gather(stack.send(), stack.send(mailer=second_replica))
    assert one.queued + two.queued == 7
    assert recipients_of(await messages(stack, CONFIRMATION_TEMPLATES)) == Counter(EXPECTED_ADDRESSES.values())


async def test_a_retried_call_with_the_same_request_id_answers_the_same_run(stack: AfterClose) -> None:
    await stack.publish()
    request_id = rid()
    first = await stack.send(request_id=request_id)
    again = await stack.send(request_id=request_id)
    assert again.run.name == first.run.name and again.queued == first.queued == 7
    runs = await stack.mailer.stub.ListConfirmationRuns(
        pb.ListConfirmationRunsRequest(parent=SESSION), metadata=stack.auth(OPERATOR)
    )
    assert [r.name for r in runs.runs] == [first.run.name]


class _KilledAfterFirstBatch(Directory):
    """The real calls; the run is killed right after its first batch was committed,
    before orders heard of it (the record is lost with the process)."""

    async def record_confirmations(self, session: str, announced: dict[str, str]) -> None:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        await asyncio.sleep(0)


async def test_a_run_killed_half_way_is_completed_by_the_next_run_without_duplicates(stack: AfterClose) -> None:
    await stack.publish()
    runtime = stack.mailer.runtime
    settings = stack.mailer.settings.model_copy(update={"confirmation_batch_size": 3})
    killed = Confirmations(runtime.db, runtime.clock, settings, _KilledAfterFirstBatch(runtime.channels, settings))  # type: ignore[arg-type]
    operator = Principal(national_id=OPERATOR, roles=frozenset({"OPERATOR"}))
    token = stack.psc.token_for(OPERATOR)
    ctx.token_var.set(token)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.create_task(killed.send(operator, SESSION, rid(), dry_run=False))
    ctx.token_var.set("")
    first_batch = await messages(stack, CONFIRMATION_TEMPLATES)
    assert len(first_batch) == 3
    assert not any(d.HasField("confirmation_sent_time") for d in await stack.deliveries())

    rerun = await stack.send()
    assert (rerun.queued, rerun.run.already_queued) == (4, 3)
    assert recipients_of(await messages(stack, CONFIRMATION_TEMPLATES)) == Counter(EXPECTED_ADDRESSES.values())
    # The officines of the lost batch are recorded too, with the date their e-mail announced.
    for delivery in await stack.deliveries():
        assert delivery.announced_date == delivery.delivery_date


async def test_refusals_queue_nothing(stack: AfterClose) -> None:
    unpublished = await refused(stack.send(), grpc.StatusCode.FAILED_PRECONDITION)
    assert unpublished.reason == "ALLOCATION_NOT_PUBLISHED"
    assert "publiée" in unpublished.message
    unknown = await refused(stack.send(session="sessions/2031-01-06"), grpc.StatusCode.NOT_FOUND)
    assert unknown.reason == "SESSION_NOT_FOUND"
    await stack.publish()
    for someone in (CLAIRE, JEANNE_ID):
        denied = await refused(stack.send(as_=someone), grpc.StatusCode.PERMISSION_DENIED)
        assert "opérateurs" in denied.message
    bad = await refused(stack.send(session="2022-03-07"), grpc.StatusCode.INVALID_ARGUMENT)
    assert bad.violations[0].field == "session"
    assert await messages(stack) == []


async def test_an_open_session_is_refused(stack: AfterClose) -> None:
    stack.clock.set(OPEN)
    still_open = await refused(stack.send(), grpc.StatusCode.FAILED_PRECONDITION)
    assert still_open.reason == "SESSION_NOT_CLOSED"
    assert "n'est pas encore close" in still_open.message
    assert await messages(stack) == []


async def test_the_report_lists_recipients_without_a_usable_address(
    psc,
    database_url_for,
    dataset,
    start_mailer,
    service_identity,  # type: ignore[no-untyped-def]
) -> None:
    changed = copy.deepcopy(dataset)
    for effecteur in changed["effecteurs"]:
        if effecteur["id"] == "rpps:99700000112":  # Hugo Lefebvre
            effecteur["email"] = ""
    async with after_close(psc, database_url_for, changed, start_mailer, service_identity) as stack:
        await stack.publish()
        dry = await stack.send(dry_run=True)
        assert [(r.recipient, r.display_name, r.email) for r in dry.run.missing_address] == [
            (HUGO, "Hugo Lefebvre", "")
        ]
        assert (dry.run.missing_address_count, dry.run.would_queue) == (1, 6)
        stack.clock.advance(timedelta(minutes=10))  # the operator reads the list, then sends
        run = (await stack.send()).run
        assert (run.queued, run.already_queued) == (6, 0)
        assert [r.recipient for r in run.missing_address] == [HUGO]
        assert (run.missing_address_count, run.would_queue) == (1, 0)
        listed = await stack.mailer.stub.ListConfirmationRuns(
            pb.ListConfirmationRunsRequest(parent=SESSION, page_size=1), metadata=stack.auth(OPERATOR)
        )
        assert [r.name for r in listed.runs] == [run.name]  # newest first
        older = await stack.mailer.stub.ListConfirmationRuns(
            pb.ListConfirmationRunsRequest(parent=SESSION, page_size=1, page_token=listed.next_page_token),
            metadata=stack.auth(OPERATOR),
        )
        assert [r.name for r in older.runs] == [dry.run.name] and older.runs[0].dry_run


async def test_a_relay_that_is_down_delays_the_mails_which_are_then_delivered_once(
    stack: AfterClose, relay: Relay
) -> None:
    await stack.publish()
    relay.handler.refuse_with = "451 4.3.0 Relay temporarily unavailable"
    await stack.send()

    async def all_tried() -> bool:
        found = await messages(stack, CONFIRMATION_TEMPLATES)
        # Each attempt recorded as failed (the claim alone raises `attempts` before the send).
        return len(found) == 7 and all(m.state == pb.Message.STATE_QUEUED and "451" in m.last_error for m in found)

    await eventually(all_tried)
    assert relay.mails() == []
    relay.handler.refuse_with = None
    stack.clock.advance(timedelta(minutes=5))  # past the retry backoff

    async def all_sent() -> bool:
        found = await messages(stack, CONFIRMATION_TEMPLATES)
        return all(m.state == pb.Message.STATE_SENT for m in found)

    await eventually(all_sent)
    mails = relay.mails()
    assert Counter(str(m["To"]) for m in mails) == Counter(EXPECTED_ADDRESSES.values())
    assert len({m["Message-ID"] for m in mails}) == len(mails) == 7


async def test_a_date_changed_after_the_confirmation_sends_one_change_mail_per_recipient(stack: AfterClose) -> None:
    await stack.publish()
    # Before the confirmation: the Friday e-mail carries the new date, no change e-mail.
    await stack.set_date(CONFLUENT, "2022-03-19")
    await stack.send()
    await stack.set_date(LILAS, "2022-03-21")

    async def change_mails() -> list[pb.Message]:
        found = await messages(stack, {"delivery-date-change"})
        return found if len(found) >= 3 else []

    found = await eventually(change_mails)
    assert recipients_of(found) == Counter(
        ["pharmacie.lilas@example.test", "jeanne.dubois@example.test", "amina.traoré@example.test"]
    )
    assert all("lundi 21 mars 2022" in m.subject for m in found)
    # The feed is read in order: the Confluent change, made before its confirmation, produced nothing.
    assert not any(
        "confluent" in address
        for m in await messages(stack)
        for address in m.to
        if m.template == "delivery-date-change"
    )
    # A second change is a second e-mail; the first one is never repeated.
    await stack.set_date(LILAS, "2022-03-22")
    found = await eventually(lambda: _count(stack, "delivery-date-change", 6))
    assert recipients_of(found) == Counter(
        2 * ["pharmacie.lilas@example.test", "jeanne.dubois@example.test", "amina.traoré@example.test"]
    )
    confluent = [d for d in await stack.deliveries() if d.finess == CONFLUENT]
    assert confluent[0].announced_date == "2022-03-19"


async def _count(stack: AfterClose, template: str, wanted: int) -> list[pb.Message]:
    found = await messages(stack, {template})
    return found if len(found) >= wanted else []


async def test_the_friday_job_sends_under_its_service_identity_and_the_notifier_identity_may_not(
    stack: AfterClose,
    service_identity,  # type: ignore[no-untyped-def]
) -> None:
    await stack.publish()

    async def send_as(identity: str) -> pb.SendDeliveryConfirmationsResponse:
        return await stack.mailer.stub.SendDeliveryConfirmations(
            pb.SendDeliveryConfirmationsRequest(session=SESSION, request_id=rid()),
            metadata=service_identity.metadata_for(identity),
            timeout=60,
        )

    denied = await refused(send_as("mailer"), grpc.StatusCode.PERMISSION_DENIED)
    assert denied.reason == "SERVICE_NOT_GRANTED"
    assert await messages(stack) == []
    response = await send_as("friday-confirmations")
    assert response.queued == 7 and response.run.run_by == "service:friday-confirmations"
    assert recipients_of(await messages(stack, CONFIRMATION_TEMPLATES)) == Counter(EXPECTED_ADDRESSES.values())
    for delivery in await stack.deliveries():
        assert delivery.announced_date == delivery.delivery_date


async def test_without_a_service_key_the_notifier_says_so_once_and_stays_idle(
    start_mailer,
    json_logs,  # type: ignore[no-untyped-def]
) -> None:
    await start_mailer(service_key_file="")
    await eventually(lambda: any(e["event"] == "date_change.notifier_disabled" for e in log_events(json_logs)))
    events = [e["event"] for e in log_events(json_logs)]
    assert events.count("date_change.notifier_disabled") == 1
    assert "date_change.notifier_started" not in events


async def test_a_national_dry_run_lists_a_bounded_number_of_recipients_and_counts_them_all(
    stack: AfterClose, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tens of thousands of recipients must not make an answer larger than gRPC carries:
    # the lists are bounded, the counts exact, and a list of runs carries no recipients.
    monkeypatch.setattr("services.mailer.confirmations.LISTED_RECIPIENTS", 2)
    await stack.publish()
    dry = (await stack.send(dry_run=True)).run
    assert len(dry.planned) == 2
    assert (dry.recipients, dry.would_queue) == (len(EXPECTED_ADDRESSES), len(EXPECTED_ADDRESSES))
    listed = await stack.mailer.stub.ListConfirmationRuns(
        pb.ListConfirmationRunsRequest(parent=SESSION), metadata=stack.auth(OPERATOR)
    )
    assert [list(r.planned) for r in listed.runs] == [[]]
    assert listed.runs[0].recipients == len(EXPECTED_ADDRESSES)


async def test_every_list_refuses_a_crafted_page_token_as_invalid_argument(stack: AfterClose) -> None:
    operator = stack.auth(OPERATOR)
    for token in CRAFTED_PAGE_TOKENS:
        for call in (
            stack.mailer.stub.ListMessages(pb.ListMessagesRequest(page_token=token), metadata=operator),
            stack.mailer.stub.ListConfirmationRuns(
                pb.ListConfirmationRunsRequest(parent=SESSION, page_token=token), metadata=operator
            ),
        ):
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await call
            error = ErrorDetails.from_rpc_error(caught.value)
            assert error.code == grpc.StatusCode.INVALID_ARGUMENT, (token[:20], error)
            assert [v.field for v in error.violations] == ["page_token"]
