"""How the orders service is built and started (see services.common.bootstrap)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import grpc

from services.common.bootstrap import Runtime, ServiceSpec
from services.common.server import Registration
from services.orders.clients import GrpcAttachmentDirectory, GrpcSessionDirectory
from services.orders.deliveries import DeliveryService
from services.orders.delivery_plan import PlanService
from services.orders.lines import LineService
from services.orders.reports import ReportService
from services.orders.service import OrderRules
from services.orders.servicer import OrderServicer
from services.orders.settings import OrdersSettings
from services.orders.stock_wiring import STOCK_SERVICE_NAME, stock_registration
from services.orders.supply import SupplyService
from services.orders.vial_requests import RequestService
from vaxorders.orders.v1 import orders_service_pb2_grpc as pb_grpc

SERVICE_NAME = "vaxorders.orders.v1.OrderService"


async def build(runtime: Runtime) -> Iterable[Registration]:
    settings = runtime.settings
    assert isinstance(settings, OrdersSettings), "orders needs OrdersSettings"
    assert runtime.db is not None
    rules = OrderRules(
        runtime.db,
        runtime.clock,
        GrpcSessionDirectory(runtime.channels, settings),
        GrpcAttachmentDirectory(runtime.channels, settings),
        max_vials_per_line=settings.max_vials_per_line,
    )
    servicer = OrderServicer(
        LineService(rules),
        RequestService(rules),
        ReportService(rules, settings.export_chunk_bytes),
        SupplyService(rules),
        PlanService(rules),
        DeliveryService(rules),
    )
    # The generated _pb2_grpc module has no stubs: its adder, typed here.
    add: Callable[[OrderServicer, grpc.aio.Server], None] = pb_grpc.add_OrderServiceServicer_to_server
    return [lambda server: add(servicer, server), stock_registration(rules, runtime)]


SPEC = ServiceSpec(
    name="orders",
    service_names=[SERVICE_NAME, STOCK_SERVICE_NAME],
    build=build,
    migrations_dir=Path(__file__).parent / "migrations",
)
