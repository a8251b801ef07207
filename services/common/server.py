"""grpc.aio server bootstrap shared by every service.

create_server() builds a server bound to an address (port 0 in tests) with
the interceptor, health (overall and per service), reflection and metrics;
serve_forever() runs it until SIGTERM/SIGINT, then drains: health goes
NOT_SERVING, new RPCs are refused, in-flight ones get `grace` seconds.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field

import grpc
import structlog
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from services.common.authn import Authenticator
from services.common.clock import Clock
from services.common.interceptors import ServerInterceptor
from services.common.metrics import RpcMetrics

log = structlog.get_logger("server")

# A registration adds one servicer to the server: e.g.
# lambda server: orders_pb2_grpc.add_OrderServiceServicer_to_server(servicer, server)
Registration = Callable[[grpc.aio.Server], None]

# The channel options of every service's server (public: the bench's gRPC ceiling
# serves with exactly these).
SERVER_OPTIONS = [
    ("grpc.max_receive_message_length", 32 * 1024 * 1024),
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.http2.max_pings_without_data", 0),
    # Clients re-resolve and spread over new replicas within a minute (DESIGN.md §2:
    # long-lived HTTP/2 connections otherwise pin a client to the replicas it first saw).
    ("grpc.max_connection_age_ms", 60_000),
    ("grpc.max_connection_age_grace_ms", 30_000),
    # Several worker processes of a service listen on the same port (services/common/workers.py).
    ("grpc.so_reuseport", 1),
]


@dataclass
class RunningServer:
    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer
    service_names: Sequence[str]
    metrics: RpcMetrics
    on_stop: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def stop(self, grace: float | None = None) -> None:
        """Drain: report NOT_SERVING, refuse new RPCs, let in-flight ones finish."""
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        for callback in self.on_stop:
            await callback()


async def create_server(
    address: str,
    *,
    domain: str,
    service_names: Sequence[str],
    registrations: Iterable[Registration],
    authenticator: Authenticator | None,
    public_methods: Iterable[str] = (),
    metrics: RpcMetrics | None = None,
    clock: Clock | None = None,
) -> RunningServer:
    metrics = metrics or RpcMetrics()
    interceptor = ServerInterceptor(domain, metrics, authenticator, public_methods, clock)
    server = grpc.aio.server(interceptors=[interceptor], options=SERVER_OPTIONS)
    for register in registrations:
        register(server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        [*service_names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME],
        server,
    )
    port = server.add_insecure_port(address)
    if port == 0:
        raise RuntimeError(f"could not bind {address}")
    await server.start()
    for name in ("", *service_names):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return RunningServer(server, port, health_servicer, service_names, metrics)


async def serve_until_signalled(running: RunningServer, grace: float) -> None:
    """Block until SIGTERM or SIGINT, then drain and return."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("server.started", port=running.port, services=list(running.service_names))
    await stop.wait()
    log.info("server.draining", grace_seconds=grace)
    await running.stop(grace)
    log.info("server.stopped")
