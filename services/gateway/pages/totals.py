"""Live national totals of a session, per product and per département, with
a bar chart drawn server-side as SVG (no script), doubled by the data table."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from services.gateway.access import Caller, gateway_of
from services.gateway.pages import common
from services.gateway.pages.render import render
from vaxorders.orders.v1 import orders_service_pb2 as orders_pb
from vaxorders.sessions.v1 import sessions_service_pb2 as sess_pb

_BAR_HEIGHT = 28
_GAP = 12
_LABEL_WIDTH = 260
_CHART_WIDTH = 720


@dataclass
class Bar:
    label: str
    value: int
    y: int
    width: int


@dataclass
class Chart:
    bars: list[Bar]
    height: int
    label_width: int = _LABEL_WIDTH
    width: int = _CHART_WIDTH

    @property
    def value_x(self) -> int:
        return self.label_width + 8


def bar_chart(items: list[tuple[str, int]]) -> Chart:
    """Horizontal bars scaled to the largest value; zero stays zero wide."""
    largest = max((v for _, v in items), default=0) or 1
    room = _CHART_WIDTH - _LABEL_WIDTH - 90
    bars = [
        Bar(label, value, i * (_BAR_HEIGHT + _GAP), round(room * value / largest))
        for i, (label, value) in enumerate(items)
    ]
    return Chart(bars, max(1, len(bars)) * (_BAR_HEIGHT + _GAP))


async def totals_page(request: Request, caller: Caller) -> Response:
    gw = gateway_of(request)
    session = await common.session_from_query(request)
    products = await common.products(request, include_inactive=True)
    names = {p.name: p.display_name for p in products}
    totals = None
    if session is not None:
        totals = await gw.backends.orders.GetSessionTotals(orders_pb.GetSessionTotalsRequest(session=session.name))
    by_product = {t.product: t for t in (totals.products if totals else [])}
    shown = [p for p in products if p.name in by_product or p.active]
    national = [(p.display_name, int(by_product[p.name].vials) if p.name in by_product else 0) for p in shown]
    departments = []
    for d in totals.departments if totals else []:
        per = {t.product: int(t.vials) for t in d.products}
        departments.append((d.department, [per.get(p.name, 0) for p in shown], sum(per.values())))
    departments.sort()
    sessions = (await gw.backends.sessions.ListSessions(sess_pb.ListSessionsRequest(page_size=50))).sessions
    return render(
        request,
        "operator/totals.html",
        title="Totaux nationaux",
        session=session,
        sessions=sessions,
        totals=totals,
        products=shown,
        by_product=by_product,
        names=names,
        national_chart=bar_chart(national),
        department_chart=bar_chart([(f"Département {d}", total) for d, _, total in departments]),
        departments=departments,
    )
