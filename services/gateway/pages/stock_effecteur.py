"""The effecteur's side of the vials after delivery: its pickups, its vials
waiting at an officine (and the uncollected notice after 7 days), and — for
professionals the product may go to — the offers of its département, with a
button to claim them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import grpc
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.gateway.access import Caller, gateway_of
from services.gateway.pages import afterclose, effecteur
from services.gateway.pages.forms import ascii_natural
from services.gateway.problems import Problem, as_problem, problem
from vaxorders.orders.v1 import stock_service_pb2 as pb


@dataclass
class AfterDelivery:
    pickups: list[pb.Pickup] = field(default_factory=list)
    waiting: list[pb.UncollectedNotice] = field(default_factory=list)
    offers: list[pb.Offer] = field(default_factory=list)
    products: dict[str, str] = field(default_factory=dict)
    error: Problem | None = None
    error_for: str = ""


async def after_delivery(request: Request, name: str) -> AfterDelivery:
    """What the effecteur space shows after delivery; empty while orders does not
    serve StockService yet (a rolling update)."""
    stock = gateway_of(request).backends.stock
    try:
        pickups = await stock.ListPickups(pb.ListPickupsRequest(parent="officines/-", effecteur=name, page_size=50))
        offers = await stock.ListOffers(pb.ListOffersRequest(parent="officines/-", effecteur=name, page_size=100))
    except grpc.aio.AioRpcError as error:
        if error.code() in (grpc.StatusCode.UNIMPLEMENTED, grpc.StatusCode.NOT_FOUND):
            return AfterDelivery()
        raise
    return AfterDelivery(
        list(pickups.pickups), list(pickups.waiting), list(offers.offers), await afterclose.product_names(request)
    )


async def claim(request: Request, caller: Caller) -> Response:
    p = request.path_params
    key = p["effecteur"]
    if caller.principal is None or f"effecteurs/{key}" not in caller.principal.effecteurs:
        raise problem(404, "NOT_FOUND")
    form = await request.form()
    offer = f"officines/{p['finess']}/offers/{p['offer']}"
    try:
        vials = ascii_natural(str(form.get("vials", "")).strip())
        if not vials:
            message = "Indiquez un nombre de flacons supérieur à 0."
            raise problem(400, "INVALID_ARGUMENT", message, errors=[{"field": "vials", "detail": message}])
        await gateway_of(request).backends.stock.ClaimOffer(
            pb.ClaimOfferRequest(
                offer=offer,
                effecteur=f"effecteurs/{key}",
                vials=vials,
                request_id=str(form.get("request_id", "")) or str(uuid.uuid4()),
            )
        )
    except (grpc.RpcError, Problem) as exc:
        error = as_problem(exc)
        if error.status in (401, 404, 500, 502, 503, 504):
            raise
        request.state.stock_error = (error, offer)
        response = await effecteur.space(request, caller)
        response.status_code = error.status
        return response
    return RedirectResponse(f"/effecteurs/{key}?fait=reservation#offres", status_code=303)


def context(request: Request, found: AfterDelivery) -> dict[str, Any]:
    error = getattr(request.state, "stock_error", None)
    if error is not None:
        found.error, found.error_for = error
    return {"after_delivery": found}
