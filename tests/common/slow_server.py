"""A real server process for the draining test: one slow RPC, real signal handling."""

from __future__ import annotations

import asyncio
import sys

from services.common.logging import configure_logging
from services.common.server import serve_until_signalled
from tests.common.plumbing import PlumbingServicer, start_plumbing_server


async def main(slow_seconds: float) -> None:
    servicer = PlumbingServicer(slow_seconds=slow_seconds)
    running = await start_plumbing_server(servicer)
    print(f"PORT {running.port}", flush=True)
    await serve_until_signalled(running, grace=10.0)


if __name__ == "__main__":
    configure_logging("slow", "json")
    asyncio.run(main(float(sys.argv[1])))
