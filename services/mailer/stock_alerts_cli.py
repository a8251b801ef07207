"""`python -m services.mailer send-stock-notices`: what the stock-alert CronJob runs
(every day at 07:00 Europe/Paris, deploy/base/mailer/cronjob-stock-notices.yaml).

It acts as the service identity "stock-alerts" (services/common/grants.py):
it mints its own short-lived token with VAXORDERS_SERVICE_KEY_FILE and asks
StockAlertService to queue what orders says is due. Every e-mail has its
notice's key in the outbox, so running it again (a retry, a second replica,
an operator) queues nothing twice.

Exit status as send-confirmations: 0 done, 1 refused or unreachable, 2 no key.
"""

from __future__ import annotations

import uuid

import grpc
import structlog

from services.common import context as ctx
from services.common.channels import Channels
from services.common.clock import Clock, clock_from_start
from services.common.grants import STOCK_ALERTS
from services.common.grpc_errors import ErrorDetails
from services.common.service_identity import ServiceTokenSource
from services.common.service_keys import ServiceKeyError
from services.mailer.cli import EXIT_NO_IDENTITY, EXIT_OK, EXIT_REFUSED
from services.mailer.settings import MailerSettings
from vaxorders.mailer.v1 import stock_alerts_service_pb2 as pb
from vaxorders.mailer.v1 import stock_alerts_service_pb2_grpc as pb_grpc

log = structlog.get_logger("mailer.stock_alerts_cli")

# A national day of notices (thousands of officines) takes longer than one ordinary call.
_RUN_TIMEOUT_SECONDS = 300.0


async def send_stock_notices(settings: MailerSettings, *, clock: Clock | None = None) -> int:
    clock = clock or clock_from_start(settings.clock_start)
    try:
        identity = ServiceTokenSource(settings, clock, identity=STOCK_ALERTS)
    except ServiceKeyError as error:
        log.error("stock_notices.no_service_identity", error=str(error))
        return EXIT_NO_IDENTITY
    channels = Channels(settings.call_timeout_seconds)
    try:
        with identity.acting():
            request_id = str(uuid.uuid4())
            ctx.request_id_var.set(request_id)
            stub = channels.stub(pb_grpc.StockAlertServiceStub, settings.mailer_address)
            answer = await stub.SendStockNotices(
                pb.SendStockNoticesRequest(request_id=request_id),
                timeout=max(settings.call_timeout_seconds, _RUN_TIMEOUT_SECONDS),
            )
        log.info(
            "stock_notices.done",
            expiry_alerts=answer.expiry_alerts_queued,
            uncollected=answer.uncollected_notices_queued,
            certificates=answer.certificates_queued,
            already_queued=answer.already_queued,
            missing_address=len(answer.missing_address),
        )
        return EXIT_OK
    except grpc.aio.AioRpcError as error:
        details = ErrorDetails.from_rpc_error(error)
        log.error("stock_notices.refused", code=details.code.name, reason=details.reason, error=details.message)
        return EXIT_REFUSED
    finally:
        await channels.close()
