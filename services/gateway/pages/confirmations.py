"""Step 4 after a session's close: the delivery confirmation e-mails. A dry
run first lists every recipient (name, kind, date, vials; a missing address
stands out); then the operator sends, and every run's report stays listed
(when, by whom, queued, already sent, recipients without an address)."""

from __future__ import annotations

import uuid

import grpc
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.gateway.access import Caller, gateway_of
from services.gateway.pages import afterclose, common, people
from services.gateway.pages.forms import ascii_natural
from services.gateway.pages.render import render
from services.gateway.problems import Problem
from vaxorders.mailer.v1 import mailer_service_pb2 as mail_pb
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb

# A national dry run lists tens of thousands of recipients: the page shows the first ones
# (every recipient without an address is named in the alert above the table).
SHOWN_RECIPIENTS = 500

KINDS = {
    mail_pb.ConfirmationRecipient.KIND_OFFICINE: "Officine",
    mail_pb.ConfirmationRecipient.KIND_EFFECTEUR: "Professionnel de santé",
}


def _sent_notice(request: Request) -> str:
    q = request.query_params
    if "envoyes" not in q:
        return ""
    queued, already, missing = (ascii_natural(q.get(k, "0")) or 0 for k in ("envoyes", "deja", "sans"))
    parts = [f"{queued} e-mail{'s' if queued > 1 else ''} de confirmation mis en file d'envoi"]
    if already:
        parts.append(
            f"{already} destinataire{'s' if already > 1 else ''} l'avai{'en' if already > 1 else ''}t déjà reçu"
        )
    if missing:
        parts.append(f"{missing} sans adresse e-mail (voir le rapport)")
    return " ; ".join(parts) + "."


async def confirmations_page(
    request: Request, caller: Caller, *, dry_run: mail_pb.ConfirmationRun | None = None, error: Problem | None = None
) -> Response:
    gw = gateway_of(request)
    session = await afterclose.closed_session(request)
    closed = afterclose.is_closed(session)
    published = None
    runs: list[mail_pb.ConfirmationRun] = []
    if closed:
        reply = await afterclose.found_or_none(
            gw.backends.orders.GetAllocation(orders_pb.GetAllocationRequest(name=f"{session.name}/allocation"))
        )
        published = reply.allocation if reply is not None else None
        runs = list(
            (
                await gw.backends.mailer.ListConfirmationRuns(
                    mail_pb.ListConfirmationRunsRequest(parent=session.name, page_size=50)
                )
            ).runs
        )
    return render(
        request,
        "operator/confirmations.html",
        status=error.status if error else 200,
        title=f"E-mails de confirmation — {session.label}",
        **afterclose.step_context(session, "confirmations"),
        closed=closed,
        published=published,
        runs=runs,
        who=await people.who(request, caller, [r.run_by for r in runs]),
        dry_run=dry_run,
        shown_recipients=list(dry_run.planned[:SHOWN_RECIPIENTS]) if dry_run else [],
        missing_in_dry_run=list(dry_run.missing_address) if dry_run else [],
        kinds=KINDS,
        error=error,
        request_id=str(uuid.uuid4()),
        notice=_sent_notice(request),
    )


async def operator_confirmations(request: Request, caller: Caller) -> Response:
    return await confirmations_page(request, caller)


async def _send(request: Request, *, dry_run: bool, request_id: str = "") -> mail_pb.ConfirmationRun:
    session = await afterclose.closed_session(request)
    mailer = gateway_of(request).backends.mailer
    reply: mail_pb.SendDeliveryConfirmationsResponse = await mailer.SendDeliveryConfirmations(
        mail_pb.SendDeliveryConfirmationsRequest(session=session.name, dry_run=dry_run, request_id=request_id)
    )
    return reply.run


async def dry_run(request: Request, caller: Caller) -> Response:
    try:
        run = await _send(request, dry_run=True)
    except grpc.RpcError as exc:
        return await confirmations_page(request, caller, error=afterclose.user_error(exc))
    return await confirmations_page(request, caller, dry_run=run)


async def send(request: Request, caller: Caller) -> Response:
    form = await request.form()
    try:
        run = await _send(request, dry_run=False, request_id=str(form.get("request_id", "")) or str(uuid.uuid4()))
    except grpc.RpcError as exc:
        return await confirmations_page(request, caller, error=afterclose.user_error(exc))
    sid = request.path_params["session"]
    counts = f"envoyes={run.queued}&deja={run.already_queued}&sans={run.missing_address_count}"
    return RedirectResponse(f"/operateur/sessions/{sid}/confirmations?{counts}", status_code=303)


async def index(request: Request, caller: Caller) -> Response:
    """/operateur/livraisons: the sessions, closed first, each with its four steps."""
    gw = gateway_of(request)
    sessions = await common.all_pages(gw.backends.sessions.ListSessions, sess_pb.ListSessionsRequest(), "sessions", 100)
    return render(
        request,
        "operator/after_close.html",
        title="Allocation et livraisons",
        sessions=sessions,
        steps=afterclose.STEPS,
        closed_state=sess_pb.Session.STATE_CLOSED,
    )
