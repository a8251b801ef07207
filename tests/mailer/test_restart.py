"""An acknowledged message survives the mailer process: stopped mid-send, the
message is delivered by the next process once the dead one's claim expires."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from services.common.clock import ManualClock
from tests.mailer.conftest import OPERATOR, MailerFactory, Relay
from tests.support.polling import eventually
from vaxorders.mailer.v1 import mailer_service_pb2 as pb


async def test_a_message_being_sent_when_the_mailer_stops_is_delivered_after_restart(
    start_mailer: MailerFactory, relay: Relay, psc
) -> None:
    first = await start_mailer()
    relay.handler.hold = asyncio.Event()
    message = pb.Message(to=["a@example.test"], template="notice", params={"title": "Redémarrage", "text": "x"})
    queued = (
        await first.stub.SendMessage(pb.SendMessageRequest(message=message), metadata=psc.metadata_for(OPERATOR))
    ).message
    await eventually(relay.handler.holding.is_set)
    await first.stop()
    relay.handler.hold = None

    # The new process starts after the dead one's claim (60 s) has run out.
    second = await start_mailer(clock=ManualClock(first.clock.now() + timedelta(seconds=61)))

    async def delivered() -> pb.Message | None:
        response = await second.stub.GetMessage(
            pb.GetMessageRequest(name=queued.name), metadata=psc.metadata_for(OPERATOR)
        )
        return response.message if response.message.state == pb.Message.STATE_SENT else None

    sent = await eventually(delivered)
    assert sent.attempts == 2
    assert [m["Subject"] for m in relay.mails()] == ["Redémarrage"]
