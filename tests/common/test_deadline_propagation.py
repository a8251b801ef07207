"""An expired deadline is worked on nowhere: the gateway's request budget
bounds the backend call, the backend is cancelled when it passes (its work
after that point never happens, so it calls nobody further), and a call made
once the caller's time is spent is not even sent."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import httpx
import pytest
import uvicorn

from services.common import context as ctx
from services.common.channels import Channels
from services.common.server import RunningServer
from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from services.gateway.spec import DATABASE
from tests.common.plumbing import PlumbingServicer, start_plumbing_server
from tests.conftest import log_events
from tests.support.polling import eventually
from vaxorders.sessions.v1 import sessions_service_pb2 as pb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as pb_grpc

# Longer than any test: a backend still "working" would never finish within it.
SLOW_WORK_SECONDS = 600.0


def _rpc_events(stream, method: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return [e for e in log_events(stream) if e.get("event") == "rpc" and e.get("rpc_method", "").endswith(method)]


@pytest.fixture
async def chain() -> AsyncIterator[tuple[PlumbingServicer, RunningServer, PlumbingServicer, Channels]]:
    """sessions-like backend (slow, then calls its own backend) -> last backend."""
    last = PlumbingServicer()
    last_server = await start_plumbing_server(last)
    channels = Channels(default_timeout=30)
    first = PlumbingServicer(
        downstream=f"127.0.0.1:{last_server.port}", channels=channels, slow_seconds=SLOW_WORK_SECONDS
    )
    first_server = await start_plumbing_server(first)
    yield first, first_server, last, channels
    await channels.close()
    await first_server.stop(0)
    await last_server.stop(0)


async def test_an_expired_gateway_deadline_is_not_worked_on_by_the_backends(
    chain, database_url_for, tmp_path: Path, json_logs
) -> None:  # type: ignore[no-untyped-def]
    first, first_server, last, _ = chain
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = GatewaySettings(
        environment="test",
        data_dir=tmp_path / "gateway",
        public_base_url=base_url,
        database_url=database_url_for(DATABASE),
        sessions_address=f"127.0.0.1:{first_server.port}",
        request_budget_seconds=0.5,
    )
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_config=None, access_log=False, lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await eventually(lambda: server.started or task.done(), timeout=30)
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            answer = await client.get("/api/v1/serviceState")
        assert answer.status_code == 504
        assert answer.json()["detail"]  # French, for the user
        # The backend got the call, then was cancelled when the budget ran out: its RPC ended
        # without an answer, and the work it had left (a call to its own backend) never ran.
        assert len(first.seen) == 1
        ended = await eventually(lambda: _rpc_events(json_logs, "GetServiceState"), timeout=10)
        assert ended[0]["code"] != "OK"
        assert last.seen == []
    finally:
        server.should_exit = True
        await task


async def test_a_call_made_after_the_callers_deadline_is_not_sent(chain, json_logs) -> None:  # type: ignore[no-untyped-def]
    first, _, last, channels = chain
    stub = channels.stub(pb_grpc.SessionServiceStub, first.downstream)
    spent = ctx.deadline_var.set(time.monotonic() - 1)  # the calling request's time is over
    try:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.GetServiceState(pb.GetServiceStateRequest())
    finally:
        ctx.deadline_var.reset(spent)
    assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    # Nothing reached the backend: no servicer call, not even a refused RPC in its log.
    assert last.seen == []
    assert _rpc_events(json_logs, "GetServiceState") == []
    # With time left, the same call goes through.
    answer = await stub.GetServiceState(pb.GetServiceStateRequest(), timeout=5)
    assert answer.message and len(last.seen) == 1
