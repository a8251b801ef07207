"""The support desk through MailerService: the form's request, its acknowledgement
with the due time, the rate limit, the agents' queue and actions, and refusals."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import grpc
import pytest
from prometheus_client import CollectorRegistry

from services.common.clock import ManualClock
from services.common.grpc_errors import ErrorDetails
from services.mailer.support_metrics import SupportMetrics
from tests.mailer.conftest import OPERATOR, PARIS, SUPPORT_ADDRESS, TITULAIRE_LILAS, TITULAIRE_OTHER, Mailer, Relay
from tests.support.polling import eventually
from vaxorders.mailer.v1 import mailer_service_pb2 as pb

AGENT = OPERATOR  # Élise Marchand: operator and support agent in the dataset
FORM = pb.SupportRequest(
    contact_email="pharmacie.lilas@example.test",
    subject="Livraison de la semaine",
    body="Bonjour,\nquand vais-je recevoir mes flacons ?",
    about="759900111",
    category=pb.SupportRequest.CATEGORY_DELIVERY,
    callback_phone="06 12 34 56 78",
)


async def _refused(call) -> ErrorDetails:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return ErrorDetails.from_rpc_error(caught.value)


async def _create(mailer: Mailer, *, form: pb.SupportRequest = FORM, metadata=(), address: str = "203.0.113.7"):  # type: ignore[no-untyped-def]
    reply = await mailer.stub.CreateSupportRequest(
        pb.CreateSupportRequestRequest(support_request=form, request_id=str(uuid.uuid4())),
        metadata=(*metadata, ("x-client-address", address)),
    )
    return reply.support_request


def _mails_to(relay: Relay, address: str, count: int = 1):  # type: ignore[no-untyped-def]
    def found():  # type: ignore[no-untyped-def]
        mails = [m for m in relay.mails() if m["To"] == address]
        return mails if len(mails) >= count else []

    return eventually(found)


async def test_a_request_is_acknowledged_with_its_due_time_in_paris(mailer: Mailer, relay: Relay) -> None:
    # Friday 11 March 2022 at 09:00: due two working hours later, 11:00.
    created = await _create(mailer)
    assert created.state == pb.SupportRequest.STATE_OPEN
    assert created.category == pb.SupportRequest.CATEGORY_DELIVERY
    assert created.callback_phone == "+33612345678"
    assert created.due_time.ToDatetime(tzinfo=PARIS) == datetime(2022, 3, 11, 11, 0, tzinfo=PARIS)
    [ack] = await _mails_to(relay, "pharmacie.lilas@example.test")
    assert ack["Reply-To"] == SUPPORT_ADDRESS
    text = ack.get_body(preferencelist=("plain",)).get_content()
    assert "au plus tard le vendredi 11 mars 2022 à 11\u00a0h\u00a000 (heure de Paris)" in text
    assert "Catégorie : Livraison" in text
    assert "un agent vous appellera au 06 12 34 56 78" in text
    [team] = await _mails_to(relay, SUPPORT_ADDRESS)
    team_text = team.get_body(preferencelist=("plain",)).get_content()
    assert "Rappel téléphonique demandé au : 06 12 34 56 78" in team_text
    assert "À traiter au plus tard le vendredi 11 mars 2022 à 11\u00a0h\u00a000" in team_text


async def test_saturday_evening_request_is_due_monday_morning(start_mailer, relay: Relay) -> None:  # type: ignore[no-untyped-def]
    mailer = await start_mailer(ManualClock(datetime(2022, 3, 5, 19, 30, tzinfo=PARIS)))
    created = await _create(mailer)
    assert created.due_time.ToDatetime(tzinfo=PARIS) == datetime(2022, 3, 7, 10, 30, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"callback_phone": "12 34"}, "support_request.callback_phone"),
        ({"callback_phone": "+1 202 555 0147"}, "support_request.callback_phone"),
        ({"callback_phone": "06 12\n34 56 78"}, "support_request.callback_phone"),
        ({"body": ""}, "support_request.body"),
    ],
)
async def test_bad_input_is_refused_in_french_and_nothing_is_stored(
    mailer: Mailer, psc, change: dict[str, str], field: str
) -> None:  # type: ignore[no-untyped-def]
    form = pb.SupportRequest()
    form.CopyFrom(FORM)
    for key, value in change.items():
        setattr(form, key, value)
    details = await _refused(mailer.stub.CreateSupportRequest(pb.CreateSupportRequestRequest(support_request=form)))
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in details.violations] == [field]
    assert "invalide" in details.message or "Décrivez" in details.message
    queue = await mailer.stub.ListSupportRequests(pb.ListSupportRequestsRequest(), metadata=psc.metadata_for(AGENT))
    assert list(queue.support_requests) == []


async def test_the_form_is_rate_limited_per_client_with_a_french_message(mailer: Mailer, psc) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        await _create(mailer, address="203.0.113.7")
    details = await _refused(_create(mailer, address="203.0.113.7"))
    assert details.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert details.reason == "SUPPORT_RATE_LIMITED"
    assert "Vous avez déjà envoyé 5 demandes au support en moins d'une heure" in details.message
    assert "vendredi 11 mars 2022 à 10\u00a0h\u00a000" in details.message
    # Another client is not held back; a logged-in user is counted by who they are, not where.
    await _create(mailer, address="198.51.100.2")
    await _create(mailer, address="203.0.113.7", metadata=psc.metadata_for(TITULAIRE_LILAS))
    queue = await mailer.stub.ListSupportRequests(pb.ListSupportRequestsRequest(), metadata=psc.metadata_for(AGENT))
    assert len(queue.support_requests) == 7  # the refused one was not stored
    # The next hour, the same address may write again.
    mailer.clock.advance(timedelta(hours=1))
    await _create(mailer, address="203.0.113.7")


async def test_agents_answer_in_the_thread_call_and_close_and_every_action_is_recorded(
    mailer: Mailer, relay: Relay, psc
) -> None:  # type: ignore[no-untyped-def]
    agent = psc.metadata_for(AGENT)
    first = await _create(mailer, metadata=psc.metadata_for(TITULAIRE_LILAS))
    mailer.clock.advance(timedelta(hours=10, minutes=30))  # Friday 19:30: due Saturday 10:30
    later = await _create(mailer, form=pb.SupportRequest(contact_email="autre@example.test", subject="CPS", body="?"))
    assert later.due_time.ToDatetime(tzinfo=PARIS) == datetime(2022, 3, 12, 10, 30, tzinfo=PARIS)

    queue = await mailer.stub.ListSupportRequests(pb.ListSupportRequestsRequest(), metadata=agent)
    assert [r.name for r in queue.support_requests] == [first.name, later.name]  # soonest due first

    answered = await mailer.stub.AnswerSupportRequest(
        pb.AnswerSupportRequestRequest(
            name=first.name, body="Votre livraison est prévue le vendredi 18 mars.", request_id=str(uuid.uuid4())
        ),
        metadata=agent,
    )
    request = answered.support_request
    assert request.state == pb.SupportRequest.STATE_ANSWERED
    assert request.first_response_time.ToDatetime(tzinfo=PARIS) == datetime(2022, 3, 11, 19, 30, tzinfo=PARIS)
    # The answer is threaded under the acknowledgement the requester received.
    ack, answer = await _mails_to(relay, "pharmacie.lilas@example.test", 2)
    if "Re:" in ack["Subject"]:
        ack, answer = answer, ack
    assert answer["In-Reply-To"] == ack["Message-ID"]
    assert answer["References"] == ack["Message-ID"]
    assert answer["Reply-To"] == SUPPORT_ADDRESS
    assert "Votre livraison est prévue le vendredi 18 mars." in answer.get_body(("plain",)).get_content()
    assert "Élise Marchand" in answer.get_body(("plain",)).get_content()

    await mailer.stub.RecordSupportCall(
        pb.RecordSupportCallRequest(name=first.name, note="Rappelée, date confirmée.", request_id=str(uuid.uuid4())),
        metadata=agent,
    )
    closed = await mailer.stub.CloseSupportRequest(
        pb.CloseSupportRequestRequest(name=first.name, request_id=str(uuid.uuid4())), metadata=agent
    )
    events = closed.support_request.events
    assert [e.kind for e in events] == [
        pb.SupportEvent.KIND_RECEIVED,
        pb.SupportEvent.KIND_ANSWERED,
        pb.SupportEvent.KIND_CALLED,
        pb.SupportEvent.KIND_CLOSED,
    ]
    assert [e.actor for e in events] == [TITULAIRE_LILAS, AGENT, AGENT, AGENT]
    assert events[0].actor_name == "Claire Moreau" and events[1].actor_name == "Élise Marchand"
    assert closed.support_request.state == pb.SupportRequest.STATE_CLOSED

    # Closed: off the queue, and nothing more can be done on it.
    queue = await mailer.stub.ListSupportRequests(pb.ListSupportRequestsRequest(), metadata=agent)
    assert [r.name for r in queue.support_requests] == [later.name]
    details = await _refused(
        mailer.stub.AnswerSupportRequest(
            pb.AnswerSupportRequestRequest(name=first.name, body="Encore ?", request_id=str(uuid.uuid4())),
            metadata=agent,
        )
    )
    assert (details.code, details.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "SUPPORT_REQUEST_CLOSED")

    # The requester follows their own request.
    mine = await mailer.stub.ListSupportRequests(
        pb.ListSupportRequestsRequest(mine=True, include_closed=True), metadata=psc.metadata_for(TITULAIRE_LILAS)
    )
    assert [(r.name, r.state) for r in mine.support_requests] == [(first.name, pb.SupportRequest.STATE_CLOSED)]


async def test_a_retried_answer_sends_one_mail(mailer: Mailer, relay: Relay, psc) -> None:  # type: ignore[no-untyped-def]
    created = await _create(mailer)
    request = pb.AnswerSupportRequestRequest(name=created.name, body="Réponse.", request_id=str(uuid.uuid4()))
    for _ in range(3):
        await mailer.stub.AnswerSupportRequest(request, metadata=psc.metadata_for(AGENT))
    got = await mailer.stub.GetSupportRequest(
        pb.GetSupportRequestRequest(name=created.name), metadata=psc.metadata_for(AGENT)
    )
    assert [e.kind for e in got.support_request.events].count(pb.SupportEvent.KIND_ANSWERED) == 1


async def test_only_agents_see_the_queue_and_act_and_a_requester_sees_only_theirs(mailer: Mailer, psc) -> None:  # type: ignore[no-untyped-def]
    created = await _create(mailer, metadata=psc.metadata_for(TITULAIRE_LILAS))
    other = psc.metadata_for(TITULAIRE_OTHER)
    details = await _refused(mailer.stub.ListSupportRequests(pb.ListSupportRequestsRequest(), metadata=other))
    assert (details.code, details.reason) == (grpc.StatusCode.PERMISSION_DENIED, "SUPPORT_AGENTS_ONLY")
    assert "réservée aux agents du support" in details.message
    for call in (
        mailer.stub.AnswerSupportRequest(
            pb.AnswerSupportRequestRequest(name=created.name, body="x", request_id=str(uuid.uuid4())), metadata=other
        ),
        mailer.stub.RecordSupportCall(pb.RecordSupportCallRequest(name=created.name, note="x"), metadata=other),
        mailer.stub.CloseSupportRequest(pb.CloseSupportRequestRequest(name=created.name), metadata=other),
    ):
        assert (await _refused(call)).code == grpc.StatusCode.PERMISSION_DENIED
    # Another officine's request does not exist for them; its requester reads it.
    missing = await _refused(
        mailer.stub.GetSupportRequest(pb.GetSupportRequestRequest(name=created.name), metadata=other)
    )
    assert (missing.code, missing.reason) == (grpc.StatusCode.NOT_FOUND, "SUPPORT_REQUEST_NOT_FOUND")
    mine = await mailer.stub.GetSupportRequest(
        pb.GetSupportRequestRequest(name=created.name), metadata=psc.metadata_for(TITULAIRE_LILAS)
    )
    assert mine.support_request.subject == FORM.subject
    assert (
        await mailer.stub.ListSupportRequests(pb.ListSupportRequestsRequest(mine=True), metadata=other)
    ).support_requests == []
    # Anonymous callers may only file a request.
    anonymous = await _refused(mailer.stub.ListSupportRequests(pb.ListSupportRequestsRequest(mine=True)))
    assert anonymous.code == grpc.StatusCode.UNAUTHENTICATED


async def test_overdue_requests_are_counted_for_the_alert(start_mailer, psc) -> None:  # type: ignore[no-untyped-def]
    mailer = await start_mailer(ManualClock(datetime(2022, 3, 7, 9, 0, tzinfo=PARIS)))  # due 11:00
    first = await _create(mailer)
    await _create(mailer)
    metrics = SupportMetrics(CollectorRegistry())
    await metrics.refresh(mailer.runtime.db, mailer.clock)
    assert (metrics.overdue._value.get(), metrics.waiting._value.get()) == (0, 2)
    mailer.clock.advance(timedelta(hours=2, minutes=1))
    await mailer.stub.RecordSupportCall(
        pb.RecordSupportCallRequest(name=first.name, note="Rappelé.", request_id=str(uuid.uuid4())),
        metadata=psc.metadata_for(AGENT),
    )
    await metrics.refresh(mailer.runtime.db, mailer.clock)
    assert (metrics.overdue._value.get(), metrics.waiting._value.get()) == (1, 1)  # the answered one is not late
