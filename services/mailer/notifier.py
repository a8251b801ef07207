"""Delivery-date change e-mails: the mailer follows orders' date-change feed.

Orders appends a change to its feed when an officine's planned date moves
after its confirmation went out (orders never calls the mailer). This loop
asks for the changes after its stored position (ListDeliveryDateChanges), and
for each one queues one `delivery-date-change` e-mail to the officine and to
each of its médecins, chirurgiens-dentistes and sages-femmes of that session,
with the key "datechange:{change id}:{recipient}", and advances its position
in the same transaction. A crash between two changes repeats nothing; two
replicas polling at once queue each e-mail once (the unique key) and the
position only moves forward.

It calls orders, effecteurs and sessions under the mailer's own service
identity ("mailer"), minting a short-lived token per round.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import structlog

from services.common.feeds import follow_forever
from services.mailer import repository as repo
from services.mailer.confirmations import DirectoryMail, outbox_values
from services.mailer.deliveries import (
    PERSONAL_TYPES,
    DateChange,
    Names,
    date_change_mails,
    officine_name,
)

log = structlog.get_logger("mailer.notifier")

FEED = "orders.delivery_date_changes"
CREATED_BY = "service:mailer"
_PAGE = 100


def change_key(change_id: int, recipient: str) -> str:
    return f"datechange:{change_id}:{recipient}"


class DateChangeNotifier(DirectoryMail):
    async def run_once(self) -> int:
        """Handle the changes after the stored position; returns how many."""
        async with self._db.read() as session:
            position = await repo.feed_position(session, FEED)
        changes = await self._directory.date_changes(position, _PAGE)
        for change in changes:
            await self._announce(change)
        return len(changes)

    async def _announce(self, change: DateChange) -> None:
        session = await self._directory.session(change.session)
        deliveries = await self._directory.deliveries(change.session, change.finess)
        delivery = next((d for d in deliveries if d.finess == change.finess), None)
        professionals = sorted(
            {line.effecteur for line in (delivery.lines if delivery else ()) if line.effecteur_type in PERSONAL_TYPES}
        )
        names = Names(
            await self._directory.officines([officine_name(change.finess)]),
            await self._directory.effecteurs(professionals) if professionals else {},
            {},
        )
        mails = date_change_mails(change, delivery, names, session.label if session else "session")
        queued = 0
        async with self._db.write() as db_session:
            now = self._clock.now()
            for mail in mails:
                if not mail.sendable:
                    continue
                params = {
                    "session": change.session,
                    "recipient": mail.recipient.recipient,
                    "change": str(change.id),
                    "announced": f"{change.finess}={change.new_date}",
                }
                key = change_key(change.id, mail.recipient.recipient)
                # Not queued by an RPC: no request id to trace it back to.
                values = outbox_values(
                    self._templates, mail, key, params, created_by=CREATED_BY, now=now, trace_request_id=""
                )
                queued += int(await repo.add_message_once(db_session, values))
            await repo.advance_feed(db_session, FEED, change.id, now)
        missing = sum(1 for m in mails if not m.sendable)
        log.info("date_change.queued", change=change.id, session=change.session, queued=queued, missing_address=missing)
        if missing:
            log.warning("date_change.missing_address", change=change.id, recipients=missing)

    async def run_forever(self, acting: Callable[[], AbstractContextManager[object]]) -> None:
        """Until cancelled. `acting()` puts the mailer's service token on the calls of one round."""
        log.info("date_change.notifier_started", poll_seconds=self._settings.date_change_poll_seconds)
        await follow_forever(
            "date_change",
            self.run_once,
            page=_PAGE,
            poll_seconds=self._settings.date_change_poll_seconds,
            acting=acting,
        )
