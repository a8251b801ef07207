"""OrderService through its real gRPC server, with real PSC tokens, against the
real SessionService and EffecteurService seeded with the reference dataset."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import grpc

from services.common.grpc_errors import ErrorDetails
from tests.orders.conftest import CLOSE_TIME, OPEN_TIME, refused
from tests.orders.stack import CLAIRE, JEANNE, KARIM, OPERATOR, Stack, rid
from tests.support.page_tokens import CRAFTED_PAGE_TOKENS
from vaxorders.orders.v1 import orders_service_pb2 as pb
from vaxorders.type.v1 import effecteur_type_pb2

SESSION = "sessions/2022-03-07"
LILAS = f"{SESSION}/officines/759900111"
CONFLUENT = f"{SESSION}/officines/699900122"
DUBOIS = "effecteurs/rpps:99700000104"
PMI = "effecteurs/finess:759901028"
MODERNA, PFIZER = "products/moderna", "products/pfizer-adult"
DOMAIN = "orders.vaxorders.sante.gouv.fr"


def create_line(
    effecteur: str = DUBOIS, product: str = MODERNA, vials: int = 5, parent: str = LILAS, request_id: str = ""
) -> pb.CreateOrderLineRequest:
    return pb.CreateOrderLineRequest(
        parent=parent,
        line=pb.OrderLine(effecteur=effecteur, product=product, vials=vials),
        request_id=request_id or rid(),
    )


def ask(vials: int = 1, product: str = MODERNA) -> pb.CreateVialRequestRequest:
    return pb.CreateVialRequestRequest(
        parent=LILAS, vial_request=pb.VialRequest(effecteur=DUBOIS, product=product, vials=vials), request_id=rid()
    )


async def lines_of(stack: Stack, parent: str = LILAS) -> list[pb.OrderLine]:
    return list((await stack.call("ListOrderLines", pb.ListOrderLinesRequest(parent=parent), CLAIRE)).lines)


async def test_window_boundaries_follow_the_server_clock_and_the_real_session(stack: Stack) -> None:
    second = timedelta(seconds=1)
    stack.clock.set(OPEN_TIME - second)
    closed = await refused(stack.call("CreateOrderLine", create_line(), CLAIRE), grpc.StatusCode.FAILED_PRECONDITION)
    assert (closed.reason, closed.domain) == ("SESSION_CLOSED", DOMAIN)
    assert (
        "lundi 7 mars 2022 à 8\u00a0h\u00a000" in closed.message
        and "mardi 8 mars 2022 à 23\u00a0h\u00a000" in closed.message
    )
    stack.clock.set(OPEN_TIME)
    await stack.call("CreateOrderLine", create_line(product=MODERNA), CLAIRE)
    stack.clock.set(CLOSE_TIME - second)
    await stack.call("CreateOrderLine", create_line(product=PFIZER), CLAIRE)
    stack.clock.set(CLOSE_TIME)
    late = await refused(
        stack.call("CreateOrderLine", create_line(product="products/pfizer-pediatric"), CLAIRE),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    assert late.reason == "SESSION_CLOSED" and "close" in late.message
    assert sorted(x.product for x in await lines_of(stack)) == [MODERNA, PFIZER]


async def test_pmi_cannot_order_moderna_in_the_reference_week(stack: Stack) -> None:
    error = await refused(
        stack.call("CreateOrderLine", create_line(effecteur=PMI, product=MODERNA), CLAIRE),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    assert error.reason == "PRODUCT_NOT_OPEN"
    assert "PMI" in error.message and "Moderna" in error.message
    answer = await stack.call(
        "CreateOrderLine", create_line(effecteur=PMI, product="products/pfizer-pediatric"), CLAIRE
    )
    assert answer.line.effecteur_type == effecteur_type_pb2.EFFECTEUR_TYPE_PMI


async def test_quota_refusal_and_soft_threshold_reach_the_client(stack: Stack) -> None:
    await stack.publish_rule("2022-03-07", "MEDECIN", "moderna", kind=2, max_vials=10)  # QUOTA_KIND_CAPPED
    await stack.publish_rule("2022-03-07", "MEDECIN", "pfizer-adult", kind=1, soft_threshold=20)  # UNLIMITED
    line = (await stack.call("CreateOrderLine", create_line(vials=8), CLAIRE)).line
    error = await refused(
        stack.call(
            "UpdateOrderLine",
            pb.UpdateOrderLineRequest(line=pb.OrderLine(name=line.name, etag=line.etag, vials=12), request_id=rid()),
            CLAIRE,
        ),
        grpc.StatusCode.RESOURCE_EXHAUSTED,
    )
    assert error.reason == "QUOTA_EXCEEDED" and error.metadata["remaining_vials"] == "2"
    warned = await stack.call("CreateOrderLine", create_line(product=PFIZER, vials=30), CLAIRE)
    assert [w.reason for w in warned.warnings] == ["ABOVE_SOFT_THRESHOLD"]
    assert warned.line.vials == 30


async def test_stale_etag_is_aborted(stack: Stack) -> None:
    line = (await stack.call("CreateOrderLine", create_line(), CLAIRE)).line
    update = pb.UpdateOrderLineRequest(line=pb.OrderLine(name=line.name, etag=line.etag, vials=7), request_id=rid())
    changed = (await stack.call("UpdateOrderLine", update, CLAIRE)).line
    assert changed.vials == 7
    stale = pb.UpdateOrderLineRequest(line=pb.OrderLine(name=line.name, etag=line.etag, vials=9), request_id=rid())
    await refused(stack.call("UpdateOrderLine", stale, CLAIRE), grpc.StatusCode.ABORTED)
    await refused(
        stack.call(
            "DeleteOrderLine", pb.DeleteOrderLineRequest(name=line.name, etag=line.etag, request_id=rid()), CLAIRE
        ),
        grpc.StatusCode.ABORTED,
    )
    assert [x.vials for x in await lines_of(stack)] == [7]


async def test_the_update_mask_of_a_line_may_only_name_vials(stack: Stack) -> None:
    line = (await stack.call("CreateOrderLine", create_line(vials=5), CLAIRE)).line
    product = pb.UpdateOrderLineRequest(
        line=pb.OrderLine(name=line.name, etag=line.etag, product=PFIZER, vials=6), request_id=rid()
    )
    product.update_mask.paths.append("product")
    error = await refused(stack.call("UpdateOrderLine", product, CLAIRE), grpc.StatusCode.INVALID_ARGUMENT)
    assert [v.field for v in error.violations] == ["update_mask"]
    assert "product" in error.violations[0].description and "vials" in error.violations[0].description
    vials = pb.UpdateOrderLineRequest(line=pb.OrderLine(name=line.name, etag=line.etag, vials=6), request_id=rid())
    vials.update_mask.paths.append("vials")
    assert (await stack.call("UpdateOrderLine", vials, CLAIRE)).line.vials == 6
    assert [(x.product, x.vials) for x in await lines_of(stack)] == [(MODERNA, 6)]


async def test_bad_input_is_refused_with_field_violations(stack: Stack) -> None:
    error = await refused(
        stack.call("CreateOrderLine", create_line(vials=0, product="moderna"), CLAIRE), grpc.StatusCode.INVALID_ARGUMENT
    )
    assert {v.field for v in error.violations} == {"line.vials", "line.product"}
    assert await lines_of(stack) == []


async def test_request_confirmed_with_another_quantity_becomes_a_line_the_requester_sees(stack: Stack) -> None:
    asked = (await stack.call("CreateVialRequest", ask(10), JEANNE)).vial_request
    assert asked.state == pb.VialRequest.STATE_PENDING
    pending = await stack.call(
        "ListVialRequests", pb.ListVialRequestsRequest(parent=LILAS, state=pb.VialRequest.STATE_PENDING), CLAIRE
    )
    assert [r.name for r in pending.vial_requests] == [asked.name]
    summary = await stack.call("GetOfficineSummary", pb.GetOfficineSummaryRequest(name=LILAS), CLAIRE)
    assert summary.pending_requests == 1
    no_reason = pb.ConfirmVialRequestRequest(name=asked.name, vials=6, request_id=rid())
    error = await refused(stack.call("ConfirmVialRequest", no_reason, CLAIRE), grpc.StatusCode.INVALID_ARGUMENT)
    assert [v.field for v in error.violations] == ["reason"]
    confirm = pb.ConfirmVialRequestRequest(name=asked.name, vials=6, reason="Stock limité", request_id=rid())
    confirmed = await stack.call("ConfirmVialRequest", confirm, CLAIRE)
    assert (confirmed.line.vials, confirmed.line.vials_from_requests) == (6, 6)
    seen = (await stack.call("GetVialRequest", pb.GetVialRequestRequest(name=asked.name), JEANNE)).vial_request
    assert (seen.state, seen.confirmed_vials, seen.decision_reason, seen.order_line) == (
        pb.VialRequest.STATE_CONFIRMED,
        6,
        "Stock limité",
        confirmed.line.name,
    )
    mine = await stack.call(
        "ListOrderLines", pb.ListOrderLinesRequest(parent="sessions/-/officines/-", effecteur=DUBOIS), JEANNE
    )
    assert [x.vials for x in mine.lines] == [6]
    summary = await stack.call("GetOfficineSummary", pb.GetOfficineSummaryRequest(name=LILAS), CLAIRE)
    assert [(p.product, p.vials, p.doses) for p in summary.products] == [(MODERNA, 6, 60)]
    assert summary.pending_requests == 0


async def test_declined_request_tells_the_requester_why(stack: Stack) -> None:
    asked = (await stack.call("CreateVialRequest", ask(4), JEANNE)).vial_request
    declined = await stack.call(
        "DeclineVialRequest",
        pb.DeclineVialRequestRequest(name=asked.name, reason="Livré la semaine dernière", request_id=rid()),
        CLAIRE,
    )
    assert declined.vial_request.state == pb.VialRequest.STATE_DECLINED
    seen = (await stack.call("GetVialRequest", pb.GetVialRequestRequest(name=asked.name), JEANNE)).vial_request
    assert (seen.state, seen.decision_reason, seen.decided_by) == (
        pb.VialRequest.STATE_DECLINED,
        "Livré la semaine dernière",
        CLAIRE,
    )
    assert await lines_of(stack) == []


async def test_pending_request_expires_at_close_and_can_no_longer_be_confirmed(stack: Stack) -> None:
    asked = (await stack.call("CreateVialRequest", ask(4), JEANNE)).vial_request
    stack.clock.set(CLOSE_TIME)
    for who in (JEANNE, CLAIRE):
        seen = (await stack.call("GetVialRequest", pb.GetVialRequestRequest(name=asked.name), who)).vial_request
        assert seen.state == pb.VialRequest.STATE_EXPIRED
    error = await refused(
        stack.call("ConfirmVialRequest", pb.ConfirmVialRequestRequest(name=asked.name, request_id=rid()), CLAIRE),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    assert error.reason == "SESSION_CLOSED"


async def test_two_hundred_concurrent_confirmations_against_a_cap_of_ten(stack: Stack) -> None:
    await stack.publish_rule("2022-03-07", "MEDECIN", "moderna", kind=2, max_vials=10)
    created = await asyncio.gather(*(stack.call("CreateVialRequest", ask(1), JEANNE) for _ in range(200)))
    metadata = stack.auth(CLAIRE)

    async def confirm(name: str) -> str:
        try:
            await stack.orders.ConfirmVialRequest(
                pb.ConfirmVialRequestRequest(name=name, request_id=rid()), metadata=metadata, timeout=60
            )
            return "confirmed"
        except grpc.aio.AioRpcError as error:
            details = ErrorDetails.from_rpc_error(error)
            return f"{details.code.name}:{details.reason}"

    results = await asyncio.gather(*(confirm(c.vial_request.name) for c in created))
    assert results.count("confirmed") == 10
    assert results.count("RESOURCE_EXHAUSTED:QUOTA_EXCEEDED") == 190
    assert [(x.vials, x.vials_from_requests) for x in await lines_of(stack)] == [(10, 10)]
    pending = await stack.call(
        "ListVialRequests",
        pb.ListVialRequestsRequest(parent=LILAS, state=pb.VialRequest.STATE_PENDING, page_size=1000),
        CLAIRE,
    )
    assert len(pending.vial_requests) == 190


async def test_twenty_concurrent_retries_with_one_request_id_create_one_line(stack: Stack) -> None:
    request = create_line(vials=3, request_id=rid())
    answers = await asyncio.gather(*(stack.call("CreateOrderLine", request, CLAIRE) for _ in range(20)))
    assert {a.line.name for a in answers} == {answers[0].line.name}
    assert [x.vials for x in await lines_of(stack)] == [3]
    changes = await stack.call(
        "ListOrderLineChanges", pb.ListOrderLineChangesRequest(parent=answers[0].line.name), CLAIRE
    )
    assert [(c.action, c.request_id) for c in changes.changes] == [(pb.Change.ACTION_CREATE, request.request_id)]
    other = create_line(vials=4, request_id=request.request_id)
    await refused(stack.call("CreateOrderLine", other, CLAIRE), grpc.StatusCode.INVALID_ARGUMENT)


async def test_export_after_close_is_byte_identical_and_totals_are_live(stack: Stack) -> None:
    await stack.call("CreateOrderLine", create_line(vials=5), CLAIRE)
    await stack.call(
        "CreateOrderLine", create_line(effecteur="effecteurs/finess:759900111", product=PFIZER, vials=2), CLAIRE
    )
    await stack.call(
        "CreateOrderLine",
        create_line(parent=CONFLUENT, effecteur="effecteurs/rpps:99700000112", vials=3),
        KARIM,
    )
    totals = await stack.call("GetSessionTotals", pb.GetSessionTotalsRequest(session=SESSION), OPERATOR)
    assert [(p.product, p.vials, p.doses) for p in totals.products] == [(MODERNA, 8, 80), (PFIZER, 2, 12)]
    assert {d.department: [(p.product, p.vials) for p in d.products] for d in totals.departments} == {
        "69": [(MODERNA, 3)],
        "75": [(MODERNA, 5), (PFIZER, 2)],
    }
    assert totals.ordering_officines == 2

    async def export(layout: int = 0, as_: str = OPERATOR) -> bytes:
        request = pb.ExportSessionOrdersRequest(session=SESSION, layout=layout)
        stream = stack.orders.ExportSessionOrders(request, metadata=stack.auth(as_), timeout=30)
        return b"".join([chunk.chunk async for chunk in stream])

    still_open = await refused(export(), grpc.StatusCode.FAILED_PRECONDITION)
    assert still_open.reason == "SESSION_NOT_CLOSED"
    stack.clock.set(CLOSE_TIME + timedelta(hours=2))

    first = await export(pb.ExportSessionOrdersRequest.LAYOUT_CONSOLIDATED)
    stack.clock.advance(timedelta(days=3))
    assert await export(pb.ExportSessionOrdersRequest.LAYOUT_CONSOLIDATED) == first
    assert first.decode().splitlines() == [
        "finess,departement,produit,flacons,doses",
        "699900122,69,moderna,3,30",
        "759900111,75,moderna,5,50",
        "759900111,75,pfizer-adult,2,12",
    ]
    detail = await export(pb.ExportSessionOrdersRequest.LAYOUT_DETAIL)
    assert detail == await export(pb.ExportSessionOrdersRequest.LAYOUT_DETAIL)
    assert detail.decode().splitlines() == [
        "finess,departement,effecteur,type_effecteur,produit,flacons,doses",
        "699900122,69,rpps:99700000112,MEDECIN,moderna,3,30",
        "759900111,75,finess:759900111,PHARMACIEN,pfizer-adult,2,12",
        "759900111,75,rpps:99700000104,MEDECIN,moderna,5,50",
    ]
    not_operator = await refused(
        stack.call("GetSessionTotals", pb.GetSessionTotalsRequest(session=SESSION), CLAIRE),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    assert not_operator.reason == "OPERATORS_ONLY"
    await refused(export(as_=CLAIRE), grpc.StatusCode.PERMISSION_DENIED)


async def test_every_list_refuses_a_crafted_page_token_as_invalid_argument(stack: Stack) -> None:
    for token in CRAFTED_PAGE_TOKENS:
        for method, request in (
            ("ListOrderLines", pb.ListOrderLinesRequest(parent=LILAS, page_token=token)),
            (
                "ListOrderLineChanges",
                pb.ListOrderLineChangesRequest(parent=f"{LILAS}/lines/{'0' * 32}", page_token=token),
            ),
            ("ListVialRequests", pb.ListVialRequestsRequest(parent=LILAS, page_token=token)),
            ("ListDeliveries", pb.ListDeliveriesRequest(parent=LILAS, page_token=token)),
        ):
            error = await refused(stack.call(method, request, OPERATOR), grpc.StatusCode.INVALID_ARGUMENT)
            assert [v.field for v in error.violations] == ["page_token"], (method, error)
