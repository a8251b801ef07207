"""Vial requests through the domain service: ask, confirm (possibly another
quantity, with a reason), decline, cancel, expiry when the session closes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, QuotaExceeded
from services.orders.ports import QuotaRule
from tests.orders.conftest import (
    CLAIRE,
    CLOSE_TIME,
    CONFLUENT,
    DUBOIS,
    JEANNE,
    KARIM,
    LILAS,
    MODERNA,
    PFIZER,
    SESSION,
    Domain,
    rid,
)

PARENT = f"sessions/{SESSION}/officines/{LILAS}"


async def ask(
    domain: Domain, vials: int = 10, product: str = MODERNA, comment: str = "Centre de vaccination du samedi"
):  # type: ignore[no-untyped-def]
    return (await domain.requests.create(JEANNE, PARENT, DUBOIS, product, vials, comment, rid())).request


async def test_confirming_another_quantity_with_a_reason_creates_the_line(domain: Domain) -> None:
    asked = await ask(domain, 10)
    assert asked.state == "PENDING"
    pending = await domain.requests.list(CLAIRE, PARENT, "PENDING", "", 0, "")
    assert [r.name for r in pending.items] == [asked.name]

    with pytest.raises(InvalidArgument) as no_reason:
        await domain.requests.confirm(CLAIRE, asked.name, 6, "", rid())
    assert [v.field for v in no_reason.value.violations] == ["reason"]

    outcome = await domain.requests.confirm(CLAIRE, asked.name, 6, "Stock limité cette semaine", rid())
    line = outcome.line
    assert line is not None
    assert (line.effecteur, line.product, line.vials, line.vials_from_requests) == (DUBOIS, MODERNA, 6, 6)
    assert outcome.request.state == "CONFIRMED"
    assert outcome.request.confirmed_vials == 6
    assert outcome.request.order_line == line.name
    assert outcome.request.decided_by == CLAIRE.national_id
    # The requester sees the outcome and the reason.
    seen = await domain.requests.get(JEANNE, asked.name)
    assert (seen.state, seen.confirmed_vials, seen.decision_reason) == ("CONFIRMED", 6, "Stock limité cette semaine")
    changes = (await domain.lines.changes(CLAIRE, line.name, 0, "")).items
    assert [(c.action, c.vials_before, c.vials_after) for c in changes] == [("CONFIRM_REQUEST", 0, 6)]
    request_trail = (await domain.lines.changes(JEANNE, asked.name, 0, "")).items
    assert [c.action for c in request_trail] == ["CREATE_REQUEST", "CONFIRM_REQUEST"]


async def test_confirmation_adds_to_an_existing_line(domain: Domain) -> None:
    existing = (await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 4, rid())).line
    assert existing is not None
    asked = await ask(domain, 3)
    outcome = await domain.requests.confirm(CLAIRE, asked.name, None, "", rid())
    assert outcome.line is not None
    assert (outcome.line.name, outcome.line.vials, outcome.line.vials_from_requests) == (existing.name, 7, 3)
    with pytest.raises(FailedPrecondition) as twice:
        await domain.requests.confirm(CLAIRE, asked.name, None, "", rid())
    assert twice.value.reason == "REQUEST_NOT_PENDING"


async def test_refused_confirmation_leaves_the_request_pending(domain: Domain) -> None:
    domain.sessions.set_rule(SESSION, "MEDECIN", MODERNA, QuotaRule("CAPPED", max_vials=10))
    asked = await ask(domain, 8)
    await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 5, rid())
    with pytest.raises(QuotaExceeded) as refused:
        await domain.requests.confirm(CLAIRE, asked.name, None, "", rid())
    assert refused.value.metadata["remaining_vials"] == "5"
    assert (await domain.requests.get(CLAIRE, asked.name)).state == "PENDING"
    outcome = await domain.requests.confirm(CLAIRE, asked.name, 5, "Plafond de la semaine", rid())
    assert outcome.line is not None and outcome.line.vials == 10


async def test_decline_needs_a_reason_that_the_requester_reads(domain: Domain) -> None:
    asked = await ask(domain)
    with pytest.raises(InvalidArgument):
        await domain.requests.decline(CLAIRE, asked.name, "   ", rid())
    declined = (await domain.requests.decline(CLAIRE, asked.name, "Déjà livré la semaine dernière", rid())).request
    assert declined.state == "DECLINED"
    seen = await domain.requests.get(JEANNE, asked.name)
    assert (seen.state, seen.decision_reason) == ("DECLINED", "Déjà livré la semaine dernière")
    assert (await domain.lines.list(CLAIRE, PARENT, "", "", 0, "")).items == []


async def test_requester_cancels_a_pending_request_but_the_officine_cannot(domain: Domain) -> None:
    asked = await ask(domain)
    with pytest.raises(PermissionDenied):
        await domain.requests.cancel(CLAIRE, asked.name, rid())
    cancelled = (await domain.requests.cancel(JEANNE, asked.name, rid())).request
    assert cancelled.state == "CANCELLED"
    with pytest.raises(FailedPrecondition):
        await domain.requests.confirm(CLAIRE, asked.name, None, "", rid())


async def test_pending_requests_expire_at_close_for_both_sides(domain: Domain) -> None:
    asked = await ask(domain)
    domain.clock.set(CLOSE_TIME - timedelta(seconds=1))
    assert (await domain.requests.get(JEANNE, asked.name)).state == "PENDING"
    domain.clock.set(CLOSE_TIME)
    assert (await domain.requests.get(JEANNE, asked.name)).state == "EXPIRED"
    assert (await domain.requests.get(CLAIRE, asked.name)).state == "EXPIRED"
    assert [r.name for r in (await domain.requests.list(CLAIRE, PARENT, "EXPIRED", "", 0, "")).items] == [asked.name]
    assert (await domain.requests.list(CLAIRE, PARENT, "PENDING", "", 0, "")).items == []
    mine = await domain.requests.list(JEANNE, "sessions/-/officines/-", "", DUBOIS, 0, "")
    assert [r.state for r in mine.items] == ["EXPIRED"]
    with pytest.raises(FailedPrecondition) as late:
        await domain.requests.confirm(CLAIRE, asked.name, None, "", rid())
    assert late.value.reason == "SESSION_CLOSED"
    with pytest.raises(FailedPrecondition) as late_decline:
        await domain.requests.decline(CLAIRE, asked.name, "Trop tard", rid())
    assert late_decline.value.metadata["state"] == "EXPIRED"
    summary = await domain.reports.officine_summary(CLAIRE, PARENT)
    assert summary.pending_requests == 0


async def test_an_effecteur_asks_only_its_current_officine(domain: Domain) -> None:
    with pytest.raises(NotFound) as elsewhere:
        await domain.requests.create(JEANNE, f"sessions/{SESSION}/officines/{CONFLUENT}", DUBOIS, MODERNA, 2, "", rid())
    assert elsewhere.value.reason == "EFFECTEUR_NOT_ATTACHED"
    # Nor for someone else.
    with pytest.raises(NotFound):
        await domain.requests.create(JEANNE, PARENT, "effecteurs/rpps:99700000120", MODERNA, 2, "", rid())
    # An officine orders directly rather than asking itself.
    with pytest.raises(NotFound):
        await domain.requests.create(CLAIRE, PARENT, f"effecteurs/finess:{LILAS}", MODERNA, 2, "", rid())


async def test_request_for_a_product_not_open_to_the_type_is_refused(domain: Domain) -> None:
    domain.sessions.set_rule(SESSION, "MEDECIN", PFIZER, QuotaRule("NOT_OPEN"))
    with pytest.raises(FailedPrecondition) as refused:
        await ask(domain, 2, PFIZER)
    assert refused.value.reason == "PRODUCT_NOT_OPEN"


async def test_requests_are_private_to_the_officine_and_the_requester(domain: Domain) -> None:
    asked = await ask(domain)
    for attempt in (
        domain.requests.get(KARIM, asked.name),
        domain.requests.list(KARIM, PARENT, "", "", 0, ""),
        domain.requests.confirm(KARIM, asked.name, None, "", rid()),
        domain.requests.decline(KARIM, asked.name, "Non", rid()),
        domain.requests.cancel(KARIM, asked.name, rid()),
        domain.lines.changes(KARIM, asked.name, 0, ""),
    ):
        with pytest.raises(NotFound):
            await attempt


async def test_confirm_retry_with_the_same_request_id_adds_once(domain: Domain) -> None:
    asked = await ask(domain, 4)
    request_id = rid()
    first = await domain.requests.confirm(CLAIRE, asked.name, None, "", request_id)
    again = await domain.requests.confirm(CLAIRE, asked.name, None, "", request_id)
    assert again == first
    lines = (await domain.lines.list(CLAIRE, PARENT, "", "", 0, "")).items
    assert [x.vials for x in lines] == [4]


async def test_a_comment_or_reason_with_control_characters_is_refused_and_nothing_stored(domain: Domain) -> None:
    with pytest.raises(InvalidArgument) as refused:
        await domain.requests.create(JEANNE, PARENT, DUBOIS, MODERNA, 2, "Centre\x00 du samedi", rid())
    assert [v.field for v in refused.value.violations] == ["vial_request.comment"]
    asked = await ask(domain, comment="Centre du samedi\r\nmatin et après-midi\tsalle 2")  # line breaks are fine
    with pytest.raises(InvalidArgument) as refused:
        await domain.requests.decline(CLAIRE, asked.name, "Trop tard\x1b[2J", rid())
    assert [v.field for v in refused.value.violations] == ["reason"]
    assert asked.comment.startswith("Centre du samedi")
