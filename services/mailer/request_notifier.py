"""Vial-request e-mails: the mailer follows orders' request feed.

Orders appends an event when a request is created, confirmed, declined or
cancelled (orders never calls the mailer). This loop asks for the events after
its stored position (ListVialRequestEvents), composes each event's e-mail
(request_mails.py: the officine when a request arrives, the requester when it
is decided), queues it with the key "vialrequest:{event id}:{recipient}" and
advances its position in the same transaction. A crash between two events
repeats nothing; two replicas polling at once queue each e-mail once (the
unique key) and the position only moves forward.

It calls orders and effecteurs under the mailer's own service identity
("mailer"), minting a short-lived token per round, like the date-change
notifier; the product catalogue is public.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import structlog

from services.common.feeds import follow_forever
from services.mailer import repository as repo
from services.mailer.confirmations import DirectoryMail, outbox_values
from services.mailer.deliveries import Product
from services.mailer.request_mails import RequestEvent, parties_to_look_up, request_mail

log = structlog.get_logger("mailer.request_notifier")

FEED = "orders.vial_request_events"
CREATED_BY = "service:mailer"
_PAGE = 100


def event_key(event_id: int, recipient: str) -> str:
    return f"vialrequest:{event_id}:{recipient}"


class RequestNotifier(DirectoryMail):
    async def run_once(self) -> int:
        """Handle the events after the stored position; returns how many."""
        async with self._db.read() as session:
            position = await repo.feed_position(session, FEED)
        events = await self._directory.request_events(position, _PAGE)
        products = await self._directory.products() if events else {}
        for event in events:
            await self._announce(event, products)
        return len(events)

    async def _announce(self, event: RequestEvent, products: dict[str, Product]) -> None:
        officines, effecteurs = parties_to_look_up(event)
        mail = request_mail(
            event,
            await self._directory.officines(officines) if officines else {},
            await self._directory.effecteurs(effecteurs) if effecteurs else {},
            products,
            self._settings.public_base_url,
        )
        queued = False
        async with self._db.write() as db_session:
            now = self._clock.now()
            if mail is not None and mail.sendable:
                params = {"event": str(event.id), "request": event.request, "kind": event.kind}
                values = outbox_values(
                    self._templates,
                    mail,
                    event_key(event.id, mail.recipient.recipient),
                    params,
                    created_by=CREATED_BY,
                    now=now,
                    # Not queued by an RPC: no request id to trace it back to.
                    trace_request_id="",
                )
                queued = await repo.add_message_once(db_session, values)
            await repo.advance_feed(db_session, FEED, event.id, now)
        log.info("vial_request.event_handled", event=event.id, kind=event.kind, queued=queued)
        if mail is not None and not mail.sendable:
            log.warning("vial_request.missing_address", event=event.id, kind=mail.recipient.kind)

    async def run_forever(self, acting: Callable[[], AbstractContextManager[object]]) -> None:
        """Until cancelled. `acting()` puts the mailer's service token on the calls of one round."""
        log.info("vial_request.notifier_started", poll_seconds=self._settings.request_poll_seconds)
        await follow_forever(
            "vial_request", self.run_once, page=_PAGE, poll_seconds=self._settings.request_poll_seconds, acting=acting
        )
