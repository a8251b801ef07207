"""Per-HTTP-request context: a new request id (bound to the contextvar the
gRPC client interceptor forwards, and returned in X-Request-Id), the time
budget every backend call is bounded by, and one log event per request.

Pure ASGI (not BaseHTTPMiddleware) so the contextvars set here are the ones
the endpoint sees.
"""

from __future__ import annotations

import time
from contextvars import ContextVar, Token
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common import context as ctx
from services.common.clock import monotonic
from services.gateway.metrics import HttpMetrics
from services.gateway.problems import problem

log = structlog.get_logger("http")

REQUEST_ID_HEADER = "x-request-id"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, budget_seconds: float, metrics: HttpMetrics) -> None:
        self.app = app
        self.budget = budget_seconds
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = ctx.new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        tokens: list[tuple[ContextVar[Any], Token[Any]]] = [
            (ctx.request_id_var, ctx.request_id_var.set(request_id)),
            (ctx.token_var, ctx.token_var.set("")),
            (ctx.principal_var, ctx.principal_var.set(None)),
            (ctx.deadline_var, ctx.deadline_var.set(monotonic() + self.budget)),
            # The browser's address as uvicorn saw it (behind the ingress: its forwarded header).
            (ctx.client_address_var, ctx.client_address_var.set((scope.get("client") or ("", 0))[0] or "")),
        ]
        structlog.contextvars.bind_contextvars(request_id=request_id, caller="anonymous")
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != REQUEST_ID_HEADER.encode()]
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.observe(scope, status, elapsed)
            log.info(
                "http",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round(elapsed * 1000, 2),
                # Set by the endpoint once it knows who calls (see access.identify).
                caller=scope["state"].get("caller_id", "anonymous"),
            )
            structlog.contextvars.unbind_contextvars("request_id", "caller")
            for var, token in reversed(tokens):
                var.reset(token)


TOO_LARGE = "Le corps de la requête dépasse la taille autorisée ({limit} Mo au plus)."


def body_too_large(limit: int) -> Exception:
    return problem(413, "PAYLOAD_TOO_LARGE", TOO_LARGE.format(limit=max(1, limit // (1024 * 1024))))


class BodyLimitMiddleware:
    """No request body over `max_bytes` is ever read whole: a declared
    Content-Length over it is refused before the first byte is read, and a
    body without one (chunked) is counted while it streams in. The refusal is
    raised where the endpoint reads the body, so the error edge answers it
    (413 problem+json for the API, the error page for forms)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in scope.get("headers", []) if k.lower() == b"content-length"), None)
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
                raise body_too_large(self.max_bytes)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise body_too_large(self.max_bytes)
            return message

        await self.app(scope, receive if scope["method"] in ("GET", "HEAD") else counting_receive, send)


# The pages load only our own files (DSFR included); its CSS uses data: SVG icons.
_CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"


class SecurityHeadersMiddleware:
    """Headers every response gets; HSTS only when served over https."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", _CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),
        ]
        if https:
            self.headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers.extend(h for h in self.headers if h[0] not in names)
                if not static and b"cache-control" not in names:
                    # API answers and pages carry personal data: never in a shared cache.
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
