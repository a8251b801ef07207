"""The HTTP ceiling: one JSON endpoint on the gateway's stack (Starlette under uvicorn).

    python -m bench.ceilings.http --port P

POST /echo answers with the JSON body it was sent, which is what the gateway's
order-line endpoint receives and returns, minus everything in between. uvicorn
runs with the options of services/gateway/__main__.py (one worker, no access
log, logs through structlog's JSON formatter at WARNING).
"""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from services.common.logging import configure_logging


async def echo(request: Request) -> JSONResponse:
    return JSONResponse(await request.json())


async def healthz(_request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def app() -> Starlette:
    return Starlette(routes=[Route("/echo", echo, methods=["POST"]), Route("/healthz", healthz)])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ceilings.http")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    configure_logging("http-ceiling", "json", "WARNING")
    uvicorn.run(
        app(),
        host="127.0.0.1",
        port=args.port,
        log_config=None,
        access_log=False,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main()
