"""Supply and national allocation of a closed session (domain level): who may,
when, what is stored, idempotency and audit."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select

from services.common.errors import Aborted, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.orders.models import Change
from tests.orders.conftest import (
    AFTER,
    CLAIRE,
    DUBOIS,
    JEANNE,
    KARIM,
    LEFEBVRE,
    LILAS_ORDER,
    MAILER,
    MODERNA,
    OPERATOR,
    OWN,
    PFIZER,
    SESSION,
    TRAORE,
    Domain,
    order_then_close,
    rid,
)

SUPPLY = f"sessions/{SESSION}/supply"
ALLOCATION = f"sessions/{SESSION}/allocation"


async def set_supply(domain: Domain, products: list[tuple[str, int]], etag: str = "") -> str:
    outcome = await domain.supply.update_supply(OPERATOR, SUPPLY, etag, products, rid())
    return outcome.supply.etag


async def audit(domain: Domain, subject: str) -> list:
    async with domain.db.read() as s:
        return list((await s.execute(select(Change).where(Change.subject == subject).order_by(Change.id))).scalars())


async def test_publishing_confirms_every_line_by_largest_remainder_and_records_who_when_and_the_supply(
    domain: Domain,
) -> None:
    lines = await order_then_close(domain)
    etag = await set_supply(domain, [(PFIZER, 10), (MODERNA, 100)])
    request_id = rid()
    outcome = await domain.supply.publish(OPERATOR, f"sessions/{SESSION}", etag, request_id)
    allocation = outcome.allocation
    assert allocation.publish_by == OPERATOR.national_id
    assert allocation.publish_time == AFTER
    national = {p.product: p for p in allocation.products}
    assert (national[PFIZER].supply, national[PFIZER].ordered_vials, national[PFIZER].confirmed_vials) == (10, 20, 10)
    assert (national[PFIZER].lines, national[PFIZER].lines_reduced) == (4, 4)
    assert (national[MODERNA].confirmed_vials, national[MODERNA].lines_reduced) == (5, 0)
    paris = {p.product: p for d in allocation.departments if d.department == "75" for p in d.products}
    # Dubois 6 -> 3; Traoré 3 -> 1.5 and Lilas 1 -> 0.5 tie on the remainder: Traoré ordered first.
    assert (paris[PFIZER].ordered_vials, paris[PFIZER].confirmed_vials) == (10, 5)
    confirmed = {
        key: (await domain.lines.get(CLAIRE, name)).confirmed_vials
        for key, name in lines.items()
        if name.startswith(LILAS_ORDER)
    }
    assert confirmed == {
        f"{DUBOIS}|{PFIZER}": 3,
        f"{TRAORE}|{PFIZER}": 2,
        f"{OWN}|{PFIZER}": 0,
        f"{DUBOIS}|{MODERNA}": 5,
    }
    assert (await domain.lines.get(KARIM, lines[f"{LEFEBVRE}|{PFIZER}"])).confirmed_vials == 5

    # A retry with the same request_id answers the same, and publishes nothing twice.
    again = await domain.supply.publish(OPERATOR, f"sessions/{SESSION}", etag, request_id)
    assert again.allocation == allocation
    trail = await audit(domain, ALLOCATION)
    assert [(c.action, c.actor, c.request_id) for c in trail] == [
        ("PUBLISH_ALLOCATION", OPERATOR.national_id, request_id)
    ]
    assert json.loads(trail[0].note)["supply"] == {MODERNA: 100, PFIZER: 10}
    got = await domain.supply.get_allocation(OPERATOR, ALLOCATION)
    assert got.products == allocation.products and got.departments == allocation.departments


async def test_a_second_publish_is_refused_as_already_published(domain: Domain) -> None:
    await order_then_close(domain)
    etag = await set_supply(domain, [(PFIZER, 10), (MODERNA, 100)])
    await domain.supply.publish(OPERATOR, f"sessions/{SESSION}", etag, rid())
    with pytest.raises(FailedPrecondition, match="déjà publiée"):
        await domain.supply.publish(OPERATOR, f"sessions/{SESSION}", etag, rid())
    with pytest.raises(FailedPrecondition, match="déjà publiée"):
        await domain.supply.update_supply(OPERATOR, SUPPLY, etag, [(PFIZER, 20)], rid())


async def test_publishing_is_refused_while_the_session_is_open(domain: Domain) -> None:
    await domain.lines.create(CLAIRE, LILAS_ORDER, DUBOIS, PFIZER, 6, rid())
    with pytest.raises(FailedPrecondition, match="encore ouverte") as refused:
        await domain.supply.publish(OPERATOR, f"sessions/{SESSION}", "", rid())
    assert refused.value.reason == "SESSION_STILL_OPEN"
    with pytest.raises(FailedPrecondition, match="encore ouverte"):
        await domain.supply.update_supply(OPERATOR, SUPPLY, "", [(PFIZER, 20)], rid())


async def test_publishing_an_unknown_session_is_not_found(domain: Domain) -> None:
    domain.clock.set(AFTER)
    with pytest.raises(NotFound):
        await domain.supply.publish(OPERATOR, "sessions/2031-01-06", "", rid())
    with pytest.raises(NotFound):
        await domain.supply.get_supply(OPERATOR, "sessions/2031-01-06/supply")


@pytest.mark.parametrize("who", [CLAIRE, JEANNE, MAILER], ids=["officine", "effecteur", "service"])
async def test_only_operators_record_supply_preview_and_publish(domain: Domain, who) -> None:  # type: ignore[no-untyped-def]
    await order_then_close(domain)
    with pytest.raises(PermissionDenied):
        await domain.supply.update_supply(who, SUPPLY, "", [(PFIZER, 10)], rid())
    with pytest.raises(PermissionDenied):
        await domain.supply.get_supply(who, SUPPLY)
    with pytest.raises(PermissionDenied):
        await domain.supply.preview(who, f"sessions/{SESSION}")
    with pytest.raises(PermissionDenied):
        await domain.supply.publish(who, f"sessions/{SESSION}", "", rid())
    assert (await domain.supply.get_supply(OPERATOR, SUPPLY)).products == []


async def test_publishing_without_supply_for_an_ordered_product_names_it_in_french(domain: Domain) -> None:
    await order_then_close(domain)
    etag = await set_supply(domain, [(PFIZER, 10)])
    preview = await domain.supply.preview(OPERATOR, f"sessions/{SESSION}")
    assert {p.product: p.supply_missing for p in preview.products} == {PFIZER: False, MODERNA: True}
    with pytest.raises(FailedPrecondition, match="Spikevax") as refused:
        await domain.supply.publish(OPERATOR, f"sessions/{SESSION}", etag, rid())
    assert refused.value.reason == "SUPPLY_MISSING"
    with pytest.raises(NotFound):
        await domain.supply.get_allocation(OPERATOR, ALLOCATION)


async def test_publishing_a_supply_changed_since_the_preview_is_aborted(domain: Domain) -> None:
    await order_then_close(domain)
    previewed = await set_supply(domain, [(PFIZER, 10), (MODERNA, 100)])
    await set_supply(domain, [(PFIZER, 12)], etag=previewed)
    with pytest.raises(Aborted):
        await domain.supply.publish(OPERATOR, f"sessions/{SESSION}", previewed, rid())
    with pytest.raises(Aborted):
        await domain.supply.update_supply(OPERATOR, SUPPLY, previewed, [(PFIZER, 14)], rid())
    supply = await domain.supply.get_supply(OPERATOR, SUPPLY)
    assert supply.products == [(MODERNA, 100), (PFIZER, 12)]


async def test_a_negative_supply_or_unknown_product_is_refused_and_nothing_is_stored(domain: Domain) -> None:
    await order_then_close(domain)
    with pytest.raises(InvalidArgument) as refused:
        await domain.supply.update_supply(OPERATOR, SUPPLY, "", [(PFIZER, -1), ("products/aspirine", 3)], rid())
    assert {v.field for v in refused.value.violations} == {
        "supply.products[0].vials",
        "supply.products[1].product",
    }
    supply = await domain.supply.get_supply(OPERATOR, SUPPLY)
    assert supply.products == [] and supply.etag == ""
    assert await audit(domain, SUPPLY) == []


async def test_supply_changes_are_audited_with_who_when_and_the_values(domain: Domain) -> None:
    await order_then_close(domain)
    etag = await set_supply(domain, [(PFIZER, 10)])
    await set_supply(domain, [(PFIZER, 12), (MODERNA, 50)], etag=etag)
    trail = await audit(domain, SUPPLY)
    assert [(c.action, c.note, c.vials_before, c.vials_after, c.actor) for c in trail] == [
        ("UPDATE_SUPPLY", PFIZER, 0, 10, OPERATOR.national_id),
        ("UPDATE_SUPPLY", MODERNA, 0, 50, OPERATOR.national_id),
        ("UPDATE_SUPPLY", PFIZER, 10, 12, OPERATOR.national_id),
    ]


async def test_an_existing_supply_needs_its_etag(domain: Domain) -> None:
    await order_then_close(domain)
    await set_supply(domain, [(PFIZER, 10)])
    with pytest.raises(InvalidArgument) as refused:
        await domain.supply.update_supply(OPERATOR, SUPPLY, "", [(PFIZER, 12)], rid())
    assert [v.field for v in refused.value.violations] == ["supply.etag"]


async def test_the_allocation_is_read_by_operators_and_jobs_only(domain: Domain) -> None:
    await order_then_close(domain)
    etag = await set_supply(domain, [(PFIZER, 30), (MODERNA, 100)])
    await domain.supply.publish(OPERATOR, f"sessions/{SESSION}", etag, rid())
    assert (await domain.supply.get_allocation(MAILER, ALLOCATION)).publish_by == OPERATOR.national_id
    with pytest.raises(PermissionDenied):
        await domain.supply.get_allocation(CLAIRE, ALLOCATION)


async def test_preview_stores_nothing_and_lines_stay_unconfirmed(domain: Domain) -> None:
    lines = await order_then_close(domain)
    await set_supply(domain, [(PFIZER, 10), (MODERNA, 100)])
    preview = await domain.supply.preview(OPERATOR, f"sessions/{SESSION}")
    assert preview.publish_time is None
    assert {p.product: p.confirmed_vials for p in preview.products} == {PFIZER: 10, MODERNA: 5}
    line = await domain.lines.get(CLAIRE, lines[f"{DUBOIS}|{PFIZER}"])
    assert line.confirmed_vials is None


async def test_concurrent_publishes_publish_once(domain: Domain) -> None:
    await order_then_close(domain)
    etag = await set_supply(domain, [(PFIZER, 10), (MODERNA, 100)])
    results = await asyncio.gather(
        *[domain.supply.publish(OPERATOR, f"sessions/{SESSION}", etag, rid()) for _ in range(6)],
        return_exceptions=True,
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, FailedPrecondition) for r in results if isinstance(r, BaseException))
    assert [c.action for c in await audit(domain, ALLOCATION)] == ["PUBLISH_ALLOCATION"]


async def test_a_supply_change_racing_a_publish_never_changes_a_published_supply(domain: Domain) -> None:
    await order_then_close(domain)
    etag = await set_supply(domain, [(PFIZER, 10), (MODERNA, 100)])
    published, updated = await asyncio.gather(
        domain.supply.publish(OPERATOR, f"sessions/{SESSION}", etag, rid()),
        domain.supply.update_supply(OPERATOR, SUPPLY, etag, [(PFIZER, 15)], rid()),
        return_exceptions=True,
    )
    assert isinstance(published, BaseException) != isinstance(updated, BaseException)
    supply = dict((await domain.supply.get_supply(OPERATOR, SUPPLY)).products)
    if isinstance(published, BaseException):
        assert isinstance(published, Aborted) and supply[PFIZER] == 15
    else:
        assert isinstance(updated, (FailedPrecondition, Aborted)) and supply[PFIZER] == 10
        assert {p.product: p.supply for p in published.allocation.products}[PFIZER] == 10
