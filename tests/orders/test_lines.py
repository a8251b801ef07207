"""Order lines through the domain service: window by the server clock, quota
rules, etags, idempotency, audit trail, reads scoped to their owner."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.common.errors import (
    Aborted,
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    QuotaExceeded,
)
from services.orders.errors import quota_exceeded
from services.orders.ports import Maintenance, QuotaRule, SessionWindow
from tests.orders.conftest import (
    CLAIRE,
    CLOSE_TIME,
    DUBOIS,
    JEANNE,
    KARIM,
    LEFEBVRE,
    LILAS,
    MODERNA,
    NOVAVAX,
    OPEN_TIME,
    OPERATOR,
    PEDIATRIC,
    PFIZER,
    PMI,
    SESSION,
    Domain,
    rid,
)

PARENT = f"sessions/{SESSION}/officines/{LILAS}"
ONE_SECOND = timedelta(seconds=1)


async def lines_of(domain: Domain, principal=CLAIRE, parent: str = PARENT):  # type: ignore[no-untyped-def]
    return (await domain.lines.list(principal, parent, "", "", 0, "")).items


async def test_officine_orders_for_an_attached_effecteur_and_reads_it_back(domain: Domain) -> None:
    created = await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 12, rid())
    line = created.line
    assert line is not None
    assert line.name.startswith(f"{PARENT}/lines/")
    assert (line.vials, line.effecteur_type, line.vials_from_requests) == (12, "MEDECIN", 0)
    assert created.warnings == []
    assert await domain.lines.get(CLAIRE, line.name) == line
    # The effecteur sees its own line; the operator sees everything.
    assert await domain.lines.get(JEANNE, line.name) == line
    assert await domain.lines.get(OPERATOR, line.name) == line


async def test_officine_orders_for_its_own_needs_as_pharmacien(domain: Domain) -> None:
    own = f"effecteurs/finess:{LILAS}"
    line = (await domain.lines.create(CLAIRE, PARENT, own, PFIZER, 3, rid())).line
    assert line is not None and line.effecteur_type == "PHARMACIEN"


async def test_second_line_for_the_same_effecteur_and_product_is_refused_naming_the_first_to_clients(
    domain: Domain,
) -> None:
    first = (await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 5, rid())).line
    assert first is not None
    with pytest.raises(AlreadyExists) as refused:
        await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 7, rid())
    assert refused.value.metadata["line"] == first.name
    # Users read the message: no resource name in it (issue 16, raw codes shown to users).
    assert "sessions/" not in refused.value.message
    assert refused.value.message.startswith("Une ligne existe déjà pour cet effecteur et ce produit")
    assert [x.vials for x in await lines_of(domain)] == [5]


async def test_effecteur_attached_elsewhere_or_nowhere_cannot_be_ordered_for(domain: Domain) -> None:
    with pytest.raises(NotFound) as elsewhere:
        await domain.lines.create(CLAIRE, PARENT, LEFEBVRE, MODERNA, 5, rid())
    assert elsewhere.value.reason == "EFFECTEUR_NOT_ATTACHED"
    # The user reads a sentence without the effecteur's resource name; clients get it in the metadata.
    assert "effecteurs/" not in elsewhere.value.message and "rattaché" in elsewhere.value.message
    assert elsewhere.value.metadata["effecteur"] == LEFEBVRE
    domain.attachments.attach(DUBOIS, None)
    with pytest.raises(NotFound):
        await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 5, rid())
    assert await lines_of(domain) == []


async def test_attachment_is_checked_at_the_moment_of_the_write(domain: Domain) -> None:
    line = (await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 5, rid())).line
    assert line is not None
    domain.attachments.attach(DUBOIS, "699900122")  # moved to another officine mid-session
    with pytest.raises(NotFound):
        await domain.lines.update(CLAIRE, line.name, line.etag, 8, rid())
    # Lowering what will be shipped stays possible.
    lowered = (await domain.lines.update(CLAIRE, line.name, line.etag, 2, rid())).line
    assert lowered is not None and lowered.vials == 2


@pytest.mark.parametrize(
    ("at", "accepted"),
    [
        (OPEN_TIME - ONE_SECOND, False),
        (OPEN_TIME, True),
        (CLOSE_TIME - ONE_SECOND, True),
        (CLOSE_TIME, False),
    ],
    ids=["second-before-opening", "at-opening", "last-second", "at-closing"],
)
async def test_writes_are_taken_only_inside_the_window_by_the_server_clock(
    domain: Domain, at: datetime, accepted: bool
) -> None:
    domain.clock.set(at)
    if accepted:
        assert (await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 4, rid())).line is not None
        return
    with pytest.raises(FailedPrecondition) as refused:
        await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 4, rid())
    error = refused.value
    assert error.reason == "SESSION_CLOSED"
    assert (
        "lundi 7 mars 2022 à 8\u00a0h\u00a000" in error.message
        and "mardi 8 mars 2022 à 23\u00a0h\u00a000" in error.message
    )
    assert await lines_of(domain) == []


async def test_closed_session_message_gives_the_next_opening(domain: Domain) -> None:
    domain.sessions.add_session(
        SessionWindow(
            "2022-03-14",
            "Session du 14 mars 2022",
            datetime.fromisoformat("2022-03-14T08:00:00+01:00"),
            datetime.fromisoformat("2022-03-15T23:00:00+01:00"),
        ),
        copy_table_of=SESSION,
    )
    domain.clock.set(CLOSE_TIME + timedelta(hours=1))
    with pytest.raises(FailedPrecondition) as refused:
        await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 4, rid())
    assert "Prochaine ouverture : lundi 14 mars 2022 à 8\u00a0h\u00a000" in refused.value.message
    assert refused.value.metadata["next_open_time"].startswith("2022-03-14T07:00:00")


@pytest.mark.parametrize(
    ("session_id", "opens", "closes", "last_second", "closing_utc", "shown"),
    [
        # Saturday 26 March 08:00 CET to Monday 28 March 08:00 CEST: 47 hours, not 48.
        (
            "2022-03-26",
            "2022-03-26T08:00:00+01:00",
            "2022-03-28T08:00:00+02:00",
            "2022-03-28T07:59:59+02:00",
            "2022-03-28T06:00:00+00:00",
            "lundi 28 mars 2022 à 8\u00a0h\u00a000",
        ),
        # Saturday 29 October 08:00 CEST to Monday 31 October 08:00 CET: 49 hours.
        (
            "2022-10-29",
            "2022-10-29T08:00:00+02:00",
            "2022-10-31T08:00:00+01:00",
            "2022-10-31T07:59:59+01:00",
            "2022-10-31T07:00:00+00:00",
            "lundi 31 octobre 2022 à 8\u00a0h\u00a000",
        ),
    ],
    ids=["spring-forward", "fall-back"],
)
async def test_window_across_a_dst_change_closes_at_paris_wall_time(
    domain: Domain, session_id: str, opens: str, closes: str, last_second: str, closing_utc: str, shown: str
) -> None:
    label = f"Session du {session_id}"
    window = SessionWindow(session_id, label, datetime.fromisoformat(opens), datetime.fromisoformat(closes))
    domain.sessions.add_session(window, copy_table_of=SESSION)
    parent = f"sessions/{session_id}/officines/{LILAS}"
    domain.clock.set(datetime.fromisoformat(last_second))
    assert (await domain.lines.create(CLAIRE, parent, DUBOIS, MODERNA, 1, rid())).line is not None
    domain.clock.set(datetime.fromisoformat(closing_utc))
    with pytest.raises(FailedPrecondition) as refused:
        await domain.lines.create(CLAIRE, parent, DUBOIS, PFIZER, 1, rid())
    assert refused.value.reason == "SESSION_CLOSED"
    assert shown in refused.value.message


async def test_product_not_open_for_the_type_is_refused_naming_type_and_product(domain: Domain) -> None:
    # Reference week: PMI may not order Moderna.
    with pytest.raises(FailedPrecondition) as refused:
        await domain.lines.create(CLAIRE, PARENT, PMI, MODERNA, 2, rid())
    assert refused.value.reason == "PRODUCT_NOT_OPEN"
    assert "PMI" in refused.value.message and "Spikevax (Moderna)" in refused.value.message
    # ...but may order paediatric Pfizer.
    assert (await domain.lines.create(CLAIRE, PARENT, PMI, PEDIATRIC, 2, rid())).line is not None


async def test_a_first_order_over_the_cap_says_it_exceeds_the_maximum(domain: Domain) -> None:
    """8 typed against a max of 5 with nothing ordered: "8 dépasse le maximum de 5 flacons"."""
    domain.sessions.set_rule(SESSION, "MEDECIN", MODERNA, QuotaRule("CAPPED", max_vials=5))
    with pytest.raises(QuotaExceeded) as refused:
        await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 8, rid())
    assert refused.value.message.startswith("8 dépasse le maximum de 5 flacons")
    assert "Quota atteint" not in refused.value.message


def test_an_order_over_what_remains_says_what_is_already_ordered_elsewhere() -> None:
    """An effecteur who moved officine mid-session: 3 of 5 ordered at the first one."""
    refused = quota_exceeded("MEDECIN", "Spikevax (Moderna)", cap=5, used=3, current_line=None, requested=4)
    assert refused.message.startswith("4 dépasse ce qui reste à commander pour cet effecteur")
    assert "dont 3 flacons déjà commandés par ailleurs ; il en reste 2 flacons pour cette commande." in refused.message
    assert refused.metadata["remaining_vials"] == "2"


async def test_product_outside_its_orderable_dates_is_not_open(domain: Domain) -> None:
    with pytest.raises(FailedPrecondition) as refused:  # Novavax only from 14 March
        await domain.lines.create(CLAIRE, PARENT, DUBOIS, NOVAVAX, 2, rid())
    assert refused.value.reason == "PRODUCT_NOT_OPEN"


async def test_capped_line_refuses_beyond_the_cap_saying_what_remains(domain: Domain) -> None:
    domain.sessions.set_rule(SESSION, "MEDECIN", MODERNA, QuotaRule("CAPPED", max_vials=10))
    line = (await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 7, rid())).line
    assert line is not None
    with pytest.raises(QuotaExceeded) as refused:
        await domain.lines.update(CLAIRE, line.name, line.etag, 11, rid())
    assert refused.value.reason == "QUOTA_EXCEEDED"
    assert refused.value.metadata["remaining_vials"] == "3"
    # Nothing else ordered for Dubois: the message says what was typed against the cap, not "Quota atteint".
    assert refused.value.message.startswith("11 dépasse le maximum de 10 flacons : le type « médecin »")
    # Exactly the cap is fine; so is going back down.
    at_cap = (await domain.lines.update(CLAIRE, line.name, line.etag, 10, rid())).line
    assert at_cap is not None and at_cap.vials == 10
    lower = (await domain.lines.update(CLAIRE, at_cap.name, at_cap.etag, 4, rid())).line
    assert lower is not None and lower.vials == 4


async def test_lowering_stays_possible_after_the_cap_was_lowered_below_the_line(domain: Domain) -> None:
    line = (await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 8, rid())).line
    assert line is not None
    domain.sessions.set_rule(SESSION, "MEDECIN", MODERNA, QuotaRule("CAPPED", max_vials=5))
    lowered = (await domain.lines.update(CLAIRE, line.name, line.etag, 6, rid())).line
    assert lowered is not None and lowered.vials == 6
    with pytest.raises(QuotaExceeded) as refused:
        await domain.lines.update(CLAIRE, lowered.name, lowered.etag, 7, rid())
    assert refused.value.metadata["remaining_vials"] == "0"


async def test_unlimited_with_soft_threshold_accepts_with_a_warning(domain: Domain) -> None:
    domain.sessions.set_rule(SESSION, "MEDECIN", PFIZER, QuotaRule("UNLIMITED", soft_threshold=20))
    quiet = await domain.lines.create(CLAIRE, PARENT, DUBOIS, PFIZER, 20, rid())
    assert quiet.warnings == []
    assert quiet.line is not None
    loud = await domain.lines.update(CLAIRE, quiet.line.name, quiet.line.etag, 25, rid())
    assert loud.line is not None and loud.line.vials == 25
    assert [w.reason for w in loud.warnings] == ["ABOVE_SOFT_THRESHOLD"]
    assert "stock" in loud.warnings[0].message or "détruits" in loud.warnings[0].message


async def test_stale_etag_is_aborted_and_changes_nothing(domain: Domain) -> None:
    line = (await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 5, rid())).line
    assert line is not None
    changed = (await domain.lines.update(CLAIRE, line.name, line.etag, 6, rid())).line
    assert changed is not None and changed.etag != line.etag
    with pytest.raises(Aborted):
        await domain.lines.update(CLAIRE, line.name, line.etag, 9, rid())
    with pytest.raises(Aborted):
        await domain.lines.delete(CLAIRE, line.name, line.etag, rid())
    assert (await domain.lines.get(CLAIRE, line.name)).vials == 6


async def test_delete_withdraws_the_line_and_frees_the_quota(domain: Domain) -> None:
    domain.sessions.set_rule(SESSION, "MEDECIN", MODERNA, QuotaRule("CAPPED", max_vials=10))
    line = (await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 10, rid())).line
    assert line is not None
    await domain.lines.delete(CLAIRE, line.name, line.etag, rid())
    with pytest.raises(NotFound):
        await domain.lines.get(CLAIRE, line.name)
    again = (await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 10, rid())).line
    assert again is not None and again.name != line.name


async def test_lines_are_frozen_after_close(domain: Domain) -> None:
    line = (await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 5, rid())).line
    assert line is not None
    domain.clock.set(CLOSE_TIME)
    for attempt in (
        domain.lines.update(CLAIRE, line.name, line.etag, 3, rid()),
        domain.lines.delete(CLAIRE, line.name, line.etag, rid()),
    ):
        with pytest.raises(FailedPrecondition) as refused:
            await attempt
        assert refused.value.reason == "SESSION_CLOSED"
    assert (await domain.lines.get(CLAIRE, line.name)).vials == 5


async def test_retry_with_the_same_request_id_returns_the_first_outcome_and_changes_nothing(domain: Domain) -> None:
    request_id = rid()
    first = await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 5, request_id)
    # Even once the window closed, the retry gets its answer.
    domain.clock.set(CLOSE_TIME + timedelta(minutes=5))
    again = await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 5, request_id)
    assert again == first
    assert len(await lines_of(domain)) == 1
    assert first.line is not None
    changes = (await domain.lines.changes(CLAIRE, first.line.name, 0, "")).items
    assert [c.action for c in changes] == ["CREATE"]


async def test_same_request_id_with_another_payload_or_caller_is_invalid(domain: Domain) -> None:
    request_id = rid()
    await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 5, request_id)
    with pytest.raises(InvalidArgument) as other_payload:
        await domain.lines.create(CLAIRE, PARENT, DUBOIS, PFIZER, 5, request_id)
    assert other_payload.value.reason == "REQUEST_ID_REUSED"
    with pytest.raises(InvalidArgument):
        await domain.lines.create(
            CLAIRE.__class__("899700000047", roles=CLAIRE.roles, acts_for=CLAIRE.acts_for),
            PARENT,
            DUBOIS,
            MODERNA,
            5,
            request_id,
        )
    assert [x.product for x in await lines_of(domain)] == [MODERNA]


async def test_bad_input_names_every_field_and_stores_nothing(domain: Domain) -> None:
    with pytest.raises(InvalidArgument) as refused:
        await domain.lines.create(CLAIRE, "sessions/x/officines/nope", "rpps:1", "moderna", 0, "not-a-uuid")
    fields = {v.field for v in refused.value.violations}
    assert fields == {"parent", "line.effecteur", "line.product", "line.vials", "request_id"}
    with pytest.raises(InvalidArgument) as too_many:
        await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 10_001, rid())
    assert [v.field for v in too_many.value.violations] == ["line.vials"]
    with pytest.raises(InvalidArgument) as unknown:
        await domain.lines.create(CLAIRE, PARENT, DUBOIS, "products/astrazeneca", 1, rid())
    assert [v.field for v in unknown.value.violations] == ["line.product"]
    assert await lines_of(domain) == []


async def test_audit_trail_keeps_who_when_before_after_and_request_id(domain: Domain) -> None:
    first_id, second_id, third_id = rid(), rid(), rid()
    line = (await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 5, first_id)).line
    assert line is not None
    domain.clock.advance(timedelta(minutes=3))
    line = (await domain.lines.update(CLAIRE, line.name, line.etag, 9, second_id)).line
    assert line is not None
    await domain.lines.delete(CLAIRE, line.name, line.etag, third_id)
    changes = (await domain.lines.changes(CLAIRE, line.name, 0, "")).items
    assert [(c.action, c.vials_before, c.vials_after, c.request_id, c.actor) for c in changes] == [
        ("CREATE", 0, 5, first_id, CLAIRE.national_id),
        ("UPDATE", 5, 9, second_id, CLAIRE.national_id),
        ("DELETE", 9, 0, third_id, CLAIRE.national_id),
    ]
    assert changes[1].change_time - changes[0].change_time == timedelta(minutes=3)
    # Paginated, oldest first.
    page = await domain.lines.changes(CLAIRE, line.name, 2, "")
    rest = await domain.lines.changes(CLAIRE, line.name, 2, page.next_page_token)
    assert [c.action for c in page.items + rest.items] == ["CREATE", "UPDATE", "DELETE"]
    assert rest.next_page_token == ""


async def test_another_officine_sees_nothing_of_these_lines(domain: Domain) -> None:
    line = (await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 5, rid())).line
    assert line is not None
    for attempt in (
        domain.lines.get(KARIM, line.name),
        domain.lines.list(KARIM, PARENT, "", "", 0, ""),
        domain.lines.update(KARIM, line.name, line.etag, 1, rid()),
        domain.lines.delete(KARIM, line.name, line.etag, rid()),
        domain.lines.changes(KARIM, line.name, 0, ""),
        domain.lines.create(KARIM, PARENT, DUBOIS, PFIZER, 1, rid()),
    ):
        with pytest.raises(NotFound):
            await attempt


async def test_operators_read_but_do_not_order(domain: Domain) -> None:
    with pytest.raises(PermissionDenied):
        await domain.lines.create(OPERATOR, PARENT, DUBOIS, MODERNA, 5, rid())


async def test_history_across_sessions_is_paginated_newest_session_first(domain: Domain) -> None:
    earlier = "2022-02-28"
    domain.clock.set(datetime.fromisoformat("2022-02-28T12:00:00+01:00"))
    domain.sessions.tables[earlier] = domain.sessions.tables[SESSION]
    for product in (MODERNA, PFIZER):
        await domain.lines.create(CLAIRE, f"sessions/{earlier}/officines/{LILAS}", DUBOIS, product, 1, rid())
    domain.clock.set(OPEN_TIME + timedelta(hours=1))
    for effecteur in (DUBOIS, f"effecteurs/finess:{LILAS}"):
        await domain.lines.create(CLAIRE, PARENT, effecteur, PFIZER, 2, rid())
    history = f"sessions/-/officines/{LILAS}"
    seen, token = [], ""
    while True:
        page = await domain.lines.list(CLAIRE, history, "", "", 1, token)
        seen += page.items
        token = page.next_page_token
        if not token:
            break
    assert [x.name.split("/")[1] for x in seen] == [SESSION, SESSION, earlier, earlier]
    # Then by effecteur name: "effecteurs/finess:..." sorts before "effecteurs/rpps:...".
    assert [(x.effecteur, x.product) for x in seen[:2]] == [(f"effecteurs/finess:{LILAS}", PFIZER), (DUBOIS, PFIZER)]
    only_moderna = await domain.lines.list(CLAIRE, history, DUBOIS, MODERNA, 0, "")
    assert [x.vials for x in only_moderna.items] == [1]
    # The médecin reads its own lines, on any officine.
    mine = await domain.lines.list(JEANNE, "sessions/-/officines/-", DUBOIS, "", 0, "")
    assert len(mine.items) == 3 and {x.effecteur for x in mine.items} == {DUBOIS}
    with pytest.raises(NotFound):
        await domain.lines.list(JEANNE, "sessions/-/officines/-", LEFEBVRE, "", 0, "")
    with pytest.raises(InvalidArgument):
        await domain.lines.list(JEANNE, "sessions/-/officines/-", "", "", 0, "")
    # A page token only continues the query it came from.
    first = await domain.lines.list(CLAIRE, history, "", "", 1, "")
    with pytest.raises(InvalidArgument):
        await domain.lines.list(CLAIRE, history, DUBOIS, "", 1, first.next_page_token)


async def test_no_order_entry_during_a_maintenance_window_inside_the_session(domain: Domain) -> None:
    start = OPEN_TIME + timedelta(hours=4)
    domain.sessions.maintenance_windows.append(Maintenance(start, start + timedelta(hours=1), "Mise à jour."))
    domain.clock.set(start)
    with pytest.raises(FailedPrecondition) as refused:
        await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 4, rid())
    assert refused.value.reason == "SERVICE_MAINTENANCE"
    assert "lundi 7 mars 2022 à 13\u00a0h\u00a000" in refused.value.message
    domain.clock.set(start + timedelta(hours=1))
    assert (await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 4, rid())).line is not None
