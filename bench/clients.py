"""Client connections of the load generator: K gRPC channels per target (each its
own HTTP/2 connection) or one HTTP client holding K keep-alive connections.
Virtual user i always uses gRPC connection i % K, as a browser keeps its own.

The HTTP client is aiohttp, not httpx: on this machine httpx's pure-Python
connection pool saturated the load generator's core at ~400-800 requests/s,
so the bench measured its own client; aiohttp reaches several thousand.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import grpc

if TYPE_CHECKING:
    import aiohttp

# A local subchannel pool per channel: otherwise gRPC shares one TCP connection
# between channels with the same target and arguments, and K channels would be 1.
_CHANNEL_OPTIONS = [
    ("grpc.use_local_subchannel_pool", 1),
    ("grpc.max_receive_message_length", 32 * 1024 * 1024),
]


class GrpcPool:
    def __init__(self, connections: int) -> None:
        self.connections = connections
        self._channels: dict[str, list[grpc.aio.Channel]] = {}
        self._stubs: dict[tuple[type, str], list[Any]] = {}

    def stub(self, stub_class: type, target: str, user: int) -> Any:
        key = (stub_class, target)
        if key not in self._stubs:
            self._stubs[key] = [stub_class(channel) for channel in self._channels_for(target)]
        return self._stubs[key][user % self.connections]

    async def connect(self, targets: list[str]) -> None:
        """Open every connection now (a health check on each), so no phase pays for it."""
        from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: PLC0415

        calls = [
            health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=30)
            for target in targets
            for channel in self._channels_for(target)
        ]
        await asyncio.gather(*calls)

    def _channels_for(self, target: str) -> list[grpc.aio.Channel]:
        if target not in self._channels:
            self._channels[target] = [
                grpc.aio.insecure_channel(target, options=_CHANNEL_OPTIONS) for _ in range(self.connections)
            ]
        return self._channels[target]

    async def close(self) -> None:
        for channels in self._channels.values():
            for channel in channels:
                await channel.close()
        self._channels.clear()
        self._stubs.clear()


async def http_connect(client: aiohttp.ClientSession, connections: int) -> None:
    """Open every keep-alive connection now (GET /healthz on each at once)."""

    async def one() -> None:
        async with client.get("/healthz") as response:
            await response.read()

    await asyncio.gather(*(one() for _ in range(connections)))


def http_client(base_url: str, connections: int) -> aiohttp.ClientSession:
    """HTTP/1.1 keep-alive connections, at most `connections` of them (HTTP/1.1 has
    one request in flight per connection: connections = concurrency keeps both equal)."""
    import aiohttp  # noqa: PLC0415 (the `bench` extra; only the gateway phases need it)

    return aiohttp.ClientSession(
        base_url,
        connector=aiohttp.TCPConnector(limit=connections, limit_per_host=connections, force_close=False),
        timeout=aiohttp.ClientTimeout(total=30.0),
        raise_for_status=False,
    )
