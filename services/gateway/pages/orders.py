"""Orders of a session and the history across sessions, per effecteur and
per establishment, with a CSV download of exactly what is shown."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from services.common.timefmt import from_timestamp, in_paris
from services.gateway.access import Caller, gateway_of
from services.gateway.pages import common
from services.gateway.pages.labels import effecteur_type
from services.gateway.pages.render import render
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb

ALL = "-"


@dataclass
class Selection:
    session: str  # session id, or "-" for every session
    effecteur: str
    product: str


def _selection(request: Request, default_session: str) -> Selection:
    q = request.query_params
    return Selection(q.get("session", default_session) or ALL, q.get("effecteur", ""), q.get("produit", ""))


async def _lines(request: Request, finess: str, sel: Selection) -> list[orders_pb.OrderLine]:
    parent = f"sessions/{sel.session}/officines/{finess}"
    return await common.officine_lines(request, parent, effecteur=sel.effecteur, product=sel.product)


async def _sessions(request: Request) -> list[sess_pb.Session]:
    return await common.all_pages(
        gateway_of(request).backends.sessions.ListSessions, sess_pb.ListSessionsRequest(), "sessions", 100
    )


def _pivot(lines: list[orders_pb.OrderLine], products: list[sess_pb.Product]) -> list[tuple[str, list[int], int]]:
    """(effecteur, vials per product in column order, total) for the per-effecteur table."""
    columns = [p.name for p in products]
    table: dict[str, list[int]] = {}
    for line in lines:
        row = table.setdefault(line.effecteur, [0] * len(columns))
        if line.product in columns:
            row[columns.index(line.product)] += line.vials
    return [(effecteur, row, sum(row)) for effecteur, row in table.items()]


async def orders_page(request: Request, caller: Caller) -> Response:
    finess = request.path_params["finess"]
    office = await common.officine(request, finess)
    current = await common.current_session(request)
    sel = _selection(request, common.session_id(current) if current else ALL)
    lines = await _lines(request, finess, sel)
    products = await common.products(request, include_inactive=True)
    rows = await common.officine_rows(request, office)
    names = {r.effecteur: r.display_name for r in rows}
    sessions = await _sessions(request)
    used = [p for p in products if any(line.product == p.name for line in lines)]
    return render(
        request,
        "officine/orders.html",
        title="Commandes et historique",
        office=office,
        sel=sel,
        lines=lines,
        pivot=_pivot(lines, used),
        used_products=used,
        products=products,
        product_names={p.name: p.display_name for p in products},
        rows=rows,
        names=names,
        sessions=sessions,
        session_labels={s.name: s.label for s in sessions},
        csv_query=str(request.query_params),
        breadcrumb=[("/", "Accueil"), (f"/officines/{finess}", office.display_name), ("", "Commandes et historique")],
    )


async def orders_csv(request: Request, caller: Caller) -> Response:
    finess = request.path_params["finess"]
    office = await common.officine(request, finess)
    current = await common.current_session(request)
    sel = _selection(request, common.session_id(current) if current else ALL)
    lines = await _lines(request, finess, sel)
    product_names = {p.name: p.display_name for p in await common.products(request, include_inactive=True)}
    names = {r.effecteur: r.display_name for r in await common.officine_rows(request, office)}
    out = io.StringIO()
    # Semicolons and a BOM: what a French spreadsheet opens without an import wizard.
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["session", "effecteur", "nom", "type", "produit", "flacons", "dont demandes confirmées", "modifiée le"]
    )
    for line in lines:
        session = line.name.split("/")[1]
        changed = (
            in_paris(from_timestamp(line.update_time)).strftime("%d/%m/%Y %H:%M") if line.update_time.seconds else ""
        )
        writer.writerow(
            [
                session,
                line.effecteur.removeprefix("effecteurs/"),
                names.get(line.effecteur, ""),
                effecteur_type(line.effecteur_type),
                product_names.get(line.product, line.product),
                line.vials,
                line.vials_from_requests,
                changed,
            ]
        )
    filename = f"commandes-{finess}-{'historique' if sel.session == ALL else sel.session}.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
