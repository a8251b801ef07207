"""Totals and exports: an officine's summary, live national totals, the
consolidated file for logistics.

The export is a pure function of the closed session's lines (no timestamp, no
catalogue or attachment read at export time, a total sort order), so a re-run
gives the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import AsyncIterator

from services.common.context import Principal
from services.common.csvfile import formula_safe_row
from services.orders import access, errors, names
from services.orders import repository_reports as reports
from services.orders import repository_requests as rrepo
from services.orders.service import OrderRules
from services.orders.views import DepartmentTotal, EffecteurTotal, OfficineSummary, ProductTotal, SessionTotals

CONSOLIDATED, DETAIL = "CONSOLIDATED", "DETAIL"
CONSOLIDATED_HEADER = ["finess", "departement", "produit", "flacons", "doses"]
DETAIL_HEADER = ["finess", "departement", "effecteur", "type_effecteur", "produit", "flacons", "doses"]


def _product_totals(rows: dict[str, list[int]]) -> list[ProductTotal]:
    return [ProductTotal(p, vials, doses) for p, (vials, doses) in sorted(rows.items())]


class ReportService:
    def __init__(self, rules: OrderRules, chunk_bytes: int = 64 * 1024) -> None:
        self.rules = rules
        self.chunk_bytes = chunk_bytes

    async def officine_summary(self, principal: Principal, name: str) -> OfficineSummary:
        order = names.parse_officine_order(name, "name")
        if not access.reads_officine(principal, order.finess):
            raise errors.not_found("Commande")
        window = await self.rules.sessions.session(order.session_id)
        still_pending = window is not None and not window.is_closed_at(self.rules.clock.now())
        async with self.rules.db.read() as s:
            rows = await reports.officine_totals(s, order.session_id, order.finess)
            pending = await s.run_sync(rrepo.count_pending, order.session_id, order.finess) if still_pending else 0
        per_product: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        per_effecteur: dict[str, list[ProductTotal]] = defaultdict(list)
        for row in rows:
            per_product[row.product][0] += int(row.vials)
            per_product[row.product][1] += int(row.doses)
            per_effecteur[row.effecteur].append(ProductTotal(row.product, int(row.vials), int(row.doses)))
        return OfficineSummary(
            products=_product_totals(per_product),
            effecteurs=[EffecteurTotal(e, totals) for e, totals in per_effecteur.items()],
            pending_requests=pending,
        )

    async def session_totals(self, principal: Principal, session: str) -> SessionTotals:
        """Two aggregate queries, whatever the number of lines: polled live."""
        session_id = names.parse_session(session, "session")
        access.require_operator(principal)
        now = self.rules.clock.now()
        async with self.rules.db.read() as s:
            rows = await reports.department_totals(s, session_id)
            officines = await reports.ordering_officines(s, session_id)
        national: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        per_department: dict[str, list[ProductTotal]] = defaultdict(list)
        for row in rows:
            national[row.product][0] += int(row.vials)
            national[row.product][1] += int(row.doses)
            per_department[row.department].append(ProductTotal(row.product, int(row.vials), int(row.doses)))
        return SessionTotals(
            products=_product_totals(national),
            departments=[DepartmentTotal(d, totals) for d, totals in per_department.items()],
            ordering_officines=officines,
            compute_time=now,
        )

    async def check_export(self, principal: Principal, session: str) -> str:
        """Refusals come before the first byte is streamed."""
        session_id = names.parse_session(session, "session")
        access.require_operator(principal)
        window = await self.rules.window(session_id)
        if not window.is_closed_at(self.rules.clock.now()):
            raise errors.session_not_closed(window.label or window.id, window.close_time)
        return session_id

    async def export(self, session_id: str, layout: str) -> AsyncIterator[bytes]:
        """CSV (RFC 4180, UTF-8, CRLF) in chunks of about chunk_bytes."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        async with self.rules.db.read() as s:
            if layout == DETAIL:
                writer.writerow(formula_safe_row(DETAIL_HEADER))
                async for r in reports.detail_rows(s, session_id):
                    writer.writerow(
                        formula_safe_row(
                            [
                                r.finess,
                                r.department,
                                _id(r.effecteur),
                                r.effecteur_type,
                                _id(r.product),
                                r.vials,
                                r.doses,
                            ]
                        )
                    )
                    if buffer.tell() >= self.chunk_bytes:
                        yield _drain(buffer)
            else:
                writer.writerow(formula_safe_row(CONSOLIDATED_HEADER))
                async for r in reports.consolidated_rows(s, session_id):
                    writer.writerow(
                        formula_safe_row([r.finess, r.department, _id(r.product), int(r.vials), int(r.doses)])
                    )
                    if buffer.tell() >= self.chunk_bytes:
                        yield _drain(buffer)
        if buffer.tell():
            yield _drain(buffer)


def _id(name: str) -> str:
    """ "products/moderna" -> "moderna", "effecteurs/rpps:1" -> "rpps:1"."""
    return name.split("/", 1)[1]


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
