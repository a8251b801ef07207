"""Concurrent writers on one line: the cap holds, nothing is lost or doubled.
Runs on SQLite and, with VAXORDERS_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.common.errors import Aborted, FailedPrecondition, QuotaExceeded
from services.orders import repository as repo
from services.orders.ports import QuotaRule, SessionWindow
from tests.orders.conftest import CLAIRE, DUBOIS, JEANNE, LILAS, MODERNA, SESSION, Domain, rid

PARENT = f"sessions/{SESSION}/officines/{LILAS}"
_sessions = itertools.count()


async def ledger(domain: Domain, session_id: str) -> int:
    async with domain.db.read() as s:
        return await s.run_sync(repo.usage, session_id, DUBOIS, MODERNA)


async def test_two_hundred_one_vial_confirmations_against_a_cap_of_ten_confirm_exactly_ten(domain: Domain) -> None:
    domain.sessions.set_rule(SESSION, "MEDECIN", MODERNA, QuotaRule("CAPPED", max_vials=10))
    created = await asyncio.gather(
        *(domain.requests.create(JEANNE, PARENT, DUBOIS, MODERNA, 1, "", rid()) for _ in range(200))
    )
    asked = [c.request.name for c in created]

    async def confirm(name: str) -> str:
        try:
            await domain.requests.confirm(CLAIRE, name, None, "", rid())
            return "confirmed"
        except QuotaExceeded as refused:
            return refused.reason

    results = await asyncio.gather(*(confirm(name) for name in asked))
    assert results.count("confirmed") == 10
    assert results.count("QUOTA_EXCEEDED") == 190
    lines = (await domain.lines.list(CLAIRE, PARENT, "", "", 0, "")).items
    assert [(x.vials, x.vials_from_requests) for x in lines] == [(10, 10)]
    assert await ledger(domain, SESSION) == 10
    states = [(await domain.requests.get(CLAIRE, name)).state for name in asked]
    assert states.count("CONFIRMED") == 10 and states.count("PENDING") == 190
    summary = await domain.reports.officine_summary(CLAIRE, PARENT)
    assert summary.pending_requests == 190


async def test_twenty_concurrent_retries_with_one_request_id_make_one_line(domain: Domain) -> None:
    request_id = rid()
    outcomes = await asyncio.gather(
        *(domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 6, request_id) for _ in range(20))
    )
    assert len({o.line.name for o in outcomes if o.line}) == 1
    assert all(o == outcomes[0] for o in outcomes)
    lines = (await domain.lines.list(CLAIRE, PARENT, "", "", 0, "")).items
    assert [x.vials for x in lines] == [6]
    assert await ledger(domain, SESSION) == 6
    assert outcomes[0].line is not None
    changes = (await domain.lines.changes(CLAIRE, outcomes[0].line.name, 0, "")).items
    assert len(changes) == 1


async def test_one_request_confirmed_twice_at_once_counts_once(domain: Domain) -> None:
    asked = (await domain.requests.create(JEANNE, PARENT, DUBOIS, MODERNA, 3, "", rid())).request

    async def confirm() -> str:
        try:
            await domain.requests.confirm(CLAIRE, asked.name, None, "", rid())
            return "confirmed"
        except FailedPrecondition as refused:
            return refused.reason

    results = await asyncio.gather(*(confirm() for _ in range(5)))
    assert sorted(results) == ["REQUEST_NOT_PENDING"] * 4 + ["confirmed"]
    lines = (await domain.lines.list(CLAIRE, PARENT, "", "", 0, "")).items
    assert [x.vials for x in lines] == [3]


operations = st.lists(
    st.one_of(
        st.tuples(st.just("set"), st.integers(min_value=1, max_value=14)),
        st.tuples(st.just("confirm"), st.integers(min_value=1, max_value=6)),
    ),
    min_size=2,
    max_size=12,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cap=st.integers(min_value=1, max_value=12), ops=operations)
async def test_mixed_concurrent_sets_and_confirmations_never_exceed_the_cap(domain: Domain, cap: int, ops) -> None:  # type: ignore[no-untyped-def]
    # A session of its own per example, so examples never see each other's lines.
    session_id = f"race-{next(_sessions)}"
    main = domain.sessions.windows[SESSION]
    domain.sessions.add_session(SessionWindow(session_id, "Session de test", main.open_time, main.close_time), SESSION)
    domain.sessions.set_rule(session_id, "MEDECIN", MODERNA, QuotaRule("CAPPED", max_vials=cap))
    parent = f"sessions/{session_id}/officines/{LILAS}"
    asked = {
        i: (await domain.requests.create(JEANNE, parent, DUBOIS, MODERNA, n, "", rid())).request.name
        for i, (kind, n) in enumerate(ops)
        if kind == "confirm" and n <= cap
    }
    seed = (await domain.lines.create(CLAIRE, parent, DUBOIS, MODERNA, 1, rid())).line
    assert seed is not None

    async def run(i: int, kind: str, n: int) -> None:
        try:
            if kind == "set":
                current = await domain.lines.get(CLAIRE, seed.name)
                await domain.lines.update(CLAIRE, seed.name, current.etag, n, rid())
            elif i in asked:
                await domain.requests.confirm(CLAIRE, asked[i], None, "", rid())
        except (QuotaExceeded, Aborted):
            pass  # refused whole: checked below through the audit trail

    await asyncio.gather(*(run(i, kind, n) for i, (kind, n) in enumerate(ops)))
    line = await domain.lines.get(CLAIRE, seed.name)
    assert line.vials <= cap
    assert await ledger(domain, session_id) == line.vials
    # No lost update: every accepted change starts from the previous one's result.
    changes = (await domain.lines.changes(CLAIRE, seed.name, 0, "")).items
    for previous, change in itertools.pairwise(changes):
        assert change.vials_before == previous.vials_after
    assert changes[-1].vials_after == line.vials
    confirmed = [r for r in (await domain.requests.list(CLAIRE, parent, "CONFIRMED", "", 0, "")).items]
    assert sum(r.confirmed_vials for r in confirmed) == sum(
        c.vials_after - c.vials_before for c in changes if c.action == "CONFIRM_REQUEST"
    )
