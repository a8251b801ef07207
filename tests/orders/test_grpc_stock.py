"""After delivery through the real orders gRPC server (StockService), real PSC
tokens and the real SessionService / EffecteurService: receipt against the
confirmed volumes, pickups, uncollected vials offered and claimed, hand-over,
destruction with its certificate, notices for the alert job, reconciliation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import grpc
import pytest

from tests.orders.conftest import refused
from tests.orders.stack import CLAIRE, JEANNE, KARIM, OPERATOR, Stack, rid
from tests.orders.test_grpc_after_close import as_service, order_and_close, publish, supply
from vaxorders.orders.v1 import stock_service_pb2 as spb
from vaxorders.orders.v1 import stock_service_pb2_grpc as spb_grpc

LILAS = "officines/759900111"
DUBOIS = "effecteurs/rpps:99700000104"
TRAORE = "effecteurs/rpps:99700000120"
FONTAINE = "effecteurs/rpps:99700000146"
EHPAD = "effecteurs/finess:759901010"
LEFEBVRE = "effecteurs/rpps:99700000112"
AMINA, NADIA, YVES, HUGO = "899700000120", "899700000146", "899700000161", "899700000112"
MODERNA, PFIZER, PEDIATRIC = "products/moderna", "products/pfizer-adult", "products/pfizer-pediatric"
DELIVERED = datetime.fromisoformat("2022-03-18T10:00:00+01:00")


class Stock:
    def __init__(self, stack: Stack, stub: spb_grpc.StockServiceStub) -> None:
        self.stack, self.stub = stack, stub

    async def call(self, method: str, request: object, as_: str) -> object:
        return await getattr(self.stub, method)(request, metadata=self.stack.auth(as_), timeout=30)

    async def get(self, as_: str = CLAIRE) -> spb.Stock:
        answer = await self.call("GetStock", spb.GetStockRequest(name=f"{LILAS}/stock"), as_)
        return answer.stock  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
async def stock(stack: Stack) -> AsyncIterator[Stock]:
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{stack.orders_server.port}")
    try:
        yield Stock(stack, spb_grpc.StockServiceStub(channel))
    finally:
        await channel.close()


async def published(stack: Stack) -> None:
    """Lilas: Dubois 6 Pfizer 12+ and 5 Moderna, Traoré 4 Pfizer; Confluent: Lefebvre 10 Pfizer;
    all confirmed as ordered; the clock on the delivery day."""
    await order_and_close(stack)
    etag = (await supply(stack, [(PFIZER, 100), (MODERNA, 100)])).etag
    await publish(stack, etag)
    stack.clock.set(DELIVERED)


def receipt_request(request_id: str = "", **overrides: object) -> spb.RecordReceiptRequest:
    lots = overrides.pop(
        "lots",
        [
            spb.ReceiptLot(product=PFIZER, lot_number="FK0001", expiry_date="2022-06-30", vials=6),
            spb.ReceiptLot(product=PFIZER, lot_number="FK0002", expiry_date="2022-03-31", vials=3),
            spb.ReceiptLot(product=MODERNA, lot_number="3004217", expiry_date="2022-05-30", vials=5),
            spb.ReceiptLot(product=PEDIATRIC, lot_number="PD0007", expiry_date="2022-08-31", vials=2),
        ],
    )
    values: dict[str, object] = {
        "parent": LILAS,
        "session": "sessions/2022-03-07",
        "receipt_date": "2022-03-18",
        "lots": lots,
        "request_id": request_id or rid(),
    }
    values.update(overrides)
    return spb.RecordReceiptRequest(**values)  # type: ignore[arg-type]


def lot_named(stock: spb.Stock, number: str) -> spb.Lot:
    return next(lot for p in stock.products for lot in p.lots if lot.lot_number == number)


def product(stock: spb.Stock, name: str) -> spb.ProductStock:
    return next(p for p in stock.products if p.product == name)


def balanced(p: spb.ProductStock) -> bool:
    return p.received_vials == (
        p.picked_up_vials + p.handed_over_vials + p.used_vials + p.destroyed_vials + p.in_stock_vials
    )


async def test_a_receipt_is_checked_against_the_confirmed_volumes_and_shows_the_difference(
    stack: Stack, stock: Stock
) -> None:
    await published(stack)
    request = receipt_request()
    answer = await stock.call("RecordReceipt", request, CLAIRE)
    receipt = answer.receipt  # type: ignore[attr-defined]
    figures = {p.product: (p.confirmed_vials, p.received_vials) for p in receipt.products}
    # 10 Pfizer confirmed, 9 received; a paediatric box nobody ordered is shown too.
    assert figures == {PFIZER: (10, 9), MODERNA: (5, 5), PEDIATRIC: (0, 2)}
    assert (await stock.call("RecordReceipt", request, CLAIRE)).receipt == receipt  # type: ignore[attr-defined]
    details = await refused(stock.call("RecordReceipt", receipt_request(), CLAIRE), grpc.StatusCode.ALREADY_EXISTS)
    assert "déjà enregistrée" in details.message

    current = await stock.get()
    # Usable until the earlier of the expiry and receipt + shelf life (Pfizer 12+: 31 days).
    assert lot_named(current, "FK0001").usable_until == "2022-04-18"
    assert lot_named(current, "FK0002").usable_until == "2022-03-31"
    assert lot_named(current, "3004217").usable_until == "2022-04-17"
    pfizer = product(current, PFIZER)
    # One vial short: the officine's own needs first (none here), then the line entered
    # last (both lines entered at the same instant here: the tie goes by line id).
    reserved = {r.effecteur: r.vials for r in pfizer.reservations}
    assert sum(reserved.values()) == 9 and sorted(reserved.items()) in (
        [(DUBOIS, 6), (TRAORE, 3)],
        [(DUBOIS, 5), (TRAORE, 4)],
    )
    assert (pfizer.in_stock_vials, pfizer.reserved_vials) == (9, 9)
    assert all(balanced(p) for p in current.products)
    assert list(current.sessions_to_receive) == []
    # Operators read it; another officine and an effecteur do not even learn it exists.
    assert (await stock.get(OPERATOR)).products == current.products
    await refused(stock.get(KARIM), grpc.StatusCode.NOT_FOUND)
    await refused(stock.get(JEANNE), grpc.StatusCode.NOT_FOUND)


async def test_bad_receipts_are_refused_field_by_field_and_store_nothing(stack: Stack, stock: Stock) -> None:
    await published(stack)
    bad = receipt_request(
        receipt_date="2022-03-25",
        lots=[
            spb.ReceiptLot(product="products/aspirine", lot_number="X1", expiry_date="2022-06-30", vials=1),
            spb.ReceiptLot(product=PFIZER, lot_number="", expiry_date="30/06/2022", vials=0),
            spb.ReceiptLot(product=PFIZER, lot_number="FK9", expiry_date="2022-03-01", vials=-2),
        ],
    )
    details = await refused(stock.call("RecordReceipt", bad, CLAIRE), grpc.StatusCode.INVALID_ARGUMENT)
    fields = {v.field for v in details.violations}
    assert {
        "receipt_date",
        "lots[0].product",
        "lots[1].lot_number",
        "lots[1].expiry_date",
        "lots[1].vials",
        "lots[2].vials",
    } <= fields
    described = {v.field: v.description for v in details.violations}
    assert described["lots[1].expiry_date"] == "Date invalide : « 30/06/2022 » (attendu AAAA-MM-JJ)."
    assert described["receipt_date"] == "La date de réception ne peut pas être dans le futur."
    await refused(stock.call("RecordReceipt", receipt_request(), KARIM), grpc.StatusCode.NOT_FOUND)
    current = await stock.get()
    assert list(current.products) == [] and list(current.sessions_to_receive) == ["sessions/2022-03-07"]


async def test_pickups_never_exceed_what_was_reserved_and_the_effecteur_sees_them(stack: Stack, stock: Stock) -> None:
    await published(stack)
    await stock.call("RecordReceipt", receipt_request(), CLAIRE)
    before = await stock.get()
    lot = lot_named(before, "FK0001").name
    reserved = next(r.vials for r in product(before, PFIZER).reservations if r.effecteur == DUBOIS)
    pickup = (
        await stock.call(
            "RecordPickup",
            spb.RecordPickupRequest(parent=LILAS, effecteur=DUBOIS, lot=lot, vials=reserved - 2, request_id=rid()),
            CLAIRE,
        )
    ).pickup  # type: ignore[attr-defined]
    assert (pickup.vials, pickup.pickup_date, pickup.lot_number) == (reserved - 2, "2022-03-18", "FK0001")
    details = await refused(
        stock.call(
            "RecordPickup",
            spb.RecordPickupRequest(parent=LILAS, effecteur=DUBOIS, lot=lot, vials=3, request_id=rid()),
            CLAIRE,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert [v.field for v in details.violations] == ["vials"] and "2 flacons" in details.violations[0].description
    await refused(
        stock.call(
            "RecordPickup",
            spb.RecordPickupRequest(parent=LILAS, effecteur=LEFEBVRE, lot=lot, vials=1, request_id=rid()),
            CLAIRE,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    mine = await stock.call("ListPickups", spb.ListPickupsRequest(parent="officines/-", effecteur=DUBOIS), JEANNE)
    assert [p.vials for p in mine.pickups] == [reserved - 2]  # type: ignore[attr-defined]
    waiting = {(w.product, w.vials, w.uncollected) for w in mine.waiting}  # type: ignore[attr-defined]
    assert waiting == {(PFIZER, 2, False), (MODERNA, 5, False)}
    await refused(stock.call("ListPickups", spb.ListPickupsRequest(parent=LILAS), JEANNE), grpc.StatusCode.NOT_FOUND)
    current = await stock.get()
    assert product(current, PFIZER).picked_up_vials == reserved - 2 and all(balanced(p) for p in current.products)


async def offer(stock: Stock, lot: str, vials: int) -> spb.Offer:
    answer = await stock.call("CreateOffer", spb.CreateOfferRequest(lot=lot, vials=vials, request_id=rid()), CLAIRE)
    return answer.offer  # type: ignore[attr-defined,no-any-return]


async def test_uncollected_vials_are_offered_after_seven_days_to_eligible_professionals_of_the_departement(
    stack: Stack, stock: Stock
) -> None:
    await published(stack)
    await stock.call("RecordReceipt", receipt_request(), CLAIRE)
    lot = lot_named(await stock.get(), "FK0001").name
    details = await refused(
        stock.call("CreateOffer", spb.CreateOfferRequest(lot=lot, vials=2, request_id=rid()), CLAIRE),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert "25 mars 2022" in details.violations[0].description

    stack.clock.set(DELIVERED + timedelta(days=7))
    current = await stock.get()
    assert product(current, PFIZER).uncollected_vials == 9
    made = await offer(stock, lot, 2)
    assert (made.available_vials, made.department) == (2, "75")
    after = await stock.get()
    pfizer = product(after, PFIZER)
    # Two reserved vials were released for the offer; they are still on the shelf.
    assert (pfizer.in_stock_vials, pfizer.reserved_vials, pfizer.offered_vials) == (9, 7, 2)

    paediatric = await offer(stock, lot_named(after, "PD0007").name, 2)
    seen = await stock.call("ListOffers", spb.ListOffersRequest(parent="officines/-", effecteur=FONTAINE), NADIA)
    assert {o.name for o in seen.offers} == {made.name, paediatric.name}  # type: ignore[attr-defined]
    # The EHPAD sees the adult vials only; a médecin of Lyon sees nothing of Paris.
    ehpad = await stock.call("ListOffers", spb.ListOffersRequest(parent="officines/-", effecteur=EHPAD), YVES)
    assert [o.name for o in ehpad.offers] == [made.name]  # type: ignore[attr-defined]
    lyon = await stock.call("ListOffers", spb.ListOffersRequest(parent="officines/-", effecteur=LEFEBVRE), HUGO)
    assert list(lyon.offers) == []  # type: ignore[attr-defined]
    details = await refused(
        stock.call(
            "ClaimOffer",
            spb.ClaimOfferRequest(offer=paediatric.name, effecteur=EHPAD, vials=1, request_id=rid()),
            YVES,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert details.violations[0].field == "effecteur" and "pédiatrique" not in details.reason
    assert "5-11" in details.violations[0].description
    await refused(
        stock.call(
            "ClaimOffer", spb.ClaimOfferRequest(offer=made.name, effecteur=LEFEBVRE, vials=1, request_id=rid()), HUGO
        ),
        grpc.StatusCode.NOT_FOUND,
    )
    # Claiming for someone else is "not found" too.
    await refused(
        stock.call(
            "ClaimOffer", spb.ClaimOfferRequest(offer=made.name, effecteur=FONTAINE, vials=1, request_id=rid()), AMINA
        ),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_two_professionals_claiming_the_last_vials_at_once_one_gets_them(stack: Stack, stock: Stock) -> None:
    await published(stack)
    await stock.call("RecordReceipt", receipt_request(), CLAIRE)
    stack.clock.set(DELIVERED + timedelta(days=8))
    made = await offer(stock, lot_named(await stock.get(), "FK0001").name, 2)
    claims = [
        stock.call(
            "ClaimOffer", spb.ClaimOfferRequest(offer=made.name, effecteur=who, vials=2, request_id=rid()), token
        )
        for who, token in [(FONTAINE, NADIA), (TRAORE, AMINA), (DUBOIS, JEANNE)]
    ]
    outcomes = await asyncio.gather(*claims, return_exceptions=True)
    won = [o for o in outcomes if not isinstance(o, BaseException)]
    lost = [o for o in outcomes if isinstance(o, grpc.aio.AioRpcError)]
    assert len(won) == 1 and len(lost) == 2
    for error in lost:
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "un autre professionnel" in (error.details() or "")
    offers = await stock.call("ListOffers", spb.ListOffersRequest(parent=LILAS), CLAIRE)
    (only,) = offers.offers  # type: ignore[attr-defined]
    assert only.available_vials == 0 and len(only.claims) == 1

    claim = only.claims[0]
    handed = await stock.call("HandOverClaim", spb.HandOverClaimRequest(name=claim.name, request_id=rid()), CLAIRE)
    assert handed.claim.state == spb.Claim.STATE_HANDED_OVER  # type: ignore[attr-defined]
    await refused(
        stock.call("HandOverClaim", spb.HandOverClaimRequest(name=claim.name, request_id=rid()), CLAIRE),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    await refused(
        stock.call("HandOverClaim", spb.HandOverClaimRequest(name=claim.name, request_id=rid()), KARIM),
        grpc.StatusCode.NOT_FOUND,
    )
    pfizer = product(await stock.get(), PFIZER)
    assert (pfizer.handed_over_vials, pfizer.in_stock_vials, pfizer.offered_vials) == (2, 7, 0)
    assert balanced(pfizer)
    moves = await stock.call("ListStockMoves", spb.ListStockMovesRequest(parent=LILAS), CLAIRE)
    kinds = [m.kind for m in moves.moves]  # type: ignore[attr-defined]
    assert kinds.count(spb.STOCK_MOVE_KIND_HANDED_OVER) == 1 and kinds.count(spb.STOCK_MOVE_KIND_CLAIMED) == 1
    assert all(m.actor and m.move_time.seconds for m in moves.moves)  # type: ignore[attr-defined]


async def test_destruction_is_refused_above_the_lot_and_issues_a_numbered_certificate(
    stack: Stack, stock: Stock
) -> None:
    await published(stack)
    await stock.call("RecordReceipt", receipt_request(), CLAIRE)
    stack.clock.set(datetime.fromisoformat("2022-04-01T09:00:00+02:00"))  # FK0002 expired yesterday
    current = await stock.get()
    expired = lot_named(current, "FK0002")
    assert expired.alert == spb.EXPIRY_ALERT_EXPIRED
    details = await refused(
        stock.call(
            "DeclareDestruction",
            spb.DeclareDestructionRequest(
                parent=LILAS,
                lots=[spb.DestroyedLot(lot=expired.name, vials=4)],
                reason=spb.DESTRUCTION_REASON_EXPIRED,
                request_id=rid(),
            ),
            CLAIRE,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert details.violations[0].field == "lots[0].vials" and "3 flacon" in details.violations[0].description
    assert await stock.get() == current
    await refused(
        stock.call(
            "DeclareDestruction",
            spb.DeclareDestructionRequest(
                parent=LILAS, lots=[spb.DestroyedLot(lot=expired.name, vials=1)], request_id=rid()
            ),
            CLAIRE,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    request = spb.DeclareDestructionRequest(
        parent=LILAS,
        lots=[spb.DestroyedLot(lot=expired.name, vials=3)],
        reason=spb.DESTRUCTION_REASON_EXPIRED,
        request_id=rid(),
    )
    certificate = (await stock.call("DeclareDestruction", request, CLAIRE)).certificate  # type: ignore[attr-defined]
    assert certificate.number == "DES-2022-000001"
    assert (await stock.call("DeclareDestruction", request, CLAIRE)).certificate == certificate  # type: ignore[attr-defined]
    pdf = await stock.call(
        "GetDestructionCertificatePdf", spb.GetDestructionCertificatePdfRequest(name=certificate.name), CLAIRE
    )
    assert pdf.pdf.startswith(b"%PDF") and pdf.filename.endswith("DES-2022-000001.pdf")  # type: ignore[attr-defined]
    await refused(
        stock.call(
            "GetDestructionCertificatePdf", spb.GetDestructionCertificatePdfRequest(name=certificate.name), KARIM
        ),
        grpc.StatusCode.NOT_FOUND,
    )
    after = await stock.get()
    pfizer = product(after, PFIZER)
    # Destroyed vials were reserved (Dubois, Traoré): reservations shrink with them.
    assert (pfizer.destroyed_vials, pfizer.in_stock_vials, pfizer.reserved_vials) == (3, 6, 6)
    assert sum(r.vials for r in pfizer.reservations) == 6
    assert balanced(pfizer)


async def test_the_alert_job_reads_due_notices_and_operators_the_national_reconciliation(
    stack: Stack, stock: Stock, service_token
) -> None:  # type: ignore[no-untyped-def]
    await published(stack)
    await stock.call("RecordReceipt", receipt_request(), CLAIRE)
    stack.clock.set(datetime.fromisoformat("2022-03-26T09:00:00+01:00"))  # FK0002: 5 days left; 8 days after receipt
    job = as_service(service_token, "stock-alerts")
    notices = await stock.stub.ListStockNotices(spb.ListStockNoticesRequest(), metadata=job, timeout=30)
    assert [(n.lot.lot_number, n.threshold_days) for n in notices.expiry_notices] == [("FK0002", 7)]
    waiting = {(u.effecteur, u.product): u.vials for u in notices.uncollected_notices}
    assert set(waiting) == {(DUBOIS, PFIZER), (TRAORE, PFIZER), (DUBOIS, MODERNA)}
    assert waiting[(DUBOIS, PFIZER)] + waiting[(TRAORE, PFIZER)] == 9 and waiting[(DUBOIS, MODERNA)] == 5
    await refused(
        stock.call("ListStockNotices", spb.ListStockNoticesRequest(), CLAIRE), grpc.StatusCode.PERMISSION_DENIED
    )
    # A job is held to its grants: the alert job cannot write stock.
    await refused(
        stock.stub.RecordReceipt(receipt_request(), metadata=job, timeout=30), grpc.StatusCode.PERMISSION_DENIED
    )
    national = await stock.call("GetStockReconciliation", spb.GetStockReconciliationRequest(), OPERATOR)
    rows = {(r.department, r.product): r for r in national.rows}  # type: ignore[attr-defined]
    assert (rows[("75", PFIZER)].received_vials, rows[("75", PFIZER)].uncollected_vials) == (9, 9)
    await refused(
        stock.call("GetStockReconciliation", spb.GetStockReconciliationRequest(), CLAIRE),
        grpc.StatusCode.PERMISSION_DENIED,
    )
