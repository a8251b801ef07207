"""Outgoing gRPC calls: one channel per target per process, and an interceptor
that forwards the request id and the caller's token and bounds every call by
a deadline no longer than what the current RPC has left.
"""

from __future__ import annotations

import json
from typing import Any

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

# Leave the current RPC this much time to turn a downstream answer into its own.
_MARGIN_SECONDS = 0.05


class _ForwardingInterceptor(
    grpc.aio.UnaryUnaryClientInterceptor,
    grpc.aio.UnaryStreamClientInterceptor,
    grpc.aio.StreamUnaryClientInterceptor,
):
    def __init__(self, default_timeout: float) -> None:
        self._default_timeout = default_timeout

    def _details(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        metadata = grpc.aio.Metadata(*(details.metadata or ()))
        if ctx.REQUEST_ID_KEY not in metadata:
            metadata.add(ctx.REQUEST_ID_KEY, ctx.request_id_var.get() or ctx.new_request_id())
        token = ctx.token_var.get()
        if token and ctx.AUTHORIZATION_KEY not in metadata:
            metadata.add(ctx.AUTHORIZATION_KEY, f"Bearer {token}")
        timeout = details.timeout if details.timeout is not None else self._default_timeout
        left = ctx.time_left()
        if left is not None:
            timeout = max(0.001, min(timeout, left - _MARGIN_SECONDS))
        return grpc.aio.ClientCallDetails(
            method=details.method,
            timeout=timeout,
            metadata=metadata,
            credentials=details.credentials,
            wait_for_ready=details.wait_for_ready,
        )

    async def intercept_unary_unary(self, continuation, client_call_details, request):  # type: ignore[no-untyped-def]
        return await continuation(self._details(client_call_details), request)

    async def intercept_unary_stream(self, continuation, client_call_details, request):  # type: ignore[no-untyped-def]
        return await continuation(self._details(client_call_details), request)

    async def intercept_stream_unary(self, continuation, client_call_details, request_iterator):  # type: ignore[no-untyped-def]
        return await continuation(self._details(client_call_details), request_iterator)


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
                interceptors=[_ForwardingInterceptor(self._default_timeout)],
            )
        return self._channels[target]

    def stub(self, stub_class: type, target: str) -> Any:
        return stub_class(self.channel(target))

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close()
        self._channels.clear()
