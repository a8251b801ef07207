"""Support agents' read-only look-up of an officine, to answer "quand et combien
vais-je recevoir": who is attached to it, what it ordered in the session in
force, and per closed session its delivery date and confirmed volumes. The
backends let agents read these and refuse them every change."""

from __future__ import annotations

import grpc
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.gateway.access import Caller, gateway_of
from services.gateway.pages import common, deliveries, labels
from services.gateway.pages.render import render
from services.gateway.problems import problem
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb

_BREADCRUMB = [("/", "Accueil"), ("/support", "File du support")]


def identifier(effecteur: str) -> str:
    """'effecteurs/rpps:99700000120' -> 'RPPS 99700000120' (the number with what it is)."""
    kind, _, number = effecteur.removeprefix("effecteurs/").partition(":")
    label = labels.IDENTIFIER_KINDS.get(f"IDENTIFIER_KIND_{kind.upper()}", "")
    return f"{label} {number}" if label and number else number


def _finess(text: str) -> str | None:
    text = text.strip().replace(" ", "")
    return text if text.isascii() and text.isdigit() and len(text) == 9 else None


async def search(request: Request, caller: Caller) -> Response:
    """/support/officines?finess=…: the form, then the officine's page."""
    typed = request.query_params.get("finess", "")
    error = ""
    if typed:
        finess = _finess(typed)
        if finess is not None:
            return RedirectResponse(f"/support/officines/{finess}", status_code=303)
        error = "Un numéro FINESS compte 9 chiffres (exemple : 759900111)."
    return render(
        request,
        "support/lookup_search.html",
        status=400 if error else 200,
        title="Consulter une officine",
        breadcrumb=[*_BREADCRUMB, ("", "Consulter une officine")],
        typed=typed,
        error=error,
    )


async def officine(request: Request, caller: Caller) -> Response:
    finess = _finess(request.path_params["finess"])
    if finess is None:
        raise problem(404, "NOT_FOUND", "Aucune officine n'a ce numéro FINESS.")
    gw = gateway_of(request)
    try:
        office = await common.officine(request, finess)
    except grpc.aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.NOT_FOUND:
            raise problem(404, "OFFICINE_NOT_FOUND", f"Aucune officine n'a le numéro FINESS {finess}.") from error
        raise
    rows = await common.officine_rows(request, office)
    session = await common.current_session(request)
    summary = None
    if session is not None:
        summary = await gw.backends.orders.GetOfficineSummary(
            orders_pb.GetOfficineSummaryRequest(name=f"{session.name}/officines/{finess}")
        )
    products = {p.name: p.display_name for p in await common.products(request, include_inactive=True)}
    names = {r.effecteur: r.display_name for r in rows}
    ordered = []
    if summary is not None:
        for total in summary.effecteurs:
            for line in total.products:
                ordered.append(
                    (
                        names.get(total.effecteur, "Effecteur qui n'est plus rattaché"),
                        products.get(line.product, ""),
                        line,
                    )
                )
    return render(
        request,
        "support/lookup_officine.html",
        title=office.display_name,
        breadcrumb=[*_BREADCRUMB, ("/support/officines", "Consulter une officine"), ("", office.display_name)],
        office=office,
        rows=rows,
        session=session,
        summary=summary,
        products=products,
        ordered=ordered,
        deliveries=await deliveries.for_officine(request, office, rows),
        type_label=labels.effecteur_type,
        identifier=identifier,
    )
