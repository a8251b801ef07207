"""GetSessionActivity through the real OrderService (real PSC tokens, real
SessionService for the window): the operators' cockpit figures, and nobody
else may read them."""

from __future__ import annotations

from datetime import timedelta

import grpc

from tests.orders.conftest import DURING, refused
from tests.orders.stack import CLAIRE, JEANNE, KARIM, OPERATOR, Stack, rid
from vaxorders.orders.v1 import orders_service_pb2 as pb

SESSION = "sessions/2022-03-07"
LILAS = f"{SESSION}/officines/759900111"
CONFLUENT = f"{SESSION}/officines/699900122"
DUBOIS = "effecteurs/rpps:99700000104"
TRAORE = "effecteurs/rpps:99700000120"
LEFEBVRE = "effecteurs/rpps:99700000112"
PFIZER = "products/pfizer-adult"


async def order(stack: Stack, who: str, parent: str, effecteur: str, vials: int) -> pb.OrderLine:
    answer = await stack.call(
        "CreateOrderLine",
        pb.CreateOrderLineRequest(
            parent=parent, line=pb.OrderLine(effecteur=effecteur, product=PFIZER, vials=vials), request_id=rid()
        ),
        who,
    )
    return answer.line


async def activity(stack: Stack, *, names: bool = False) -> pb.GetSessionActivityResponse:
    return await stack.call(
        "GetSessionActivity",
        pb.GetSessionActivityRequest(session=SESSION, include_ordering_officines=names),
        OPERATOR,
    )


async def test_operators_see_line_writes_per_minute_and_who_ordered(stack: Stack) -> None:
    # 10:00: Lilas orders twice; 10:07: Confluent once; 10:09 Lilas changes a line.
    await order(stack, CLAIRE, LILAS, DUBOIS, 6)
    line = await order(stack, CLAIRE, LILAS, TRAORE, 3)
    stack.clock.advance(timedelta(minutes=7))
    await order(stack, KARIM, CONFLUENT, LEFEBVRE, 10)
    stack.clock.advance(timedelta(minutes=2, seconds=30))
    await stack.call(
        "UpdateOrderLine",
        pb.UpdateOrderLineRequest(
            line=pb.OrderLine(name=line.name, vials=4, etag=line.etag),
            update_mask={"paths": ["vials"]},
            request_id=rid(),
        ),
        CLAIRE,
    )

    seen = await activity(stack, names=True)

    per_minute = [(m.start_time.ToDatetime().strftime("%H:%M"), m.line_writes, m.officines) for m in seen.minutes]
    # 10:00 Paris is 09:00 UTC.
    assert per_minute == [("09:00", 2, 1), ("09:07", 1, 1), ("09:09", 1, 1)]
    # In the last 5 minutes (since 10:04:30) Confluent (10:07) and Lilas (10:09:30) wrote.
    assert (seen.active_officines, seen.active_minutes) == (2, 5)
    assert seen.ordering_officines == 2
    assert [(d.department, d.ordering_officines) for d in seen.departments] == [("69", 1), ("75", 1)]
    assert list(seen.ordering_officine_names) == ["officines/699900122", "officines/759900111"]

    # Ten minutes of silence: nobody is active any more; who ordered stays.
    stack.clock.advance(timedelta(minutes=10))
    later = await activity(stack)
    assert later.active_officines == 0
    assert later.ordering_officines == 2
    assert list(later.ordering_officine_names) == []  # only when asked


async def test_a_withdrawn_line_is_a_write_and_its_officine_no_longer_counts_as_ordering(stack: Stack) -> None:
    line = await order(stack, KARIM, CONFLUENT, LEFEBVRE, 10)
    stack.clock.advance(timedelta(minutes=1))
    await stack.call(
        "DeleteOrderLine", pb.DeleteOrderLineRequest(name=line.name, etag=line.etag, request_id=rid()), KARIM
    )
    seen = await activity(stack)
    assert [m.line_writes for m in seen.minutes] == [1, 1]
    assert seen.active_officines == 1
    assert (seen.ordering_officines, list(seen.departments)) == (0, [])


async def test_before_the_opening_there_is_no_activity(stack: Stack) -> None:
    stack.clock.set(DURING - timedelta(days=3))
    seen = await activity(stack)
    assert (list(seen.minutes), seen.active_officines, seen.ordering_officines) == ([], 0, 0)


async def test_only_operators_read_the_activity(stack: Stack) -> None:
    for who in (CLAIRE, JEANNE):
        details = await refused(
            stack.call("GetSessionActivity", pb.GetSessionActivityRequest(session=SESSION), who),
            grpc.StatusCode.PERMISSION_DENIED,
        )
        assert details.reason == "OPERATORS_ONLY"


async def test_a_bad_or_unknown_session_is_refused_in_french(stack: Stack) -> None:
    bad = await refused(
        stack.call("GetSessionActivity", pb.GetSessionActivityRequest(session="2022-03-07"), OPERATOR),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert [v.field for v in bad.violations] == ["session"]
    await refused(
        stack.call("GetSessionActivity", pb.GetSessionActivityRequest(session="sessions/2031-01-01"), OPERATOR),
        grpc.StatusCode.NOT_FOUND,
    )
