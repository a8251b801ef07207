"""SIGTERM drains: in-flight RPCs finish, new ones are refused, the process exits."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import grpc

from tests.support.polling import eventually
from vaxorders.sessions.v1 import sessions_service_pb2 as pb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as pb_grpc

ROOT = Path(__file__).resolve().parents[2]


async def _read_until(stream: asyncio.StreamReader, predicate: Callable[[str], bool], within: float = 20.0) -> str:
    async def scan() -> str:
        while True:
            line = (await stream.readline()).decode()
            if not line:
                raise AssertionError("server output ended")
            if predicate(line):
                return line

    return await asyncio.wait_for(scan(), within)


def _event(line: str) -> str:
    try:
        return json.loads(line).get("event", "")
    except json.JSONDecodeError:
        return ""


async def test_sigterm_lets_a_slow_rpc_finish_and_refuses_new_ones() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.common.slow_server",
        "4.0",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    try:
        port = int((await _read_until(process.stdout, lambda line: line.startswith("PORT "))).split()[1])
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        stub = pb_grpc.SessionServiceStub(channel)
        await channel.channel_ready()
        slow_call = asyncio.ensure_future(stub.GetServiceState(pb.GetServiceStateRequest(), timeout=30))
        await _read_until(process.stdout, lambda line: _event(line) == "plumbing.slow_call_started")
        process.send_signal(signal.SIGTERM)
        await _read_until(process.stdout, lambda line: _event(line) == "server.draining")

        # A call that arrives in the instant between the log line and the server's stop may
        # still be served; from then on every new call must be refused.
        async def new_call_refused() -> grpc.StatusCode | None:
            fresh = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
            try:
                await pb_grpc.SessionServiceStub(fresh).GetServiceState(pb.GetServiceStateRequest(), timeout=1)
                return None
            except grpc.aio.AioRpcError as error:
                # Served in the gap: the slow servicer makes it outlive its deadline. Try again.
                return None if error.code() == grpc.StatusCode.DEADLINE_EXCEEDED else error.code()
            finally:
                await fresh.close()

        refused = await eventually(new_call_refused, timeout=10)
        assert not slow_call.done()  # refusing new calls while the slow one is still in hand

        answer = await slow_call
        assert answer.message  # the in-flight call completed normally
        # Refused, never served: gRPC reports UNAVAILABLE (GOAWAY) or CANCELLED depending on
        # how far the server's shutdown has gone when the call arrives.
        assert refused in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)
        assert await asyncio.wait_for(process.wait(), 20) == 0
        await channel.close()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
