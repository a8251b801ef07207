"""Steps 1 and 2 after a session's close: the supply per product (vials SpF
can ship, next to what was ordered), then the national allocation: preview
per product and per département, publication after a confirmation step."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

import grpc
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.gateway.access import Caller, gateway_of
from services.gateway.pages import afterclose, common, people
from services.gateway.pages.forms import ascii_natural
from services.gateway.pages.render import render
from services.gateway.problems import Problem, problem
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb

_BAD_NUMBER = "Indiquez un nombre entier de flacons, 0 ou plus."
_PRODUCT_INDEX = re.compile(r"products\[(\d+)\]")
_DONE = {
    "approvisionnement": "Approvisionnement enregistré.",
    "publiee": "Allocation publiée : chaque ligne de commande porte maintenant ses flacons confirmés.",
}


@dataclass
class SupplyRow:
    product: sess_pb.Product
    ordered: int
    value: str
    error: str = ""

    @property
    def field(self) -> str:
        return f"vials|{self.product.name}"

    @property
    def shortfall(self) -> int:
        """Vials missing to confirm everything as ordered (0 when the supply covers it)."""
        value = ascii_natural(self.value)
        return 0 if value is None else max(0, self.ordered - value)


@dataclass
class DepartmentRows:
    department: str
    rows: list[orders_pb.ProductAllocation] = field(default_factory=list)


def _notice(request: Request) -> str:
    return _DONE.get(request.query_params.get("fait", ""), "")


async def _ordered(request: Request, session: sess_pb.Session) -> dict[str, int]:
    totals = await gateway_of(request).backends.orders.GetSessionTotals(
        orders_pb.GetSessionTotalsRequest(session=session.name)
    )
    return {t.product: int(t.vials) for t in totals.products}


async def _published(request: Request, session: sess_pb.Session) -> orders_pb.Allocation | None:
    reply = await afterclose.found_or_none(
        gateway_of(request).backends.orders.GetAllocation(
            orders_pb.GetAllocationRequest(name=f"{session.name}/allocation")
        )
    )
    return reply.allocation if reply is not None else None


async def supply_page(
    request: Request, caller: Caller, *, rows: list[SupplyRow] | None = None, error: Problem | None = None
) -> Response:
    gw = gateway_of(request)
    session = await afterclose.closed_session(request)
    supply = (await gw.backends.orders.GetSupply(orders_pb.GetSupplyRequest(name=f"{session.name}/supply"))).supply
    ordered = await _ordered(request, session)
    published = await _published(request, session) if afterclose.is_closed(session) else None
    if rows is None:
        recorded = {p.product: p.vials for p in supply.products}
        products = await common.products(request, include_inactive=True)
        shown = [p for p in products if p.name in ordered or p.name in recorded or p.active]
        rows = [
            SupplyRow(p, ordered.get(p.name, 0), str(recorded[p.name]) if p.name in recorded else "") for p in shown
        ]
    return render(
        request,
        "operator/supply.html",
        status=error.status if error else 200,
        title=f"Approvisionnement — {session.label}",
        **afterclose.step_context(session, "approvisionnement"),
        closed=afterclose.is_closed(session),
        supply=supply,
        updated_by=(await people.who(request, caller, [supply.update_by])).get(supply.update_by, ""),
        rows=rows,
        published=published,
        error=error,
        request_id=str(uuid.uuid4()),
        notice=_notice(request),
    )


async def operator_supply(request: Request, caller: Caller) -> Response:
    return await supply_page(request, caller)


async def update_supply(request: Request, caller: Caller) -> Response:
    session = await afterclose.closed_session(request)
    form = await request.form()
    products = await common.products(request, include_inactive=True)
    ordered = await _ordered(request, session)
    rows: list[SupplyRow] = []
    sent: list[SupplyRow] = []
    for p in products:
        key = f"vials|{p.name}"
        if key not in form:
            continue
        row = SupplyRow(
            p, ordered.get(p.name, 0), str(form.get(key, "")).strip().replace("\u202f", "").replace(" ", "")
        )
        rows.append(row)
        if not row.value:
            continue  # left empty: not recorded (publishing will ask for it if the product was ordered)
        if ascii_natural(row.value) is None:
            row.error = _BAD_NUMBER
            continue
        sent.append(row)
    try:
        if any(r.error for r in rows):
            raise problem(
                400,
                "INVALID_ARGUMENT",
                "Certaines quantités ne sont pas des nombres entiers : rien n'a été enregistré.",
            )
        await gateway_of(request).backends.orders.UpdateSupply(
            orders_pb.UpdateSupplyRequest(
                supply=orders_pb.Supply(
                    name=f"{session.name}/supply",
                    etag=str(form.get("etag", "")),
                    products=[
                        orders_pb.ProductSupply(product=r.product.name, vials=ascii_natural(r.value) or 0) for r in sent
                    ],
                ),
                request_id=str(form.get("request_id", "")),
            )
        )
    except (grpc.RpcError, Problem) as exc:
        error = afterclose.user_error(exc)
        for item in error.errors:
            if (match := _PRODUCT_INDEX.search(item["field"])) and int(match.group(1)) < len(sent):
                sent[int(match.group(1))].error = item["detail"]
        return await supply_page(request, caller, rows=rows, error=error)
    return RedirectResponse(
        f"/operateur/sessions/{common.session_id(session)}/approvisionnement?fait=approvisionnement", status_code=303
    )


def _by_department(allocation: orders_pb.Allocation) -> list[DepartmentRows]:
    return sorted(
        (DepartmentRows(d.department, list(d.products)) for d in allocation.departments), key=lambda d: d.department
    )


async def allocation_page(
    request: Request, caller: Caller, *, error: Problem | None = None, confirm: bool = False
) -> Response:
    gw = gateway_of(request)
    session = await afterclose.closed_session(request)
    closed = afterclose.is_closed(session)
    published = await _published(request, session) if closed else None
    allocation, supply, preview_error = published, None, None
    if closed and published is None:
        supply = (await gw.backends.orders.GetSupply(orders_pb.GetSupplyRequest(name=f"{session.name}/supply"))).supply
        try:
            allocation = (
                await gw.backends.orders.PreviewAllocation(orders_pb.PreviewAllocationRequest(session=session.name))
            ).allocation
        except grpc.RpcError as exc:
            preview_error = afterclose.user_error(exc)
    missing = [p for p in allocation.products if p.supply_missing] if allocation else []
    return render(
        request,
        "operator/allocation.html",
        status=error.status if error else 200,
        title=("Publier l'allocation — " if confirm else "Allocation nationale — ") + session.label,
        **afterclose.step_context(session, "allocation"),
        closed=closed,
        allocation=allocation,
        published=published,
        published_by=(await people.who(request, caller, [published.publish_by])).get(published.publish_by, "")
        if published
        else "",
        supply=supply,
        missing=missing,
        departments=_by_department(allocation) if allocation else [],
        names=await afterclose.product_names(request),
        preview_error=preview_error,
        error=error,
        confirm=confirm,
        request_id=str(uuid.uuid4()),
        notice=_notice(request),
    )


async def operator_allocation(request: Request, caller: Caller) -> Response:
    return await allocation_page(request, caller)


async def publish_allocation(request: Request, caller: Caller) -> Response:
    """GET: the confirmation step; POST: publish (idempotent by request_id)."""
    if request.method == "GET":
        return await allocation_page(request, caller, confirm=True)
    session = await afterclose.closed_session(request)
    form = await request.form()
    try:
        await gateway_of(request).backends.orders.PublishAllocation(
            orders_pb.PublishAllocationRequest(
                session=session.name,
                supply_etag=str(form.get("supply_etag", "")),
                request_id=str(form.get("request_id", "")),
            )
        )
    except grpc.RpcError as exc:
        return await allocation_page(request, caller, error=afterclose.user_error(exc), confirm=True)
    return RedirectResponse(
        f"/operateur/sessions/{common.session_id(session)}/allocation?fait=publiee", status_code=303
    )
