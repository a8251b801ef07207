"""The officine's vials after delivery (orders' StockService): the stock page
with its alerts, recording a receipt (prefilled from the confirmed volumes),
pickups, the officine's own use, offers and hand-overs, destruction and the
certificates; operators read any officine's stock and the national figures."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import grpc
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.common.timefmt import PARIS, as_utc
from services.gateway.access import Caller, gateway_of
from services.gateway.pages import afterclose, common, labels
from services.gateway.pages.forms import ascii_natural
from services.gateway.pages.render import _day, render
from services.gateway.problems import Problem, as_problem, problem
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.orders.v1 import stock_service_pb2 as pb

UNCOLLECTED_DAYS = 7
REASONS = [
    ("EXPIRED", "Flacons périmés"),
    ("BROKEN", "Flacons cassés"),
    ("COLD_CHAIN", "Rupture de la chaîne du froid"),
]
_REASON_PB = {
    "EXPIRED": pb.DESTRUCTION_REASON_EXPIRED,
    "BROKEN": pb.DESTRUCTION_REASON_BROKEN,
    "COLD_CHAIN": pb.DESTRUCTION_REASON_COLD_CHAIN,
}
REASON_LABELS = {
    pb.DESTRUCTION_REASON_EXPIRED: "flacons périmés",
    pb.DESTRUCTION_REASON_BROKEN: "flacons cassés",
    pb.DESTRUCTION_REASON_COLD_CHAIN: "rupture de la chaîne du froid",
}
MOVE_LABELS = {
    pb.STOCK_MOVE_KIND_RECEIVED: "Réception",
    pb.STOCK_MOVE_KIND_PICKED_UP: "Retrait par l'effecteur",
    pb.STOCK_MOVE_KIND_USED: "Utilisés par l'officine",
    pb.STOCK_MOVE_KIND_OFFERED: "Proposés à d'autres professionnels",
    pb.STOCK_MOVE_KIND_CLAIMED: "Réservés par un professionnel",
    pb.STOCK_MOVE_KIND_HANDED_OVER: "Remis au professionnel",
    pb.STOCK_MOVE_KIND_DESTROYED: "Détruits (CYCLAMED)",
    pb.STOCK_MOVE_KIND_RELEASED: "Libérés (non retirés)",
}
_DONE = {
    "reception": "La réception est enregistrée : les flacons sont en stock et réservés aux effecteurs.",
    "retrait": "Le retrait est enregistré.",
    "utilisation": "Les flacons utilisés par l'officine sont enregistrés.",
    "offre": "Les flacons sont proposés aux professionnels éligibles du département.",
    "remise": "La remise des flacons est enregistrée.",
    "destruction": (
        "La destruction est déclarée : le certificat est émis et envoyé à la cellule qualité de Santé publique France."
    ),
}
_SHOWN_MOVES = 40


@dataclass
class Alert:
    level: str  # "error", "warning", "info": the DSFR alert kind
    text: str


def snake_fields(error: Problem | None) -> dict[str, str]:
    """Problem paths are JSON (camelCase): back to the proto names the forms use."""
    if error is None:
        return {}
    return {re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), k): v for k, v in error.field_errors().items()}


def _days(n: int) -> str:
    return f"{n} jour" if n in (0, 1) else f"{n} jours"


def _vials(n: int) -> str:
    return f"{n} flacon" if n in (0, 1) else f"{n} flacons"


def alerts_of(stock: pb.Stock, products: dict[str, str], who: dict[str, str]) -> list[Alert]:
    """What the officine must act on, most urgent first, in words."""
    found: list[Alert] = []
    for product in stock.products:
        label = products.get(product.product, "Produit retiré du catalogue")
        for lot in product.lots:
            if not lot.in_stock_vials:
                continue
            if lot.alert == pb.EXPIRY_ALERT_EXPIRED:
                found.append(
                    Alert(
                        "error",
                        f"Lot {lot.lot_number} de {label} : {_vials(lot.in_stock_vials)} périmé"
                        f"{'s' if lot.in_stock_vials > 1 else ''} depuis le {_day(lot.usable_until)}, à détruire "
                        "par la filière CYCLAMED.",
                    )
                )
            elif lot.alert in (pb.EXPIRY_ALERT_TWO_DAYS, pb.EXPIRY_ALERT_SEVEN_DAYS):
                left = "aujourd'hui" if lot.days_left == 0 else f"dans {_days(lot.days_left)}"
                found.append(
                    Alert(
                        "error" if lot.alert == pb.EXPIRY_ALERT_TWO_DAYS else "warning",
                        f"Lot {lot.lot_number} de {label} : {_vials(lot.in_stock_vials)} à utiliser avant le "
                        f"{_day(lot.usable_until)} inclus ({left}).",
                    )
                )
        for r in product.reservations:
            if r.uncollected:
                found.append(
                    Alert(
                        "info",
                        f"{_vials(r.vials)} de {label} réservé{'s' if r.vials > 1 else ''} pour "
                        f"{who.get(r.effecteur, 'un effecteur qui n’est plus rattaché')} "
                        f"{'ne sont' if r.vials > 1 else 'n’est'} pas retiré{'s' if r.vials > 1 else ''} depuis la "
                        f"réception du {_day(r.since_date)} : vous pouvez les utiliser ou les proposer à d'autres "
                        "professionnels.",
                    )
                )
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda a: order[a.level])


async def _names(request: Request, finess: str) -> tuple[object, dict[str, str]]:
    office = await common.officine(request, finess)
    rows = await common.officine_rows(request, office)
    return office, {r.effecteur: r.display_name for r in rows}


async def _claimer_names(request: Request, offers: list[pb.Offer], who: dict[str, str]) -> dict[str, str]:
    """Names of the professionals who claimed (they belong to other officines)."""
    from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as eff_pb  # noqa: PLC0415

    wanted = sorted({c.effecteur for o in offers for c in o.claims} - set(who))
    if not wanted:
        return who
    try:
        reply = await gateway_of(request).backends.effecteurs.BatchGetEffecteurs(
            eff_pb.BatchGetEffecteursRequest(names=wanted)
        )
    except grpc.aio.AioRpcError:
        return who
    return who | {e.name: f"{e.display_name} ({labels.effecteur_type(e.type)})" for e in reply.effecteurs}


async def stock_view(
    request: Request,
    finess: str,
    *,
    read_only: bool = False,
    error: Problem | None = None,
    error_for: str = "",
    status: int = 200,
) -> Response:
    gw = gateway_of(request)
    office, who = await _names(request, finess)
    stock = (await gw.backends.stock.GetStock(pb.GetStockRequest(name=f"officines/{finess}/stock"))).stock
    products = await afterclose.product_names(request)
    offers = await common.all_pages(
        gw.backends.stock.ListOffers, pb.ListOffersRequest(parent=f"officines/{finess}"), "offers", 200
    )
    certificates = await common.all_pages(
        gw.backends.stock.ListDestructionCertificates,
        pb.ListDestructionCertificatesRequest(parent=f"officines/{finess}"),
        "certificates",
        100,
    )
    moves = await common.all_pages(
        gw.backends.stock.ListStockMoves, pb.ListStockMovesRequest(parent=f"officines/{finess}"), "moves", 1000
    )
    who = await _claimer_names(request, offers, who)
    sessions = {name: await common.get_session(request, name) for name in stock.sessions_to_receive}
    for r in stock.receipts:
        if r.session not in sessions:
            sessions[r.session] = await common.get_session(request, r.session)
    today = date.fromisoformat(stock.today) if stock.today else gw.clock.now().date()
    lots = [lot for p in stock.products for lot in p.lots]
    field_errors = snake_fields(error)
    return render(
        request,
        "officine/stock.html",
        status=status,
        title="Stock de vaccins",
        office=office,
        stock=stock,
        products=products,
        who=who,
        alerts=alerts_of(stock, products, who),
        offers=offers,
        certificates=certificates,
        moves=list(reversed(moves))[:_SHOWN_MOVES],
        sessions=sessions,
        lots=lots,
        usable_lots=[lot for lot in lots if lot.in_stock_vials > lot.offered_vials and lot.days_left >= 0],
        destroyable_lots=[lot for lot in lots if lot.in_stock_vials > lot.offered_vials],
        offerable_lots=[
            lot for lot in lots if lot.redistributable and lot.days_left >= 0 and lot.in_stock_vials > lot.offered_vials
        ],
        reservations=[(p.product, r) for p in stock.products for r in p.reservations],
        reasons=REASONS,
        reason_labels=REASON_LABELS,
        move_labels=MOVE_LABELS,
        today=today.isoformat(),
        redistributable_from=(today - timedelta(days=UNCOLLECTED_DAYS)).isoformat(),
        read_only=read_only,
        error=error,
        error_for=error_for,
        field_errors=field_errors,
        request_id=str(uuid.uuid4()),
        notice=_DONE.get(request.query_params.get("fait", ""), ""),
        certificate_done=request.query_params.get("certificat", ""),
        breadcrumb=[("/", "Accueil"), (f"/officines/{finess}", office.display_name), ("", "Stock")],  # type: ignore[attr-defined]
    )


async def stock_page(request: Request, caller: Caller) -> Response:
    return await stock_view(request, request.path_params["finess"])


def _vials_field(text: str, field: str) -> int:
    value = ascii_natural(text.strip())
    if value is None or value == 0:
        message = "Indiquez un nombre de flacons supérieur à 0."
        raise problem(400, "INVALID_ARGUMENT", message, errors=[{"field": field, "detail": message}])
    return value


async def _act(request: Request, finess: str, form_name: str, done: str, call: object) -> Response:
    """Run a write; a refusal shows the stock page again with the error on that form."""
    try:
        await call  # type: ignore[misc]
    except (grpc.RpcError, Problem) as exc:
        error = as_problem(exc)
        if error.status in (401, 404, 500, 502, 503, 504):
            raise
        return await stock_view(request, finess, error=error, error_for=form_name, status=error.status)
    return RedirectResponse(f"/officines/{finess}/stock?fait={done}", status_code=303)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v) for k, v in form.items() if isinstance(v, str)}


async def record_pickup(request: Request, caller: Caller) -> Response:
    finess = request.path_params["finess"]
    form = await _form(request)

    async def call() -> None:
        vials = _vials_field(form.get("vials", ""), "vials")
        await gateway_of(request).backends.stock.RecordPickup(
            pb.RecordPickupRequest(
                parent=f"officines/{finess}",
                effecteur=form.get("effecteur", ""),
                lot=form.get("lot", ""),
                vials=vials,
                pickup_date=form.get("pickup_date", ""),
                request_id=form.get("request_id", "") or str(uuid.uuid4()),
            )
        )

    return await _act(request, finess, "retrait", "retrait", call())


async def use_or_offer(request: Request, caller: Caller) -> Response:
    finess = request.path_params["finess"]
    form = await _form(request)
    action = form.get("action", "")

    async def call() -> None:
        vials = _vials_field(form.get("vials", ""), "vials")
        lot, request_id = form.get("lot", ""), form.get("request_id", "") or str(uuid.uuid4())
        stock = gateway_of(request).backends.stock
        if action == "offrir":
            await stock.CreateOffer(pb.CreateOfferRequest(lot=lot, vials=vials, request_id=request_id))
        else:
            await stock.UseVials(pb.UseVialsRequest(lot=lot, vials=vials, request_id=request_id))

    return await _act(request, finess, "redistribution", "offre" if action == "offrir" else "utilisation", call())


async def hand_over(request: Request, caller: Caller) -> Response:
    p = request.path_params
    finess = p["finess"]
    form = await _form(request)
    name = f"officines/{finess}/offers/{p['offer']}/claims/{p['claim']}"
    call = gateway_of(request).backends.stock.HandOverClaim(
        pb.HandOverClaimRequest(name=name, request_id=form.get("request_id", "") or str(uuid.uuid4()))
    )
    return await _act(request, finess, name, "remise", call)


async def declare_destruction(request: Request, caller: Caller) -> Response:
    finess = request.path_params["finess"]
    form = await _form(request)
    try:
        vials = _vials_field(form.get("vials", ""), "lots[0].vials")
        reply = await gateway_of(request).backends.stock.DeclareDestruction(
            pb.DeclareDestructionRequest(
                parent=f"officines/{finess}",
                lots=[pb.DestroyedLot(lot=form.get("lot", ""), vials=vials)],
                reason=_REASON_PB.get(form.get("reason", ""), pb.DESTRUCTION_REASON_UNSPECIFIED),
                request_id=form.get("request_id", "") or str(uuid.uuid4()),
            )
        )
    except (grpc.RpcError, Problem) as exc:
        error = as_problem(exc)
        if error.status in (401, 404, 500, 502, 503, 504):
            raise
        return await stock_view(request, finess, error=error, error_for="destruction", status=error.status)
    number = reply.certificate.number
    return RedirectResponse(f"/officines/{finess}/stock?fait=destruction&certificat={number}", status_code=303)


async def certificate_pdf(request: Request, caller: Caller) -> Response:
    p = request.path_params
    name = f"officines/{p['finess']}/destructionCertificates/{p['number']}"
    reply = await gateway_of(request).backends.stock.GetDestructionCertificatePdf(
        pb.GetDestructionCertificatePdfRequest(name=name)
    )
    return Response(
        reply.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{reply.filename}"', "Cache-Control": "no-store"},
    )


# -- receipt ---------------------------------------------------------------------------

_ROWS_PER_PRODUCT = 2


@dataclass
class ReceiptRow:
    index: int
    product: str
    label: str
    lot_number: str = ""
    expiry_date: str = ""
    vials: str = ""


async def _confirmed(request: Request, session: str, finess: str) -> dict[str, int]:
    deliveries = await common.all_pages(
        gateway_of(request).backends.orders.ListDeliveries,
        orders_pb.ListDeliveriesRequest(parent=f"{session}/officines/{finess}"),
        "deliveries",
        10,
    )
    confirmed: dict[str, int] = {}
    for d in deliveries:
        for line in d.lines:
            confirmed[line.product] = confirmed.get(line.product, 0) + line.confirmed_vials
    return confirmed


async def receipt_page(
    request: Request,
    caller: Caller,
    *,
    rows: list[ReceiptRow] | None = None,
    receipt_date: str = "",
    error: Problem | None = None,
    errors_by_row: dict[str, str] | None = None,
) -> Response:
    p = request.path_params
    finess, session_name = p["finess"], f"sessions/{p['session']}"
    office = await common.officine(request, finess)
    session = await common.get_session(request, session_name)
    confirmed = await _confirmed(request, session_name, finess)
    names = await afterclose.product_names(request)
    if rows is None:
        rows = []
        for product in sorted(confirmed, key=lambda x: names.get(x, x)):
            for k in range(_ROWS_PER_PRODUCT):
                rows.append(
                    ReceiptRow(
                        len(rows),
                        product,
                        names.get(product, product),
                        vials=str(confirmed[product]) if k == 0 and confirmed[product] else "",
                    )
                )
    today = gateway_of(request).clock.now()
    return render(
        request,
        "officine/receipt.html",
        status=error.status if error else 200,
        title="Enregistrer une réception",
        office=office,
        session=session,
        confirmed=confirmed,
        names=names,
        rows=rows,
        receipt_date=receipt_date or as_utc(today).astimezone(PARIS).date().isoformat(),
        error=error,
        errors_by_row=errors_by_row or {},
        request_id=str(uuid.uuid4()),
        breadcrumb=[
            ("/", "Accueil"),
            (f"/officines/{finess}", office.display_name),
            (f"/officines/{finess}/stock", "Stock"),
            ("", "Réception"),
        ],
    )


async def receipt_form(request: Request, caller: Caller) -> Response:
    return await receipt_page(request, caller)


async def record_receipt(request: Request, caller: Caller) -> Response:
    p = request.path_params
    finess, session_name = p["finess"], f"sessions/{p['session']}"
    form = await _form(request)
    names = await afterclose.product_names(request)
    rows: list[ReceiptRow] = []
    i = 0
    while f"product_{i}" in form:
        rows.append(
            ReceiptRow(
                i,
                form.get(f"product_{i}", ""),
                names.get(form.get(f"product_{i}", ""), ""),
                form.get(f"lot_{i}", "").strip(),
                form.get(f"expiry_{i}", "").strip(),
                form.get(f"vials_{i}", "").strip(),
            )
        )
        i += 1
    filled = [r for r in rows if r.lot_number or r.expiry_date or (r.vials and r.vials != "0")]
    receipt_date = form.get("receipt_date", "").strip()
    errors_by_row: dict[str, str] = {}
    lots = []
    for row in filled:
        vials = ascii_natural(row.vials) if row.vials else 0
        if vials is None:
            errors_by_row[f"vials_{row.index}"] = "Indiquez un nombre de flacons en chiffres."
            vials = 0
        lots.append(
            pb.ReceiptLot(product=row.product, lot_number=row.lot_number, expiry_date=row.expiry_date, vials=vials)
        )
    try:
        if errors_by_row:
            raise problem(400, "INVALID_ARGUMENT", "Certaines valeurs sont invalides.")
        await gateway_of(request).backends.stock.RecordReceipt(
            pb.RecordReceiptRequest(
                parent=f"officines/{finess}",
                session=session_name,
                receipt_date=receipt_date,
                lots=lots,
                request_id=form.get("request_id", "") or str(uuid.uuid4()),
            )
        )
    except (grpc.RpcError, Problem) as exc:
        error = as_problem(exc)
        if error.status in (401, 404, 500, 502, 503, 504):
            raise
        # "lots[2].vials" -> the form field of the third filled row.
        for path, text in snake_fields(error).items():
            if path.startswith("lots[") and "]." in path:
                n = int(path[5 : path.index("]")])
                suffix = path.split("].", 1)[1]
                field = {"lot_number": "lot", "expiry_date": "expiry", "vials": "vials", "product": "lot"}.get(
                    suffix, "lot"
                )
                if n < len(filled):
                    errors_by_row.setdefault(f"{field}_{filled[n].index}", text)
            else:
                errors_by_row.setdefault(path.split(".")[-1], text)
        return await receipt_page(
            request, caller, rows=rows, receipt_date=receipt_date, error=error, errors_by_row=errors_by_row
        )
    return RedirectResponse(f"/officines/{finess}/stock?fait=reception", status_code=303)


# -- operators -----------------------------------------------------------------------------


async def operator_stock(request: Request, caller: Caller) -> Response:
    gw = gateway_of(request)
    finess = request.query_params.get("finess", "").strip()
    if finess:
        if not (len(finess) == 9 and finess.isascii() and finess.isalnum()):
            raise problem(404, "NOT_FOUND")
        return RedirectResponse(f"/operateur/stock/{finess}", status_code=303)
    reply = await gw.backends.stock.GetStockReconciliation(pb.GetStockReconciliationRequest())
    products = await afterclose.product_names(request)
    return render(
        request,
        "operator/stock.html",
        title="Stocks après livraison",
        rows=list(reply.rows),
        today=reply.today,
        products=products,
        breadcrumb=[("/", "Accueil"), ("/operateur", "Opérateur"), ("", "Stocks après livraison")],
    )


async def operator_officine_stock(request: Request, caller: Caller) -> Response:
    return await stock_view(request, request.path_params["finess"], read_only=True)
