"""StockService over gRPC: protobuf <-> domain, nothing else (errors are mapped
by the shared interceptor)."""

from __future__ import annotations

from services.common.context import ServicerContext
from services.common.timefmt import to_timestamp
from services.orders.destruction import DestructionService
from services.orders.redistribution import RedistributionService
from services.orders.servicer import _principal
from services.orders.stock import StockService
from services.orders.stock_notices import NoticeService
from services.orders.stock_rules import EXPIRED
from services.orders.stock_views import (
    CertificateView,
    ClaimView,
    LotView,
    OfferView,
    PickupView,
    ReceiptView,
    UncollectedView,
)
from vaxorders.orders.v1 import stock_service_pb2 as pb
from vaxorders.orders.v1 import stock_service_pb2_grpc as pb_grpc

_ALERTS = {7: pb.EXPIRY_ALERT_SEVEN_DAYS, 2: pb.EXPIRY_ALERT_TWO_DAYS, EXPIRED: pb.EXPIRY_ALERT_EXPIRED}
_REASON_IN = {
    pb.DESTRUCTION_REASON_EXPIRED: "EXPIRED",
    pb.DESTRUCTION_REASON_BROKEN: "BROKEN",
    pb.DESTRUCTION_REASON_COLD_CHAIN: "COLD_CHAIN",
}
_REASON_OUT = {v: k for k, v in _REASON_IN.items()}
_CLAIM_STATES = {"CLAIMED": pb.Claim.STATE_CLAIMED, "HANDED_OVER": pb.Claim.STATE_HANDED_OVER}


def lot_pb(lot: LotView) -> pb.Lot:
    return pb.Lot(
        name=lot.name,
        product=lot.product,
        lot_number=lot.lot_number,
        expiry_date=lot.expiry_date,
        receipt_date=lot.receipt_date,
        usable_until=lot.usable_until,
        received_vials=lot.received,
        picked_up_vials=lot.picked_up,
        handed_over_vials=lot.handed_over,
        used_vials=lot.used,
        destroyed_vials=lot.destroyed,
        in_stock_vials=lot.in_stock,
        offered_vials=lot.offered,
        alert=_ALERTS.get(lot.alert, pb.EXPIRY_ALERT_UNSPECIFIED) if lot.alert is not None else None,
        days_left=lot.days_left,
        redistributable=lot.redistributable,
    )


def receipt_pb(r: ReceiptView) -> pb.Receipt:
    return pb.Receipt(
        name=r.name,
        session=r.session,
        receipt_date=r.receipt_date,
        products=[pb.ReceiptProduct(product=p, confirmed_vials=c, received_vials=n) for p, c, n in r.products],
        create_by=r.create_by,
        create_time=to_timestamp(r.create_time),
    )


def pickup_pb(p: PickupView) -> pb.Pickup:
    return pb.Pickup(
        name=p.name,
        effecteur=p.effecteur,
        lot=p.lot,
        product=p.product,
        lot_number=p.lot_number,
        vials=p.vials,
        pickup_date=p.pickup_date,
        usable_until=p.usable_until,
        create_by=p.create_by,
        create_time=to_timestamp(p.create_time),
    )


def uncollected_pb(u: UncollectedView) -> pb.UncollectedNotice:
    return pb.UncollectedNotice(
        officine=u.officine,
        effecteur=u.effecteur,
        product=u.product,
        vials=u.vials,
        receipt_date=u.receipt_date,
        redistributable_date=u.redistributable_date,
        uncollected=u.uncollected,
        key=u.key,
    )


def claim_pb(c: ClaimView) -> pb.Claim:
    return pb.Claim(
        name=c.name,
        effecteur=c.effecteur,
        vials=c.vials,
        state=_CLAIM_STATES[c.state],
        claim_time=to_timestamp(c.claim_time),
        hand_over_time=to_timestamp(c.hand_over_time),
        effecteur_display_name=c.effecteur_name,
        effecteur_type=f"EFFECTEUR_TYPE_{c.effecteur_type}" if c.effecteur_type else None,
    )


def offer_pb(o: OfferView) -> pb.Offer:
    return pb.Offer(
        name=o.name,
        lot=o.lot,
        product=o.product,
        lot_number=o.lot_number,
        usable_until=o.usable_until,
        department=o.department,
        offered_vials=o.offered,
        available_vials=o.available,
        eligible_types=[f"EFFECTEUR_TYPE_{t}" for t in o.eligible_types],
        claims=[claim_pb(c) for c in o.claims],
        create_time=to_timestamp(o.create_time),
        officine_display_name=o.officine_name,
    )


def certificate_pb(c: CertificateView) -> pb.DestructionCertificate:
    return pb.DestructionCertificate(
        name=c.name,
        number=c.number,
        finess=c.finess,
        department=c.department,
        lots=[
            pb.DestroyedLot(
                lot=x.lot, vials=x.vials, product=x.product, lot_number=x.lot_number, expiry_date=x.expiry_date
            )
            for x in c.lots
        ],
        reason=_REASON_OUT.get(c.reason, pb.DESTRUCTION_REASON_UNSPECIFIED),
        destruction_date=c.destruction_date,
        create_by=c.create_by,
        create_time=to_timestamp(c.create_time),
        sha256=c.sha256,
    )


class StockServicer(pb_grpc.StockServiceServicer):
    def __init__(
        self,
        stock: StockService,
        redistribution: RedistributionService,
        destruction: DestructionService,
        notices: NoticeService,
    ) -> None:
        self.stock = stock
        self.redistribution = redistribution
        self.destruction = destruction
        self.notices = notices

    async def RecordReceipt(
        self, request: pb.RecordReceiptRequest, context: ServicerContext
    ) -> pb.RecordReceiptResponse:
        receipt = await self.stock.record_receipt(
            _principal(),
            request.parent,
            request.session,
            request.receipt_date,
            [(x.product, x.lot_number, x.expiry_date, x.vials) for x in request.lots],
            request.request_id,
        )
        return pb.RecordReceiptResponse(receipt=receipt_pb(receipt))

    async def GetStock(self, request: pb.GetStockRequest, context: ServicerContext) -> pb.GetStockResponse:
        view = await self.stock.get_stock(_principal(), request.name)
        return pb.GetStockResponse(
            stock=pb.Stock(
                name=view.name,
                products=[
                    pb.ProductStock(
                        product=p.product,
                        received_vials=p.received,
                        picked_up_vials=p.picked_up,
                        handed_over_vials=p.handed_over,
                        used_vials=p.used,
                        destroyed_vials=p.destroyed,
                        in_stock_vials=p.in_stock,
                        reserved_vials=p.reserved,
                        offered_vials=p.offered,
                        uncollected_vials=p.uncollected,
                        lots=[lot_pb(x) for x in p.lots],
                        reservations=[
                            pb.Reservation(
                                effecteur=r.effecteur, vials=r.vials, since_date=r.since_date, uncollected=r.uncollected
                            )
                            for r in p.reservations
                        ],
                    )
                    for p in view.products
                ],
                receipts=[receipt_pb(r) for r in view.receipts],
                sessions_to_receive=view.sessions_to_receive,
                today=view.today,
            )
        )

    async def RecordPickup(self, request: pb.RecordPickupRequest, context: ServicerContext) -> pb.RecordPickupResponse:
        pickup = await self.stock.record_pickup(
            _principal(),
            request.parent,
            request.effecteur,
            request.lot,
            request.vials,
            request.pickup_date,
            request.request_id,
        )
        return pb.RecordPickupResponse(pickup=pickup_pb(pickup))

    async def ListPickups(self, request: pb.ListPickupsRequest, context: ServicerContext) -> pb.ListPickupsResponse:
        page = await self.stock.list_pickups(
            _principal(), request.parent, request.effecteur, request.page_size, request.page_token
        )
        return pb.ListPickupsResponse(
            pickups=[pickup_pb(p) for p in page.pickups],
            next_page_token=page.next_page_token,
            waiting=[uncollected_pb(u) for u in page.waiting],
        )

    async def UseVials(self, request: pb.UseVialsRequest, context: ServicerContext) -> pb.UseVialsResponse:
        lot = await self.stock.use_vials(_principal(), request.lot, request.vials, request.request_id)
        return pb.UseVialsResponse(lot=lot_pb(lot))

    async def CreateOffer(self, request: pb.CreateOfferRequest, context: ServicerContext) -> pb.CreateOfferResponse:
        offer = await self.redistribution.create_offer(_principal(), request.lot, request.vials, request.request_id)
        return pb.CreateOfferResponse(offer=offer_pb(offer))

    async def ListOffers(self, request: pb.ListOffersRequest, context: ServicerContext) -> pb.ListOffersResponse:
        page = await self.redistribution.list_offers(
            _principal(), request.parent, request.effecteur, request.page_size, request.page_token
        )
        return pb.ListOffersResponse(offers=[offer_pb(o) for o in page.offers], next_page_token=page.next_page_token)

    async def ClaimOffer(self, request: pb.ClaimOfferRequest, context: ServicerContext) -> pb.ClaimOfferResponse:
        claim, _ = await self.redistribution.claim_offer(
            _principal(), request.offer, request.effecteur, request.vials, request.request_id
        )
        return pb.ClaimOfferResponse(claim=claim_pb(claim))

    async def HandOverClaim(
        self, request: pb.HandOverClaimRequest, context: ServicerContext
    ) -> pb.HandOverClaimResponse:
        claim = await self.redistribution.hand_over(_principal(), request.name, request.request_id)
        return pb.HandOverClaimResponse(claim=claim_pb(claim))

    async def DeclareDestruction(
        self, request: pb.DeclareDestructionRequest, context: ServicerContext
    ) -> pb.DeclareDestructionResponse:
        certificate = await self.destruction.declare(
            _principal(),
            request.parent,
            [(x.lot, x.vials) for x in request.lots],
            _REASON_IN.get(request.reason, ""),
            request.request_id,
        )
        return pb.DeclareDestructionResponse(certificate=certificate_pb(certificate))

    async def ListDestructionCertificates(
        self, request: pb.ListDestructionCertificatesRequest, context: ServicerContext
    ) -> pb.ListDestructionCertificatesResponse:
        page = await self.destruction.list_certificates(
            _principal(), request.parent, request.page_size, request.page_token
        )
        return pb.ListDestructionCertificatesResponse(
            certificates=[certificate_pb(c) for c in page.certificates], next_page_token=page.next_page_token
        )

    async def GetDestructionCertificatePdf(
        self, request: pb.GetDestructionCertificatePdfRequest, context: ServicerContext
    ) -> pb.GetDestructionCertificatePdfResponse:
        certificate, pdf = await self.destruction.get_pdf(_principal(), request.name)
        return pb.GetDestructionCertificatePdfResponse(
            certificate=certificate_pb(certificate),
            pdf=pdf,
            filename=f"certificat-destruction-{certificate.number}.pdf",
        )

    async def ListStockMoves(
        self, request: pb.ListStockMovesRequest, context: ServicerContext
    ) -> pb.ListStockMovesResponse:
        page = await self.stock.list_moves(_principal(), request.parent, request.page_size, request.page_token)
        return pb.ListStockMovesResponse(
            moves=[
                pb.StockMove(
                    id=m.id,
                    kind=f"STOCK_MOVE_KIND_{m.kind}",
                    lot=m.lot,
                    product=m.product,
                    vials=m.vials,
                    effecteur=m.effecteur,
                    note=m.note,
                    actor=m.actor,
                    move_time=to_timestamp(m.move_time),
                )
                for m in page.moves
            ],
            next_page_token=page.next_page_token,
        )

    async def ListStockNotices(
        self, request: pb.ListStockNoticesRequest, context: ServicerContext
    ) -> pb.ListStockNoticesResponse:
        view = await self.notices.notices(_principal())
        return pb.ListStockNoticesResponse(
            expiry_notices=[
                pb.ExpiryNotice(lot=lot_pb(n.lot), officine=n.officine, threshold_days=n.threshold_days, key=n.key)
                for n in view.expiry
            ],
            uncollected_notices=[uncollected_pb(u) for u in view.uncollected],
            certificates=[certificate_pb(c) for c in view.certificates],
        )

    async def GetStockReconciliation(
        self, request: pb.GetStockReconciliationRequest, context: ServicerContext
    ) -> pb.GetStockReconciliationResponse:
        rows, today = await self.notices.reconciliation(_principal())
        return pb.GetStockReconciliationResponse(
            rows=[
                pb.ReconciliationRow(
                    department=r.department,
                    product=r.product,
                    officines=r.officines,
                    received_vials=r.received,
                    picked_up_vials=r.picked_up,
                    handed_over_vials=r.handed_over,
                    used_vials=r.used,
                    destroyed_vials=r.destroyed,
                    in_stock_vials=r.in_stock,
                    offered_vials=r.offered,
                    uncollected_vials=r.uncollected,
                )
                for r in rows
            ],
            today=today,
        )
