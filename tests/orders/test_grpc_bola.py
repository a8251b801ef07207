"""Broken object-level authorisation: for every RPC that takes a resource name,
officine B aiming at officine A's objects gets NOT_FOUND (never the data, never
a hint that it exists), and nothing of A's changes. Real tokens, real server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import pytest

from services.common.grpc_errors import ErrorDetails
from tests.orders.stack import CLAIRE, HUGO, JEANNE, KARIM, Stack, rid
from vaxorders.orders.v1 import orders_service_pb2 as pb

A = "sessions/2022-03-07/officines/759900111"
DUBOIS = "effecteurs/rpps:99700000104"


async def a_objects(stack: Stack) -> tuple[pb.OrderLine, pb.VialRequest]:
    line = (
        await stack.call(
            "CreateOrderLine",
            pb.CreateOrderLineRequest(
                parent=A, line=pb.OrderLine(effecteur=DUBOIS, product="products/moderna", vials=5), request_id=rid()
            ),
            CLAIRE,
        )
    ).line
    asked = (
        await stack.call(
            "CreateVialRequest",
            pb.CreateVialRequestRequest(
                parent=A,
                vial_request=pb.VialRequest(effecteur=DUBOIS, product="products/pfizer-adult", vials=3),
                request_id=rid(),
            ),
            JEANNE,
        )
    ).vial_request
    return line, asked


# (RPC, request built from A's line and request): every RPC of OrderService that names an officine's object.
ATTEMPTS: list[tuple[str, Callable[[pb.OrderLine, pb.VialRequest], Any]]] = [
    ("GetOrderLine", lambda line, req: pb.GetOrderLineRequest(name=line.name)),
    ("ListOrderLines", lambda line, req: pb.ListOrderLinesRequest(parent=A)),
    ("ListOrderLines", lambda line, req: pb.ListOrderLinesRequest(parent="sessions/-/officines/759900111")),
    (
        "CreateOrderLine",
        lambda line, req: pb.CreateOrderLineRequest(
            parent=A, line=pb.OrderLine(effecteur=DUBOIS, product="products/pfizer-adult", vials=1), request_id=rid()
        ),
    ),
    (
        "UpdateOrderLine",
        lambda line, req: pb.UpdateOrderLineRequest(
            line=pb.OrderLine(name=line.name, etag=line.etag, vials=1), request_id=rid()
        ),
    ),
    ("DeleteOrderLine", lambda line, req: pb.DeleteOrderLineRequest(name=line.name, etag=line.etag, request_id=rid())),
    ("ListOrderLineChanges", lambda line, req: pb.ListOrderLineChangesRequest(parent=line.name)),
    ("ListOrderLineChanges", lambda line, req: pb.ListOrderLineChangesRequest(parent=req.name)),
    ("GetOfficineSummary", lambda line, req: pb.GetOfficineSummaryRequest(name=A)),
    (
        "CreateVialRequest",
        lambda line, req: pb.CreateVialRequestRequest(
            parent=A,
            vial_request=pb.VialRequest(effecteur=DUBOIS, product="products/moderna", vials=1),
            request_id=rid(),
        ),
    ),
    ("GetVialRequest", lambda line, req: pb.GetVialRequestRequest(name=req.name)),
    ("ListVialRequests", lambda line, req: pb.ListVialRequestsRequest(parent=A)),
    (
        "ListVialRequests",
        lambda line, req: pb.ListVialRequestsRequest(parent="sessions/-/officines/-", effecteur=DUBOIS),
    ),
    ("ConfirmVialRequest", lambda line, req: pb.ConfirmVialRequestRequest(name=req.name, request_id=rid())),
    (
        "DeclineVialRequest",
        lambda line, req: pb.DeclineVialRequestRequest(name=req.name, reason="Non", request_id=rid()),
    ),
    ("CancelVialRequest", lambda line, req: pb.CancelVialRequestRequest(name=req.name, request_id=rid())),
    ("ListDeliveries", lambda line, req: pb.ListDeliveriesRequest(parent=A)),
    ("ListDeliveries", lambda line, req: pb.ListDeliveriesRequest(parent="sessions/-/officines/759900111")),
    ("ListDeliveries", lambda line, req: pb.ListDeliveriesRequest(parent="sessions/-/officines/-", effecteur=DUBOIS)),
]


@pytest.mark.parametrize("intruder", [KARIM, HUGO], ids=["officine-B", "medecin-of-B"])
async def test_officine_b_gets_not_found_for_every_object_of_officine_a(stack: Stack, intruder: str) -> None:
    line, asked = await a_objects(stack)
    outcomes = {}
    for method, build in ATTEMPTS:
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await stack.call(method, build(line, asked), intruder)
        details = ErrorDetails.from_rpc_error(error.value)
        outcomes[f"{method}({build(line, asked).__class__.__name__})"] = details.code
        assert details.reason and details.message  # a French message, never A's data
    assert set(outcomes.values()) == {grpc.StatusCode.NOT_FOUND}, outcomes

    # A's objects are exactly as they were.
    seen_line = (await stack.call("GetOrderLine", pb.GetOrderLineRequest(name=line.name), CLAIRE)).line
    assert (seen_line.vials, seen_line.etag) == (line.vials, line.etag)
    seen_request = (await stack.call("GetVialRequest", pb.GetVialRequestRequest(name=asked.name), JEANNE)).vial_request
    assert seen_request.state == pb.VialRequest.STATE_PENDING
    lines = (await stack.call("ListOrderLines", pb.ListOrderLinesRequest(parent=A), CLAIRE)).lines
    assert [x.name for x in lines] == [line.name]


async def test_a_line_name_with_another_officine_in_it_is_not_found(stack: Stack) -> None:
    """B cannot reach A's line by putting A's line id under its own officine."""
    line, asked = await a_objects(stack)
    forged_line = line.name.replace("759900111", "699900122")
    forged_request = asked.name.replace("759900111", "699900122")
    for method, request in (
        ("GetOrderLine", pb.GetOrderLineRequest(name=forged_line)),
        (
            "UpdateOrderLine",
            pb.UpdateOrderLineRequest(line=pb.OrderLine(name=forged_line, etag=line.etag, vials=1), request_id=rid()),
        ),
        ("GetVialRequest", pb.GetVialRequestRequest(name=forged_request)),
        ("ConfirmVialRequest", pb.ConfirmVialRequestRequest(name=forged_request, request_id=rid())),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await stack.call(method, request, KARIM)
        assert error.value.code() == grpc.StatusCode.NOT_FOUND, method
