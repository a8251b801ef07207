"""Officine summary, national totals and the consolidated export (domain level)."""

from __future__ import annotations

import pytest

from services.common.errors import FailedPrecondition, NotFound, PermissionDenied
from services.orders.reports import CONSOLIDATED, DETAIL, ReportService
from tests.orders.conftest import (
    CLAIRE,
    CLOSE_TIME,
    CONFLUENT,
    DUBOIS,
    JEANNE,
    KARIM,
    LEFEBVRE,
    LILAS,
    MODERNA,
    OPERATOR,
    OWN,
    PFIZER,
    SESSION,
    TRAORE,
    Domain,
    rid,
)

PARENT = f"sessions/{SESSION}/officines/{LILAS}"


async def order(domain: Domain) -> None:
    await domain.lines.create(CLAIRE, PARENT, DUBOIS, MODERNA, 5, rid())
    await domain.lines.create(CLAIRE, PARENT, DUBOIS, PFIZER, 2, rid())
    await domain.lines.create(CLAIRE, PARENT, TRAORE, MODERNA, 1, rid())
    await domain.lines.create(CLAIRE, PARENT, OWN, PFIZER, 4, rid())
    await domain.lines.create(KARIM, f"sessions/{SESSION}/officines/{CONFLUENT}", LEFEBVRE, MODERNA, 3, rid())


async def collect(chunks) -> tuple[bytes, int]:  # type: ignore[no-untyped-def]
    parts = [c async for c in chunks]
    return b"".join(parts), len(parts)


async def test_officine_summary_gives_totals_per_product_and_per_effecteur_in_doses(domain: Domain) -> None:
    await order(domain)
    await domain.requests.create(JEANNE, PARENT, DUBOIS, MODERNA, 2, "", rid())
    summary = await domain.reports.officine_summary(CLAIRE, PARENT)
    assert [(p.product, p.vials, p.doses) for p in summary.products] == [(MODERNA, 6, 60), (PFIZER, 6, 36)]
    per_effecteur = {e.effecteur: [(p.product, p.vials) for p in e.products] for e in summary.effecteurs}
    assert per_effecteur == {
        DUBOIS: [(MODERNA, 5), (PFIZER, 2)],
        TRAORE: [(MODERNA, 1)],
        OWN: [(PFIZER, 4)],
    }
    assert summary.pending_requests == 1
    with pytest.raises(NotFound):
        await domain.reports.officine_summary(KARIM, PARENT)


async def test_session_totals_per_department_and_nationally(domain: Domain) -> None:
    await order(domain)
    totals = await domain.reports.session_totals(OPERATOR, f"sessions/{SESSION}")
    assert [(p.product, p.vials, p.doses) for p in totals.products] == [(MODERNA, 9, 90), (PFIZER, 6, 36)]
    assert {d.department: [(p.product, p.vials) for p in d.products] for d in totals.departments} == {
        "69": [(MODERNA, 3)],
        "75": [(MODERNA, 6), (PFIZER, 6)],
    }
    assert totals.ordering_officines == 2
    assert totals.compute_time == domain.clock.now()
    with pytest.raises(PermissionDenied):
        await domain.reports.session_totals(CLAIRE, f"sessions/{SESSION}")


async def test_export_waits_for_the_close_then_is_the_same_bytes_in_any_chunking(domain: Domain) -> None:
    await order(domain)
    with pytest.raises(FailedPrecondition) as early:
        await domain.reports.check_export(OPERATOR, f"sessions/{SESSION}")
    assert early.value.reason == "SESSION_NOT_CLOSED"
    domain.clock.set(CLOSE_TIME)
    session_id = await domain.reports.check_export(OPERATOR, f"sessions/{SESSION}")
    whole, _ = await collect(ReportService(domain.rules, chunk_bytes=1 << 20).export(session_id, CONSOLIDATED))
    small, count = await collect(ReportService(domain.rules, chunk_bytes=40).export(session_id, CONSOLIDATED))
    assert small == whole and count > 1
    assert whole == (
        b"finess,departement,produit,flacons,doses\r\n"
        b"699900122,69,moderna,3,30\r\n"
        b"759900111,75,moderna,6,60\r\n"
        b"759900111,75,pfizer-adult,6,36\r\n"
    )
    detail, _ = await collect(domain.reports.export(session_id, DETAIL))
    assert detail.decode().splitlines()[1:] == [
        "699900122,69,rpps:99700000112,MEDECIN,moderna,3,30",
        "759900111,75,finess:759900111,PHARMACIEN,pfizer-adult,4,24",
        "759900111,75,rpps:99700000104,MEDECIN,moderna,5,50",
        "759900111,75,rpps:99700000104,MEDECIN,pfizer-adult,2,12",
        "759900111,75,rpps:99700000120,SAGE_FEMME,moderna,1,10",
    ]
    again, _ = await collect(domain.reports.export(session_id, DETAIL))
    assert again == detail
