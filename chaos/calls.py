"""How a chaos client calls: the way a careful integrator must.

A write carries a `request_id`; when the answer is UNAVAILABLE (the service is
down, draining, or lost its database) or the deadline passed without an answer,
the *same* request is sent again, with backoff, bounded in attempts and time.
Whatever else comes back is final. A write that ran out of retries has an
unknown outcome: it may or may not have happened, and the client must re-read.

Every answer is tallied, so the table shows what clients saw.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
import httpx

from services.common.grpc_errors import ErrorDetails

# Retried with the same request: UNAVAILABLE is the service's "try again"; a deadline that
# passed leaves the outcome unknown, and the request_id makes a resend safe; CANCELLED is
# what gRPC answers a call that reached a server just as it stopped, before any handler
# took it (grpc/grpc#41785: core cancels such pending calls instead of refusing them
# UNAVAILABLE), and this client never cancels its own calls. Each is counted apart.
RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.CANCELLED})
CALL_TIMEOUT = 15.0
MAX_ATTEMPTS = 120
MAX_RETRY_SECONDS = 90.0

# Channels that notice a restarted server within half a second, and do not retry on
# their own: every resend is ours, and counted.
CHANNEL_OPTIONS = [
    ("grpc.enable_retries", 0),
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 500),
    ("grpc.use_local_subchannel_pool", 1),
]


@dataclass
class Tally:
    """What the clients of one scenario saw."""

    ok: int = 0
    retried: Counter[str] = field(default_factory=Counter)  # code -> resends
    expected: Counter[str] = field(default_factory=Counter)  # refusals the writer expects (cap reached)
    errors: Counter[str] = field(default_factory=Counter)  # "CODE reason" -> count: never expected
    unknown: int = 0  # writes that ran out of retries
    samples: list[str] = field(default_factory=list)

    def error(self, key: str, text: str) -> None:
        self.errors[key] += 1
        if len(self.samples) < 10:
            self.samples.append(f"{key}: {text[:300]}")


def _method(rpc: Any) -> str:
    """The RPC's name, e.g. "CreateOrderLine" (a grpc.aio multicallable keeps its path)."""
    path = getattr(rpc, "_method", b"")
    return (path.decode() if isinstance(path, bytes) else str(path)).rpartition("/")[2]


class Refused(Exception):
    """A final, non-retryable answer."""

    def __init__(self, details: ErrorDetails, method: str = "") -> None:
        super().__init__(f"{method}: {details.code.name} {details.reason}: {details.message}")
        self.details, self.method = details, method

    @property
    def key(self) -> str:
        return f"{self.details.code.name} {self.details.reason}".strip()


class Unknown(Exception):
    """Retries exhausted: the write may or may not have happened."""


# Through the gateway: 503 (a backend UNAVAILABLE or CANCELLED, or the gateway's own database),
# 504 (a deadline), and no answer at all (the gateway restarting) are resent unchanged.
RETRYABLE_HTTP = frozenset({503, 504})


class HttpRefused(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"HTTP {status} {body.get('reason', '')}: {body.get('detail', '')}")
        self.status, self.reason, self.detail = status, str(body.get("reason", "")), str(body.get("detail", ""))

    @property
    def key(self) -> str:
        return f"HTTP {self.status} {self.reason}".strip()


async def http_call(tally: Tally, client: httpx.AsyncClient, method: str, path: str, body: Any, token: str) -> Any:
    """One write through the gateway's /api/v1, resent like `call` on 503, 504 and no answer."""
    started = time.monotonic()
    headers = {"authorization": f"Bearer {token}", "accept": "application/json"}
    for attempt in range(MAX_ATTEMPTS):
        try:
            response = await client.request(method, path, json=body, headers=headers, timeout=CALL_TIMEOUT)
        except httpx.TransportError as error:
            tally.retried[f"HTTP {type(error).__name__}"] += 1
        else:
            if response.status_code < 300:
                tally.ok += 1
                return response.json()
            if response.status_code not in RETRYABLE_HTTP:
                raise HttpRefused(response.status_code, response.json() if response.content else {})
            tally.retried[f"HTTP {response.status_code}"] += 1
        if time.monotonic() - started > MAX_RETRY_SECONDS:
            break
        await asyncio.sleep(min(1.0, 0.05 * 2 ** min(attempt, 5)) * random.uniform(0.5, 1.0))
    tally.unknown += 1
    raise Unknown()


async def call(tally: Tally, rpc: Callable[..., Awaitable[Any]], request: Any, metadata: Any) -> Any:
    """`rpc(request)` until an answer that is not UNAVAILABLE / DEADLINE_EXCEEDED, bounded."""
    started = time.monotonic()
    for attempt in range(MAX_ATTEMPTS):
        try:
            reply = await rpc(request, metadata=metadata, timeout=CALL_TIMEOUT)
        except grpc.aio.AioRpcError as error:
            if error.code() not in RETRYABLE:
                raise Refused(ErrorDetails.from_rpc_error(error), _method(rpc)) from None
            tally.retried[error.code().name] += 1
            if time.monotonic() - started > MAX_RETRY_SECONDS:
                break
            await asyncio.sleep(min(1.0, 0.05 * 2 ** min(attempt, 5)) * random.uniform(0.5, 1.0))
            continue
        tally.ok += 1
        return reply
    tally.unknown += 1
    raise Unknown()
