"""Operator space: sessions and the service calendar, the product catalogue."""

from __future__ import annotations

import uuid
from typing import cast

import grpc
from google.protobuf.field_mask_pb2 import FieldMask
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.gateway.access import Caller, gateway_of
from services.gateway.pages import common
from services.gateway.pages.forms import FormErrors, ascii_natural, by_last_segment, local_input, paris_timestamp
from services.gateway.pages.render import render
from services.gateway.problems import Problem, as_problem
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb

_DONE = {
    "session": "Session créée.",
    "periode": "Période ajoutée au calendrier.",
    "periode-supprimee": "Période supprimée du calendrier.",
    "produit": "Produit mis à jour.",
}
_SESSION_FIELDS = (
    "session_id",
    "label",
    "open_time",
    "close_time",
    "confirmation_email_date",
    "delivery_from_date",
    "delivery_to_date",
)
_WINDOW_FIELDS = ("kind", "start_time", "end_time", "message")
KINDS = [
    (sess_pb.CalendarWindow.KIND_PREVIEW, "Prise en main"),
    (sess_pb.CalendarWindow.KIND_MAINTENANCE, "Maintenance"),
]


def _reraise_unless_user_error(exc: Exception) -> Problem:
    error = as_problem(exc)
    if error.status in (401, 404, 500, 502, 503, 504):
        raise exc
    return error


async def sessions_page(
    request: Request,
    caller: Caller,
    *,
    session_values: dict[str, str] | None = None,
    session_error: Problem | None = None,
    window_values: dict[str, str] | None = None,
    window_error: Problem | None = None,
) -> Response:
    gw = gateway_of(request)
    sessions = await common.all_pages(gw.backends.sessions.ListSessions, sess_pb.ListSessionsRequest(), "sessions", 100)
    windows = await common.all_pages(
        gw.backends.sessions.ListCalendarWindows, sess_pb.ListCalendarWindowsRequest(), "windows", 100
    )
    error = session_error or window_error
    return render(
        request,
        "operator/sessions.html",
        status=error.status if error else 200,
        title="Sessions et calendrier",
        sessions=sessions,
        windows=windows,
        kinds=KINDS,
        session_values=session_values or {k: "" for k in _SESSION_FIELDS},
        session_error=session_error,
        session_errors=by_last_segment(session_error),
        window_values=window_values or {k: "" for k in _WINDOW_FIELDS},
        window_error=window_error,
        window_errors=by_last_segment(window_error),
        request_id=str(uuid.uuid4()),
        notice=_DONE.get(request.query_params.get("fait", ""), ""),
    )


async def operator_home(request: Request, caller: Caller) -> Response:
    return await sessions_page(request, caller)


async def create_session(request: Request, caller: Caller) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in _SESSION_FIELDS}
    errors = FormErrors()
    session = sess_pb.Session(
        label=values["label"],
        confirmation_email_date=values["confirmation_email_date"],
        delivery_from_date=values["delivery_from_date"],
        delivery_to_date=values["delivery_to_date"],
    )
    for name in ("open_time", "close_time"):
        ts = paris_timestamp(values[name], f"session.{name}", errors)
        if ts is not None:
            getattr(session, name).CopyFrom(ts)
    try:
        errors.raise_if_any()
        await gateway_of(request).backends.sessions.CreateSession(
            sess_pb.CreateSessionRequest(
                session_id=values["session_id"], session=session, request_id=str(form.get("request_id", ""))
            )
        )
    except (grpc.RpcError, Problem) as exc:
        return await sessions_page(
            request, caller, session_values=values, session_error=_reraise_unless_user_error(exc)
        )
    return RedirectResponse("/operateur?fait=session", status_code=303)


async def create_window(request: Request, caller: Caller) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in _WINDOW_FIELDS}
    errors = FormErrors()
    window = sess_pb.CalendarWindow(message=values["message"])
    if (kind := ascii_natural(values["kind"])) is not None and kind in sess_pb.CalendarWindow.Kind.values():
        window.kind = cast(sess_pb.CalendarWindow.Kind, kind)
    for name in ("start_time", "end_time"):
        ts = paris_timestamp(values[name], f"window.{name}", errors)
        if ts is not None:
            getattr(window, name).CopyFrom(ts)
    try:
        errors.raise_if_any()
        await gateway_of(request).backends.sessions.CreateCalendarWindow(
            sess_pb.CreateCalendarWindowRequest(window=window, request_id=str(form.get("request_id", "")))
        )
    except (grpc.RpcError, Problem) as exc:
        return await sessions_page(request, caller, window_values=values, window_error=_reraise_unless_user_error(exc))
    return RedirectResponse("/operateur?fait=periode", status_code=303)


async def delete_window(request: Request, caller: Caller) -> Response:
    await gateway_of(request).backends.sessions.DeleteCalendarWindow(
        sess_pb.DeleteCalendarWindowRequest(name=f"calendarWindows/{request.path_params['window']}")
    )
    return RedirectResponse("/operateur?fait=periode-supprimee", status_code=303)


async def products_page(
    request: Request, caller: Caller, *, error: Problem | None = None, error_for: str = ""
) -> Response:
    products = await common.products(request, include_inactive=True)
    return render(
        request,
        "operator/products.html",
        status=error.status if error else 200,
        title="Produits",
        products=products,
        local_input=local_input,
        error=error,
        error_for=error_for,
        notice=_DONE.get(request.query_params.get("fait", ""), ""),
    )


async def operator_products(request: Request, caller: Caller) -> Response:
    return await products_page(request, caller)


async def update_product(request: Request, caller: Caller) -> Response:
    name = f"products/{request.path_params['product']}"
    form = await request.form()
    errors = FormErrors()
    product = sess_pb.Product(name=name, etag=str(form.get("etag", "")), active=form.get("active") == "on")
    paths = ["active", "orderable_from", "orderable_until"]
    for field in ("orderable_from", "orderable_until"):
        ts = paris_timestamp(str(form.get(field, "")), f"product.{field}", errors, required=False)
        if ts is not None:
            getattr(product, field).CopyFrom(ts)
    try:
        errors.raise_if_any()
        await gateway_of(request).backends.sessions.UpdateProduct(
            sess_pb.UpdateProductRequest(
                product=product, update_mask=FieldMask(paths=paths), request_id=str(uuid.uuid4())
            )
        )
    except (grpc.RpcError, Problem) as exc:
        return await products_page(request, caller, error=_reraise_unless_user_error(exc), error_for=name)
    return RedirectResponse("/operateur/produits?fait=produit", status_code=303)
