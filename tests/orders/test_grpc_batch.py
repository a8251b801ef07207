"""BatchWriteOrderLines through the real gRPC server: per-write results, the
access rule of the single-line writes, the limit on the number of writes."""

from __future__ import annotations

import grpc

from tests.orders.conftest import refused
from tests.orders.stack import CLAIRE, KARIM, Stack, rid
from vaxorders.orders.v1 import orders_service_pb2 as pb

SESSION = "sessions/2022-03-07"
LILAS = f"{SESSION}/officines/759900111"
DUBOIS = "effecteurs/rpps:99700000104"
MODERNA, PFIZER = "products/moderna", "products/pfizer-adult"


def creating(product: str, vials: int) -> pb.OrderLineWrite:
    return pb.OrderLineWrite(create=pb.OrderLine(effecteur=DUBOIS, product=product, vials=vials))


async def test_a_grid_save_answers_each_write(stack: Stack) -> None:
    await stack.publish_rule("2022-03-07", "MEDECIN", "moderna", kind=2, max_vials=10)  # QUOTA_KIND_CAPPED
    answer = await stack.call(
        "BatchWriteOrderLines",
        pb.BatchWriteOrderLinesRequest(
            parent=LILAS, writes=[creating(MODERNA, 11), creating(PFIZER, 3)], request_id=rid()
        ),
        CLAIRE,
    )
    refusal, saved = answer.results
    assert (refusal.saved, refusal.reason, refusal.HasField("line")) == (False, "QUOTA_EXCEEDED", False)
    assert "10" in refusal.message
    assert (saved.saved, saved.line.vials, saved.line.product) == (True, 3, PFIZER)
    withdrawn = await stack.call(
        "BatchWriteOrderLines",
        pb.BatchWriteOrderLinesRequest(
            parent=LILAS,
            writes=[pb.OrderLineWrite(delete=pb.OrderLine(name=saved.line.name, etag=saved.line.etag))],
            request_id=rid(),
        ),
        CLAIRE,
    )
    assert [(r.saved, r.HasField("line")) for r in withdrawn.results] == [(True, False)]
    lines = await stack.call("ListOrderLines", pb.ListOrderLinesRequest(parent=LILAS), CLAIRE)
    assert list(lines.lines) == []


async def test_another_officine_is_not_found_and_too_many_writes_are_invalid(stack: Stack) -> None:
    save = pb.BatchWriteOrderLinesRequest(parent=LILAS, writes=[creating(MODERNA, 1)], request_id=rid())
    await refused(stack.call("BatchWriteOrderLines", save, KARIM), grpc.StatusCode.NOT_FOUND)
    too_many = pb.BatchWriteOrderLinesRequest(parent=LILAS, writes=[creating(MODERNA, 1)] * 201, request_id=rid())
    error = await refused(stack.call("BatchWriteOrderLines", too_many, CLAIRE), grpc.StatusCode.INVALID_ARGUMENT)
    assert "Au plus 200 lignes" in error.message
    lines = await stack.call("ListOrderLines", pb.ListOrderLinesRequest(parent=LILAS), CLAIRE)
    assert list(lines.lines) == []
