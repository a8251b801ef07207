"""What the alert job sends, and the national reconciliation (operators).

Nothing here is stored: a notice is due as long as its condition holds, and
the mailer queues each under a stable key (`expiry:{lot}:{7|2}`,
`uncollected:{reservation}`, `destruction:{number}`), so a rerun or a second
replica finds it queued already.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from services.common.context import Principal
from services.orders import access, errors
from services.orders import repository_stock as srepo
from services.orders import stock_names as sn
from services.orders import stock_rules as rules_
from services.orders.destruction import DestructionService
from services.orders.stock import StockService, lot_view, uncollected_view
from services.orders.stock_views import ExpiryNoticeView, NoticesView, ReconciliationRowView

# Certificates are offered to the job for this long after they were issued: a job
# down for a few days still sends them, and the list stays short.
CERTIFICATE_NOTICE_DAYS = 30


class NoticeService:
    def __init__(self, stock: StockService, destruction: DestructionService) -> None:
        self.stock = stock
        self.destruction = destruction
        self.rules = stock.rules

    async def notices(self, principal: Principal) -> NoticesView:
        if not principal.reads_everything:
            raise errors.operators_only()
        today = self.stock.today()
        last_receipt = today - timedelta(days=rules_.UNCOLLECTED_AFTER_DAYS)
        async with self.rules.db.read() as s:
            lots = await srepo.lots_expiring(
                s, today.isoformat(), (today + timedelta(days=max(rules_.ALERT_THRESHOLDS))).isoformat()
            )
            waiting = await srepo.waiting_since(s, last_receipt.isoformat())
        expiry = []
        for row in lots:
            level = rules_.alert_level(date.fromisoformat(row.usable_until), today)
            if level is None or level == rules_.EXPIRED:
                continue
            expiry.append(
                ExpiryNoticeView(
                    lot=lot_view(row, today),
                    officine=sn.officine(row.finess),
                    threshold_days=level,
                    key=f"expiry:{row.id}:{level}",
                )
            )
        certificates = await self.destruction.recent(timedelta(days=CERTIFICATE_NOTICE_DAYS))
        return NoticesView(expiry, [uncollected_view(r, today) for r in waiting], certificates)

    async def reconciliation(self, principal: Principal) -> tuple[list[ReconciliationRowView], str]:
        access.require_operator(principal)
        today = self.stock.today()
        last_receipt = today - timedelta(days=rules_.UNCOLLECTED_AFTER_DAYS)
        async with self.rules.db.read() as s:
            rows = await srepo.national_lots(s)
            uncollected = await srepo.national_uncollected(s, last_receipt.isoformat())
        seen: dict[tuple[str, str], ReconciliationRowView] = defaultdict()
        for r in rows:
            seen[(r.department, r.product)] = ReconciliationRowView(
                department=r.department,
                product=r.product,
                officines=int(r.officines),
                received=int(r.received),
                picked_up=int(r.picked_up),
                handed_over=int(r.handed_over),
                used=int(r.used),
                destroyed=int(r.destroyed),
                in_stock=int(r.in_stock),
                offered=int(r.offered),
                uncollected=uncollected.get((r.department, r.product), 0),
            )
        return [seen[k] for k in sorted(seen)], today.isoformat()
