"""The effecteur's space (médecin, sage-femme, EHPAD, PMI…): my officine, my
confirmed vials per session and product with the officine that delivers them
and its date, ask it for vials, my requests and their outcome, my history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import grpc
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.gateway.access import Caller, gateway_of
from services.gateway.pages import common, deliveries, labels, vial_choices
from services.gateway.pages.forms import ascii_natural
from services.gateway.pages.render import render
from services.gateway.problems import Problem, as_problem, problem
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as eff_pb
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb

_DONE = {
    "demande": "Votre demande est envoyée à votre officine, qui va la confirmer ou la refuser.",
    "retiree": "Votre demande est retirée.",
    "reservation": "Les flacons sont réservés pour vous : l'officine vous les remettra.",
}
_FIELDS = ("product", "vials", "comment")


def _key(request: Request, caller: Caller) -> str:
    key: str = request.path_params["effecteur"]
    # Only one's own effecteur: anything else is "not found", as the backends say.
    if caller.principal is None or f"effecteurs/{key}" not in caller.principal.effecteurs:
        raise problem(404, "NOT_FOUND")
    return key


async def my_space(request: Request, caller: Caller) -> Response:
    """The effecteur space of the account: straight there when it acts for one known
    effecteur, a choice among several; a French page (never a 404) when the service knows
    none of them (an operator's own record, a professional nobody attached yet)."""
    mine = caller.principal.effecteurs if caller.principal else ()
    if not mine:
        raise problem(403, "NO_EFFECTEUR", "Votre compte ne représente aucun effecteur.")
    gw = gateway_of(request)
    found = []
    for name in mine:
        try:
            found.append((await gw.backends.effecteurs.GetEffecteur(eff_pb.GetEffecteurRequest(name=name))).effecteur)
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
    if len(found) == 1:
        return RedirectResponse(f"/{found[0].name}", status_code=303)
    if not found:
        return render(request, "effecteur/unknown.html", title="Mon espace effecteur")
    return render(request, "effecteur/choose.html", title="Mon espace effecteur", effecteurs=found)


async def space(
    request: Request, caller: Caller, *, values: dict[str, str] | None = None, error: Problem | None = None
) -> Response:
    gw = gateway_of(request)
    key = _key(request, caller)
    name = f"effecteurs/{key}"
    lookup = await gw.backends.effecteurs.LookupAttachment(eff_pb.LookupAttachmentRequest(effecteur=name))
    office = None
    if lookup.HasField("attachment"):
        office = await common.officine(request, lookup.attachment.name.split("/")[1])
    session = await common.current_session(request)
    requests = await common.all_pages(
        gw.backends.orders.ListVialRequests,
        orders_pb.ListVialRequestsRequest(parent="sessions/-/officines/-", effecteur=name),
        "vial_requests",
        200,
    )
    lines = await common.officine_lines(request, "sessions/-/officines/-", effecteur=name)
    products = await common.products(request, include_inactive=True)
    confirmed = await deliveries.for_effecteur(
        request, name, lookup.effecteur.display_name, labels.effecteur_type(lookup.effecteur.type)
    )
    active = [p for p in products if p.active]
    open_products, closed_products = (
        await vial_choices.choices(request, session, lookup.effecteur.type, active, lines) if session else ([], [])
    )
    from services.gateway.pages import stock_effecteur  # noqa: PLC0415 (it imports this module)

    stock = stock_effecteur.context(request, await stock_effecteur.after_delivery(request, name))
    officine_labels = await _officine_labels(request, office, confirmed, lines)
    return render(
        request,
        "effecteur/space.html",
        status=error.status if error else 200,
        title="Mon espace effecteur",
        effecteur=lookup.effecteur,
        key=key,
        office=office,
        session=session,
        time_left=common.session_time_left(request, session) if session else "",
        requests=list(reversed(requests)),
        lines=lines,
        deliveries=confirmed,
        session_labels=await _session_labels(request),
        officine_labels=officine_labels,
        products=open_products,
        closed_products=closed_products,
        product_names={p.name: p.display_name for p in products},
        values=values or {k: "" for k in _FIELDS},
        error=error,
        field_errors={path.split(".")[-1]: text for path, text in (error.field_errors() if error else {}).items()},
        request_id=str(uuid.uuid4()),
        notice=_DONE.get(request.query_params.get("fait", ""), ""),
        **stock,
    )


async def _officine_labels(
    request: Request,
    office: eff_pb.Officine | None,
    confirmed: Sequence[deliveries.DeliveryView],
    lines: Sequence[orders_pb.OrderLine],
) -> dict[str, str]:
    """FINESS -> name of every officine in the history, the one the professional left too."""
    labels_ = {d.finess: d.officine_name for d in confirmed}
    if office is not None:
        labels_[office.finess] = office.display_name
    for finess in sorted({line.name.split("/")[3] for line in lines} - labels_.keys()):
        try:
            labels_[finess] = (await common.officine(request, finess)).display_name
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
    return labels_


async def _session_labels(request: Request) -> dict[str, str]:
    """Session id -> label, for the history (the ids are dates, the labels say so in words)."""
    try:
        sessions = await common.all_pages(
            gateway_of(request).backends.sessions.ListSessions, sess_pb.ListSessionsRequest(), "sessions", 100
        )
    except grpc.aio.AioRpcError as error:
        if error.code() not in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED):
            raise
        return {}
    return {common.session_id(s): s.label for s in sessions}


async def effecteur_space(request: Request, caller: Caller) -> Response:
    return await space(request, caller)


async def ask(request: Request, caller: Caller) -> Response:
    gw = gateway_of(request)
    key = _key(request, caller)
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in _FIELDS}
    try:
        lookup = await gw.backends.effecteurs.LookupAttachment(
            eff_pb.LookupAttachmentRequest(effecteur=f"effecteurs/{key}")
        )
        session = await common.current_session(request)
        if not lookup.HasField("attachment"):
            raise problem(
                409,
                "NOT_ATTACHED",
                "Vous n'êtes rattaché à aucune officine : demandez à une officine de vous rattacher.",
            )
        if session is None:
            raise problem(409, "NO_SESSION", "Aucune session de commande n'est ouverte.")
        vials = ascii_natural(values["vials"])
        if vials is None:
            message = "Indiquez un nombre entier de flacons."
            raise problem(400, "INVALID_ARGUMENT", message, errors=[{"field": "vialRequest.vials", "detail": message}])
        finess = lookup.attachment.name.split("/")[1]
        await gw.backends.orders.CreateVialRequest(
            orders_pb.CreateVialRequestRequest(
                parent=f"{session.name}/officines/{finess}",
                vial_request=orders_pb.VialRequest(
                    effecteur=f"effecteurs/{key}",
                    product=values["product"],
                    vials=vials,
                    comment=values["comment"],
                ),
                request_id=str(form.get("request_id", "")),
            )
        )
    except (grpc.RpcError, Problem) as exc:
        error = as_problem(exc)
        if error.status in (401, 500, 502, 503, 504):
            raise
        return await space(request, caller, values=values, error=error)
    return RedirectResponse(f"/effecteurs/{key}?fait=demande", status_code=303)


async def cancel(request: Request, caller: Caller) -> Response:
    key = _key(request, caller)
    p = request.path_params
    form = await request.form()
    await gateway_of(request).backends.orders.CancelVialRequest(
        orders_pb.CancelVialRequestRequest(
            name=f"sessions/{p['session']}/officines/{p['finess']}/requests/{p['request']}",
            request_id=str(form.get("request_id", "")) or str(uuid.uuid4()),
        )
    )
    return RedirectResponse(f"/effecteurs/{key}?fait=retiree", status_code=303)
