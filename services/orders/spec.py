"""How the orders service is built and started (see services.common.bootstrap)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import grpc
import structlog

from services.common.bootstrap import Runtime, ServiceSpec
from services.common.grants import ORDERS_ATTACHMENT_MIRROR as MIRROR_IDENTITY
from services.common.server import Registration
from services.orders.attachment_mirror import (
    SHARED_KEY,
    AttachmentFeed,
    Freshness,
    MirroredAttachmentDirectory,
    RecentAttachments,
)
from services.orders.clients import GrpcAttachmentDirectory, GrpcSessionDirectory, TtlCache
from services.orders.deliveries import DeliveryService
from services.orders.delivery_plan import PlanService
from services.orders.lines import LineService
from services.orders.ports import AttachmentDirectory
from services.orders.reports import ReportService
from services.orders.service import OrderRules
from services.orders.servicer import OrderServicer
from services.orders.settings import OrdersSettings
from services.orders.stock_wiring import STOCK_SERVICE_NAME, stock_registration
from services.orders.supply import SupplyService
from services.orders.vial_requests import RequestService
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc as epb_grpc
from vaxorders.orders.v1 import orders_service_pb2_grpc as pb_grpc

SERVICE_NAME = "vaxorders.orders.v1.OrderService"
log = structlog.get_logger("orders")


async def build(runtime: Runtime) -> Iterable[Registration]:
    settings = runtime.settings
    assert isinstance(settings, OrdersSettings), "orders needs OrdersSettings"
    assert runtime.db is not None
    rules = OrderRules(
        runtime.db,
        runtime.clock,
        GrpcSessionDirectory(runtime.channels, settings),
        _attachment_directory(runtime, settings),
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


def _attachment_directory(runtime: Runtime, settings: OrdersSettings) -> AttachmentDirectory:
    """The mirror when orders can call effecteurs under its own identity (a service key);
    without one (a developer's single process), one LookupAttachment per write as before."""
    assert runtime.db is not None
    if not settings.service_key_file:
        log.warning("orders.attachment_mirror_disabled", reason="VAXORDERS_SERVICE_KEY_FILE is not set")
        return GrpcAttachmentDirectory(runtime.channels, settings)
    freshness = Freshness(settings.attachment_mirror_max_lag_seconds)
    freshness.register_gauge(runtime.metrics.registry)
    recent = RecentAttachments(settings.cache_max_entries)
    runtime.shared[SHARED_KEY] = AttachmentFeed(
        runtime.db,
        runtime.channels.stub(epb_grpc.EffecteurServiceStub, settings.effecteurs_address),
        freshness,
        recent,
        poll_seconds=settings.attachment_feed_poll_seconds,
        timeout_seconds=settings.dependency_timeout_seconds,
    )
    departments: TtlCache[str] = TtlCache(settings.officine_cache_seconds, settings.cache_max_entries)
    return MirroredAttachmentDirectory(runtime.db, freshness, recent, departments)


async def follow_attachments(runtime: Runtime) -> None:
    """The attachment mirror's follower, beside the server (idle when the mirror is disabled)."""
    feed = runtime.shared.get(SHARED_KEY)
    if not isinstance(feed, AttachmentFeed):
        return
    from services.common.service_identity import ServiceTokenSource  # noqa: PLC0415 (only when enabled)

    source = ServiceTokenSource(runtime.settings, runtime.clock, identity=MIRROR_IDENTITY)
    await feed.run_forever(source.acting)


SPEC = ServiceSpec(
    name="orders",
    service_names=[SERVICE_NAME, STOCK_SERVICE_NAME],
    build=build,
    migrations_dir=Path(__file__).parent / "migrations",
    # Each worker follows the feed itself: its freshness bound is about what it answers from.
    every_worker=[follow_attachments],
)
