"""Reads several pages share: the catalogue, the session in force, an
officine and its effecteurs, every page of a List RPC."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request

from services.common.timefmt import from_timestamp
from services.gateway.access import gateway_of
from services.gateway.problems import problem
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as eff_pb
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb

_MAX_PAGES = 50


async def all_pages(call: Callable[[Any], Awaitable[Any]], request: Any, field: str, page_size: int = 500) -> list[Any]:
    """Every item of a List RPC, following next_page_token (bounded)."""
    items: list[Any] = []
    request.page_size = page_size
    for _ in range(_MAX_PAGES):
        reply = await call(request)
        items.extend(getattr(reply, field))
        if not reply.next_page_token:
            break
        request.page_token = reply.next_page_token
    return items


async def products(request: Request, *, include_inactive: bool = False) -> list[sess_pb.Product]:
    gw = gateway_of(request)
    found = await all_pages(
        gw.backends.sessions.ListProducts, sess_pb.ListProductsRequest(include_inactive=include_inactive), "products"
    )
    return sorted(found, key=lambda p: (p.display_order, p.name))


def product_id(name: str) -> str:
    return name.removeprefix("products/")


async def service_state(request: Request) -> sess_pb.GetServiceStateResponse:
    reply: sess_pb.GetServiceStateResponse = await gateway_of(request).backends.sessions.GetServiceState(
        sess_pb.GetServiceStateRequest()
    )
    return reply


async def get_session(request: Request, name: str) -> sess_pb.Session:
    reply: sess_pb.GetSessionResponse = await gateway_of(request).backends.sessions.GetSession(
        sess_pb.GetSessionRequest(name=name)
    )
    return reply.session


async def current_session(request: Request) -> sess_pb.Session | None:
    """The session users work on: the one open now, else the next one (None when none is scheduled)."""
    state = await service_state(request)
    if not state.session:
        return None
    return await get_session(request, state.session)


async def session_from_query(request: Request) -> sess_pb.Session | None:
    """?session=<id> when given (a session picked in a list), else the current one."""
    wanted = request.query_params.get("session", "")
    if wanted:
        return await get_session(request, f"sessions/{wanted}")
    return await current_session(request)


def session_id(session: sess_pb.Session) -> str:
    return session.name.removeprefix("sessions/")


def time_left(until: datetime, now: datetime) -> str:
    """'2 jours et 5 heures', '3 heures et 10 minutes', 'moins d'une minute'."""
    delta = until - now
    if delta <= timedelta(0):
        return ""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)

    def unit(n: int, word: str) -> str:
        return f"{n} {word}{'s' if n > 1 else ''}"

    if days:
        return unit(days, "jour") + (f" et {unit(hours, 'heure')}" if hours else "")
    if hours:
        return unit(hours, "heure") + (f" et {unit(minutes, 'minute')}" if minutes else "")
    return unit(minutes, "minute") if minutes else "moins d'une minute"


def session_time_left(request: Request, session: sess_pb.Session) -> str:
    if session.state != sess_pb.Session.STATE_OPEN:
        return ""
    return time_left(from_timestamp(session.close_time), gateway_of(request).clock.now())


async def officine(request: Request, finess: str) -> eff_pb.Officine:
    if not finess.isalnum():
        raise problem(404, "NOT_FOUND")
    reply: eff_pb.GetOfficineResponse = await gateway_of(request).backends.effecteurs.GetOfficine(
        eff_pb.GetOfficineRequest(name=f"officines/{finess}")
    )
    return reply.officine


@dataclass
class Row:
    """One effecteur an officine orders for (itself first)."""

    effecteur: str
    display_name: str
    type: int
    identifier: str
    is_self: bool
    attachment: str = ""


async def officine_rows(request: Request, office: eff_pb.Officine) -> list[Row]:
    """The officine itself, then each effecteur attached now, by name."""
    gw = gateway_of(request)
    attachments = await all_pages(
        gw.backends.effecteurs.ListAttachments, eff_pb.ListAttachmentsRequest(parent=office.name), "attachments"
    )
    rows = [
        Row(
            a.effecteur,
            a.effecteur_detail.display_name,
            a.effecteur_detail.type,
            a.effecteur_detail.identifier,
            a.effecteur == office.self_effecteur,
            a.name,
        )
        for a in attachments
    ]
    if not any(r.is_self for r in rows):
        rows.append(Row(office.self_effecteur, office.display_name, 2, office.finess, True))  # 2 = PHARMACIEN
    return sorted(rows, key=lambda r: (not r.is_self, r.display_name.lower()))


async def officine_lines(
    request: Request, parent: str, *, effecteur: str = "", product: str = ""
) -> list[orders_pb.OrderLine]:
    """Every line under parent, of one effecteur and one product when given ("" is no filter)."""
    gw = gateway_of(request)
    listing = orders_pb.ListOrderLinesRequest(parent=parent, effecteur=effecteur, product=product)
    return await all_pages(gw.backends.orders.ListOrderLines, listing, "lines", 1000)
