"""The gRPC ceiling: an echo of CreateOrderLine on a bare grpc.aio server.

    python -m bench.ceilings.echo --port P [--interceptor --issuer URL --jwks URL]

Same protobuf messages and the same server options as the real services, so the
bytes on the wire and the serialisation cost match a real order-line write; the
handler returns the line it was sent. With --interceptor the server is built by
services.common.server.create_server itself (our ServerInterceptor with the real
PscAuthenticator, health, reflection, metrics): the difference between the two
is the cost of our per-RPC plumbing.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

import grpc

from services.common.clock import SystemClock
from services.common.logging import configure_logging
from services.common.server import SERVER_OPTIONS, create_server
from services.common.settings import CommonSettings
from vaxorders.orders.v1 import orders_service_pb2 as pb
from vaxorders.orders.v1 import orders_service_pb2_grpc as pb_grpc

SERVICE = "vaxorders.orders.v1.OrderService"


class EchoOrders(pb_grpc.OrderServiceServicer):
    async def CreateOrderLine(self, request, context):  # type: ignore[no-untyped-def]
        return pb.CreateOrderLineResponse(line=request.line)


async def serve(port: int, interceptor: bool, issuer: str, jwks: str) -> None:
    servicer = EchoOrders()
    address = f"127.0.0.1:{port}"
    if interceptor:
        from services.common.psc_tokens import PscAuthenticator  # noqa: PLC0415 (only this variant validates tokens)

        settings = CommonSettings(psc_issuer=issuer, psc_jwks_url=jwks)
        running = await create_server(
            address,
            domain="echo.vaxorders.sante.gouv.fr",
            service_names=[SERVICE],
            registrations=[lambda server: pb_grpc.add_OrderServiceServicer_to_server(servicer, server)],
            authenticator=PscAuthenticator(settings, SystemClock()),
        )
        server = running.server
    else:
        server = grpc.aio.server(options=SERVER_OPTIONS)
        pb_grpc.add_OrderServiceServicer_to_server(servicer, server)
        if server.add_insecure_port(address) == 0:
            raise RuntimeError(f"could not bind {address}")
        await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop(1.0)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ceilings.echo")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--interceptor", action="store_true")
    parser.add_argument("--issuer", default="")
    parser.add_argument("--jwks", default="")
    args = parser.parse_args()
    # As the services run in production: JSON logs at WARNING.
    configure_logging("echo", "json", "WARNING")
    asyncio.run(serve(args.port, args.interceptor, args.issuer, args.jwks))


if __name__ == "__main__":
    main()
