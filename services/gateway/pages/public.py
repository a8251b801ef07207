"""Pages anyone may read: home (service state, coming sessions, login), help,
contact, the legal pages, and the page that explains a refused access."""

from __future__ import annotations

from typing import Any

import grpc
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.gateway.access import Caller, gateway_of
from services.gateway.login import home_for
from services.gateway.pages import labels
from services.gateway.pages.render import render
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb


async def service_banner(request: Request) -> dict[str, Any]:
    """The state banner every home and dashboard shows."""
    reply = await gateway_of(request).backends.sessions.GetServiceState(sess_pb.GetServiceStateRequest())
    level, headline = labels.SERVICE_STATES.get(reply.state, ("info", "État du service"))
    message = reply.message
    if message.startswith(headline):
        headline, message = message, ""  # "Saisie des commandes ouverte jusqu'au…" says it all
    return {"level": level, "headline": headline, "message": message, "reply": reply}


async def coming_sessions(request: Request) -> list[sess_pb.Session]:
    """Open and scheduled sessions, soonest first; [] for a visitor the backend will not list them to."""
    try:
        reply = await gateway_of(request).backends.sessions.ListSessions(sess_pb.ListSessionsRequest(page_size=20))
    except grpc.aio.AioRpcError as error:
        if error.code() in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
            return []
        raise
    wanted = (sess_pb.Session.STATE_OPEN, sess_pb.Session.STATE_SCHEDULED)
    return sorted((s for s in reply.sessions if s.state in wanted), key=lambda s: s.open_time.seconds)


async def home(request: Request, caller: Caller) -> Response:
    return render(
        request,
        "home.html",
        title="Accueil",
        banner=await service_banner(request),
        sessions=await coming_sessions(request),
        dashboard=home_for(caller.principal) if caller.principal else "",
    )


async def help_page(request: Request, caller: Caller) -> Response:
    return render(request, "help.html", title="Aide", breadcrumb=[("/", "Accueil"), ("", "Aide")])


async def static_page(request: Request, caller: Caller) -> Response:
    template, title = _STATIC[request.url.path]
    return render(request, template, title=title, breadcrumb=[("/", "Accueil"), ("", title)])


async def refused(request: Request, caller: Caller) -> Response:
    """For someone PSC knows but who may do nothing here (section D pharmacien, no activity...)."""
    if caller.principal is not None and caller.principal.roles:
        return RedirectResponse(home_for(caller.principal), status_code=303)
    return render(request, "refused.html", title="Accès non autorisé", status=403 if caller.principal else 200)


_STATIC = {
    "/accessibilite": ("accessibility.html", "Déclaration d'accessibilité"),
    "/mentions-legales": ("legal.html", "Mentions légales"),
    "/donnees-personnelles": ("privacy.html", "Données personnelles et cookies"),
}
