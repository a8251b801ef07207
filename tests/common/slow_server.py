"""A real server process for the draining test: one slow RPC, real signal handling."""

from __future__ import annotations

import asyncio
import sys

from services.common.logging import configure_logging
from services.common.server import create_server, serve_until_signalled
from tests.common.plumbing import PlumbingServicer
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as pb_grpc


async def main(slow_seconds: float) -> None:
    servicer = PlumbingServicer(slow_seconds=slow_seconds)
    running = await create_server(
        "127.0.0.1:0",
        domain="sessions.test",
        service_names=["vaxorders.sessions.v1.SessionService"],
        registrations=[lambda s: pb_grpc.add_SessionServiceServicer_to_server(servicer, s)],
        authenticator=None,
    )
    print(f"PORT {running.port}", flush=True)
    await serve_until_signalled(running, grace=10.0)


if __name__ == "__main__":
    configure_logging("slow", "json")
    asyncio.run(main(float(sys.argv[1])))
