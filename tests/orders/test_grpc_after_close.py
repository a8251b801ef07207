"""The second half of a session through the real OrderService gRPC server, with
real PSC tokens and real service-identity tokens, against the real
SessionService (delivery window) and EffecteurService: supply, publish,
plan, deliveries, confirmations and the date-change feed."""

from __future__ import annotations

import grpc

from tests.orders.conftest import AFTER, refused
from tests.orders.stack import CLAIRE, JEANNE, KARIM, OPERATOR, Stack, rid
from vaxorders.orders.v1 import orders_service_pb2 as pb

SESSION = "sessions/2022-03-07"
LILAS = f"{SESSION}/officines/759900111"
CONFLUENT = f"{SESSION}/officines/699900122"
DUBOIS = "effecteurs/rpps:99700000104"
TRAORE = "effecteurs/rpps:99700000120"
LEFEBVRE = "effecteurs/rpps:99700000112"
MODERNA, PFIZER = "products/moderna", "products/pfizer-adult"
PLAN = f"{SESSION}/deliveryPlan"


async def order_and_close(stack: Stack) -> None:
    for who, parent, effecteur, product, vials in [
        (CLAIRE, LILAS, DUBOIS, PFIZER, 6),
        (CLAIRE, LILAS, TRAORE, PFIZER, 4),
        (KARIM, CONFLUENT, LEFEBVRE, PFIZER, 10),
        (CLAIRE, LILAS, DUBOIS, MODERNA, 5),
    ]:
        await stack.call(
            "CreateOrderLine",
            pb.CreateOrderLineRequest(
                parent=parent, line=pb.OrderLine(effecteur=effecteur, product=product, vials=vials), request_id=rid()
            ),
            who,
        )
    stack.clock.set(AFTER)


async def supply(stack: Stack, products: list[tuple[str, int]], etag: str = "") -> pb.Supply:
    answer = await stack.call(
        "UpdateSupply",
        pb.UpdateSupplyRequest(
            supply=pb.Supply(
                name=f"{SESSION}/supply",
                etag=etag,
                products=[pb.ProductSupply(product=p, vials=v) for p, v in products],
            ),
            request_id=rid(),
        ),
        OPERATOR,
    )
    return answer.supply


async def publish(stack: Stack, etag: str, request_id: str = "") -> pb.Allocation:
    answer = await stack.call(
        "PublishAllocation",
        pb.PublishAllocationRequest(session=SESSION, supply_etag=etag, request_id=request_id or rid()),
        OPERATOR,
    )
    return answer.allocation


def as_service(service_token, identity: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [("authorization", f"Bearer {service_token(identity)}")]


async def test_publish_over_grpc_confirms_lines_and_is_idempotent(stack: Stack) -> None:
    await order_and_close(stack)
    etag = (await supply(stack, [(PFIZER, 10), (MODERNA, 50)])).etag
    request_id = rid()
    first = await publish(stack, etag, request_id)
    assert first == await publish(stack, etag, request_id)
    national = {p.product: p for p in first.products}
    assert (national[PFIZER].ordered_vials, national[PFIZER].confirmed_vials, national[PFIZER].lines_reduced) == (
        20,
        10,
        3,
    )
    assert first.publish_by == OPERATOR and first.HasField("publish_time")
    lines = (await stack.call("ListOrderLines", pb.ListOrderLinesRequest(parent=LILAS), CLAIRE)).lines
    assert {(x.effecteur, x.product): x.confirmed_vials for x in lines} == {
        (DUBOIS, MODERNA): 5,
        (DUBOIS, PFIZER): 3,
        (TRAORE, PFIZER): 2,
    }
    again = await refused(publish(stack, etag), grpc.StatusCode.FAILED_PRECONDITION)
    assert again.reason == "ALLOCATION_PUBLISHED" and "déjà publiée" in again.message


async def test_refusals_of_supply_and_publish_carry_their_codes(stack: Stack) -> None:
    unknown = await refused(
        stack.call("PublishAllocation", pb.PublishAllocationRequest(session="sessions/2031-01-06"), OPERATOR),
        grpc.StatusCode.NOT_FOUND,
    )
    assert "introuvable" in unknown.message
    still_open = await refused(publish(stack, ""), grpc.StatusCode.FAILED_PRECONDITION)
    assert still_open.reason == "SESSION_STILL_OPEN"
    await order_and_close(stack)
    officine = await refused(
        stack.call("GetSupply", pb.GetSupplyRequest(name=f"{SESSION}/supply"), CLAIRE),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    assert officine.reason == "OPERATORS_ONLY"
    negative = await refused(supply(stack, [(PFIZER, -5)]), grpc.StatusCode.INVALID_ARGUMENT)
    assert [v.field for v in negative.violations] == ["supply.products[0].vials"]
    assert not (await stack.call("GetSupply", pb.GetSupplyRequest(name=f"{SESSION}/supply"), OPERATOR)).supply.products
    etag = (await supply(stack, [(PFIZER, 10)])).etag
    missing = await refused(publish(stack, etag), grpc.StatusCode.FAILED_PRECONDITION)
    assert missing.reason == "SUPPLY_MISSING" and "Spikevax" in missing.message
    newer = (await supply(stack, [(MODERNA, 50)], etag)).etag
    assert newer != etag
    await refused(publish(stack, etag), grpc.StatusCode.ABORTED)
    await refused(
        stack.call("GetAllocation", pb.GetAllocationRequest(name=f"{SESSION}/allocation"), OPERATOR),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_a_plan_date_outside_the_session_s_delivery_window_is_a_field_violation(stack: Stack) -> None:
    await order_and_close(stack)
    bad = await refused(
        stack.call(
            "SetDeliveryDate",
            pb.SetDeliveryDateRequest(
                plan=PLAN, override=pb.DeliveryDateOverride(department="75", date="2022-03-25"), request_id=rid()
            ),
            OPERATOR,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert [v.field for v in bad.violations] == ["override.date"]
    plan = (await stack.call("GetDeliveryPlan", pb.GetDeliveryPlanRequest(name=PLAN), OPERATOR)).delivery_plan
    assert (plan.delivery_from_date, plan.delivery_to_date, plan.default_date, list(plan.overrides)) == (
        "2022-03-18",
        "2022-03-22",
        "2022-03-18",
        [],
    )


async def test_deliveries_are_scoped_and_the_jobs_record_confirmations_and_read_the_feed(
    stack: Stack, service_token
) -> None:  # type: ignore[no-untyped-def]
    await order_and_close(stack)
    etag = (await supply(stack, [(PFIZER, 10), (MODERNA, 50)])).etag
    await publish(stack, etag)

    await refused(
        stack.call("ListDeliveries", pb.ListDeliveriesRequest(parent=LILAS), KARIM), grpc.StatusCode.NOT_FOUND
    )
    mine = await stack.call(
        "ListDeliveries", pb.ListDeliveriesRequest(parent="sessions/-/officines/-", effecteur=DUBOIS), JEANNE
    )
    assert [(d.finess, {x.effecteur for x in d.lines}) for d in mine.deliveries] == [("759900111", {DUBOIS})]

    job = as_service(service_token, "friday-confirmations")
    everything = await stack.orders.ListDeliveries(
        pb.ListDeliveriesRequest(parent=f"{SESSION}/officines/-"), metadata=job, timeout=30
    )
    assert [(d.finess, d.delivery_date) for d in everything.deliveries] == [
        ("699900122", "2022-03-18"),
        ("759900111", "2022-03-18"),
    ]
    recorded = await stack.orders.RecordConfirmationsSent(
        pb.RecordConfirmationsSentRequest(
            session=SESSION,
            confirmations=[
                pb.ConfirmationSent(finess=d.finess, announced_date=d.delivery_date) for d in everything.deliveries
            ],
            request_id=rid(),
        ),
        metadata=job,
        timeout=30,
    )
    assert recorded.changed == 0

    await stack.call(
        "SetDeliveryDate",
        pb.SetDeliveryDateRequest(
            plan=PLAN, override=pb.DeliveryDateOverride(finess="759900111", date="2022-03-21"), request_id=rid()
        ),
        OPERATOR,
    )
    notifier = as_service(service_token, "mailer")
    feed = await stack.orders.ListDeliveryDateChanges(
        pb.ListDeliveryDateChangesRequest(after_id=0), metadata=notifier, timeout=30
    )
    assert [(c.session, c.finess, c.old_date, c.new_date, c.change_by) for c in feed.changes] == [
        (SESSION, "759900111", "2022-03-18", "2022-03-21", OPERATOR)
    ]
    (lilas,) = (await stack.call("ListDeliveries", pb.ListDeliveriesRequest(parent=LILAS), CLAIRE)).deliveries
    assert (lilas.delivery_date, lilas.announced_date, lilas.HasField("confirmation_sent_time")) == (
        "2022-03-21",
        "2022-03-18",
        True,
    )
    # The notifier's identity was not granted RecordConfirmationsSent nor any operator write.
    await refused(
        stack.orders.RecordConfirmationsSent(
            pb.RecordConfirmationsSentRequest(session=SESSION, request_id=rid()), metadata=notifier, timeout=30
        ),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    await refused(
        stack.orders.PublishAllocation(pb.PublishAllocationRequest(session=SESSION), metadata=job, timeout=30),
        grpc.StatusCode.PERMISSION_DENIED,
    )
