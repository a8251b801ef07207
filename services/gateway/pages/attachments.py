"""Attached effecteurs: list and search, attach by RPPS/ADELI/FINESS/SIRET,
detach after a confirmation step, and the history of attachments."""

from __future__ import annotations

import uuid
from typing import cast

import grpc
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.gateway.access import Caller, gateway_of
from services.gateway.pages import common, labels, people
from services.gateway.pages.forms import ascii_natural
from services.gateway.pages.render import render
from services.gateway.problems import Problem, as_problem, problem
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as eff_pb
from vaxorders.type.v1 import effecteur_type_pb2 as type_pb

_DONE = {
    "rattache": "L'effecteur est rattaché à votre officine.",
    "detache": "L'effecteur est détaché de votre officine ; le rattachement reste dans l'historique.",
}
_FIELDS = ("identifier_kind", "identifier", "type", "display_name", "email")


def _crumbs(office: eff_pb.Officine, last: str) -> list[tuple[str, str]]:
    return [("/", "Accueil"), (f"/officines/{office.finess}", office.display_name), ("", last)]


async def attachments_page(
    request: Request, caller: Caller, *, values: dict[str, str] | None = None, error: Problem | None = None
) -> Response:
    finess = request.path_params["finess"]
    office = await common.officine(request, finess)
    q = request.query_params
    search = {"nom": q.get("nom", ""), "identifiant": q.get("identifiant", ""), "type": q.get("type", "")}
    listing = eff_pb.ListAttachmentsRequest(
        parent=office.name,
        page_size=50,
        page_token=q.get("page", ""),
        name_contains=search["nom"],
        identifier_prefix=search["identifiant"],
    )
    if (wanted := ascii_natural(search["type"])) is not None and wanted in type_pb.EffecteurType.values():
        listing.type = cast(type_pb.EffecteurType, wanted)
    reply = await gateway_of(request).backends.effecteurs.ListAttachments(listing)
    return render(
        request,
        "officine/attachments.html",
        status=error.status if error else 200,
        title="Effecteurs rattachés",
        office=office,
        attachments=reply.attachments,
        total=reply.total_size,
        next_page=reply.next_page_token,
        search=search,
        values=values or {k: "" for k in _FIELDS} | {"identifier_kind": str(eff_pb.IDENTIFIER_KIND_RPPS)},
        error=error,
        field_errors=_field_errors(error),
        kinds=[(eff_pb.IdentifierKind.Value(k), v) for k, v in labels.IDENTIFIER_KINDS.items()],
        types=labels.orderable_types(),
        request_id=str(uuid.uuid4()),
        notice=_DONE.get(q.get("fait", ""), ""),
        breadcrumb=_crumbs(office, "Effecteurs rattachés"),
    )


def _field_errors(error: Problem | None) -> dict[str, str]:
    if error is None:
        return {}
    out: dict[str, str] = {}
    for path, text in error.field_errors().items():
        snake = "".join("_" + c.lower() if c.isupper() else c for c in path.split(".")[-1])
        out.setdefault(snake, text)
    return out


async def list_attachments(request: Request, caller: Caller) -> Response:
    return await attachments_page(request, caller)


async def attach(request: Request, caller: Caller) -> Response:
    finess = request.path_params["finess"]
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in _FIELDS}
    message = eff_pb.AttachEffecteurRequest(
        parent=f"officines/{finess}",
        identifier=values["identifier"],
        display_name=values["display_name"],
        email=values["email"],
        request_id=str(form.get("request_id", "")),
    )
    if (kind := ascii_natural(values["identifier_kind"])) is not None and kind in eff_pb.IdentifierKind.values():
        message.identifier_kind = cast(eff_pb.IdentifierKind, kind)
    if (chosen := ascii_natural(values["type"])) is not None and chosen in type_pb.EffecteurType.values():
        message.type = cast(type_pb.EffecteurType, chosen)
    try:
        await gateway_of(request).backends.effecteurs.AttachEffecteur(message)
    except grpc.RpcError as exc:
        error = as_problem(exc)
        if error.status in (401, 404, 500, 502, 503, 504):
            raise
        return await attachments_page(request, caller, values=values, error=error)
    return RedirectResponse(f"/officines/{finess}/effecteurs?fait=rattache", status_code=303)


async def _attachment(request: Request) -> tuple[eff_pb.Officine, eff_pb.Attachment]:
    p = request.path_params
    office = await common.officine(request, p["finess"])
    name = f"officines/{p['finess']}/attachments/{p['attachment']}"
    listing = await common.all_pages(
        gateway_of(request).backends.effecteurs.ListAttachments,
        eff_pb.ListAttachmentsRequest(parent=office.name),
        "attachments",
    )
    for attachment in listing:
        if attachment.name == name and attachment.effecteur != office.self_effecteur:
            return office, attachment
    raise problem(404, "ATTACHMENT_NOT_FOUND", "Ce rattachement n'existe pas ou est déjà terminé.")


async def confirm_detach(request: Request, caller: Caller) -> Response:
    office, attachment = await _attachment(request)
    if request.method == "POST":
        form = await request.form()
        await gateway_of(request).backends.effecteurs.DetachEffecteur(
            eff_pb.DetachEffecteurRequest(name=attachment.name, request_id=str(form.get("request_id", "")))
        )
        return RedirectResponse(f"/officines/{office.finess}/effecteurs?fait=detache", status_code=303)
    return render(
        request,
        "officine/detach.html",
        title="Détacher un effecteur",
        office=office,
        attachment=attachment,
        request_id=str(uuid.uuid4()),
        breadcrumb=_crumbs(office, "Détacher un effecteur"),
    )


async def history(request: Request, caller: Caller) -> Response:
    gw = gateway_of(request)
    office = await common.officine(request, request.path_params["finess"])
    reply = await gw.backends.effecteurs.ListAttachmentEvents(
        eff_pb.ListAttachmentEventsRequest(
            parent=office.name, page_size=100, page_token=request.query_params.get("page", "")
        )
    )
    everyone = await common.all_pages(
        gw.backends.effecteurs.ListAttachments,
        eff_pb.ListAttachmentsRequest(parent=office.name, include_ended=True),
        "attachments",
    )
    names = {a.effecteur: a.effecteur_detail.display_name for a in everyone}
    known = await people.names(request, [e.actor for e in reply.events])
    actors = {e.actor: people.actor(caller, e.actor, known) for e in reply.events}
    return render(
        request,
        "officine/attachment_history.html",
        actors=actors,
        title="Historique des rattachements",
        office=office,
        events=reply.events,
        next_page=reply.next_page_token,
        names=names,
        breadcrumb=_crumbs(office, "Historique des rattachements"),
    )
