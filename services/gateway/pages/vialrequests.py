"""Requests to confirm: what attached effecteurs asked for, and the
officine's decision (confirm, adjust with a reason, decline with a reason)."""

from __future__ import annotations

import uuid

import grpc
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.gateway.access import Caller, gateway_of
from services.gateway.pages import common, vial_choices
from services.gateway.pages.forms import ascii_natural
from services.gateway.pages.render import render
from services.gateway.problems import Problem, as_problem, problem
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb

PENDING = orders_pb.VialRequest.STATE_PENDING

_DONE = {
    "confirmer": "Demande confirmée : les flacons sont ajoutés à la commande de l'effecteur.",
    "ajuster": "Demande confirmée avec la quantité ajustée.",
    "refuser": "Demande refusée ; l'effecteur voit votre motif.",
}


async def _page(
    request: Request,
    finess: str,
    *,
    error: Problem | None = None,
    error_for: str = "",
    status: int = 200,
    typed: dict[str, str] | None = None,
) -> Response:
    gw = gateway_of(request)
    office = await common.officine(request, finess)
    session = await common.current_session(request)
    requests: list[orders_pb.VialRequest] = []
    if session is not None:
        requests = await common.all_pages(
            gw.backends.orders.ListVialRequests,
            orders_pb.ListVialRequestsRequest(parent=f"{session.name}/officines/{finess}"),
            "vial_requests",
        )
    rows = await common.officine_rows(request, office)
    names = {row.effecteur: row.display_name for row in rows}
    standing: dict[tuple[str, str], str] = {}
    if session is not None and any(r.state == PENDING for r in requests):
        lines = await common.officine_lines(request, f"{session.name}/officines/{finess}")
        standing = await vial_choices.standing(request, session, rows, lines)
    products = {p.name: p for p in await common.products(request, include_inactive=True)}
    notice = _DONE.get(request.query_params.get("fait", ""), "")
    return render(
        request,
        "officine/requests.html",
        status=status,
        title="Demandes à confirmer",
        office=office,
        session=session,
        pending=[r for r in requests if r.state == PENDING],
        decided=[r for r in requests if r.state != PENDING],
        names=names,
        products=products,
        standing=standing,
        error=error,
        error_for=error_for,
        # What was typed in the refused form, shown back in it (open), never lost.
        typed=typed or {},
        field_errors={k.split(".")[-1]: v for k, v in (error.field_errors() if error else {}).items()},
        notice=notice,
        breadcrumb=[("/", "Accueil"), (f"/officines/{finess}", office.display_name), ("", "Demandes à confirmer")],
    )


async def requests_page(request: Request, caller: Caller) -> Response:
    return await _page(request, request.path_params["finess"])


async def decide(request: Request, caller: Caller) -> Response:
    p = request.path_params
    finess, action = p["finess"], p["action"]
    name = f"sessions/{p['session']}/officines/{finess}/requests/{p['request']}"
    form = await request.form()
    reason = str(form.get("reason", "")).strip()
    request_id = str(form.get("request_id", "")) or str(uuid.uuid4())
    orders = gateway_of(request).backends.orders
    try:
        if action == "confirmer":
            await orders.ConfirmVialRequest(orders_pb.ConfirmVialRequestRequest(name=name, request_id=request_id))
        elif action == "ajuster":
            text = str(form.get("vials", "")).strip()
            vials = ascii_natural(text)
            if vials is None:
                raise problem(
                    400,
                    "INVALID_ARGUMENT",
                    "Indiquez le nombre de flacons à confirmer.",
                    errors=[{"field": "vials", "detail": "Indiquez le nombre de flacons à confirmer."}],
                )
            await orders.ConfirmVialRequest(
                orders_pb.ConfirmVialRequestRequest(name=name, vials=vials, reason=reason, request_id=request_id)
            )
        elif action == "refuser":
            await orders.DeclineVialRequest(
                orders_pb.DeclineVialRequestRequest(name=name, reason=reason, request_id=request_id)
            )
        else:
            raise problem(404, "NOT_FOUND")
    except (grpc.RpcError, Problem) as exc:
        error = as_problem(exc)
        if error.status in (401, 404, 500, 502, 503, 504):
            raise
        typed = {"action": action, "vials": str(form.get("vials", "")), "reason": reason}
        return await _page(request, finess, error=error, error_for=name, status=error.status, typed=typed)
    return RedirectResponse(f"/officines/{finess}/demandes?fait={action}", status_code=303)
