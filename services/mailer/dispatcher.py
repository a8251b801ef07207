"""Delivers queued messages: claim, send, record — at least once.

A message is claimed in one transaction (attempts + 1, a lease until
now + mail_claim_seconds), sent outside any transaction, then recorded as
SENT, retried later (exponential backoff) or FAILED. If the process dies
between the send and the record, the lease expires and the message is sent
again by whichever dispatcher runs next (this one after a restart, or another
replica): a message is never lost, and may rarely arrive twice, with the same
Message-ID.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

import structlog

from services.common.clock import Clock
from services.common.db import Database
from services.mailer import repository as repo
from services.mailer.metrics import COUNTED_STATES, OutboxMetrics
from services.mailer.models import OutboxMessage
from services.mailer.settings import MailerSettings
from services.mailer.smtp import Outgoing, SmtpRelay

log = structlog.get_logger("mailer.dispatcher")


# How long a stopping dispatcher lets its batch in hand finish: below the bound the
# bootstrap gives background tasks at shutdown (services/common/bootstrap.py, 5 s).
FINISH_BATCH_SECONDS = 2.0


async def _finished_on_stop(batch: Coroutine[Any, Any, int]) -> int:
    """Run `batch`; if the dispatcher is cancelled meanwhile, let the batch finish (bounded)
    before stopping, rather than cut it between the relay's acceptance and the record."""
    task = asyncio.ensure_future(batch)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        done, _ = await asyncio.wait([task], timeout=FINISH_BATCH_SECONDS)
        if not done:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        elif not task.cancelled() and task.exception() is None:
            log.info("mail.batch_finished_before_stop", claimed=task.result())
        raise


def backoff(settings: MailerSettings, attempts: int) -> timedelta:
    """Wait after the `attempts`-th failed attempt: base, 2×base, 4×base... capped."""
    seconds = settings.mail_retry_base_seconds * (2 ** max(0, attempts - 1))
    return timedelta(seconds=min(seconds, settings.mail_retry_max_seconds))


def _outgoing(row: OutboxMessage) -> Outgoing:
    return Outgoing(
        id=row.id,
        recipients=list(row.recipients),
        subject=row.subject,
        text=row.text_body,
        html=row.html_body,
        reply_to=row.reply_to,
        create_time=row.create_time,
        headers=row.headers,
        attachments=[(a["filename"], a["content_type"], base64.b64decode(a["data"])) for a in row.attachments or ()],
    )


class Dispatcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: MailerSettings,
        relay: SmtpRelay | None = None,
        metrics: OutboxMetrics | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._relay = relay or SmtpRelay(settings)
        self._metrics = metrics

    async def publish_counts(self) -> None:
        """Refresh the outbox gauges (QUEUED and FAILED counts), if metrics are exposed."""
        if self._metrics is None:
            return
        async with self._db.read() as session:
            self._metrics.publish(await repo.count_by_state(session, COUNTED_STATES))

    async def run_once(self) -> int:
        """One batch of due messages; returns how many were claimed."""
        settings = self._settings
        now = self._clock.now()
        lease = now + timedelta(seconds=settings.mail_claim_seconds)
        async with self._db.write() as session:
            interrupted = await repo.fail_interrupted(session, now, settings.mail_max_attempts)
            ids = await repo.due_message_ids(session, now, settings.mail_max_attempts, settings.mail_batch_size)
            claimed = [
                message_id
                for message_id in ids
                if await repo.claim(session, message_id, now, lease, settings.mail_max_attempts)
            ]
            rows = [row for message_id in claimed if (row := await repo.get_message(session, message_id))]
        for message_id in interrupted:
            log.warning("mail.failed", message=message_id, error="delivery interrupted at the last attempt")
        if not rows:
            return 0

        outcomes = await self._relay.deliver([_outgoing(row) for row in rows])
        done = self._clock.now()
        async with self._db.write() as session:
            for row, outcome in zip(rows, outcomes, strict=True):
                if outcome.sent:
                    await repo.mark_sent(session, row.id, done, outcome.error)
                elif outcome.permanent or row.attempts >= settings.mail_max_attempts:
                    await repo.mark_failed(session, row.id, outcome.error)
                else:
                    await repo.mark_retry(session, row.id, outcome.error, done + backoff(settings, row.attempts))
        for row, outcome in zip(rows, outcomes, strict=True):
            if outcome.sent:
                log.info("mail.sent", message=row.id, attempts=row.attempts, request_id=row.trace_request_id)
            else:
                final = outcome.permanent or row.attempts >= settings.mail_max_attempts
                log.warning(
                    "mail.failed" if final else "mail.retry",
                    message=row.id,
                    attempts=row.attempts,
                    error=outcome.error,
                    request_id=row.trace_request_id,
                )
        return len(rows)

    async def run_forever(self) -> None:
        """Until cancelled (server stop). The batch in hand is finished first, within
        FINISH_BATCH_SECONDS, so what the relay accepted is recorded SENT and not sent again;
        a batch cut short past that (or a process killed) keeps its lease and is sent again
        once the lease has expired."""
        log.info("mail.dispatcher_started", relay=f"{self._settings.smtp_host}:{self._settings.smtp_port}")
        while True:
            try:
                claimed = await _finished_on_stop(self.run_once())
                await self.publish_counts()
            except Exception:
                # The driver may turn our cancellation into a database error (psycopg cancels
                # the running query): a stopping server must still stop this loop.
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise asyncio.CancelledError from None
                # The database or the relay misbehaving must not stop delivery for good.
                log.exception("mail.dispatch_error")
                claimed = 0
            if claimed < self._settings.mail_batch_size:
                await asyncio.sleep(self._settings.mail_poll_seconds)
