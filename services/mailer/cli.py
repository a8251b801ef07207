"""`python -m services.mailer send-confirmations --session current|sessions/{id}`:
what the Friday CronJob runs. It asks MailerService to queue the delivery
confirmations of a session, with a request_id derived from the session, so a
job that is retried (or run twice) queues nothing twice.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import grpc
import structlog

from services.common import context as ctx
from services.common.channels import Channels
from services.common.clock import clock_from_start
from services.common.grpc_errors import ErrorDetails
from services.common.timefmt import PARIS
from services.mailer.settings import MailerSettings
from vaxorders.mailer.v1 import mailer_service_pb2 as pb
from vaxorders.mailer.v1 import mailer_service_pb2_grpc as pb_grpc
from vaxorders.sessions.v1 import sessions_service_pb2 as sessions_pb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as sessions_grpc

log = structlog.get_logger("mailer.cli")

# Namespace of the request ids of this job: same session -> same id -> one run.
_JOB_NAMESPACE = uuid.UUID("6f0b7f1e-3a51-4c1e-9a43-0c3f2d8e6a10")


def _token(settings_token_file: str) -> str:
    """The bearer token the job presents (mounted from a Secret), if any."""
    path = settings_token_file or os.environ.get("VAXORDERS_SERVICE_TOKEN_FILE", "")
    return Path(path).read_text(encoding="utf-8").strip() if path else ""


async def _session_confirming_today(channels: Channels, settings: MailerSettings) -> str | None:
    """The session whose confirmation e-mail date is today, in Paris."""
    today = clock_from_start(settings.clock_start).now().astimezone(PARIS).date().isoformat()
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


async def send_confirmations(settings: MailerSettings, session: str, token_file: str = "") -> int:
    """Exit status: 0 done (or nothing to do today), 1 refused or unreachable."""
    ctx.token_var.set(_token(token_file))
    channels = Channels(settings.call_timeout_seconds)
    try:
        if session == "current":
            found = await _session_confirming_today(channels, settings)
            if found is None:
                log.info("confirmations.none_today")
                return 0
            session = found
        stub = channels.stub(pb_grpc.MailerServiceStub, settings.mailer_address)
        request_id = str(uuid.uuid5(_JOB_NAMESPACE, session))
        response = await stub.SendDeliveryConfirmations(
            pb.SendDeliveryConfirmationsRequest(session=session, request_id=request_id),
            # Reading a whole session's orders takes longer than one ordinary call.
            timeout=max(settings.call_timeout_seconds, 300.0),
        )
        log.info("confirmations.queued", session=session, queued=response.queued)
        return 0
    except grpc.aio.AioRpcError as error:
        details = ErrorDetails.from_rpc_error(error)
        log.error("confirmations.refused", session=session, code=details.code.name, reason=details.reason, error=details.message)
        return 1
    finally:
        await channels.close()
