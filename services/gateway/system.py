"""Routes that are not about the domain: health, the OpenAPI document and
its docs page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.gateway.access import gateway_of, identify
from services.gateway.api.openapi import document
from services.gateway.api.routing import ApiRoute
from services.gateway.pages.render import render
from services.gateway.state import Gateway


async def healthz(request: Request) -> Response:
    """200 only when every backend reports SERVING; otherwise 503 naming the others.

    A PSC outage is reported (`degraded`, `psc`) but keeps 200: the gateway still serves the
    logged-in users (docs/psc-outage.md), and readiness must not pull it out of the Service.
    """
    gw = gateway_of(request)
    statuses = await gw.backends.health(gw.settings.health_timeout_seconds)
    failing = sorted(name for name, status in statuses.items() if status != "SERVING")
    body: dict[str, object] = {
        "status": "SERVING" if not failing else "NOT_SERVING",
        "backends": statuses,
        "failing": failing,
    }
    body |= psc_health(gw)
    return JSONResponse(body, status_code=200 if not failing else 503, headers={"Cache-Control": "no-store"})


def psc_health(gw: Gateway) -> dict[str, object]:
    """`degraded` and `psc` of /healthz: PSC_UNREACHABLE since when, or REACHABLE."""
    since = gw.psc.unreachable_since
    psc = {"status": "REACHABLE" if gw.psc.known_reachable else "UNREACHABLE"}
    if since is not None:
        psc["unreachableSince"] = since.isoformat()
    return {"degraded": not gw.psc.known_reachable, "psc": psc}


def routes(table: list[ApiRoute]) -> list[Route]:
    async def openapi(request: Request) -> Response:
        # The paths carry /api/v1 already: the server is the origin (a client joins the two).
        return JSONResponse(document(table, gateway_of(request).settings.base_url))

    async def docs(request: Request) -> Response:
        await identify(request, allow_bearer=False)
        tags: dict[str, list[ApiRoute]] = {}
        for route in table:
            tags.setdefault(route.tag, []).append(route)
        return render(request, "api_docs.html", title="Documentation de l'API", tags=tags)

    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/v1/openapi.json", openapi, methods=["GET"]),
        Route("/api/v1/docs", docs, methods=["GET"]),
    ]
