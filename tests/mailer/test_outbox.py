"""MailerService through its real gRPC server, delivering to a real SMTP relay."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import grpc
import pytest

from services.common.grpc_errors import ErrorDetails
from tests.conftest import log_events
from tests.mailer.conftest import OPERATOR, SUPPORT_ADDRESS, TITULAIRE_LILAS, TITULAIRE_OTHER, Mailer, Relay
from tests.support.polling import eventually
from vaxorders.mailer.v1 import mailer_service_pb2 as pb

NOTICE = pb.Message(
    to=["pharmacie.lilas@example.test"],
    template="notice",
    params={"title": "Ouverture de la session du 7 mars", "text": "La saisie ouvre lundi à 8 h."},
)


async def _message(mailer: Mailer, psc, name: str) -> pb.Message:  # type: ignore[no-untyped-def]
    response = await mailer.stub.GetMessage(pb.GetMessageRequest(name=name), metadata=psc.metadata_for(OPERATOR))
    return response.message


async def _all_messages(mailer: Mailer, psc) -> list[pb.Message]:  # type: ignore[no-untyped-def]
    response = await mailer.stub.ListMessages(
        pb.ListMessagesRequest(page_size=1000), metadata=psc.metadata_for(OPERATOR)
    )
    return list(response.messages)


async def _to_support(relay: Relay):  # type: ignore[no-untyped-def]
    def both():  # type: ignore[no-untyped-def]
        mails = relay.mails()
        return mails if len(mails) >= 2 else []

    return next(m for m in await eventually(both) if m["To"] == SUPPORT_ADDRESS)


async def _refused(call) -> ErrorDetails:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return ErrorDetails.from_rpc_error(caught.value)


async def test_a_queued_message_reaches_the_relay_and_is_marked_sent(mailer: Mailer, relay: Relay, psc) -> None:
    response = await mailer.stub.SendMessage(
        pb.SendMessageRequest(message=NOTICE, request_id=str(uuid.uuid4())), metadata=psc.metadata_for(OPERATOR)
    )
    queued = response.message
    assert queued.name.startswith("messages/")
    assert queued.subject == "Ouverture de la session du 7 mars"
    assert queued.create_time.ToDatetime().isoformat() == "2022-03-11T08:00:00"

    sent = await eventually(lambda: _sent(mailer, psc, queued.name))
    assert sent.attempts == 1
    assert sent.send_time.ToDatetime() == mailer.clock.now().replace(tzinfo=None)
    [mail] = relay.mails()
    assert mail["To"] == "pharmacie.lilas@example.test"
    assert mail["Subject"] == "Ouverture de la session du 7 mars"
    assert mail["Message-ID"] == f"<{queued.name.removeprefix('messages/')}@vaxorders.localhost>"
    assert "La saisie ouvre lundi à 8 h." in mail.get_body(preferencelist=("plain",)).get_content()


async def _sent(mailer: Mailer, psc, name: str) -> pb.Message | None:  # type: ignore[no-untyped-def]
    message = await _message(mailer, psc, name)
    return message if message.state == pb.Message.STATE_SENT else None


async def test_user_text_is_escaped_in_the_html_part_and_kept_as_is_in_the_text_part(
    mailer: Mailer, relay: Relay, psc
) -> None:
    message = pb.Message(
        to=["a@example.test"],
        template="notice",
        params={"title": "Stock <b>bas</b>", "text": "<script>alert(1)</script> & co"},
    )
    queued = (
        await mailer.stub.SendMessage(pb.SendMessageRequest(message=message), metadata=psc.metadata_for(OPERATOR))
    ).message
    await eventually(lambda: _sent(mailer, psc, queued.name))
    [mail] = relay.mails()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "<script>" not in html
    assert "<script>alert(1)</script> & co" in mail.get_body(preferencelist=("plain",)).get_content()


async def test_a_refusing_relay_leads_to_retries_then_failed_and_sent_once_it_recovers(
    mailer: Mailer, relay: Relay, psc, json_logs
) -> None:
    relay.handler.refuse_with = "451 4.3.0 Relay temporarily unavailable"
    given_up = (
        await mailer.stub.SendMessage(pb.SendMessageRequest(message=NOTICE), metadata=psc.metadata_for(OPERATOR))
    ).message

    # Attempt 1 now, attempt 2 one minute later, attempt 3 two minutes after that (max 3).
    for attempts, wait in ((1, 60), (2, 120)):
        await eventually(lambda n=attempts: _logged_retry(json_logs, given_up.name, n))
        retrying = await _message(mailer, psc, given_up.name)
        assert (retrying.state, retrying.attempts) == (pb.Message.STATE_QUEUED, attempts)
        assert "451" in retrying.last_error
        mailer.clock.advance(timedelta(seconds=wait))
    failed = await eventually(lambda: _in_state(mailer, psc, given_up.name, pb.Message.STATE_FAILED))
    assert failed.attempts == 3
    assert "451" in failed.last_error
    assert relay.handler.refusals == 3
    assert relay.mails() == []

    # A second message fails once, then the relay recovers and it goes out.
    recovered = (
        await mailer.stub.SendMessage(pb.SendMessageRequest(message=NOTICE), metadata=psc.metadata_for(OPERATOR))
    ).message
    await eventually(lambda: _logged_retry(json_logs, recovered.name, 1))
    relay.handler.refuse_with = None
    mailer.clock.advance(timedelta(seconds=60))
    sent = await eventually(lambda: _sent(mailer, psc, recovered.name))
    assert sent.attempts == 2
    assert len(relay.mails()) == 1
    # The message given up on stays given up: nothing resends it behind the operators' back.
    assert (await _message(mailer, psc, given_up.name)).state == pb.Message.STATE_FAILED


def _logged_retry(json_logs, name: str, attempts: int) -> bool:  # type: ignore[no-untyped-def]
    """The dispatcher has recorded the failed attempt (and when to try again)."""
    message_id = name.removeprefix("messages/")
    return any(
        e["event"] == "mail.retry" and e["message"] == message_id and e["attempts"] == attempts
        for e in log_events(json_logs)
    )


async def _in_state(mailer: Mailer, psc, name: str, state: int) -> pb.Message | None:  # type: ignore[no-untyped-def]
    message = await _message(mailer, psc, name)
    return message if message.state == state else None


async def test_a_permanent_refusal_fails_the_message_without_retrying(mailer: Mailer, relay: Relay, psc) -> None:
    relay.handler.refuse_with = "550 5.1.1 Mailbox unknown"
    queued = (
        await mailer.stub.SendMessage(pb.SendMessageRequest(message=NOTICE), metadata=psc.metadata_for(OPERATOR))
    ).message
    failed = await eventually(lambda: _in_state(mailer, psc, queued.name, pb.Message.STATE_FAILED))
    assert failed.attempts == 1
    assert "550" in failed.last_error


async def test_retries_with_one_request_id_create_one_message(mailer: Mailer, relay: Relay, psc) -> None:
    request = pb.SendMessageRequest(message=NOTICE, request_id=str(uuid.uuid4()))
    metadata = psc.metadata_for(OPERATOR)
    responses = await asyncio.gather(*(mailer.stub.SendMessage(request, metadata=metadata) for _ in range(20)))
    assert len({r.message.name for r in responses}) == 1
    await eventually(lambda: _sent(mailer, psc, responses[0].message.name))
    again = await mailer.stub.SendMessage(request, metadata=metadata)
    assert again.message.name == responses[0].message.name
    assert again.message.state == pb.Message.STATE_SENT
    assert len(await _all_messages(mailer, psc)) == 1
    assert len(relay.mails()) == 1


async def test_a_request_id_reused_for_another_message_is_refused(mailer: Mailer, psc) -> None:
    request_id = str(uuid.uuid4())
    metadata = psc.metadata_for(OPERATOR)
    await mailer.stub.SendMessage(pb.SendMessageRequest(message=NOTICE, request_id=request_id), metadata=metadata)
    other = pb.Message(to=["autre@example.test"], template="notice", params={"title": "Autre", "text": "Autre texte"})
    details = await _refused(
        mailer.stub.SendMessage(pb.SendMessageRequest(message=other, request_id=request_id), metadata=metadata)
    )
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT
    assert details.reason == "REQUEST_ID_REUSED"
    assert len(await _all_messages(mailer, psc)) == 1


@pytest.mark.parametrize(
    ("message", "field"),
    [
        (pb.Message(to=[], template="notice", params={"title": "T", "text": "x"}), "message.to"),
        (pb.Message(to=["pas-une-adresse"], template="notice", params={"title": "T", "text": "x"}), "message.to[0]"),
        (
            pb.Message(
                to=["a@example.test\r\nBcc: b@example.test"], template="notice", params={"title": "T", "text": "x"}
            ),
            "message.to[0]",
        ),
        (pb.Message(to=["a@example.test"], template="inconnu", params={}), "message.template"),
        (pb.Message(to=["a@example.test"], template="support-request", params={}), "message.template"),
        (pb.Message(to=["a@example.test"], template="notice", params={"title": "T"}), "message.params[text]"),
        (
            pb.Message(to=["a@example.test"], template="notice", params={"title": "T", "text": "x", "x": "y"}),
            "message.params[x]",
        ),
        (
            pb.Message(to=["a@example.test"], template="notice", params={"title": "T", "text": "x" * 20_001}),
            "message.params[text]",
        ),
    ],
)
async def test_bad_messages_are_refused_naming_the_field_and_nothing_is_queued(
    mailer: Mailer, psc, message: pb.Message, field: str
) -> None:
    details = await _refused(
        mailer.stub.SendMessage(pb.SendMessageRequest(message=message), metadata=psc.metadata_for(OPERATOR))
    )
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT
    assert field in [v.field for v in details.violations]
    assert all(v.description for v in details.violations)
    assert await _all_messages(mailer, psc) == []


async def test_only_operators_send_and_list_messages(mailer: Mailer, psc) -> None:
    officine = psc.metadata_for(TITULAIRE_LILAS)
    details = await _refused(mailer.stub.SendMessage(pb.SendMessageRequest(message=NOTICE), metadata=officine))
    assert (details.code, details.reason) == (grpc.StatusCode.PERMISSION_DENIED, "OPERATORS_ONLY")
    assert "opérateurs" in details.message
    details = await _refused(mailer.stub.ListMessages(pb.ListMessagesRequest(), metadata=officine))
    assert details.code == grpc.StatusCode.PERMISSION_DENIED
    details = await _refused(mailer.stub.SendMessage(pb.SendMessageRequest(message=NOTICE)))
    assert details.code == grpc.StatusCode.UNAUTHENTICATED
    assert await _all_messages(mailer, psc) == []


SUPPORT = pb.SupportRequest(
    contact_email="pharmacie.lilas@example.test",
    subject="Effecteur introuvable",
    body="Bonjour,\nje ne trouve pas le Dr Dubois (RPPS 99700000104).\nMerci.",
    about="759900111",
)


async def test_a_support_request_from_the_public_form_reaches_the_support_address(
    mailer: Mailer, relay: Relay, psc
) -> None:
    # No token: the home page's contact form is reachable before login.
    response = await mailer.stub.CreateSupportRequest(
        pb.CreateSupportRequestRequest(support_request=SUPPORT, request_id=str(uuid.uuid4()))
    )
    created = response.support_request
    assert created.name.startswith("supportRequests/")
    assert (created.contact_email, created.subject, created.about) == (
        "pharmacie.lilas@example.test",
        "Effecteur introuvable",
        "759900111",
    )

    # Two mails: this one to the support team, and the requester's acknowledgement
    # (tests/mailer/test_support_desk.py).
    mail = await _to_support(relay)
    assert mail["To"] == SUPPORT_ADDRESS
    assert mail["Reply-To"] == "pharmacie.lilas@example.test"
    assert mail["Subject"] == "[Support] Effecteur introuvable"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "je ne trouve pas le Dr Dubois (RPPS 99700000104)." in text
    assert "Concerne : 759900111" in text
    assert "non identifié" in text
    assert created.name.removeprefix("supportRequests/")[:8].upper() in text  # its reference
    assert "vendredi 11 mars 2022 à 9\u00a0h\u00a000" in text


async def test_a_support_request_of_a_logged_in_user_names_them_and_stays_theirs(
    mailer: Mailer, relay: Relay, psc
) -> None:
    await mailer.stub.CreateSupportRequest(
        pb.CreateSupportRequestRequest(support_request=SUPPORT), metadata=psc.metadata_for(TITULAIRE_LILAS)
    )
    mail = await _to_support(relay)
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Claire Moreau, identifiant national 899700000013 (agit pour : officines/759900111)" in text

    [message] = [m for m in await _all_messages(mailer, psc) if m.template == "support-request"]
    # Its author may follow it; another officine cannot even tell it exists.
    mine = await mailer.stub.GetMessage(
        pb.GetMessageRequest(name=message.name), metadata=psc.metadata_for(TITULAIRE_LILAS)
    )
    assert mine.message.template == "support-request"
    details = await _refused(
        mailer.stub.GetMessage(pb.GetMessageRequest(name=message.name), metadata=psc.metadata_for(TITULAIRE_OTHER))
    )
    assert (details.code, details.reason) == (grpc.StatusCode.NOT_FOUND, "MESSAGE_NOT_FOUND")
    missing = await _refused(
        mailer.stub.GetMessage(
            pb.GetMessageRequest(name=f"messages/{uuid.uuid4()}"), metadata=psc.metadata_for(TITULAIRE_OTHER)
        )
    )
    assert (missing.code, missing.message) == (details.code, details.message)
    malformed = await _refused(
        mailer.stub.GetMessage(pb.GetMessageRequest(name="officines/759900111"), metadata=psc.metadata_for(OPERATOR))
    )
    assert malformed.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in malformed.violations] == ["name"]


async def test_a_retried_support_request_is_recorded_once(mailer: Mailer, relay: Relay, psc) -> None:
    request = pb.CreateSupportRequestRequest(support_request=SUPPORT, request_id=str(uuid.uuid4()))
    responses = await asyncio.gather(*(mailer.stub.CreateSupportRequest(request) for _ in range(10)))
    assert len({r.support_request.name for r in responses}) == 1
    await eventually(relay.mails)
    # The mail to the support team and the requester's acknowledgement, once each.
    assert sorted(m.template for m in await _all_messages(mailer, psc)) == [
        "support-acknowledgement",
        "support-request",
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contact_email": ""}, "support_request.contact_email"),
        ({"contact_email": "lilas@"}, "support_request.contact_email"),
        ({"contact_email": "a@b.test\nBcc: victim@example.test"}, "support_request.contact_email"),
        ({"contact_email": "x" * 250 + "@example.test"}, "support_request.contact_email"),
        ({"subject": ""}, "support_request.subject"),
        ({"subject": "Objet\r\nBcc: victim@example.test"}, "support_request.subject"),
        ({"subject": "x" * 151}, "support_request.subject"),
        ({"body": "   "}, "support_request.body"),
        ({"body": "x" * 5001}, "support_request.body"),
        ({"body": "texte\x00caché"}, "support_request.body"),
        ({"about": "x" * 65}, "support_request.about"),
    ],
)
async def test_bad_support_requests_are_refused_naming_the_field_and_nothing_is_stored(
    mailer: Mailer, psc, change: dict[str, str], field: str
) -> None:
    request = pb.SupportRequest()
    request.CopyFrom(SUPPORT)
    for name, value in change.items():
        setattr(request, name, value)
    details = await _refused(mailer.stub.CreateSupportRequest(pb.CreateSupportRequestRequest(support_request=request)))
    assert details.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in details.violations] == [field]
    assert await _all_messages(mailer, psc) == []


async def test_messages_are_listed_newest_first_by_pages_and_by_state(mailer: Mailer, relay: Relay, psc) -> None:
    metadata = psc.metadata_for(OPERATOR)
    names = []
    for minute in range(5):
        message = pb.Message(to=["a@example.test"], template="notice", params={"title": f"n°{minute}", "text": "x"})
        names.append(
            (await mailer.stub.SendMessage(pb.SendMessageRequest(message=message), metadata=metadata)).message.name
        )
        mailer.clock.advance(timedelta(minutes=1))

    async def sent_count() -> int:
        listing = await mailer.stub.ListMessages(pb.ListMessagesRequest(state=pb.Message.STATE_SENT), metadata=metadata)
        return len(listing.messages)

    await eventually(lambda: _equals(sent_count(), 5))

    seen, token = [], ""
    while True:
        page = await mailer.stub.ListMessages(pb.ListMessagesRequest(page_size=2, page_token=token), metadata=metadata)
        seen += [m.name for m in page.messages]
        token = page.next_page_token
        if not token:
            break
    assert seen == names[::-1]

    assert len(relay.mails()) == 5
    failed = await mailer.stub.ListMessages(pb.ListMessagesRequest(state=pb.Message.STATE_FAILED), metadata=metadata)
    assert list(failed.messages) == []
    details = await _refused(
        mailer.stub.ListMessages(
            pb.ListMessagesRequest(
                page_size=2, page_token=page.next_page_token or "bm9wZQ", state=pb.Message.STATE_SENT
            ),
            metadata=metadata,
        )
    )
    assert [v.field for v in details.violations] == ["page_token"]


async def _equals(value, expected) -> bool:  # type: ignore[no-untyped-def]
    return await value == expected
