"""The support desk's pages (agents only): the queue ordered by due time with
late and at-risk requests flagged, a request with its history, and the three
actions: answer by e-mail, note a call, close. The mailer records who did what."""

from __future__ import annotations

import uuid

import grpc
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.gateway.access import Caller, gateway_of
from services.gateway.pages import common, support_status
from services.gateway.pages.forms import by_last_segment
from services.gateway.pages.render import render
from services.gateway.problems import Problem, as_problem, problem
from vaxorders.mailer.v1 import mailer_service_pb2 as mail_pb

QUEUE = "/support"
_NOTICES = {
    "repondu": "Votre réponse est partie par e-mail au demandeur, dans le fil de sa demande.",
    "appel": "L'appel est noté dans l'historique de la demande.",
    "close": "La demande est close.",
}
_SHOWN = 200


def _name(request: Request) -> str:
    raw = request.path_params["request"]
    try:
        return f"supportRequests/{uuid.UUID(raw)}"
    except ValueError as exc:
        raise problem(404, "SUPPORT_REQUEST_NOT_FOUND", "Cette demande de support est introuvable.") from exc


async def _officine_name(request: Request, finess: str) -> str:
    """The officine's name for the look-up link; "" when the FINESS given is no officine's."""
    try:
        return (await common.officine(request, finess)).display_name
    except grpc.aio.AioRpcError as error:
        if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
            return ""
        raise


async def queue(request: Request, caller: Caller) -> Response:
    gw = gateway_of(request)
    include_closed = request.query_params.get("closes") == "1"
    reply = await gw.backends.mailer.ListSupportRequests(
        mail_pb.ListSupportRequestsRequest(include_closed=include_closed, page_size=_SHOWN)
    )
    now = gw.clock.now()
    rows = [(r, support_status.standing(r, now)) for r in reply.support_requests]
    return render(
        request,
        "support/queue.html",
        title="File du support",
        rows=rows,
        late=sum(1 for _, s in rows if s.late),
        at_risk=sum(1 for _, s in rows if s.at_risk),
        waiting=sum(1 for r, _ in rows if r.state == mail_pb.SupportRequest.STATE_OPEN),
        more=bool(reply.next_page_token),
        include_closed=include_closed,
        category_label=support_status.category_label,
        reference=support_status.reference,
        phone=support_status.phone_display,
    )


async def detail(
    request: Request, caller: Caller, *, error: Problem | None = None, typed: dict[str, str] | None = None
) -> Response:
    gw = gateway_of(request)
    reply = await gw.backends.mailer.GetSupportRequest(mail_pb.GetSupportRequestRequest(name=_name(request)))
    item = reply.support_request
    about = item.about if item.about.isascii() and item.about.isdigit() and len(item.about) == 9 else ""
    wanted = [a.removeprefix("officines/") for a in item.requester_acts_for if a.startswith("officines/")]
    if about and about not in wanted:
        wanted.append(about)
    officines = [(finess, await _officine_name(request, finess)) for finess in wanted]
    return render(
        request,
        "support/request.html",
        status=error.status if error else 200,
        title=f"Demande {support_status.reference(item.name)}",
        breadcrumb=[("/", "Accueil"), (QUEUE, "File du support"), ("", support_status.reference(item.name))],
        item=item,
        standing=support_status.standing(item, gw.clock.now()),
        closed=item.state == mail_pb.SupportRequest.STATE_CLOSED,
        officines=officines,
        events=[(e, support_status.EVENT_LABELS.get(e.kind, "")) for e in item.events],
        category_label=support_status.category_label,
        reference=support_status.reference,
        phone=support_status.phone_display,
        error=error,
        field_errors=by_last_segment(error),
        typed=typed or {},
        request_id=str(uuid.uuid4()),
        notice=_NOTICES.get(request.query_params.get("fait", ""), ""),
    )


async def act(request: Request, caller: Caller) -> Response:
    """POST .../{action}: repondre (body), appel (note), clore (note)."""
    gw = gateway_of(request)
    name = _name(request)
    action = request.path_params["action"]
    form = await request.form()
    text = str(form.get("texte", ""))
    request_id = str(form.get("request_id", ""))
    mailer = gw.backends.mailer
    try:
        if action == "repondre":
            await mailer.AnswerSupportRequest(
                mail_pb.AnswerSupportRequestRequest(name=name, body=text, request_id=request_id)
            )
            done = "repondu"
        elif action == "appel":
            await mailer.RecordSupportCall(
                mail_pb.RecordSupportCallRequest(name=name, note=text, request_id=request_id)
            )
            done = "appel"
        elif action == "clore":
            await mailer.CloseSupportRequest(
                mail_pb.CloseSupportRequestRequest(name=name, note=text, request_id=request_id)
            )
            done = "close"
        else:
            raise problem(404, "NOT_FOUND")
    except grpc.RpcError as exc:
        error = as_problem(exc)
        if error.status >= 500 or error.status in (401, 403, 404):
            raise
        return await detail(request, caller, error=error, typed={action: text})
    return RedirectResponse(f"{QUEUE}/demandes/{name.removeprefix('supportRequests/')}?fait={done}", status_code=303)
