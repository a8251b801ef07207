"""`python -m services.mailer send-confirmations --session current|sessions/{id} [--dry-run]`:
what the Friday CronJob runs (10:00 Europe/Paris).

It acts as the service identity "friday-confirmations": it mints its own
short-lived token with the private key of VAXORDERS_SERVICE_KEY_FILE
(services/common/service_identity.py) and asks MailerService to queue the
delivery confirmations of a session. The token travels on with the request,
so the mailer's own reads (orders, effecteurs, sessions) and its
RecordConfirmationsSent run under that identity, within its grants.

The request_id is derived from the session, so a job that is retried (or run
twice) queues nothing twice. A dry run gets a fresh request_id every time, so
it never stands for the real run.

Exit status: 0 done, or nothing to do today (no session confirms today, or
its confirmations were already queued); 1 refused or unreachable (the
mailer's French reason is logged); 2 the job cannot mint its token (key).
"""

from __future__ import annotations

import uuid

import grpc
import structlog

from services.common import context as ctx
from services.common.channels import Channels
from services.common.clock import Clock, clock_from_start
from services.common.grants import FRIDAY_CONFIRMATIONS
from services.common.grpc_errors import ErrorDetails
from services.common.service_identity import ServiceTokenSource
from services.common.service_keys import ServiceKeyError
from services.common.timefmt import PARIS
from services.mailer.settings import MailerSettings
from vaxorders.mailer.v1 import mailer_service_pb2 as pb
from vaxorders.mailer.v1 import mailer_service_pb2_grpc as pb_grpc
from vaxorders.sessions.v1 import sessions_service_pb2 as sessions_pb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as sessions_grpc

log = structlog.get_logger("mailer.cli")

# Namespace of the request ids of this job: same session -> same id -> one run.
_JOB_NAMESPACE = uuid.UUID("6f0b7f1e-3a51-4c1e-9a43-0c3f2d8e6a10")
# Reading a whole session's orders takes longer than one ordinary call.
_RUN_TIMEOUT_SECONDS = 300.0

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_NO_IDENTITY = 2


def request_id_for(session: str) -> str:
    """The request_id of the real run of a session: the same for every attempt."""
    return str(uuid.uuid5(_JOB_NAMESPACE, session))


async def _session_confirming_today(channels: Channels, settings: MailerSettings, clock: Clock) -> str | None:
    """The session whose confirmation e-mail date is today, in Paris."""
    today = clock.now().astimezone(PARIS).date().isoformat()
    stub = channels.stub(sessions_grpc.SessionServiceStub, settings.sessions_address)
    token = ""
    while True:
        page = await stub.ListSessions(sessions_pb.ListSessionsRequest(page_size=500, page_token=token))
        for session in page.sessions:
            if session.confirmation_email_date == today:
                return session.name
        token = page.next_page_token
        if not token:
            return None


async def send_confirmations(
    settings: MailerSettings, session: str, *, dry_run: bool = False, clock: Clock | None = None
) -> int:
    """Run the job once; returns the exit status."""
    clock = clock or clock_from_start(settings.clock_start)
    try:
        identity = ServiceTokenSource(settings, clock, identity=FRIDAY_CONFIRMATIONS)
    except ServiceKeyError as error:
        log.error("confirmations.no_service_identity", error=str(error))
        return EXIT_NO_IDENTITY
    channels = Channels(settings.call_timeout_seconds)
    try:
        with identity.acting():
            if session == "current":
                found = await _session_confirming_today(channels, settings, clock)
                if found is None:
                    log.info("confirmations.none_today")
                    return EXIT_OK
                session = found
        # A fresh token for the long call, whatever the session lookup took.
        with identity.acting():
            request_id = str(uuid.uuid4()) if dry_run else request_id_for(session)
            ctx.request_id_var.set(request_id)
            stub = channels.stub(pb_grpc.MailerServiceStub, settings.mailer_address)
            response = await stub.SendDeliveryConfirmations(
                pb.SendDeliveryConfirmationsRequest(session=session, request_id=request_id, dry_run=dry_run),
                timeout=max(settings.call_timeout_seconds, _RUN_TIMEOUT_SECONDS),
            )
        run = response.run
        log.info(
            "confirmations.dry_run" if dry_run else "confirmations.queued",
            session=session,
            run=run.name,
            queued=response.queued,
            recipients=run.recipients,
            already_queued=run.already_queued,
            missing_address=len(run.missing_address),
        )
        return EXIT_OK
    except grpc.aio.AioRpcError as error:
        details = ErrorDetails.from_rpc_error(error)
        log.error(
            "confirmations.refused",
            session=session,
            code=details.code.name,
            reason=details.reason,
            error=details.message,
        )
        return EXIT_REFUSED
    finally:
        await channels.close()
