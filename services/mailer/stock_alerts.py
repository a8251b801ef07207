"""Stock e-mails (DESIGN.md §1b), queued by the stock-alert CronJob through
StockAlertService.SendStockNotices.

Orders says what is due now (ListStockNotices: lots within 7 or 2 days of
their usable-until date, vials uncollected 7 days after receipt, recent
destruction certificates); this module renders one e-mail per notice and
queues it under the notice's key, `INSERT ... ON CONFLICT (dedupe_key) DO
NOTHING` — the outbox's one-message-per-key mechanism, as for the Friday
confirmations: a rerun, the CronJob and an operator, or two replicas at once
queue each e-mail once. The certificate goes to the quality mailbox
(VAXORDERS_QUALITY_ADDRESS) with its PDF attached, read from orders as stored.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import grpc
import structlog

from services.common.channels import Channels
from services.common.clock import Clock
from services.common.context import Principal
from services.common.db import Database
from services.common.errors import PermissionDenied, Unavailable
from services.common.timefmt import paris_date
from services.mailer import repository as repo
from services.mailer.addresses import is_valid_address
from services.mailer.clients import Directory
from services.mailer.outbox import new_message_values
from services.mailer.settings import MailerSettings
from services.mailer.templates import Templates
from vaxorders.orders.v1 import stock_service_pb2 as spb
from vaxorders.orders.v1 import stock_service_pb2_grpc as spb_grpc

log = structlog.get_logger("mailer.stock_alerts")

REASONS = {
    spb.DESTRUCTION_REASON_EXPIRED: "flacons périmés",
    spb.DESTRUCTION_REASON_BROKEN: "flacons cassés",
    spb.DESTRUCTION_REASON_COLD_CHAIN: "rupture de la chaîne du froid",
}


@dataclass
class StockReport:
    expiry: int = 0
    uncollected: int = 0
    certificates: int = 0
    already_queued: int = 0
    missing_address: list[str] = field(default_factory=list)


def _long(day: str) -> str:
    return paris_date(date.fromisoformat(day))


class StockAlerts:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: MailerSettings,
        channels: Channels,
        directory: Directory,
        templates: Templates | None = None,
    ) -> None:
        self._db, self._clock, self._settings = db, clock, settings
        self._stock = channels.stub(spb_grpc.StockServiceStub, settings.orders_address)
        self._directory = directory
        self._templates = templates or Templates()

    async def _orders(self, method: str, request: Any) -> Any:
        try:
            return await getattr(self._stock, method)(request, timeout=self._settings.call_timeout_seconds)
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.PERMISSION_DENIED:
                raise PermissionDenied("Le service des commandes refuse cette lecture à l'appelant.") from None
            raise Unavailable("Le service des commandes ne répond pas : réessayez plus tard.") from None

    async def send(self, principal: Principal | None, trace_request_id: str = "") -> StockReport:
        if principal is None or not principal.reads_everything:
            raise PermissionDenied(
                "Réservé aux opérateurs de Santé publique France et à la tâche planifiée des alertes."
            )
        notices: spb.ListStockNoticesResponse = await self._orders("ListStockNotices", spb.ListStockNoticesRequest())
        keys = (
            [n.key for n in notices.expiry_notices]
            + [u.key for u in notices.uncollected_notices]
            + [f"destruction:{c.number}" for c in notices.certificates]
        )
        async with self._db.read() as session:
            queued_before = set(await repo.existing_dedupe_keys(session, keys))
        expiry = [n for n in notices.expiry_notices if n.key not in queued_before]
        uncollected = [u for u in notices.uncollected_notices if u.key not in queued_before]
        certificates = [c for c in notices.certificates if f"destruction:{c.number}" not in queued_before]
        report = StockReport(already_queued=len(queued_before))
        if not (expiry or uncollected or certificates):
            return report
        officine_names = sorted(
            {n.officine for n in expiry}
            | {u.officine for u in uncollected}
            | {f"officines/{c.finess}" for c in certificates}
        )
        officines = await self._directory.officines(officine_names)
        effecteurs = await self._directory.effecteurs(sorted({u.effecteur for u in uncollected}))
        products = await self._directory.products()

        def product_label(name: str) -> str:
            found = products.get(name)
            return found.display_name if found else name

        def officine_label(name: str) -> str:
            party = officines.get(name)
            return party.display_name if party else name

        rows: list[tuple[str, str, dict[str, Any], str, list[dict[str, str]] | None]] = []
        for n in expiry:
            party = officines.get(n.officine)
            if party is None or not is_valid_address(party.email):
                report.missing_address.append(n.officine)
                continue
            vials = n.lot.in_stock_vials
            context = {
                "officine": officine_label(n.officine),
                "product": product_label(n.lot.product),
                "lot_number": n.lot.lot_number,
                "vials": vials,
                "usable_until_long": _long(n.lot.usable_until),
                "days_left": n.lot.days_left,
                "reserved": vials > n.lot.offered_vials,
            }
            rows.append(("stock-expiry-alert", party.email, context, n.key, None))
        for u in uncollected:
            party = effecteurs.get(u.effecteur)
            if party is None or not is_valid_address(party.email):
                report.missing_address.append(u.effecteur)
                continue
            context = {
                "name": party.display_name,
                "officine": officine_label(u.officine),
                "product": product_label(u.product),
                "vials": u.vials,
                "receipt_date_long": _long(u.receipt_date),
            }
            rows.append(("stock-uncollected", party.email, context, u.key, None))
        for c in certificates:
            pdf = await self._orders(
                "GetDestructionCertificatePdf", spb.GetDestructionCertificatePdfRequest(name=c.name)
            )
            context = {
                "number": c.number,
                "officine": officine_label(f"officines/{c.finess}"),
                "finess": c.finess,
                "department": c.department,
                "destruction_date_long": _long(c.destruction_date),
                "reason": REASONS.get(c.reason, "non précisé"),
                "sha256": c.sha256,
                "lots": [
                    {
                        "product": product_label(x.product),
                        "lot_number": x.lot_number,
                        "expiry_long": _long(x.expiry_date),
                        "vials": x.vials,
                    }
                    for x in c.lots
                ],
            }
            attachment = {
                "filename": pdf.filename,
                "content_type": "application/pdf",
                "data": base64.b64encode(pdf.pdf).decode("ascii"),
            }
            rows.append(
                (
                    "destruction-certificate",
                    self._settings.quality_address,
                    context,
                    f"destruction:{c.number}",
                    [attachment],
                )
            )
        async with self._db.write() as session:
            now = self._clock.now()
            for template, address, context, key, attachments in rows:
                values = new_message_values(
                    self._templates.render(template, context),
                    recipients=[address],
                    reply_to="",
                    template=template,
                    params={"key": key},
                    created_by=(principal.national_id)[:32],
                    now=now,
                    trace_request_id=trace_request_id,
                    dedupe_key=key,
                    attachments=attachments,
                )
                if not await repo.add_message_once(session, values):
                    report.already_queued += 1
                elif template == "stock-expiry-alert":
                    report.expiry += 1
                elif template == "stock-uncollected":
                    report.uncollected += 1
                else:
                    report.certificates += 1
        log.info(
            "stock_notices.queued",
            expiry=report.expiry,
            uncollected=report.uncollected,
            certificates=report.certificates,
            already_queued=report.already_queued,
            missing_address=len(report.missing_address),
        )
        return report
