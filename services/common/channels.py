"""Outgoing gRPC calls: one channel per target per process, and an interceptor
that forwards the request id and the caller's token and bounds every call by
a deadline no longer than what the current RPC has left; a call made once
that time is spent is not sent at all (DEADLINE_EXCEEDED), and a backend whose
deadline passes is cancelled by gRPC, so an expired request is worked on
nowhere (tests/common/test_deadline_propagation.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from typing import TypeVar

import grpc

from services.common import context as ctx

# Retries only for UNAVAILABLE (never for a write that may have happened);
# round_robin spreads calls over every resolved replica (dns:/// targets).
SERVICE_CONFIG = json.dumps(
    {
        "loadBalancingConfig": [{"round_robin": {}}],
        "methodConfig": [
            {
                "name": [{}],
                "retryPolicy": {
                    "maxAttempts": 3,
                    "initialBackoff": "0.05s",
                    "maxBackoff": "0.5s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            }
        ],
    }
)

S = TypeVar("S")
Req = TypeVar("Req")
Resp = TypeVar("Resp")
ClientCallDetails = grpc.aio.ClientCallDetails

# Leave the current RPC this much time to turn a downstream answer into its own.
_MARGIN_SECONDS = 0.05


class _Forwarding:
    """What every outgoing call carries: the request id, the caller's token, and a
    deadline no longer than what the current RPC has left."""

    def __init__(self, default_timeout: float) -> None:
        self._default_timeout = default_timeout

    def details(self, details: ClientCallDetails) -> ClientCallDetails:
        metadata = grpc.aio.Metadata(*(details.metadata or ()))
        if metadata.get(ctx.REQUEST_ID_KEY) is None:
            metadata.add(ctx.REQUEST_ID_KEY, ctx.request_id_var.get() or ctx.new_request_id())
        token = ctx.token_var.get()
        if token and metadata.get(ctx.AUTHORIZATION_KEY) is None:
            metadata.add(ctx.AUTHORIZATION_KEY, f"Bearer {token}")
        address = ctx.client_address_var.get()
        if address and metadata.get(ctx.CLIENT_ADDRESS_KEY) is None:
            metadata.add(ctx.CLIENT_ADDRESS_KEY, address)
        timeout = details.timeout if details.timeout is not None else self._default_timeout
        left = ctx.time_left()
        if left is not None:
            if left <= _MARGIN_SECONDS:
                # The caller has given up (or is about to): no backend starts work it cannot return.
                raise grpc.aio.AioRpcError(
                    grpc.StatusCode.DEADLINE_EXCEEDED,
                    grpc.aio.Metadata(),
                    grpc.aio.Metadata(),
                    details="Deadline Exceeded: the calling request had no time left; the call was not sent",
                )
            timeout = min(timeout, left - _MARGIN_SECONDS)
        return grpc.aio.ClientCallDetails(
            method=details.method,
            timeout=timeout,
            metadata=metadata,
            credentials=details.credentials,
            wait_for_ready=details.wait_for_ready,
        )


# grpc.aio files an interceptor under the FIRST call kind it implements, so one class
# implementing every kind would only ever see unary calls: one interceptor per kind.


class _UnaryUnary(_Forwarding, grpc.aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(
        self,
        continuation: Callable[[ClientCallDetails, Req], Awaitable[grpc.aio.UnaryUnaryCall[Req, Resp]]],
        client_call_details: ClientCallDetails,
        request: Req,
    ) -> grpc.aio.UnaryUnaryCall[Req, Resp]:
        return await continuation(self.details(client_call_details), request)


class _UnaryStream(_Forwarding, grpc.aio.UnaryStreamClientInterceptor):
    async def intercept_unary_stream(
        self,
        continuation: Callable[[ClientCallDetails, Req], Awaitable[grpc.aio.UnaryStreamCall[Req, Resp]]],
        client_call_details: ClientCallDetails,
        request: Req,
    ) -> grpc.aio.UnaryStreamCall[Req, Resp]:
        return await continuation(self.details(client_call_details), request)


class _StreamUnary(_Forwarding, grpc.aio.StreamUnaryClientInterceptor):
    async def intercept_stream_unary(
        self,
        continuation: Callable[
            [ClientCallDetails, AsyncIterable[Req] | Iterable[Req]], Awaitable[grpc.aio.StreamUnaryCall[Req, Resp]]
        ],
        client_call_details: ClientCallDetails,
        request_iterator: AsyncIterable[Req] | Iterable[Req],
    ) -> grpc.aio.StreamUnaryCall[Req, Resp]:
        return await continuation(self.details(client_call_details), request_iterator)


def forwarding_interceptors(default_timeout: float) -> list[grpc.aio.ClientInterceptor]:
    return [kind(default_timeout) for kind in (_UnaryUnary, _UnaryStream, _StreamUnary)]


class Channels:
    """The process's client channels, created on first use and closed at shutdown."""

    def __init__(self, default_timeout: float = 5.0) -> None:
        self._default_timeout = default_timeout
        self._channels: dict[str, grpc.aio.Channel] = {}

    def channel(self, target: str) -> grpc.aio.Channel:
        if target not in self._channels:
            self._channels[target] = grpc.aio.insecure_channel(
                target,
                options=[("grpc.service_config", SERVICE_CONFIG), ("grpc.enable_retries", 1)],
                interceptors=forwarding_interceptors(self._default_timeout),
            )
        return self._channels[target]

    def stub(self, stub_class: Callable[[grpc.aio.Channel], S], target: str) -> S:
        """A stub of `stub_class` (a generated `...Stub`) on the shared channel to `target`."""
        return stub_class(self.channel(target))

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close()
        self._channels.clear()
