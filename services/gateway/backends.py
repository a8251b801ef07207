"""The gateway's view of the five backends: one stub per service over the
process's shared Channels, and their health.

Deadlines: the Channels interceptor bounds every call by the time left in the
HTTP request's budget (services.common.context.deadline_var, set per request
by the middleware), so no call is made without one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.channels import Channels
from services.common.settings import CommonSettings
from vaxorders.auth.v1 import auth_service_pb2_grpc
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc
from vaxorders.mailer.v1 import mailer_service_pb2_grpc
from vaxorders.orders.v1 import orders_service_pb2_grpc
from vaxorders.sessions.v1 import sessions_service_pb2_grpc

BACKENDS = ("auth", "effecteurs", "sessions", "orders", "mailer")


@dataclass
class Backends:
    auth: Any
    effecteurs: Any
    sessions: Any
    orders: Any
    mailer: Any
    _channels: Channels
    _addresses: dict[str, str]

    @classmethod
    def connect(cls, channels: Channels, settings: CommonSettings) -> Backends:
        addresses = {name: getattr(settings, f"{name}_address") for name in BACKENDS}
        return cls(
            auth=channels.stub(auth_service_pb2_grpc.AuthServiceStub, addresses["auth"]),
            effecteurs=channels.stub(effecteurs_service_pb2_grpc.EffecteurServiceStub, addresses["effecteurs"]),
            sessions=channels.stub(sessions_service_pb2_grpc.SessionServiceStub, addresses["sessions"]),
            orders=channels.stub(orders_service_pb2_grpc.OrderServiceStub, addresses["orders"]),
            mailer=channels.stub(mailer_service_pb2_grpc.MailerServiceStub, addresses["mailer"]),
            _channels=channels,
            _addresses=addresses,
        )

    async def health(self, timeout: float) -> dict[str, str]:
        """Each backend's overall health status name ("SERVING", "NOT_SERVING", "UNAVAILABLE"...)."""

        async def check(name: str) -> str:
            stub = health_pb2_grpc.HealthStub(self._channels.channel(self._addresses[name]))
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=timeout)
            except grpc.aio.AioRpcError as error:
                return error.code().name
            return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)

        results = await asyncio.gather(*(check(name) for name in BACKENDS))
        return dict(zip(BACKENDS, results, strict=True))
