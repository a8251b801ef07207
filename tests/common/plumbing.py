"""A tiny servicer used to test the shared runtime itself (errors, context,
draining). It implements two real RPCs of SessionService so real generated
stubs and the real interceptor run; the behaviour is chosen per test."""

from __future__ import annotations

import asyncio

import structlog

from services.common import context as ctx
from services.common.authn import Authenticator
from services.common.errors import FieldViolation, InvalidArgument
from services.common.server import RunningServer, create_server
from vaxorders.sessions.v1 import sessions_service_pb2 as pb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as pb_grpc


class PlumbingServicer(pb_grpc.SessionServiceServicer):
    """GetServiceState answers with what the RPC context holds; GetProduct
    fails in the way its name asks for."""

    def __init__(self, downstream: str | None = None, channels=None, slow_seconds: float = 0.0) -> None:  # type: ignore[no-untyped-def]
        self.downstream = downstream
        self.channels = channels
        self.slow_seconds = slow_seconds
        self.seen: list[tuple[str, str]] = []

    async def GetServiceState(self, request, context):  # type: ignore[no-untyped-def]
        principal = ctx.current_principal()
        self.seen.append((ctx.request_id_var.get(), principal.national_id if principal else ""))
        if self.slow_seconds:
            structlog.get_logger("plumbing").info("plumbing.slow_call_started")
            await asyncio.sleep(self.slow_seconds)  # stands for slow work, not for waiting on the test
        if self.downstream:
            stub = self.channels.stub(pb_grpc.SessionServiceStub, self.downstream)
            return await stub.GetServiceState(pb.GetServiceStateRequest())
        return pb.GetServiceStateResponse(message=f"{ctx.request_id_var.get()}|{ctx.caller_id()}")

    async def GetProduct(self, request, context):  # type: ignore[no-untyped-def]
        if request.name == "products/invalid":
            raise InvalidArgument(
                "Le nom du produit est invalide.",
                reason="BAD_PRODUCT_NAME",
                violations=[FieldViolation("name", "Le nom du produit est invalide.")],
            )
        if request.name.startswith("products/echo/"):
            # Echoes the name, as many validation messages do, in one or a thousand violations.
            echoed = f"Nom de produit invalide : « {request.name} »."
            count = 1000 if request.name.startswith("products/echo/many") else 1
            raise InvalidArgument(
                echoed,
                metadata={"name": request.name},
                violations=[FieldViolation(f"rules[{i}].name", echoed) for i in range(count)],
            )
        raise RuntimeError("database password is hunter2")


async def start_plumbing_server(
    servicer: PlumbingServicer, authenticator: Authenticator | None = None
) -> RunningServer:
    """`servicer` as the SessionService of a real server on a free port (domain sessions.test)."""
    return await create_server(
        "127.0.0.1:0",
        domain="sessions.test",
        service_names=["vaxorders.sessions.v1.SessionService"],
        registrations=[lambda s: pb_grpc.add_SessionServiceServicer_to_server(servicer, s)],
        authenticator=authenticator,
    )
