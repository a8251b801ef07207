"""One API route = one row of the table: HTTP method and path, the RPC it
calls, how path parameters fill the request's resource names. The same rows
register the Starlette routes and generate the OpenAPI document, so neither
can list a route the other lacks.
"""

from __future__ import annotations

import string
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import Message
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.gateway.access import Caller, check_csrf, finish, gateway_of, identify
from services.gateway.api.jsonmap import apply_query, parse_body, set_path, to_json
from services.gateway.problems import problem

JSON = "application/json"
# The field of every mutation's request that makes a retry run once (any request type: read by name).
REQUEST_ID = "request_id"
CSV = "text/csv"

Handler = Callable[["ApiRoute", Request, Caller], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str  # under /api/v1, Starlette syntax: "/sessions/{session}"
    operation_id: str
    summary: str
    tag: str
    service: str = ""  # attribute of Backends ("orders")
    rpc: str = ""  # method of its stub ("CreateOrderLine")
    request: type[Message] | None = None
    response: type[Message] | None = None
    # Request field path -> resource-name template over the path parameters.
    names: dict[str, str] = field(default_factory=dict)
    public: bool = False
    request_content: str = JSON
    response_content: str = JSON
    # Query parameters documented for custom handlers (JSON name -> description).
    extra_query: dict[str, str] = field(default_factory=dict)
    handler: Handler | None = None

    @property
    def full_path(self) -> str:
        return "/api/v1" + self.path

    @property
    def reads_body(self) -> bool:
        return self.method in ("POST", "PATCH", "PUT") and self.request_content == JSON

    @property
    def path_params(self) -> list[str]:
        return [name for _, name, _, _ in string.Formatter().parse(self.path) if name]


def build_request(route: ApiRoute, request: Request, body: bytes) -> Message:
    assert route.request is not None
    message = route.request()
    if route.reads_body:
        parse_body(body, message)
    apply_query(dict(request.query_params), message, skip=set(route.extra_query))
    for field_path, template in route.names.items():
        set_path(message, field_path, template.format(**request.path_params))
    if REQUEST_ID in message.DESCRIPTOR.fields_by_name and not getattr(message, REQUEST_ID):
        # Idempotency-Key is the usual HTTP spelling of the protos' request_id.
        setattr(message, REQUEST_ID, request.headers.get("idempotency-key", ""))
    return message


async def call(route: ApiRoute, request: Request, message: Message) -> Any:
    stub = getattr(gateway_of(request).backends, route.service)
    return await getattr(stub, route.rpc)(message)


async def unary(route: ApiRoute, request: Request, caller: Caller) -> Response:
    message = build_request(route, request, await request.body() if route.reads_body else b"")
    reply = await call(route, request, message)
    return JSONResponse(to_json(reply))


def endpoint(route: ApiRoute) -> Endpoint:
    handler = route.handler or unary

    async def run(request: Request) -> Response:
        caller = await identify(request, allow_bearer=True)
        if not route.public and not caller.authenticated:
            raise problem(401, "UNAUTHENTICATED")
        if caller.login is not None:
            await check_csrf(request, caller)
        return finish(request, await handler(route, request, caller))

    run.__name__ = route.operation_id
    return run


def starlette_routes(table: list[ApiRoute]) -> list[Route]:
    """Custom-verb paths (':confirm') first: '{name}' would otherwise swallow them."""
    ordered = sorted(table, key=lambda r: (":" not in r.path, 0))
    by_path: dict[str, dict[str, ApiRoute]] = {}
    for route in ordered:
        by_path.setdefault(route.full_path, {})[route.method] = route
    routes = []
    for path, methods in by_path.items():
        handlers = {m: endpoint(r) for m, r in methods.items()}

        async def dispatch(request: Request, handlers: dict[str, Endpoint] = handlers) -> Response:
            return await (handlers.get(request.method) or handlers["GET"])(request)  # HEAD -> GET

        routes.append(Route(path, dispatch, methods=list(methods)))
    return routes
