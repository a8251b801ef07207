"""The stock-alert job against the real services and an SMTP relay: after a
delivery is received at Pharmacie des Lilas, the job (`send-stock-notices`,
under its own `stock-alerts` identity) queues one expiry alert per lot and
threshold to the officine, one uncollected-vial notice per reservation to the
effecteur, and each destruction certificate with its PDF to the quality
mailbox — once, however many times it runs, even two runs at once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime

import grpc
import pytest

from services.mailer.settings import MailerSettings
from services.mailer.stock_alerts_cli import send_stock_notices
from tests.mailer.conftest import PARIS, Relay
from tests.mailer.stack import CLAIRE, LILAS, AfterClose, after_close, rid
from tests.support.polling import eventually
from vaxorders.mailer.v1 import mailer_service_pb2 as pb
from vaxorders.mailer.v1 import stock_alerts_service_pb2 as apb
from vaxorders.mailer.v1 import stock_alerts_service_pb2_grpc as apb_grpc
from vaxorders.orders.v1 import stock_service_pb2 as spb
from vaxorders.orders.v1 import stock_service_pb2_grpc as spb_grpc

QUALITY = "qualite_covid19@santepubliquefrance.fr"
STOCK_TEMPLATES = {"stock-expiry-alert", "stock-uncollected", "destruction-certificate"}


@pytest.fixture
async def stack(psc, database_url_for, dataset, start_mailer, service_identity) -> AsyncIterator[AfterClose]:  # type: ignore[no-untyped-def]
    async with after_close(
        psc, database_url_for, dataset, start_mailer, service_identity, quality_address=QUALITY
    ) as running:
        yield running


async def received_and_destroyed(stack: AfterClose) -> None:
    """Lilas receives its delivery on 18 March, a Moderna vial breaks; eight days later,
    nobody came: the Pfizer lot is usable 4 more days."""
    await stack.publish()
    stack.clock.set(datetime(2022, 3, 18, 10, 0, tzinfo=PARIS))
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{stack.orders_server.port}")
    stock = spb_grpc.StockServiceStub(channel)
    auth = stack.auth(CLAIRE)
    try:
        await stock.RecordReceipt(
            spb.RecordReceiptRequest(
                parent=f"officines/{LILAS}",
                session="sessions/2022-03-07",
                receipt_date="2022-03-18",
                lots=[
                    spb.ReceiptLot(
                        product="products/pfizer-adult", lot_number="FP1", expiry_date="2022-03-30", vials=5
                    ),
                    spb.ReceiptLot(product="products/moderna", lot_number="M77", expiry_date="2022-06-30", vials=30),
                ],
                request_id=rid(),
            ),
            metadata=auth,
            timeout=30,
        )
        stack.clock.set(datetime(2022, 3, 26, 9, 0, tzinfo=PARIS))
        current = await stock.GetStock(spb.GetStockRequest(name=f"officines/{LILAS}/stock"), metadata=auth, timeout=30)
        moderna = next(lot for p in current.stock.products for lot in p.lots if lot.lot_number == "M77")
        await stock.DeclareDestruction(
            spb.DeclareDestructionRequest(
                parent=f"officines/{LILAS}",
                lots=[spb.DestroyedLot(lot=moderna.name, vials=1)],
                reason=spb.DESTRUCTION_REASON_BROKEN,
                request_id=rid(),
            ),
            metadata=auth,
            timeout=30,
        )
    finally:
        await channel.close()


def job_settings(stack: AfterClose, service_identity) -> MailerSettings:  # type: ignore[no-untyped-def]
    return MailerSettings(
        service="mailer",
        environment="test",
        mailer_address=f"127.0.0.1:{stack.mailer.running.port}",
        **service_identity.minting_overrides(),
    )


async def stock_messages(stack: AfterClose) -> list[pb.Message]:
    page = await stack.mailer.stub.ListMessages(
        pb.ListMessagesRequest(page_size=1000), metadata=stack.auth("899700000906")
    )
    return [m for m in page.messages if m.template in STOCK_TEMPLATES]


async def test_the_job_mails_each_notice_once_and_the_certificate_with_its_pdf(
    stack: AfterClose, relay: Relay, service_identity
) -> None:  # type: ignore[no-untyped-def]
    await received_and_destroyed(stack)
    settings = job_settings(stack, service_identity)
    assert await send_stock_notices(settings, clock=stack.clock) == 0
    first = await stock_messages(stack)
    # One expiry alert (FP1, 7-day threshold), one notice per effecteur and product
    # left uncollected, one certificate.
    assert Counter(m.template for m in first) == {
        "stock-expiry-alert": 1,
        "stock-uncollected": 5,  # Dubois (2 products), Traoré, Fontaine, the EHPAD
        "destruction-certificate": 1,
    }
    # Run again, and twice at once: nothing new.
    assert await send_stock_notices(settings, clock=stack.clock) == 0
    assert await asyncio.gather(*[send_stock_notices(settings, clock=stack.clock) for _ in range(2)]) == [0, 0]
    assert len(await stock_messages(stack)) == len(first)

    mails = await eventually(lambda: (m := relay.mails()) and len(m) >= len(first) and m)
    by_subject = {m["Subject"]: m for m in mails}
    (certificate,) = [m for m in mails if m["Subject"].startswith("Certificat de destruction DES-2022-000001")]
    assert certificate["To"] == QUALITY
    (pdf,) = list(certificate.iter_attachments())
    assert pdf.get_filename() == "certificat-destruction-DES-2022-000001.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    assert "Pharmacie des Lilas" in certificate["Subject"] and "flacons cassés" in certificate.get_body().get_content()
    (alert,) = [m for m in mails if "à utiliser avant le mercredi 30 mars 2022" in m["Subject"]]
    assert alert["To"] == "pharmacie.lilas@example.test"
    assert "FP1" in alert.get_body().get_content() and "dans 4 jours" in alert.get_body().get_content()
    uncollected = [m for m in mails if "vous attend" in m["Subject"]]
    assert len(uncollected) == 5
    assert {"jeanne.dubois@example.test", "amina.traoré@example.test"} <= {m["To"] for m in uncollected}
    assert all("products/" not in subject and "effecteurs/" not in subject for subject in by_subject)


async def test_nobody_but_the_job_and_operators_may_ask_for_the_run(stack: AfterClose, service_identity) -> None:  # type: ignore[no-untyped-def]
    stub = apb_grpc.StockAlertServiceStub(stack.mailer.channel)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub.SendStockNotices(apb.SendStockNoticesRequest(), metadata=stack.auth(CLAIRE), timeout=30)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    # The Friday job's identity is not granted this RPC: its grants are its own.
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await stub.SendStockNotices(
            apb.SendStockNoticesRequest(), metadata=service_identity.metadata_for("friday-confirmations"), timeout=30
        )
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
