"""Sessions service under test: the domain on a fresh migrated database, and
the real gRPC server on port 0 with a real PSC issuer behind its tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import grpc
import pytest

from services.common.bootstrap import start_service
from services.common.clock import ManualClock
from services.common.context import Principal
from services.common.db import Database
from services.sessions.seed import seed_dataset
from services.sessions.service import SessionsService
from services.sessions.settings import SessionsSettings
from services.sessions.spec import SPEC
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as pb_grpc

PARIS = ZoneInfo("Europe/Paris")
OPERATOR = "899700000906"
TITULAIRE_LILAS = "899700000013"  # pharmacist, officines/759900111: not an operator
MEDECIN_PMI = "899700000179"


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A Europe/Paris wall-clock instant, as users enter and read them."""
    return datetime(year, month, day, hour, minute, second, tzinfo=PARIS)


# The callers the domain tests pass to the capability classes (None: a visitor).
OPERATOR_CALLER = Principal(national_id=OPERATOR, roles=frozenset({"OPERATOR"}))
OFFICINE_CALLER = Principal(national_id=TITULAIRE_LILAS, roles=frozenset({"OFFICINE"}))


@pytest.fixture
def clock() -> ManualClock:
    # Seeding and publishing happen "now": the Thursday before the reference week.
    return ManualClock(paris(2022, 3, 3, 9, 0))


@pytest.fixture
async def service(database_url_for, clock) -> AsyncIterator[SessionsService]:  # type: ignore[no-untyped-def]
    db = Database(database_url_for(SPEC))
    yield SessionsService(db, clock)
    await db.dispose()


@pytest.fixture
async def seeded(service: SessionsService, dataset: dict) -> SessionsService:
    """The reference week loaded through the real seed."""
    await seed_dataset(service, dataset, operator=OPERATOR)
    return service


@dataclass
class Server:
    stub: pb_grpc.SessionServiceStub
    clock: ManualClock
    psc: object
    channel: grpc.aio.Channel | None = None  # for raw calls (bytes no generated class would build)

    def as_operator(self) -> list[tuple[str, str]]:
        return self.psc.metadata_for(OPERATOR)  # type: ignore[attr-defined]

    def as_officine(self) -> list[tuple[str, str]]:
        return self.psc.metadata_for(TITULAIRE_LILAS)  # type: ignore[attr-defined]


@pytest.fixture
async def server(database_url_for, psc, dataset) -> AsyncIterator[Server]:  # type: ignore[no-untyped-def]
    """The real service (interceptor, authentication, error edge) with the reference week seeded."""
    clock = ManualClock(paris(2022, 3, 3, 9, 0))
    url = database_url_for(SPEC)
    db = Database(url)
    await seed_dataset(SessionsService(db, clock), dataset, operator=OPERATOR)
    await db.dispose()
    settings = SessionsSettings(service="sessions", database_url=url, environment="test", **psc.settings_overrides())
    running, _ = await start_service(
        SPEC, settings, address="127.0.0.1:0", clock=clock, authenticator=psc.authenticator(clock)
    )
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
    try:
        yield Server(pb_grpc.SessionServiceStub(channel), clock, psc, channel)
    finally:
        await channel.close()
        await running.stop(0)
