"""Domain fixtures: the orders rules on a fresh migrated database (SQLite, or
PostgreSQL with VAXORDERS_TEST_DATABASE_URL), the in-memory ports filled from
the reference dataset, a ManualClock inside the 7-8 March 2022 session."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import grpc
import pytest

from services.common.clock import ManualClock
from services.common.context import Principal
from services.common.db import Database
from services.common.grpc_errors import ErrorDetails
from services.orders.deliveries import DeliveryService
from services.orders.delivery_plan import PlanService
from services.orders.lines import LineService
from services.orders.reports import ReportService
from services.orders.service import OrderRules
from services.orders.spec import SPEC
from services.orders.supply import SupplyService
from services.orders.vial_requests import RequestService
from tests.orders.memory_ports import MemoryAttachmentDirectory, MemorySessionDirectory
from tests.orders.stack import running_stack

SESSION = "2022-03-07"
OPEN_TIME = datetime.fromisoformat("2022-03-07T08:00:00+01:00")
CLOSE_TIME = datetime.fromisoformat("2022-03-08T23:00:00+01:00")
DURING = datetime.fromisoformat("2022-03-07T10:00:00+01:00")
AFTER = datetime.fromisoformat("2022-03-09T10:00:00+01:00")  # closed; Friday confirmations on 11 March

LILAS, CONFLUENT = "759900111", "699900122"
DUBOIS = "effecteurs/rpps:99700000104"  # médecin attached to Lilas
TRAORE = "effecteurs/rpps:99700000120"  # sage-femme attached to Lilas
PMI = "effecteurs/finess:759901028"  # PMI attached to Lilas
LEFEBVRE = "effecteurs/rpps:99700000112"  # médecin attached to Confluent
LILAS_ORDER = f"sessions/{SESSION}/officines/{LILAS}"
CONFLUENT_ORDER = f"sessions/{SESSION}/officines/{CONFLUENT}"
OWN = f"effecteurs/finess:{LILAS}"  # Lilas ordering for itself
MODERNA, PFIZER, PEDIATRIC, NOVAVAX = (
    "products/moderna",
    "products/pfizer-adult",
    "products/pfizer-pediatric",
    "products/novavax",
)

# What the PSC identities of the dataset map to (services.common.psc does it for real).
CLAIRE = Principal("899700000013", roles=frozenset({"OFFICINE"}), acts_for=("officines/759900111",))
KARIM = Principal("899700000021", roles=frozenset({"OFFICINE"}), acts_for=("officines/699900122",))
JEANNE = Principal("899700000104", roles=frozenset({"EFFECTEUR"}), acts_for=(DUBOIS,))
OPERATOR = Principal("899700000906", roles=frozenset({"OPERATOR"}))
# A job's service identity (services.common builds it from a service token for real).
MAILER = Principal("service:mailer", roles=frozenset({"SERVICE"}))


def rid() -> str:
    """A fresh request_id."""
    return str(uuid.uuid4())


async def refused(call: Awaitable[Any], code: grpc.StatusCode) -> ErrorDetails:
    """The error details of a gRPC call that must fail with `code`."""
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await call
    details = ErrorDetails.from_rpc_error(error.value)
    assert details.code == code, details
    return details


@dataclass
class Domain:
    db: Database
    clock: ManualClock
    sessions: MemorySessionDirectory
    attachments: MemoryAttachmentDirectory
    rules: OrderRules
    lines: LineService
    requests: RequestService
    reports: ReportService
    supply: SupplyService
    plans: PlanService
    deliveries: DeliveryService


async def order_then_close(domain: Domain) -> dict[str, str]:
    """Pfizer: 20 vials ordered (Dubois 6, Traoré 3, Lilas itself 1, Lefebvre 10), Moderna 5 (Dubois).
    Each line one minute after the previous one (Traoré orders before Lilas itself: she wins their
    tie); then the clock passes the close. The line names, by "effecteur|product"."""
    made = {}
    for who, parent, effecteur, product, vials in [
        (CLAIRE, LILAS_ORDER, DUBOIS, PFIZER, 6),
        (CLAIRE, LILAS_ORDER, TRAORE, PFIZER, 3),
        (CLAIRE, LILAS_ORDER, OWN, PFIZER, 1),
        (KARIM, CONFLUENT_ORDER, LEFEBVRE, PFIZER, 10),
        (CLAIRE, LILAS_ORDER, DUBOIS, MODERNA, 5),
    ]:
        outcome = await domain.lines.create(who, parent, effecteur, product, vials, rid())
        assert outcome.line is not None
        made[f"{effecteur}|{product}"] = outcome.line.name
        domain.clock.advance(timedelta(minutes=1))
    domain.clock.set(AFTER)
    return made


@pytest.fixture
async def domain(database_url_for, dataset) -> AsyncIterator[Domain]:  # type: ignore[no-untyped-def]
    db = Database(database_url_for(SPEC))
    clock = ManualClock(DURING)
    sessions = MemorySessionDirectory(dataset)
    attachments = MemoryAttachmentDirectory(dataset)
    rules = OrderRules(db, clock, sessions, attachments, max_vials_per_line=10_000)
    yield Domain(
        db,
        clock,
        sessions,
        attachments,
        rules,
        LineService(rules),
        RequestService(rules),
        ReportService(rules, chunk_bytes=1024),
        SupplyService(rules),
        PlanService(rules),
        DeliveryService(rules),
    )
    await db.dispose()


@pytest.fixture
async def stack(psc, database_url_for, dataset):  # type: ignore[no-untyped-def]
    """Real SessionService + EffecteurService + OrderService on one ManualClock,
    set inside the 7-8 March session once seeded."""
    async with running_stack(psc, database_url_for, dataset) as running:
        running.clock.set(DURING)
        yield running
