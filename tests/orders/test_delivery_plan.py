"""Delivery plan, deliveries and the date-change feed (domain level)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.orders.models import Change
from services.orders.seed import seed_dataset
from tests.orders.conftest import (
    AFTER,
    CLAIRE,
    CONFLUENT,
    DUBOIS,
    JEANNE,
    KARIM,
    LILAS,
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

PLAN = f"sessions/{SESSION}/deliveryPlan"
EVERYWHERE = f"sessions/{SESSION}/officines/-"
VIEUX_PORT = "139900138"  # no order in this session


async def ordered_and_closed(domain: Domain, *, publish: bool = True) -> None:
    await order_then_close(domain)
    if publish:
        supply = await domain.supply.update_supply(
            OPERATOR, f"sessions/{SESSION}/supply", "", [(PFIZER, 10), (MODERNA, 100)], rid()
        )
        await domain.supply.publish(OPERATOR, f"sessions/{SESSION}", supply.supply.etag, rid())


async def dates(domain: Domain) -> dict[str, str]:
    page = await domain.deliveries.list(OPERATOR, EVERYWHERE, "", 0, "")
    return {d.finess: d.delivery_date for d in page.items}


async def feed(domain: Domain) -> list[tuple[str, str, str]]:
    return [(c.finess, c.old_date, c.new_date) for c in await domain.deliveries.date_changes(MAILER, 0, 0)]


async def set_date(domain: Domain, *, date: str, department: str = "", finess: str = ""):  # type: ignore[no-untyped-def]
    return await domain.plans.set_date(OPERATOR, PLAN, department, finess, date, rid())


async def test_the_window_s_first_day_is_the_default_then_departement_then_finess_wins(domain: Domain) -> None:
    await ordered_and_closed(domain)
    assert await dates(domain) == {LILAS: "2022-03-18", CONFLUENT: "2022-03-18"}
    await set_date(domain, department="75", date="2022-03-21")
    await set_date(domain, department="69", date="2022-03-19")
    assert await dates(domain) == {LILAS: "2022-03-21", CONFLUENT: "2022-03-19"}
    plan = (await set_date(domain, finess=LILAS, date="2022-03-22")).plan
    assert await dates(domain) == {LILAS: "2022-03-22", CONFLUENT: "2022-03-19"}
    assert (plan.default_date, plan.delivery_from_date, plan.delivery_to_date) == (
        "2022-03-18",
        "2022-03-18",
        "2022-03-22",
    )
    assert [(o.department, o.finess, o.date, o.update_by) for o in plan.overrides] == [
        ("69", "", "2022-03-19", OPERATOR.national_id),
        ("75", "", "2022-03-21", OPERATOR.national_id),
        ("", LILAS, "2022-03-22", OPERATOR.national_id),
    ]
    cleared = await domain.plans.clear_date(OPERATOR, PLAN, "", LILAS, rid())
    assert len(cleared.plan.overrides) == 2
    assert await dates(domain) == {LILAS: "2022-03-21", CONFLUENT: "2022-03-19"}


async def test_a_date_outside_the_delivery_window_is_refused_with_a_field_violation(domain: Domain) -> None:
    await ordered_and_closed(domain)
    with pytest.raises(InvalidArgument) as refused:
        await set_date(domain, department="75", date="2022-03-23")
    assert [v.field for v in refused.value.violations] == ["override.date"]
    assert "du vendredi 18 mars 2022 au mardi 22 mars 2022" in refused.value.message
    assert (await domain.plans.get(OPERATOR, PLAN)).overrides == []


async def test_a_finess_without_orders_or_a_bad_departement_is_refused(domain: Domain) -> None:
    await ordered_and_closed(domain)
    with pytest.raises(InvalidArgument, match="aucune commande de cette officine") as refused:
        await set_date(domain, finess=VIEUX_PORT, date="2022-03-20")
    assert [v.field for v in refused.value.violations] == ["override.finess"]
    with pytest.raises(InvalidArgument) as refused:
        await set_date(domain, department="20", date="2022-03-20")
    assert [v.field for v in refused.value.violations] == ["override.department"]
    with pytest.raises(InvalidArgument):
        await set_date(domain, department="75", finess=LILAS, date="2022-03-20")


async def test_only_operators_edit_the_plan(domain: Domain) -> None:
    await ordered_and_closed(domain)
    for who in (CLAIRE, MAILER):
        with pytest.raises(PermissionDenied):
            await domain.plans.set_date(who, PLAN, "75", "", "2022-03-20", rid())
        with pytest.raises(PermissionDenied):
            await domain.plans.import_csv(who, PLAN, b"finess,departement,date\n,75,2022-03-20\n", False, rid())
    with pytest.raises(PermissionDenied):
        await domain.plans.get(CLAIRE, PLAN)


async def test_the_plan_can_be_set_before_the_allocation_is_published(domain: Domain) -> None:
    await ordered_and_closed(domain, publish=False)
    plan = (await set_date(domain, finess=LILAS, date="2022-03-20")).plan
    assert [o.finess for o in plan.overrides] == [LILAS]


CSV_WITH_ERRORS = (
    "finess;departement;date\n"
    f"{LILAS};;21/03/2022\n"  # fine
    f"{VIEUX_PORT};;2022-03-20\n"  # line 3: no order in this session
    ";75;2022-03-25\n"  # line 4: outside the window
    ";20;2022-03-20\n"  # line 5: no such département
    f"{CONFLUENT};69;2022-03-20\n"  # line 6: both
    ";13;31/02/2022\n"  # line 7: no such day
).encode()


@pytest.mark.parametrize("validate_only", [True, False])
async def test_a_csv_reports_every_bad_line_at_once_and_stores_nothing(domain: Domain, validate_only: bool) -> None:
    await ordered_and_closed(domain)
    await set_date(domain, department="69", date="2022-03-19")
    with pytest.raises(InvalidArgument, match="rien n'a été importé") as refused:
        await domain.plans.import_csv(OPERATOR, PLAN, CSV_WITH_ERRORS, validate_only, rid())
    fields = sorted(v.field for v in refused.value.violations)
    assert fields == [
        "csv[ligne 3].finess",
        "csv[ligne 4].date",
        "csv[ligne 5].departement",
        "csv[ligne 6]",
        "csv[ligne 7].date",
    ]
    messages = " ".join(v.description for v in refused.value.violations)
    assert "aucune commande de cette officine" in messages and "hors de la fenêtre de livraison" in messages
    plan = await domain.plans.get(OPERATOR, PLAN)
    assert [(o.department, o.date) for o in plan.overrides] == [("69", "2022-03-19")]


async def test_a_csv_import_replaces_the_overrides_and_validate_only_stores_nothing(domain: Domain) -> None:
    await ordered_and_closed(domain)
    await set_date(domain, department="69", date="2022-03-19")
    csv = f"Département,FINESS,Date\n75,,2022-03-21\n,{LILAS},22/03/2022\n".encode()
    checked = await domain.plans.import_csv(OPERATOR, PLAN, csv, True, rid())
    assert [(o.department, o.finess, o.date) for o in checked.plan.overrides] == [
        ("75", "", "2022-03-21"),
        ("", LILAS, "2022-03-22"),
    ]
    assert [(o.department, o.date) for o in (await domain.plans.get(OPERATOR, PLAN)).overrides] == [
        ("69", "2022-03-19")
    ]
    request_id = rid()
    imported = await domain.plans.import_csv(OPERATOR, PLAN, csv, False, request_id)
    assert imported.plan.overrides == (await domain.plans.get(OPERATOR, PLAN)).overrides
    assert await dates(domain) == {LILAS: "2022-03-22", CONFLUENT: "2022-03-18"}
    assert await domain.plans.import_csv(OPERATOR, PLAN, csv, False, request_id) == imported


async def test_deliveries_list_every_line_with_ordered_and_confirmed_even_zero(domain: Domain) -> None:
    await ordered_and_closed(domain)
    page = await domain.deliveries.list(CLAIRE, LILAS_ORDER, "", 0, "")
    (delivery,) = page.items
    assert (delivery.name, delivery.department, delivery.delivery_date) == (
        f"{LILAS_ORDER}/delivery",
        "75",
        "2022-03-18",
    )
    assert [(x.effecteur, x.product, x.ordered_vials, x.confirmed_vials, x.doses_per_unit) for x in delivery.lines] == [
        (OWN, PFIZER, 1, 0, 6),
        (DUBOIS, MODERNA, 5, 5, 10),
        (DUBOIS, PFIZER, 6, 3, 6),
        (TRAORE, PFIZER, 3, 2, 6),
    ]
    assert delivery.confirmation_sent_time is None and delivery.announced_date == ""


async def test_deliveries_show_nothing_before_the_allocation_is_published(domain: Domain) -> None:
    await ordered_and_closed(domain, publish=False)
    assert (await domain.deliveries.list(CLAIRE, LILAS_ORDER, "", 0, "")).items == []
    with pytest.raises(FailedPrecondition):
        await domain.deliveries.record_sent(MAILER, f"sessions/{SESSION}", [(LILAS, "2022-03-18")], rid())


async def test_another_officine_s_deliveries_are_not_found_and_an_effecteur_sees_only_its_own(domain: Domain) -> None:
    await ordered_and_closed(domain)
    with pytest.raises(NotFound):
        await domain.deliveries.list(KARIM, LILAS_ORDER, "", 0, "")
    with pytest.raises(NotFound):
        await domain.deliveries.list(KARIM, "sessions/-/officines/-", DUBOIS, 0, "")
    mine = await domain.deliveries.list(JEANNE, "sessions/-/officines/-", DUBOIS, 0, "")
    assert [(d.finess, [(x.effecteur, x.product) for x in d.lines]) for d in mine.items] == [
        (LILAS, [(DUBOIS, MODERNA), (DUBOIS, PFIZER)])
    ]
    with pytest.raises(NotFound):
        await domain.deliveries.list(JEANNE, "sessions/-/officines/-", TRAORE, 0, "")
    everything = await domain.deliveries.list(MAILER, "sessions/-/officines/-", "", 1, "")
    assert [d.finess for d in everything.items] == [CONFLUENT]
    second = await domain.deliveries.list(MAILER, "sessions/-/officines/-", "", 1, everything.next_page_token)
    assert [d.finess for d in second.items] == [LILAS] and second.next_page_token == ""


async def test_date_changes_feed_only_after_the_confirmation_was_recorded(domain: Domain) -> None:
    await ordered_and_closed(domain)
    await set_date(domain, department="75", date="2022-03-19")
    assert await feed(domain) == []
    recorded = await domain.deliveries.record_sent(
        MAILER, f"sessions/{SESSION}", [(LILAS, "2022-03-19"), (CONFLUENT, "2022-03-18")], rid()
    )
    assert recorded.changed == 0
    (lilas,) = (await domain.deliveries.list(CLAIRE, LILAS_ORDER, "", 0, "")).items
    assert (lilas.confirmation_sent_time, lilas.announced_date) == (AFTER, "2022-03-19")
    allocation = await domain.supply.get_allocation(OPERATOR, f"sessions/{SESSION}/allocation")
    assert allocation.confirmations_sent_time == AFTER

    await set_date(domain, finess=LILAS, date="2022-03-21")
    await domain.plans.clear_date(OPERATOR, PLAN, "", LILAS, rid())
    await set_date(domain, department="13", date="2022-03-22")  # nobody of ours there
    assert await feed(domain) == [(LILAS, "2022-03-19", "2022-03-21"), (LILAS, "2022-03-21", "2022-03-19")]
    changes = await domain.deliveries.date_changes(MAILER, 0, 0)
    assert [c.change_by for c in changes] == [OPERATOR.national_id] * 2
    assert await domain.deliveries.date_changes(MAILER, changes[0].id, 0) == changes[1:]
    # A position past what the id column holds is bad input (PostgreSQL answered "integer out
    # of range": INTERNAL, found by the gRPC fuzzer), on every database.
    for too_far in (2**31, 2**63 - 1):
        with pytest.raises(InvalidArgument) as refused:
            await domain.deliveries.date_changes(MAILER, too_far, 0)
        assert [v.field for v in refused.value.violations] == ["after_id"]
        assert refused.value.message.startswith("Nombre hors limites")


async def test_a_confirmation_recorded_with_a_stale_date_queues_a_change_and_the_first_record_stands(
    domain: Domain,
) -> None:
    await ordered_and_closed(domain)
    await set_date(domain, department="69", date="2022-03-20")
    recorded = await domain.deliveries.record_sent(MAILER, f"sessions/{SESSION}", [(CONFLUENT, "2022-03-18")], rid())
    assert recorded.changed == 1
    assert await feed(domain) == [(CONFLUENT, "2022-03-18", "2022-03-20")]
    again = await domain.deliveries.record_sent(MAILER, f"sessions/{SESSION}", [(CONFLUENT, "2022-03-18")], rid())
    assert again.changed == 0
    assert len(await feed(domain)) == 1


async def test_recording_confirmations_checks_who_and_which_officines(domain: Domain) -> None:
    await ordered_and_closed(domain)
    with pytest.raises(PermissionDenied):
        await domain.deliveries.record_sent(CLAIRE, f"sessions/{SESSION}", [(LILAS, "2022-03-18")], rid())
    with pytest.raises(PermissionDenied):
        await domain.deliveries.date_changes(CLAIRE, 0, 0)
    with pytest.raises(InvalidArgument) as refused:
        await domain.deliveries.record_sent(
            MAILER, f"sessions/{SESSION}", [(VIEUX_PORT, "2022-03-18"), (LILAS, "18/03/2022")], rid()
        )
    assert [v.field for v in refused.value.violations] == ["confirmations[1].announced_date"]
    # An announced date outside the accepted range (services.common.dates) is refused, not stored.
    with pytest.raises(InvalidArgument) as refused:
        await domain.deliveries.record_sent(
            MAILER, f"sessions/{SESSION}", [(LILAS, "9999-03-18"), (CONFLUENT, "0001-01-01")], rid()
        )
    assert [v.field for v in refused.value.violations] == [
        "confirmations[0].announced_date",
        "confirmations[1].announced_date",
    ]
    assert refused.value.violations[0].description.startswith("Date hors de la plage acceptée")
    with pytest.raises(InvalidArgument) as refused:
        await domain.deliveries.record_sent(MAILER, f"sessions/{SESSION}", [(VIEUX_PORT, "2022-03-18")], rid())
    assert [v.field for v in refused.value.violations] == ["confirmations[0].finess"]


async def test_plan_edits_are_audited_and_retries_change_nothing_twice(domain: Domain) -> None:
    await ordered_and_closed(domain)
    await domain.deliveries.record_sent(MAILER, f"sessions/{SESSION}", [(LILAS, "2022-03-18")], rid())
    request_id = rid()
    first = await domain.plans.set_date(OPERATOR, PLAN, "", LILAS, "2022-03-20", request_id)
    assert await domain.plans.set_date(OPERATOR, PLAN, "", LILAS, "2022-03-20", request_id) == first
    assert await feed(domain) == [(LILAS, "2022-03-18", "2022-03-20")]
    async with domain.db.read() as s:
        trail = list((await s.execute(select(Change).where(Change.subject == PLAN))).scalars())
    assert [(c.action, c.actor, c.finess, c.note, c.vials_after, c.request_id) for c in trail] == [
        ("SET_DELIVERY_DATE", OPERATOR.national_id, LILAS, f"FINESS {LILAS} : 2022-03-20", 1, request_id)
    ]


async def test_a_page_of_deliveries_costs_the_same_queries_whatever_the_number_of_officines_on_it(
    domain: Domain, dataset: dict
) -> None:
    """No query per officine: one page of 1 officine and one of 3 run the same statements."""
    await seed_dataset(domain.db, dataset, operator=OPERATOR.national_id, now=AFTER)
    domain.clock.set(AFTER)
    etag = (await domain.supply.get_supply(OPERATOR, f"sessions/{SESSION}/supply")).etag
    await domain.supply.publish(OPERATOR, f"sessions/{SESSION}", etag, rid())

    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(domain.db.reader.sync_engine, "before_cursor_execute", count)
    try:
        one = await domain.deliveries.list(OPERATOR, EVERYWHERE, "", 1, "")
        after_one = len(statements)
        three = await domain.deliveries.list(OPERATOR, EVERYWHERE, "", 3, "")
        after_three = len(statements) - after_one
    finally:
        event.remove(domain.db.reader.sync_engine, "before_cursor_execute", count)
    assert (len(one.items), len(three.items)) == (1, 3)
    assert 0 < after_one == after_three <= 4, statements
