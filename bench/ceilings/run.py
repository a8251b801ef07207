"""Measuring the ceilings: each is a server in its own process, driven by the same
closed loop (same concurrency, same connections) as the real runs."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.clients import GrpcPool, http_client
from bench.config import BenchConfig
from bench.load import LoopResult, closed_loop, timed
from bench.procs import Child, Children, free_port, port_open, wait_until
from bench.stats import Recorder, Sample
from vaxorders.orders.v1 import orders_service_pb2 as pb
from vaxorders.orders.v1 import orders_service_pb2_grpc as pb_grpc

ECHO_OP = "echo CreateOrderLine"
HTTP_OP = "POST /echo"


def sample_line_request() -> pb.CreateOrderLineRequest:
    """What a real CreateOrderLine carries, so the echo moves the same bytes."""
    return pb.CreateOrderLineRequest(
        parent="sessions/2022-03-07/officines/759900111",
        line=pb.OrderLine(effecteur="effecteurs/rpps:99700000104", product="products/pfizer-adult", vials=12),
        request_id=str(uuid.uuid4()),
    )


def sample_line_json() -> dict[str, object]:
    return {
        "effecteur": "effecteurs/rpps:99700000104",
        "product": "products/pfizer-adult",
        "vials": 12,
        "request_id": str(uuid.uuid4()),
    }


async def _measure(
    config: BenchConfig, child: Child, recorder: Recorder, job: Callable[[int, int], Awaitable[None]]
) -> tuple[Recorder, LoopResult]:
    """The closed loop against a ceiling server, with the CPU the server spent meanwhile."""
    cpu_before = child.cpu()
    result = await closed_loop(recorder, config.concurrency, job, itertools.count(), seconds=config.ceiling_seconds)
    recorder.server_cpu = {child.name: child.cpu() - cpu_before}
    return recorder, result


async def echo_ceiling(
    config: BenchConfig,
    children: Children,
    origin: float,
    *,
    phase: str,
    interceptor: bool,
    token: str = "",
    issuer: str = "",
    jwks: str = "",
) -> tuple[Recorder, LoopResult]:
    port = free_port()
    argv = ["-m", "bench.ceilings.echo", "--port", str(port)]
    if interceptor:
        argv += ["--interceptor", "--issuer", issuer, "--jwks", jwks]
    child = children.spawn(phase, argv)
    target = f"127.0.0.1:{port}"
    pool = GrpcPool(config.connections)
    try:
        wait_until(lambda: port_open(port), f"{phase} to listen", 30, [child])
        # The same token both ways: the bare server ignores it, but the bytes on the wire match.
        metadata = (("authorization", f"Bearer {token}"),) if token else ()
        # Warm every connection (and the token cache) before measuring.
        warm = Recorder(f"{phase}-warmup", origin)
        for user in range(config.connections):
            stub = pool.stub(pb_grpc.OrderServiceStub, target, user)
            await timed(warm, ECHO_OP, stub.CreateOrderLine(sample_line_request(), metadata=metadata, timeout=10))
        recorder = Recorder(phase, origin)

        async def job(_item: int, user: int) -> None:
            stub = pool.stub(pb_grpc.OrderServiceStub, target, user)
            await timed(recorder, ECHO_OP, stub.CreateOrderLine(sample_line_request(), metadata=metadata, timeout=10))

        return await _measure(config, child, recorder, job)
    finally:
        await pool.close()
        child.stop()


async def http_ceiling(
    config: BenchConfig, children: Children, origin: float, token: str = ""
) -> tuple[Recorder, LoopResult]:
    port = free_port()
    child = children.spawn("ceiling-http", ["-m", "bench.ceilings.http", "--port", str(port)])
    client = http_client(f"http://127.0.0.1:{port}", config.connections)
    try:
        wait_until(lambda: port_open(port), "the HTTP ceiling to listen", 30, [child])
        recorder = Recorder("ceiling-http", origin)
        headers = {"authorization": f"Bearer {token}"} if token else {}

        async def job(_item: int, _user: int) -> None:
            started = time.perf_counter()
            async with client.post("/echo", json=sample_line_json(), headers=headers) as response:
                await response.read()
                status = response.status
            recorder.add(HTTP_OP, started, time.perf_counter(), "OK" if status == 200 else f"HTTP {status}")

        async def warm() -> None:
            async with client.get("/healthz") as response:
                await response.read()

        await asyncio.gather(*(warm() for _ in range(config.connections)))
        return await _measure(config, child, recorder, job)
    finally:
        await client.close()
        child.stop()


DB_OP = "db CreateOrderLine"


async def database_ceiling(
    config: BenchConfig, children: Children, origin: float, url: str, workdir: Path
) -> tuple[Recorder, LoopResult]:
    """Runs bench.ceilings.database in its own pinned process and reads its latencies back."""
    out = workdir / "dbceiling.json"
    child = children.spawn(
        "ceiling-database",
        [
            "-m",
            "bench.ceilings.database",
            "--url",
            url,
            "--concurrency",
            str(config.concurrency),
            "--seconds",
            str(config.ceiling_seconds),
            "--out",
            str(out),
        ],
    )
    try:
        await asyncio.to_thread(child.process.wait, 120 + config.ceiling_seconds)
    finally:
        child.stop()
        children.started.remove(child)
    if child.process.returncode != 0 or not out.exists():
        raise RuntimeError(f"the database ceiling failed:\n{child.log_tail()}")
    data = json.loads(out.read_text(encoding="utf-8"))
    recorder = Recorder("ceiling-database", origin)
    # The child measured from its own start; place its samples at the end of its run on our clock.
    ended = time.perf_counter() - origin
    recorder.started = ended - data["wall_seconds"]
    recorder.stopped = ended
    for end, seconds in data["samples"]:
        recorder.samples.append(Sample(recorder.started + end, DB_OP, seconds, "OK"))
    recorder.server_cpu = {"ceiling-database": data["cpu_seconds"]}
    return recorder, LoopResult(len(data["samples"]), 0, [])
