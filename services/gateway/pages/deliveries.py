"""Confirmed deliveries as officines and effecteurs read them (ListDeliveries):
per session with a published allocation, the planned delivery date, the day
appointments may start, when the confirmation e-mail went out, and per
effecteur and product what was ordered and what is confirmed."""

from __future__ import annotations

from dataclasses import dataclass, field

import grpc
from starlette.requests import Request

from services.gateway.access import gateway_of
from services.gateway.pages import afterclose, common, labels
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as eff_pb
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb

_SHOWN_SESSIONS = 6


@dataclass
class LineView:
    who: str
    who_type: str
    product: str
    ordered: int
    confirmed: int
    doses: int

    @property
    def reduced(self) -> bool:
        return self.confirmed < self.ordered


@dataclass
class ProductTotal:
    product: str
    ordered: int = 0
    confirmed: int = 0
    doses: int = 0

    @property
    def reduced(self) -> bool:
        return self.confirmed < self.ordered


@dataclass
class DeliveryView:
    session: sess_pb.Session
    finess: str
    officine_name: str
    delivery_date: str
    appointments_from: str
    confirmation_sent_time: object
    announced_date: str
    lines: list[LineView] = field(default_factory=list)
    totals: list[ProductTotal] = field(default_factory=list)

    @property
    def confirmation_sent(self) -> bool:
        ts = self.confirmation_sent_time
        return bool(getattr(ts, "seconds", 0) or getattr(ts, "nanos", 0))

    @property
    def reduced_lines(self) -> int:
        return sum(1 for line in self.lines if line.reduced)


async def _list(request: Request, parent: str, effecteur: str = "") -> list[orders_pb.Delivery]:
    try:
        return await common.all_pages(
            gateway_of(request).backends.orders.ListDeliveries,
            orders_pb.ListDeliveriesRequest(parent=parent, effecteur=effecteur),
            "deliveries",
            100,
        )
    except grpc.aio.AioRpcError as error:
        # During a rolling update an older orders may not know the RPC yet: the
        # dashboards still work, without the deliveries section.
        if error.code() == grpc.StatusCode.UNIMPLEMENTED:
            return []
        raise


async def _sessions(request: Request, names: list[str]) -> dict[str, sess_pb.Session]:
    found: dict[str, sess_pb.Session] = {}
    for name in dict.fromkeys(names):
        found[name] = await common.get_session(request, name)
    return found


def _session_of(delivery: orders_pb.Delivery) -> str:
    return "/".join(delivery.name.split("/")[:2])


async def _views(
    request: Request, deliveries: list[orders_pb.Delivery], who: dict[str, tuple[str, str]], officines: dict[str, str]
) -> list[DeliveryView]:
    deliveries = deliveries[:_SHOWN_SESSIONS]
    sessions = await _sessions(request, [_session_of(d) for d in deliveries])
    names = await afterclose.product_names(request)
    views = []
    for d in deliveries:
        view = DeliveryView(
            session=sessions[_session_of(d)],
            finess=d.finess,
            officine_name=officines.get(d.finess, f"Officine FINESS {d.finess}"),
            delivery_date=d.delivery_date,
            appointments_from=afterclose.day_after(d.delivery_date),
            confirmation_sent_time=d.confirmation_sent_time,
            announced_date=d.announced_date,
        )
        totals: dict[str, ProductTotal] = {}
        for line in d.lines:
            name, kind = who.get(line.effecteur, ("", labels.effecteur_type(line.effecteur_type)))
            product = names.get(line.product, "Produit retiré du catalogue")
            doses = line.confirmed_vials * line.doses_per_unit
            view.lines.append(
                LineView(
                    name or f"{kind} (n'est plus rattaché)",
                    kind,
                    product,
                    line.ordered_vials,
                    line.confirmed_vials,
                    doses,
                )
            )
            total = totals.setdefault(product, ProductTotal(product))
            total.ordered += line.ordered_vials
            total.confirmed += line.confirmed_vials
            total.doses += doses
        view.lines.sort(key=lambda v: (v.who != view.officine_name, v.who.lower(), v.product))
        view.totals = list(totals.values())
        views.append(view)
    return views


async def for_officine(request: Request, office: eff_pb.Officine, rows: list[common.Row]) -> list[DeliveryView]:
    """The officine's deliveries, newest session first; names from its attachments."""
    finess = office.finess
    deliveries = await _list(request, f"sessions/-/officines/{finess}")
    if not deliveries:
        return []
    who = {r.effecteur: (r.display_name, labels.effecteur_type(r.type)) for r in rows}
    return await _views(request, deliveries, who, {finess: office.display_name})


async def for_effecteur(request: Request, effecteur: str, display_name: str, type_label: str) -> list[DeliveryView]:
    """The effecteur's own lines, with the officine that delivers them."""
    deliveries = await _list(request, "sessions/-/officines/-", effecteur)
    if not deliveries:
        return []
    officines: dict[str, str] = {}
    for finess in dict.fromkeys(d.finess for d in deliveries):
        try:
            officines[finess] = (await common.officine(request, finess)).display_name
        except grpc.aio.AioRpcError as error:
            if error.code() not in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED):
                raise
    return await _views(request, deliveries, {effecteur: (display_name, type_label)}, officines)
