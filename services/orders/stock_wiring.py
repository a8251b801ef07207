"""StockService (after delivery) plugged into the orders process (services/orders/spec.py)."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from services.common.bootstrap import Runtime
from services.common.server import Registration
from services.orders.clients import GrpcAttachmentDirectory
from services.orders.destruction import DestructionService
from services.orders.redistribution import RedistributionService
from services.orders.service import OrderRules
from services.orders.settings import OrdersSettings
from services.orders.stock import StockService
from services.orders.stock_notices import NoticeService
from services.orders.stock_servicer import StockServicer
from vaxorders.orders.v1 import stock_service_pb2_grpc as pb_grpc

STOCK_SERVICE_NAME = "vaxorders.orders.v1.StockService"


def stock_registration(rules: OrderRules, runtime: Runtime) -> Registration:
    settings = runtime.settings
    assert isinstance(settings, OrdersSettings)
    stock = StockService(rules)
    directory = GrpcAttachmentDirectory(runtime.channels, settings)
    destruction = DestructionService(stock, directory)
    servicer = StockServicer(
        stock, RedistributionService(stock, directory), destruction, NoticeService(stock, destruction)
    )
    add: Callable[[StockServicer, grpc.aio.Server], None] = pb_grpc.add_StockServiceServicer_to_server
    return lambda server: add(servicer, server)
