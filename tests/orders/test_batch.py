"""A grid save (BatchLineService): one transaction, each write saved or refused
on its own, the quota never exceeded, even by concurrent saves of the same cell.
Runs on SQLite and, with VAXORDERS_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.orders import names
from services.orders import repository as repo
from services.orders.batch import MAX_WRITES, BatchLineService, LineWrite
from services.orders.ports import QuotaRule
from tests.orders.conftest import (
    CLAIRE,
    CLOSE_TIME,
    DUBOIS,
    KARIM,
    LILAS,
    MODERNA,
    OWN,
    PEDIATRIC,
    PFIZER,
    PMI,
    SESSION,
    TRAORE,
    Domain,
    rid,
)

PARENT = f"sessions/{SESSION}/officines/{LILAS}"


def create(effecteur: str, product: str, vials: int) -> LineWrite:
    return LineWrite("create", effecteur=effecteur, product=product, vials=vials)


async def ledger(domain: Domain, effecteur: str, product: str) -> int:
    async with domain.db.read() as s:
        return await s.run_sync(repo.usage, SESSION, effecteur, product)


async def stored(domain: Domain) -> dict[tuple[str, str], int]:
    lines = (await domain.lines.list(CLAIRE, PARENT, "", "", 0, "")).items
    return {(x.effecteur, x.product): x.vials for x in lines}


async def test_a_save_keeps_the_accepted_cells_and_says_why_each_other_was_refused(domain: Domain) -> None:
    domain.sessions.set_rule(SESSION, "MEDECIN", MODERNA, QuotaRule("CAPPED", max_vials=10))
    domain.attachments.attach(TRAORE, None)  # detached before the save
    batch = BatchLineService(domain.rules)
    outcome = await batch.write(
        CLAIRE,
        PARENT,
        [
            create(DUBOIS, MODERNA, 12),  # above the cap
            create(DUBOIS, PFIZER, 4),
            create(TRAORE, PFIZER, 2),  # no longer attached
            create(PMI, MODERNA, 1),  # not open to PMI that week
            create(OWN, PEDIATRIC, 3),
        ],
        rid(),
    )
    assert [c.saved for c in outcome.cells] == [False, True, False, False, True]
    assert [c.reason for c in outcome.cells] == ["QUOTA_EXCEEDED", "", "EFFECTEUR_NOT_ATTACHED", "PRODUCT_NOT_OPEN", ""]
    assert "10" in outcome.cells[0].message
    assert all(c.message for c in outcome.cells if not c.saved)
    assert await stored(domain) == {(DUBOIS, PFIZER): 4, (OWN, PEDIATRIC): 3}
    assert await ledger(domain, DUBOIS, MODERNA) == 0


async def test_a_second_save_updates_withdraws_and_refuses_a_stale_etag_alone(domain: Domain) -> None:
    batch = BatchLineService(domain.rules)
    first = await batch.write(
        CLAIRE, PARENT, [create(DUBOIS, MODERNA, 5), create(DUBOIS, PFIZER, 4), create(OWN, PFIZER, 2)], rid()
    )
    moderna, pfizer, own = (c.line for c in first.cells)
    assert moderna and pfizer and own
    # A colleague changed the Pfizer line in between.
    await domain.lines.update(CLAIRE, pfizer.name, pfizer.etag, 6, rid())
    second = await batch.write(
        CLAIRE,
        PARENT,
        [
            LineWrite("update", name=moderna.name, etag=moderna.etag, vials=8),
            LineWrite("update", name=pfizer.name, etag=pfizer.etag, vials=1),
            LineWrite("delete", name=own.name, etag=own.etag),
        ],
        rid(),
    )
    assert [c.saved for c in second.cells] == [True, False, True]
    assert second.cells[1].reason == "STALE_ETAG" and "rechargez" in second.cells[1].message
    assert second.cells[0].line is not None and second.cells[0].line.etag != moderna.etag
    assert second.cells[2].line is None
    assert await stored(domain) == {(DUBOIS, MODERNA): 8, (DUBOIS, PFIZER): 6}
    assert (await ledger(domain, DUBOIS, MODERNA), await ledger(domain, DUBOIS, PFIZER)) == (8, 6)
    assert await ledger(domain, OWN, PFIZER) == 0
    trail = (await domain.lines.changes(CLAIRE, moderna.name, 0, "")).items
    assert [(c.action, c.vials_before, c.vials_after) for c in trail] == [("CREATE", 0, 5), ("UPDATE", 5, 8)]
    assert len({c.request_id for c in trail}) == 2


async def test_creating_a_line_that_exists_is_refused_on_its_cell(domain: Domain) -> None:
    await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 5, rid())
    outcome = await BatchLineService(domain.rules).write(
        CLAIRE, PARENT, [create(DUBOIS, MODERNA, 3), create(DUBOIS, PFIZER, 1)], rid()
    )
    assert [(c.saved, c.reason) for c in outcome.cells] == [(False, "LINE_ALREADY_EXISTS"), (True, "")]
    assert await ledger(domain, DUBOIS, MODERNA) == 5


async def test_a_retry_returns_the_first_outcome_and_a_reused_request_id_is_refused(domain: Domain) -> None:
    domain.sessions.set_rule(SESSION, "MEDECIN", MODERNA, QuotaRule("CAPPED", max_vials=10))
    batch = BatchLineService(domain.rules)
    request_id = rid()
    writes = [create(DUBOIS, MODERNA, 7), create(DUBOIS, PFIZER, 2)]
    first = await batch.write(CLAIRE, PARENT, writes, request_id)
    again = await batch.write(CLAIRE, PARENT, writes, request_id)
    assert again == first
    assert await stored(domain) == {(DUBOIS, MODERNA): 7, (DUBOIS, PFIZER): 2}
    with pytest.raises(InvalidArgument) as reused:
        await batch.write(CLAIRE, PARENT, [create(DUBOIS, MODERNA, 9)], request_id)
    assert reused.value.reason == "REQUEST_ID_REUSED"
    assert await ledger(domain, DUBOIS, MODERNA) == 7


async def test_a_closed_window_refuses_the_whole_save_and_stores_nothing(domain: Domain) -> None:
    domain.clock.set(CLOSE_TIME)
    with pytest.raises(FailedPrecondition) as closed:
        await BatchLineService(domain.rules).write(CLAIRE, PARENT, [create(DUBOIS, MODERNA, 1)], rid())
    assert closed.value.reason == "SESSION_CLOSED"
    assert await stored(domain) == {}


async def test_another_officine_is_not_found_and_too_many_writes_are_refused(domain: Domain) -> None:
    batch = BatchLineService(domain.rules)
    with pytest.raises(NotFound):
        await batch.write(KARIM, PARENT, [create(DUBOIS, MODERNA, 1)], rid())
    with pytest.raises(InvalidArgument) as too_many:
        await batch.write(CLAIRE, PARENT, [create(DUBOIS, MODERNA, 1)] * (MAX_WRITES + 1), rid())
    assert f"Au plus {MAX_WRITES} lignes" in too_many.value.message
    assert await stored(domain) == {}


async def test_bad_values_and_a_line_of_another_officine_are_refused_on_their_cells(domain: Domain) -> None:
    other = f"sessions/{SESSION}/officines/699900122/lines/{names.new_id()}"
    outcome = await BatchLineService(domain.rules).write(
        CLAIRE,
        PARENT,
        [
            create(DUBOIS, MODERNA, 0),
            LineWrite("update", name=other, etag="x", vials=2),
            LineWrite(""),
            create(DUBOIS, PFIZER, 2),
            create(DUBOIS, PFIZER, 3),  # the same cell twice
        ],
        rid(),
    )
    assert [c.reason for c in outcome.cells] == [
        "INVALID_ARGUMENT",
        "NOT_FOUND",
        "INVALID_ARGUMENT",
        "",
        "INVALID_ARGUMENT",
    ]
    assert outcome.cells[0].message == "Indiquez un nombre de flacons supérieur à 0."
    assert await stored(domain) == {(DUBOIS, PFIZER): 2}


async def test_a_save_under_the_psc_grace_is_marked_on_each_change(domain: Domain) -> None:
    graced = dataclasses.replace(CLAIRE, psc_mode="GRACE")
    outcome = await BatchLineService(domain.rules).write(graced, PARENT, [create(DUBOIS, MODERNA, 1)], rid())
    assert outcome.cells[0].line is not None
    trail = (await domain.lines.changes(CLAIRE, outcome.cells[0].line.name, 0, "")).items
    assert [c.psc_grace for c in trail] == [True]


async def test_ten_concurrent_saves_on_one_capped_cell_never_pass_the_cap(domain: Domain) -> None:
    domain.sessions.set_rule(SESSION, "MEDECIN", MODERNA, QuotaRule("CAPPED", max_vials=10))
    first = await BatchLineService(domain.rules).write(CLAIRE, PARENT, [create(DUBOIS, MODERNA, 1)], rid())
    assert first.cells[0].line is not None
    name = first.cells[0].line.name

    async def add_three_until_refused() -> list[str]:
        """A titulaire's grid adding 3 vials, reloading on a stale etag, until the cap says no."""
        reasons = []
        while not reasons or reasons[-1] != "QUOTA_EXCEEDED":
            line = await domain.lines.get(CLAIRE, name)
            write = LineWrite("update", name=name, etag=line.etag, vials=line.vials + 3)
            cell = (await BatchLineService(domain.rules).write(CLAIRE, PARENT, [write], rid())).cells[0]
            assert cell.saved or cell.message
            reasons.append(cell.reason or "SAVED")
        return reasons

    results = await asyncio.gather(*(add_three_until_refused() for _ in range(10)))
    assert (await stored(domain))[(DUBOIS, MODERNA)] == 10 == await ledger(domain, DUBOIS, MODERNA)
    assert sum(r.count("SAVED") for r in results) == 3
    assert {reason for r in results for reason in r} <= {"SAVED", "STALE_ETAG", "QUOTA_EXCEEDED"}


async def test_a_create_the_ledger_already_fills_is_refused_alone_and_the_others_are_saved(domain: Domain) -> None:
    domain.sessions.set_rule(SESSION, "MEDECIN", MODERNA, QuotaRule("CAPPED", max_vials=10))
    # Dr Dubois already ordered 8 Moderna vials this week at his former officine.
    await domain.db.run_write(lambda c: repo.change_usage(c, SESSION, DUBOIS, MODERNA, 8, None))
    outcome = await BatchLineService(domain.rules).write(
        CLAIRE, PARENT, [create(DUBOIS, MODERNA, 3), create(DUBOIS, PFIZER, 4), create(OWN, PEDIATRIC, 3)], rid()
    )
    assert [(c.saved, c.reason) for c in outcome.cells] == [(False, "QUOTA_EXCEEDED"), (True, ""), (True, "")]
    assert "10" in outcome.cells[0].message
    assert await stored(domain) == {(DUBOIS, PFIZER): 4, (OWN, PEDIATRIC): 3}
    assert (await ledger(domain, DUBOIS, MODERNA), await ledger(domain, DUBOIS, PFIZER)) == (8, 4)
    trail = (await domain.lines.changes(CLAIRE, outcome.cells[1].line.name, 0, "")).items  # type: ignore[union-attr]
    assert [(c.action, c.vials_before, c.vials_after) for c in trail] == [("CREATE", 0, 4)]


async def test_concurrent_saves_creating_the_same_cells_create_each_line_once(domain: Domain) -> None:
    domain.sessions.set_rule(SESSION, "MEDECIN", MODERNA, QuotaRule("CAPPED", max_vials=10))
    writes = [create(DUBOIS, MODERNA, 4), create(DUBOIS, PFIZER, 2), create(OWN, PEDIATRIC, 3)]
    saves = await asyncio.gather(
        *(BatchLineService(domain.rules).write(CLAIRE, PARENT, writes, rid()) for _ in range(6))
    )
    for column in range(len(writes)):
        cells = [save.cells[column] for save in saves]
        assert sum(c.saved for c in cells) == 1
        assert {c.reason for c in cells if not c.saved} == {"LINE_ALREADY_EXISTS"}
    assert await stored(domain) == {(DUBOIS, MODERNA): 4, (DUBOIS, PFIZER): 2, (OWN, PEDIATRIC): 3}
    ledgers = [await ledger(domain, e, p) for e, p in ((DUBOIS, MODERNA), (DUBOIS, PFIZER), (OWN, PEDIATRIC))]
    assert ledgers == [4, 2, 3]


async def test_a_save_asks_the_other_services_once_per_submission_not_per_cell(
    domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def counted(owner: object, method: str) -> None:
        original = getattr(owner, method)

        async def counting(*args: object) -> object:
            asked.append(method)
            return await original(*args)

        monkeypatch.setattr(owner, method, counting)

    for owner, method in [
        (domain.attachments, "lookup"),
        (domain.attachments, "officine_department"),
        (domain.sessions, "products"),
        (domain.sessions, "quota_table"),
        (domain.sessions, "session"),
    ]:
        counted(owner, method)
    writes = [create(e, p, 1) for e in (DUBOIS, TRAORE, OWN) for p in (MODERNA, PFIZER)]
    outcome = await BatchLineService(domain.rules).write(CLAIRE, PARENT, writes, rid())
    assert all(c.saved for c in outcome.cells)
    # One look-up per effecteur (3), and once each for the window, catalogue, table and department.
    assert sorted(asked) == sorted(["lookup"] * 3 + ["officine_department", "products", "quota_table", "session"])
