"""The gateway's view of the five backends: one stub per service over the
process's shared Channels, and their health.

Each attribute has the type of its stub: `Channels.stub` is generic (the stub
class called on an aio channel), so with the mypy-protobuf `_grpc.pyi` stubs
`backends.orders` is an `OrderServiceAsyncStub` whose RPCs take and return the
messages of the proto; without them, the untyped `OrderServiceStub`.

Deadlines: the Channels interceptor bounds every call by the time left in the
HTTP request's budget (services.common.context.deadline_var, set per request
by the middleware), so no call is made without one.

The same holds for streaming calls (ExportSessionOrders, ImportAttachments):
Channels registers one interceptor per call kind.
"""

from __future__ import annotations

import asyncio
from typing import Protocol, cast

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.channels import Channels
from services.common.settings import CommonSettings
from vaxorders.auth.v1 import auth_service_pb2_grpc
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc
from vaxorders.mailer.v1 import mailer_service_pb2_grpc
from vaxorders.orders.v1 import orders_service_pb2_grpc, stock_service_pb2_grpc
from vaxorders.sessions.v1 import sessions_service_pb2_grpc

BACKENDS = ("auth", "effecteurs", "sessions", "orders", "mailer")


class _Health(Protocol):
    """grpc_health's HealthStub on an aio channel (its typeshed stub declares no RPC)."""

    Check: grpc.aio.UnaryUnaryMultiCallable[health_pb2.HealthCheckRequest, health_pb2.HealthCheckResponse]


class Backends:
    """One stub per backend; the attributes' types are inferred from `Channels.stub`."""

    def __init__(self, channels: Channels, addresses: dict[str, str]) -> None:
        self._channels = channels
        self._addresses = addresses
        self.auth = channels.stub(auth_service_pb2_grpc.AuthServiceStub, addresses["auth"])
        self.effecteurs = channels.stub(effecteurs_service_pb2_grpc.EffecteurServiceStub, addresses["effecteurs"])
        self.sessions = channels.stub(sessions_service_pb2_grpc.SessionServiceStub, addresses["sessions"])
        self.orders = channels.stub(orders_service_pb2_grpc.OrderServiceStub, addresses["orders"])
        # After delivery: orders' second service, on the same process and address.
        self.stock = channels.stub(stock_service_pb2_grpc.StockServiceStub, addresses["orders"])
        self.mailer = channels.stub(mailer_service_pb2_grpc.MailerServiceStub, addresses["mailer"])

    @classmethod
    def connect(cls, channels: Channels, settings: CommonSettings) -> Backends:
        return cls(channels, {name: getattr(settings, f"{name}_address") for name in BACKENDS})

    async def health(self, seconds: float) -> dict[str, str]:
        """Each backend's overall health status name ("SERVING", "NOT_SERVING", "UNAVAILABLE"...),
        each check bounded by `seconds`."""

        async def check(name: str) -> str:
            stub = cast(_Health, health_pb2_grpc.HealthStub(self._channels.channel(self._addresses[name])))
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=seconds)
            except grpc.aio.AioRpcError as error:
                return error.code().name
            return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)

        results = await asyncio.gather(*(check(name) for name in BACKENDS))
        return dict(zip(BACKENDS, results, strict=True))
