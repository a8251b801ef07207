"""/operateur/pilotage: the operators' live cockpit of a session.

One plain page (usable without JavaScript: "Actualiser" reloads it); with
JavaScript, static/js/cockpit.js fetches the live part (`?partiel=1`) every
`cockpit_refresh_seconds` and swaps it in. Every figure comes from the owning
service (orders: activity and totals; effecteurs: officines per département;
each service's own /metrics for errors and latency). The CSV files and the
window form live here too.
"""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import grpc
from google.protobuf.field_mask_pb2 import FieldMask
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.common.csvfile import formula_safe_row
from services.common.timefmt import from_timestamp
from services.gateway.access import Caller, gateway_of
from services.gateway.api.custom import csv_response, stream_csv
from services.gateway.cockpit.figures import DepartmentProgress, not_ordered, per_minute_chart
from services.gateway.pages import common, labels, people
from services.gateway.pages.forms import FormErrors, by_last_segment, local_input, paris_timestamp
from services.gateway.pages.render import render
from services.gateway.pages.totals import bar_chart
from services.gateway.problems import Problem, as_problem
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as eff_pb
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb

# Services as operators name them on the cockpit, in the order of a request's path.
SERVICE_NAMES = {
    "gateway": "Passerelle web (pages et API)",
    "auth": "Authentification (Pro Santé Connect)",
    "effecteurs": "Officines et effecteurs",
    "sessions": "Sessions, produits et quotas",
    "orders": "Commandes",
    "mailer": "E-mails et support",
}
_WINDOW_FIELDS = ("open_time", "close_time")


@dataclass(frozen=True)
class ProductLine:
    name: str
    vials: int
    doses: int


async def _figures_of(request: Request, session: sess_pb.Session) -> dict[str, Any]:
    gw = gateway_of(request)
    activity, registered, totals, products, services = await asyncio.gather(
        gw.backends.orders.GetSessionActivity(orders_pb.GetSessionActivityRequest(session=session.name)),
        gw.backends.effecteurs.CountOfficines(eff_pb.CountOfficinesRequest()),
        gw.backends.orders.GetSessionTotals(orders_pb.GetSessionTotalsRequest(session=session.name)),
        common.products(request, include_inactive=True),
        gw.service_metrics.figures(gw.clock.now()),
    )
    now = from_timestamp(activity.compute_time)
    start, close = from_timestamp(session.open_time), from_timestamp(session.close_time)
    writes = {from_timestamp(m.start_time): m.line_writes for m in activity.minutes}
    chart = per_minute_chart(writes, start, min(now, close)) if now > start else None
    progress: list[DepartmentProgress] = not_ordered(
        {d.department: d.officines for d in registered.departments},
        {d.department: d.ordering_officines for d in activity.departments},
    )
    product_names = {p.name: p.display_name for p in products}
    lines = [
        ProductLine(product_names.get(t.product, "Produit retiré du catalogue"), t.vials, t.doses)
        for t in totals.products
    ]
    last = activity.minutes[-1] if activity.minutes else None
    # The current minute is still filling: said so, or a slowdown would be read at every refresh.
    running = last is not None and from_timestamp(last.start_time) + timedelta(minutes=1) > now
    return {
        "activity": activity,
        "chart": chart,
        "last_minute": last,
        "last_minute_running": running,
        "registered": registered.total,
        "waiting": max(0, registered.total - activity.ordering_officines),
        "progress": [p for p in progress if p.waiting or p.ordered],
        "products": lines,
        "grand_vials": sum(p.vials for p in lines),
        "grand_doses": sum(p.doses for p in lines),
        "products_chart": bar_chart([(p.name, p.vials) for p in lines]),
        "services": sorted(
            services, key=lambda s: list(SERVICE_NAMES).index(s.service) if s.service in SERVICE_NAMES else 99
        ),
        "service_names": SERVICE_NAMES,
        "computed": now,
        "is_open": start <= now < close,
        "is_closed": now >= close,
    }


async def cockpit(
    request: Request,
    caller: Caller,
    *,
    window_values: dict[str, str] | None = None,
    window_error: Problem | None = None,
) -> Response:
    gw = gateway_of(request)
    session = await common.session_from_query(request)
    sessions = (await gw.backends.sessions.ListSessions(sess_pb.ListSessionsRequest(page_size=50))).sessions
    context: dict[str, Any] = {
        "session": session,
        "sessions": sessions,
        "refresh_seconds": gw.settings.cockpit_refresh_seconds,
        "percent": percent,
        "milliseconds": milliseconds,
    }
    if session is not None:
        context.update(await _figures_of(request, session))
        changes = list(session.window_changes)
        context.update(
            session_id=common.session_id(session),
            changes=changes,
            who=await people.who(request, caller, [c.changed_by for c in changes]),
            window_values=window_values
            or {"open_time": local_input(session.open_time), "close_time": local_input(session.close_time)},
            window_error=window_error,
            window_errors=by_last_segment(window_error),
            request_id=str(uuid.uuid4()),
        )
    if request.query_params.get("partiel") == "1":
        return render(request, "operator/_cockpit_live.html", **context)
    return render(
        request,
        "operator/cockpit.html",
        status=window_error.status if window_error else 200,
        title="Pilotage en direct",
        notice="Fenêtre de la session modifiée." if request.query_params.get("fait") == "fenetre" else "",
        **context,
    )


def percent(rate: float | None) -> str:
    """0.0123 -> '1,2 %' (French decimal comma)."""
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}".replace(".", ",") + "\u202f%"


def milliseconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{round(seconds * 1000):,}".replace(",", "\u202f") + "\u202fms"


async def edit_window(request: Request, caller: Caller) -> Response:
    """UpdateSession on the window only, with the etag read: sessions records who,
    when, before and after once the session has opened."""
    form = await request.form()
    session_id = request.path_params["session"]
    values = {k: str(form.get(k, "")).strip() for k in _WINDOW_FIELDS}
    errors = FormErrors()
    draft = sess_pb.Session(name=f"sessions/{session_id}", etag=str(form.get("etag", "")))
    for name in _WINDOW_FIELDS:
        ts = paris_timestamp(values[name], f"session.{name}", errors)
        if ts is not None:
            getattr(draft, name).CopyFrom(ts)
    try:
        errors.raise_if_any()
        await gateway_of(request).backends.sessions.UpdateSession(
            sess_pb.UpdateSessionRequest(
                session=draft,
                update_mask=FieldMask(paths=list(_WINDOW_FIELDS)),
                request_id=str(form.get("request_id", "")),
            )
        )
    except (grpc.RpcError, Problem) as exc:
        error = as_problem(exc)
        if error.status in (401, 403, 404, 500, 502, 503, 504):
            raise
        request.scope["query_string"] = f"session={session_id}".encode()
        return await cockpit(request, caller, window_values=values, window_error=error)
    return RedirectResponse(f"/operateur/pilotage?session={session_id}&fait=fenetre#fenetre", status_code=303)


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    # Semicolons and a BOM: what a French spreadsheet opens without an import wizard.
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(formula_safe_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


async def not_ordered_csv(request: Request, caller: Caller) -> Response:
    """Every registered officine without a line in the session: the officines pages
    (1,000 at a time) minus the FINESS that ordered, read once from orders."""
    gw = gateway_of(request)
    session_id = request.path_params["session"]
    ordering = await gw.backends.orders.GetSessionActivity(
        orders_pb.GetSessionActivityRequest(session=f"sessions/{session_id}", include_ordering_officines=True)
    )
    ordered = set(ordering.ordering_officine_names)
    officines = await common.all_pages(
        gw.backends.effecteurs.ListOfficines, eff_pb.ListOfficinesRequest(), "officines", 1000
    )
    rows: list[list[object]] = [["finess", "officine", "departement", "code_postal", "commune", "email"]]
    rows += [
        [o.finess, o.display_name, labels.department(o.department), o.postal_code, o.city, o.email]
        for o in officines
        if o.name not in ordered
    ]
    return csv_response(_csv(rows), f"officines-sans-commande-{session_id}.csv")


async def totals_csv(request: Request, caller: Caller) -> Response:
    gw = gateway_of(request)
    session_id = request.path_params["session"]
    totals, products = await asyncio.gather(
        gw.backends.orders.GetSessionTotals(orders_pb.GetSessionTotalsRequest(session=f"sessions/{session_id}")),
        common.products(request, include_inactive=True),
    )
    names = {p.name: p.display_name for p in products}
    rows: list[list[object]] = [["departement", "produit", "flacons", "doses"]]
    for d in sorted(totals.departments, key=lambda d: d.department):
        rows += [
            [labels.department(d.department), names.get(t.product, t.product), t.vials, t.doses] for t in d.products
        ]
    rows += [["France entière", names.get(t.product, t.product), t.vials, t.doses] for t in totals.products]
    rows.append(
        [
            "France entière",
            "Tous produits",
            sum(t.vials for t in totals.products),
            sum(t.doses for t in totals.products),
        ]
    )
    return csv_response(_csv(rows), f"totaux-{session_id}.csv")


async def logistics_export(request: Request, caller: Caller) -> Response:
    """The consolidated (or detailed) file for logistics, byte-identical to the API's."""
    session_id = request.path_params["session"]
    detail = request.query_params.get("detail") == "1"
    layout = (
        orders_pb.ExportSessionOrdersRequest.LAYOUT_DETAIL
        if detail
        else orders_pb.ExportSessionOrdersRequest.LAYOUT_CONSOLIDATED
    )
    stream = gateway_of(request).backends.orders.ExportSessionOrders(
        orders_pb.ExportSessionOrdersRequest(session=f"sessions/{session_id}", layout=layout)
    )

    async def chunks() -> AsyncIterator[bytes]:
        async for reply in stream:
            yield reply.chunk

    return await stream_csv(chunks(), f"commandes-{session_id}-{'detail' if detail else 'consolidated'}.csv")
