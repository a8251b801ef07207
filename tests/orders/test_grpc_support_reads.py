"""Support agents read one officine's order lines, requests, summary and
deliveries (to answer "quand et combien vais-je recevoir"), and change nothing:
every write is PERMISSION_DENIED and leaves the officine's objects as they were.
Real tokens, real server."""

from __future__ import annotations

import grpc
import pytest

import tests.support.psc as psc_module
from services.common.grpc_errors import ErrorDetails
from tests.orders.stack import CLAIRE, OPERATOR_ID, Stack, rid
from tests.orders.test_grpc_bola import A, a_objects
from vaxorders.orders.v1 import orders_service_pb2 as pb

AGENT = "899700000047"  # Lucas Petit, an adjoint (acts for no officine): support is all he is here


@pytest.fixture
def support_only_agent(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(psc_module, "_dataset_support_agents", lambda: [OPERATOR_ID, AGENT])
    return AGENT


async def test_a_support_agent_reads_an_officines_orders_and_deliveries(support_only_agent: str, stack: Stack) -> None:
    line, asked = await a_objects(stack)
    assert (await stack.call("GetOrderLine", pb.GetOrderLineRequest(name=line.name), AGENT)).line.vials == 5
    lines = await stack.call("ListOrderLines", pb.ListOrderLinesRequest(parent="sessions/-/officines/759900111"), AGENT)
    assert [x.name for x in lines.lines] == [line.name]
    requests = await stack.call("ListVialRequests", pb.ListVialRequestsRequest(parent=A), AGENT)
    assert [r.name for r in requests.vial_requests] == [asked.name]
    summary = await stack.call("GetOfficineSummary", pb.GetOfficineSummaryRequest(name=A), AGENT)
    assert summary.pending_requests == 1
    await stack.call("ListDeliveries", pb.ListDeliveriesRequest(parent="sessions/-/officines/759900111"), AGENT)


async def test_a_support_agent_changes_nothing_in_orders(support_only_agent: str, stack: Stack) -> None:
    line, asked = await a_objects(stack)
    writes = [
        (
            "CreateOrderLine",
            pb.CreateOrderLineRequest(
                parent=A,
                line=pb.OrderLine(effecteur=line.effecteur, product="products/pfizer-adult", vials=1),
                request_id=rid(),
            ),
        ),
        (
            "UpdateOrderLine",
            pb.UpdateOrderLineRequest(line=pb.OrderLine(name=line.name, etag=line.etag, vials=1), request_id=rid()),
        ),
        ("DeleteOrderLine", pb.DeleteOrderLineRequest(name=line.name, etag=line.etag, request_id=rid())),
        ("ConfirmVialRequest", pb.ConfirmVialRequestRequest(name=asked.name, request_id=rid())),
        ("DeclineVialRequest", pb.DeclineVialRequestRequest(name=asked.name, reason="Non", request_id=rid())),
    ]
    for method, request in writes:
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await stack.call(method, request, AGENT)
        details = ErrorDetails.from_rpc_error(error.value)
        assert details.code == grpc.StatusCode.PERMISSION_DENIED, method
        assert "agents du support" in details.message, method
    # A national read stays the operators'.
    with pytest.raises(grpc.aio.AioRpcError):
        await stack.call("ListOrderLines", pb.ListOrderLinesRequest(parent="sessions/-/officines/-"), AGENT)

    seen = (await stack.call("GetOrderLine", pb.GetOrderLineRequest(name=line.name), CLAIRE)).line
    assert (seen.vials, seen.etag) == (line.vials, line.etag)
    kept = (await stack.call("GetVialRequest", pb.GetVialRequestRequest(name=asked.name), CLAIRE)).vial_request
    assert kept.state == pb.VialRequest.STATE_PENDING
