"""The gateway's Starlette application: middleware, routes, error edge."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
import structlog
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from services.common.clock import Clock, clock_from_start
from services.common.db_failures import database_unavailable
from services.gateway import login
from services.gateway.api.routes import api_table
from services.gateway.api.routing import starlette_routes
from services.gateway.metrics import HttpMetrics
from services.gateway.middleware import BodyLimitMiddleware, RequestContextMiddleware, SecurityHeadersMiddleware
from services.gateway.pages.render import login_redirect, make_templates, render
from services.gateway.pages.routes import page_routes
from services.gateway.problems import Problem, as_problem, problem, problem_response
from services.gateway.settings import GatewaySettings
from services.gateway.state import Gateway
from services.gateway.system import routes as system_routes

log = structlog.get_logger("gateway")

STATIC_DIR = Path(__file__).resolve().parent / "static"


def _request_id(request: Request) -> str:
    request_id: str = request.scope.get("state", {}).get("request_id", "")
    return request_id


def _respond(request: Request, p: Problem) -> Response:
    if request.url.path.startswith("/api/") or request.url.path == "/healthz":
        return problem_response(p, _request_id(request), instance=request.url.path)
    if p.status == 401 and request.method == "GET" and not request.url.path.startswith("/auth/"):
        return login_redirect(request)
    return render(request, "error.html", status=p.status, title=p.title, problem=p, request_id=_request_id(request))


async def _on_known_error(request: Request, exc: Exception) -> Response:
    p = as_problem(exc)
    if isinstance(exc, grpc.RpcError):
        log.info("http.backend_refused", status=p.status, reason=p.reason)
    return _respond(request, p)


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    response = _respond(request, problem(exc.status_code, "NOT_FOUND" if exc.status_code == 404 else ""))
    # Starlette's own headers, e.g. the Allow of a 405 (RFC 9110: the methods the path has).
    response.headers.update(exc.headers or {})
    return response


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    if (lost := database_unavailable(exc)) is not None:
        # Its web-session store gone for a moment: 503, retryable, never a 500.
        log.warning("http.database_unavailable", error=f"{type(exc).__name__}: {exc}"[:500])
        return _respond(request, problem(503, lost.reason, lost.message))
    log.error("http.unexpected_error", exc_info=exc)
    return _respond(request, problem(500, "INTERNAL"))


def all_routes() -> list[BaseRoute]:
    table = api_table()
    return [
        *system_routes(table),
        *login.routes(),
        *starlette_routes(table),
        Mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static"),
        *page_routes(),
    ]


def create_app(
    settings: GatewaySettings, *, clock: Clock | None = None, metrics: HttpMetrics | None = None
) -> Starlette:
    templates = make_templates()
    metrics = metrics or HttpMetrics()
    clock = clock or clock_from_start(settings.clock_start)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        gateway = Gateway.build(settings, clock, templates)
        app.state.gateway = gateway
        # PSC outage: the vaxorders_psc_reachable gauge and the banner's source, kept fresh.
        gateway.psc.register_gauge(metrics.registry)
        psc_watch = asyncio.create_task(gateway.psc.watch())
        if not (STATIC_DIR / "dsfr" / "dsfr.min.css").exists():
            log.warning("gateway.dsfr_missing", hint="run `make assets` (npm install + python -m tools.copy_assets)")
        log.info("gateway.started", public_base_url=settings.base_url)
        try:
            yield
        finally:
            psc_watch.cancel()
            await gateway.close()

    app = Starlette(
        routes=all_routes(),
        lifespan=lifespan,
        exception_handlers={
            Problem: _on_known_error,
            grpc.RpcError: _on_known_error,
            HTTPException: _on_http_exception,
            Exception: _on_unexpected,
        },
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_upload_bytes)
    app.add_middleware(SecurityHeadersMiddleware, https=settings.secure_cookies)
    app.add_middleware(RequestContextMiddleware, budget_seconds=settings.request_budget_seconds, metrics=metrics)
    app.state.metrics = metrics
    return app
