"""The feed of vial-request events (ListVialRequestEvents) through the real
OrderService, with real PSC and service-identity tokens: what the mailer's
notifier reads to tell the officine a request arrived and the requester it
was decided."""

from __future__ import annotations

import grpc

from tests.orders.conftest import refused
from tests.orders.stack import CLAIRE, JEANNE, OPERATOR, Stack, rid
from vaxorders.orders.v1 import orders_service_pb2 as pb

LILAS = "sessions/2022-03-07/officines/759900111"
DUBOIS = "effecteurs/rpps:99700000104"
MODERNA, PFIZER = "products/moderna", "products/pfizer-adult"
Kind = pb.VialRequestEvent.Kind


def as_service(service_token, identity: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [("authorization", f"Bearer {service_token(identity)}")]


async def ask(stack: Stack, vials: int, product: str = MODERNA, comment: str = "") -> str:
    request = pb.CreateVialRequestRequest(
        parent=LILAS,
        vial_request=pb.VialRequest(effecteur=DUBOIS, product=product, vials=vials, comment=comment),
        request_id=rid(),
    )
    return str((await stack.call("CreateVialRequest", request, JEANNE)).vial_request.name)


async def test_the_feed_lists_each_arrival_and_decision_once_in_order_and_resumes(stack: Stack, service_token) -> None:  # type: ignore[no-untyped-def]
    first = await ask(stack, 10, comment="Campagne en EHPAD")
    second = await ask(stack, 4, PFIZER)
    third = await ask(stack, 2)
    confirm = pb.ConfirmVialRequestRequest(name=first, vials=6, reason="Stock limité", request_id=rid())
    await stack.call("ConfirmVialRequest", confirm, CLAIRE)
    await stack.call("ConfirmVialRequest", confirm, CLAIRE)  # a retry (same request_id) adds no event
    decline = pb.DeclineVialRequestRequest(name=second, reason="Rupture de stock", request_id=rid())
    await stack.call("DeclineVialRequest", decline, CLAIRE)
    await stack.call("CancelVialRequest", pb.CancelVialRequestRequest(name=third, request_id=rid()), JEANNE)

    notifier = as_service(service_token, "mailer")
    feed = await stack.orders.ListVialRequestEvents(pb.ListVialRequestEventsRequest(), metadata=notifier, timeout=30)
    seen = [(e.kind, e.request, e.vials, e.confirmed_vials, e.text, e.actor) for e in feed.events]
    assert seen == [
        (Kind.KIND_CREATED, first, 10, 0, "Campagne en EHPAD", JEANNE),
        (Kind.KIND_CREATED, second, 4, 0, "", JEANNE),
        (Kind.KIND_CREATED, third, 2, 0, "", JEANNE),
        (Kind.KIND_CONFIRMED, first, 10, 6, "Stock limité", CLAIRE),
        (Kind.KIND_DECLINED, second, 4, 0, "Rupture de stock", CLAIRE),
        (Kind.KIND_CANCELLED, third, 2, 0, "", JEANNE),
    ]
    assert all(e.finess == "759900111" and e.effecteur == DUBOIS for e in feed.events)
    assert [e.product for e in feed.events[:2]] == [MODERNA, PFIZER]
    ids = [e.id for e in feed.events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(e.HasField("event_time") for e in feed.events)

    # Resuming from a position returns only what came after it, a page at a time.
    page = await stack.orders.ListVialRequestEvents(
        pb.ListVialRequestEventsRequest(after_id=ids[2], page_size=2), metadata=notifier, timeout=30
    )
    assert [e.id for e in page.events] == ids[3:5]
    end = await stack.orders.ListVialRequestEvents(
        pb.ListVialRequestEventsRequest(after_id=ids[-1]), metadata=notifier, timeout=30
    )
    assert list(end.events) == []
    # Operators read it too.
    operator = await stack.call("ListVialRequestEvents", pb.ListVialRequestEventsRequest(), OPERATOR)
    assert [e.id for e in operator.events] == ids


async def test_the_feed_is_refused_to_pharmacists_effecteurs_and_other_jobs(stack: Stack, service_token) -> None:  # type: ignore[no-untyped-def]
    await ask(stack, 1)
    for who in (CLAIRE, JEANNE):
        details = await refused(
            stack.call("ListVialRequestEvents", pb.ListVialRequestEventsRequest(), who),
            grpc.StatusCode.PERMISSION_DENIED,
        )
        assert details.reason == "OPERATORS_ONLY"
    await refused(
        stack.orders.ListVialRequestEvents(
            pb.ListVialRequestEventsRequest(), metadata=as_service(service_token, "friday-confirmations"), timeout=30
        ),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    details = await refused(
        stack.orders.ListVialRequestEvents(
            pb.ListVialRequestEventsRequest(after_id=-1), metadata=as_service(service_token, "mailer"), timeout=30
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert [v.field for v in details.violations] == ["after_id"]
    # Past what the id column holds: PostgreSQL would refuse the query (INTERNAL); refused here first.
    details = await refused(
        stack.orders.ListVialRequestEvents(
            pb.ListVialRequestEventsRequest(after_id=2**31), metadata=as_service(service_token, "mailer"), timeout=30
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert [v.field for v in details.violations] == ["after_id"]
