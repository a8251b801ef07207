"""The contact form (public, prefilled when logged in): a support request with
its category and, on request, a number to be called back on. Logged-in users
also see where their requests stand. The mailer checks the input, counts the
per-client rate limit (shared by every replica) and answers with the due time."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import grpc
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.common.context import Principal
from services.common.timefmt import paris_long
from services.gateway.access import Caller, gateway_of
from services.gateway.pages import support_status
from services.gateway.pages.forms import by_last_segment
from services.gateway.pages.render import render
from services.gateway.problems import Problem, as_problem, problem
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as eff_pb
from vaxorders.mailer.v1 import mailer_service_pb2 as mail_pb

_FIELDS = ("contact_email", "subject", "body", "about", "category", "callback_phone")
_REFERENCE = re.compile(r"[0-9A-F]{8}")


@dataclass
class Prefill:
    """What the form knows of a logged-in user: whom they write for, their address."""

    writer: str = ""
    values: dict[str, str] = field(default_factory=dict)


async def _prefill(request: Request, principal: Principal | None) -> Prefill:
    if principal is None:
        return Prefill()
    gw = gateway_of(request)
    name = f"{principal.given_name} {principal.family_name}".strip()
    for resource in principal.acts_for:
        try:
            if resource.startswith("officines/"):
                office = (await gw.backends.effecteurs.GetOfficine(eff_pb.GetOfficineRequest(name=resource))).officine
                return Prefill(
                    f"{name}, {office.display_name}", {"contact_email": office.email, "about": office.finess}
                )
            effecteur = (await gw.backends.effecteurs.GetEffecteur(eff_pb.GetEffecteurRequest(name=resource))).effecteur
            return Prefill(
                f"{name}, {effecteur.display_name}" if effecteur.display_name != name else name,
                {"contact_email": effecteur.email, "about": effecteur.identifier},
            )
        except grpc.aio.AioRpcError as error:
            if error.code() not in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED):
                raise
    return Prefill(name)


async def _mine(request: Request, principal: Principal | None) -> list[mail_pb.SupportRequest]:
    if principal is None:
        return []
    try:
        reply = await gateway_of(request).backends.mailer.ListSupportRequests(
            mail_pb.ListSupportRequestsRequest(mine=True, include_closed=True, page_size=20)
        )
    except grpc.aio.AioRpcError as error:
        if error.code() in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
            return []
        raise
    return list(reply.support_requests)


def _check_form(values: dict[str, str], callback: bool) -> dict[str, str]:
    """What only the form asks (the API says it with the fields themselves)."""
    errors: dict[str, str] = {}
    if support_status.category_value(values["category"]) is None:
        errors["category"] = "Choisissez la catégorie de votre demande."
    if callback and not values["callback_phone"]:
        errors["callback_phone"] = "Indiquez le numéro auquel le support peut vous rappeler."
    return errors


async def contact(request: Request, caller: Caller) -> Response:
    principal = caller.principal
    prefill = await _prefill(request, principal)
    values = {name: "" for name in _FIELDS} | prefill.values
    callback = False
    error: Problem | None = None
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        form = await request.form()
        values = {name: str(form.get(name, "")).strip() for name in _FIELDS}
        callback = form.get("callback") == "oui"
        field_errors = _check_form(values, callback)
        if field_errors:
            error = problem(400, "INVALID_ARGUMENT", next(iter(field_errors.values())))
        else:
            message = mail_pb.SupportRequest(
                contact_email=values["contact_email"],
                subject=values["subject"],
                body=values["body"],
                about=values["about"],
                category=support_status.category_value(values["category"]) or 0,  # type: ignore[arg-type]
                callback_phone=values["callback_phone"] if callback else "",
            )
            try:
                reply = await gateway_of(request).backends.mailer.CreateSupportRequest(
                    mail_pb.CreateSupportRequestRequest(
                        support_request=message, request_id=str(form.get("request_id", ""))
                    )
                )
            except grpc.RpcError as exc:
                error = as_problem(exc)
                if error.status >= 500 or error.status in (401, 403):
                    raise
                field_errors = by_last_segment(error)
            else:
                created = reply.support_request
                return RedirectResponse(
                    f"/contact?envoye={support_status.reference(created.name)}&echeance={created.due_time.seconds}",
                    status_code=303,
                )
    return render(
        request,
        "contact.html",
        status=error.status if error else 200,
        title="Contacter le support",
        breadcrumb=[("/", "Accueil"), ("", "Contact")],
        values=values,
        callback=callback,
        categories=support_status.CATEGORIES,
        writer=prefill.writer,
        error=error,
        field_errors=field_errors,
        request_id=str(uuid.uuid4()),
        notice=_sent_notice(request),
        mine=await _mine(request, principal),
        status_of=support_status.requester_state,
        category_label=support_status.category_label,
        reference=support_status.reference,
        open_state=mail_pb.SupportRequest.STATE_OPEN,
    )


def _sent_notice(request: Request) -> str:
    """After the redirect: the reference and the due time, read back only when well-formed."""
    ref = request.query_params.get("envoye", "")
    due = request.query_params.get("echeance", "")
    if not _REFERENCE.fullmatch(ref) or not due.isascii() or not due.isdigit() or len(due) > 12:
        return ""
    when = paris_long(datetime.fromtimestamp(int(due), tz=UTC))
    return (
        f"Votre demande a bien été envoyée au support (référence {ref}). "
        f"Le support vous répondra au plus tard le {when}. Un accusé de réception vous a été envoyé par e-mail."
    )
