"""The officine's dashboard: session banner with time left, totals per
product, pending requests, attached effecteurs, delivery window; for closed
sessions with a published allocation, the confirmed volumes per effecteur and
product, the delivery date and when the confirmation e-mail went out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.gateway.access import Caller, gateway_of
from services.gateway.pages import common, deliveries
from services.gateway.pages.public import service_banner
from services.gateway.pages.render import render
from services.gateway.problems import problem
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as eff_pb
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb


async def my_officine(request: Request, caller: Caller) -> Response:
    """/officine: the caller's officine (the list when they act for several)."""
    officines = caller.principal.officines if caller.principal else ()
    if len(officines) == 1:
        return RedirectResponse(f"/{officines[0]}", status_code=303)
    if not officines:
        raise problem(403, "NO_OFFICINE", "Votre compte n'agit pour aucune officine.")
    found = [await common.officine(request, name.removeprefix("officines/")) for name in officines]
    return render(request, "officine/choose.html", title="Choisir une officine", officines=found)


async def dashboard(request: Request, caller: Caller) -> Response:
    gw = gateway_of(request)
    finess = request.path_params["finess"]
    office = await common.officine(request, finess)
    session = await common.current_session(request)
    summary = None
    if session is not None:
        summary = await gw.backends.orders.GetOfficineSummary(
            orders_pb.GetOfficineSummaryRequest(name=f"{session.name}/officines/{finess}")
        )
    attachments = await gw.backends.effecteurs.ListAttachments(
        eff_pb.ListAttachmentsRequest(parent=office.name, page_size=8)
    )
    products = {p.name: p for p in await common.products(request, include_inactive=True)}
    confirmed = await deliveries.for_officine(request, office, await common.officine_rows(request, office))
    return render(
        request,
        "officine/dashboard.html",
        title=office.display_name,
        office=office,
        banner=await service_banner(request),
        session=session,
        time_left=common.session_time_left(request, session) if session else "",
        summary=summary,
        products=products,
        attachments=[a for a in attachments.attachments if a.effecteur != office.self_effecteur],
        # The same count as the attachments page, whose list includes the officine's own record.
        attachment_total=attachments.total_size,
        deliveries=confirmed,
        current_delivery=next((d for d in confirmed if session is not None and d.session.name == session.name), None),
    )
