"""VAXORDERS_WORKERS=2: two processes serve one port, each its own /metrics, and SIGTERM
stops them all: a gRPC service, and the gateway."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from pathlib import Path

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.support.polling import eventually

ROOT = Path(__file__).resolve().parents[2]
CONNECTIONS = 40
_HEALTH_CHECKS = re.compile(
    r'grpc_server_handled_total\{grpc_code="OK",grpc_method="Check",grpc_service="grpc.health.v1.Health"\} (\S+)'
)


def _free_ports(count: int) -> int:
    """The first of `count` consecutive free ports."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


async def _check(port: int) -> bool:
    # Its own connection each time (no shared subchannel): the kernel picks a worker per connection.
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.use_local_subchannel_pool", 1)])
    try:
        answer = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        return answer.status == health_pb2.HealthCheckResponse.SERVING
    except grpc.aio.AioRpcError:
        return False
    finally:
        await channel.close()


async def _serves_metrics(port: int) -> bool:
    try:
        await _health_checks_served(port)
    except httpx.HTTPError:
        return False
    return True


async def _health_checks_served(metrics_port: int) -> float:
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5)).text
    found = _HEALTH_CHECKS.search(text)
    return float(found.group(1)) if found else 0.0


async def test_two_workers_share_the_port_and_sigterm_stops_them_all(tmp_path: Path) -> None:
    grpc_port = _free_ports(3)
    metrics_port = grpc_port + 1  # and + 2 for the second worker
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.sessions",
        cwd=ROOT,
        env={
            **os.environ,
            "VAXORDERS_ENVIRONMENT": "test",
            "VAXORDERS_DATA_DIR": str(tmp_path),
            "VAXORDERS_DATABASE_URL": "",
            "VAXORDERS_GRPC_PORT": str(grpc_port),
            "VAXORDERS_METRICS_PORT": str(metrics_port),
            "VAXORDERS_WORKERS": "2",
            "VAXORDERS_LOG_LEVEL": "WARNING",
        },
    )
    try:
        await eventually(lambda: _check(grpc_port), timeout=60, interval=0.2)
        # Both workers serving (the second may start a moment after the first answers).
        for port in (metrics_port, metrics_port + 1):
            await eventually(lambda port=port: _serves_metrics(port), timeout=60, interval=0.2)
        answers = await asyncio.gather(*(_check(grpc_port) for _ in range(CONNECTIONS)))
        assert all(answers)

        first, second = await asyncio.gather(
            _health_checks_served(metrics_port), _health_checks_served(metrics_port + 1)
        )
        # Each worker answered some of the connections; none was lost or served twice.
        assert first > 0
        assert second > 0
        assert first + second >= CONNECTIONS
        workers = {pid for pid in _children(process.pid) if b"spawn_main" in _cmdline(pid)}
        assert len(workers) == 2

        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 60) == 0
        assert not [pid for pid in workers if _is_running(pid)]
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


_HTTP_HEALTHZ = re.compile(r'http_requests_total\{method="GET",route="/healthz",status="\d+"\} (\S+)')


async def _healthz_answered(metrics_port: int) -> float:
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5)).text
    return sum(float(value) for value in _HTTP_HEALTHZ.findall(text))


async def _healthz(port: int) -> bool:
    # A new client each time: its own connection, which the kernel gives to one worker.
    async with httpx.AsyncClient() as client:
        try:
            answer = await client.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        except httpx.HTTPError:
            return False
    return answer.status_code in (200, 503)  # 503: no backend runs in this test


async def test_two_gateway_workers_share_the_port_and_sigterm_stops_them_all(tmp_path: Path) -> None:
    http_port = _free_ports(3)
    metrics_port = http_port + 1
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.gateway",
        cwd=ROOT,
        env={
            **os.environ,
            "VAXORDERS_ENVIRONMENT": "test",
            "VAXORDERS_DATA_DIR": str(tmp_path),
            "VAXORDERS_DATABASE_URL": "",
            "VAXORDERS_HTTP_PORT": str(http_port),
            "VAXORDERS_PUBLIC_BASE_URL": f"http://127.0.0.1:{http_port}",
            "VAXORDERS_METRICS_PORT": str(metrics_port),
            "VAXORDERS_WORKERS": "2",
            "VAXORDERS_LOG_LEVEL": "WARNING",
        },
    )
    try:
        for port in (metrics_port, metrics_port + 1):
            await eventually(lambda port=port: _serves_metrics(port), timeout=60, interval=0.2)
        await eventually(lambda: _healthz(http_port), timeout=60, interval=0.2)
        assert all(await asyncio.gather(*(_healthz(http_port) for _ in range(CONNECTIONS))))

        first, second = await asyncio.gather(_healthz_answered(metrics_port), _healthz_answered(metrics_port + 1))
        assert first > 0
        assert second > 0
        assert first + second >= CONNECTIONS
        workers = {pid for pid in _children(process.pid) if b"spawn_main" in _cmdline(pid)}
        assert len(workers) == 2

        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 60) == 0
        assert not [pid for pid in workers if _is_running(pid)]
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def _cmdline(pid: int) -> bytes:
    """multiprocessing's workers run `spawn_main`; its resource tracker does not."""
    return Path(f"/proc/{pid}/cmdline").read_bytes()


def _is_running(pid: int) -> bool:
    """A zombie (exited, not yet reaped by init) is not running."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


async def test_workers_stop_when_their_parent_is_killed(tmp_path: Path) -> None:
    grpc_port = _free_ports(3)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.sessions",
        cwd=ROOT,
        env={
            **os.environ,
            "VAXORDERS_ENVIRONMENT": "test",
            "VAXORDERS_DATA_DIR": str(tmp_path),
            "VAXORDERS_DATABASE_URL": "",
            "VAXORDERS_GRPC_PORT": str(grpc_port),
            "VAXORDERS_METRICS_PORT": str(grpc_port + 1),
            "VAXORDERS_WORKERS": "2",
            "VAXORDERS_LOG_LEVEL": "WARNING",
        },
    )
    try:
        for port in (grpc_port + 1, grpc_port + 2):
            await eventually(lambda port=port: _serves_metrics(port), timeout=60, interval=0.2)
        workers = {pid for pid in _children(process.pid) if b"spawn_main" in _cmdline(pid)}
        assert len(workers) == 2
    finally:
        process.kill()  # SIGKILL: the parent cannot pass anything on
        await process.wait()
    # No orphan keeps serving the port.
    await eventually(lambda: not [pid for pid in workers if _is_running(pid)], timeout=30, interval=0.2)
    assert not await _check(grpc_port)
