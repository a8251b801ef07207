"""StockAlertService over gRPC: protobuf <-> StockAlerts, nothing else."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from services.common import context as ctx
from services.common.bootstrap import Runtime
from services.common.context import ServicerContext, current_principal
from services.common.server import Registration
from services.mailer.clients import Directory
from services.mailer.settings import MailerSettings
from services.mailer.stock_alerts import StockAlerts
from vaxorders.mailer.v1 import stock_alerts_service_pb2 as pb
from vaxorders.mailer.v1 import stock_alerts_service_pb2_grpc as pb_grpc

STOCK_ALERT_SERVICE_NAME = "vaxorders.mailer.v1.StockAlertService"


class StockAlertServicer(pb_grpc.StockAlertServiceServicer):
    def __init__(self, alerts: StockAlerts) -> None:
        self._alerts = alerts

    async def SendStockNotices(
        self, request: pb.SendStockNoticesRequest, context: ServicerContext
    ) -> pb.SendStockNoticesResponse:
        report = await self._alerts.send(current_principal(), ctx.request_id_var.get())
        return pb.SendStockNoticesResponse(
            expiry_alerts_queued=report.expiry,
            uncollected_notices_queued=report.uncollected,
            certificates_queued=report.certificates,
            already_queued=report.already_queued,
            missing_address=report.missing_address,
        )


def stock_alert_registration(runtime: Runtime, settings: MailerSettings) -> Registration:
    assert runtime.db is not None
    alerts = StockAlerts(runtime.db, runtime.clock, settings, runtime.channels, Directory(runtime.channels, settings))
    servicer = StockAlertServicer(alerts)
    add: Callable[[StockAlertServicer, grpc.aio.Server], None] = pb_grpc.add_StockAlertServiceServicer_to_server
    return lambda server: add(servicer, server)
