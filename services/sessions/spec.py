"""How the sessions service plugs into the shared bootstrap."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import grpc

from services.common.bootstrap import Runtime, ServiceSpec
from services.common.server import Registration
from services.sessions.metrics import ServiceStateMetrics
from services.sessions.schedule import ScheduleService
from services.sessions.service import SessionsService
from services.sessions.servicer import SessionServicer
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as pb_grpc

SERVICE_NAME = "vaxorders.sessions.v1.SessionService"


async def build(runtime: Runtime) -> Iterable[Registration]:
    assert runtime.db is not None
    servicer = SessionServicer(SessionsService(runtime.db, runtime.clock), runtime.clock)
    # The generated _pb2_grpc module has no stubs: its adder, typed here.
    add: Callable[[SessionServicer, grpc.aio.Server], None] = pb_grpc.add_SessionServiceServicer_to_server
    return [lambda server: add(servicer, server)]


async def publish_service_state(runtime: Runtime) -> None:
    """Keeps vaxorders_service_state current for as long as the server runs."""
    assert runtime.db is not None
    await ServiceStateMetrics(runtime.metrics.registry).refresh_forever(ScheduleService(runtime.db, runtime.clock))


SPEC = ServiceSpec(
    name="sessions",
    service_names=[SERVICE_NAME],
    build=build,
    migrations_dir=Path(__file__).resolve().parent / "migrations",
    # The public home page shows the service state and the catalogue before login.
    public_methods=[
        f"/{SERVICE_NAME}/GetServiceState",
        f"/{SERVICE_NAME}/ListProducts",
        f"/{SERVICE_NAME}/GetProduct",
        # The session calendar is public information: the home page lists coming sessions
        # to visitors. Who changed a window is not (see servicer.session_pb).
        f"/{SERVICE_NAME}/ListSessions",
        f"/{SERVICE_NAME}/GetSession",
        f"/{SERVICE_NAME}/ListCalendarWindows",
    ],
    background=[publish_service_state],
)
