"""SessionService, EffecteurService and OrderService, seeded with a dataset and
started on one ManualClock, authenticating real PSC tokens: the stack under
the orders servicer tests and the mailer's after-close tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from services.common.bootstrap import ServiceSpec, start_service
from services.common.clock import ManualClock
from services.common.db import Database
from services.common.server import RunningServer
from services.effecteurs.seed import seed_dataset as seed_effecteurs
from services.effecteurs.settings import EffecteursSettings
from services.effecteurs.spec import SPEC as EFFECTEURS
from services.orders.settings import OrdersSettings
from services.orders.spec import SPEC as ORDERS
from services.sessions.seed import seed_dataset as seed_sessions
from services.sessions.service import SessionsService
from services.sessions.settings import SessionsSettings
from services.sessions.spec import SPEC as SESSIONS
from tests.support.psc import Psc


@dataclass
class ThreeServices:
    sessions: RunningServer
    effecteurs: RunningServer
    orders: RunningServer

    @property
    def sessions_address(self) -> str:
        return f"127.0.0.1:{self.sessions.port}"

    @property
    def effecteurs_address(self) -> str:
        return f"127.0.0.1:{self.effecteurs.port}"

    @property
    def orders_address(self) -> str:
        return f"127.0.0.1:{self.orders.port}"


async def _seed(url: str, seed: Callable[[Database], Any]) -> None:
    db = Database(url)
    try:
        await seed(db)
    finally:
        await db.dispose()


@asynccontextmanager
async def three_services(
    clock: ManualClock,
    psc: Psc,
    database_url_for: Callable[[ServiceSpec], str],
    dataset: dict,
    *,
    operator: str,
    directory_cache_seconds: float,
) -> AsyncIterator[ThreeServices]:
    """Seed sessions and effecteurs with `dataset`, start the three services,
    stop them (last started first) on the way out."""
    common = {"environment": "test", **psc.settings_overrides()}
    sessions_url, effecteurs_url, orders_url = (database_url_for(s) for s in (SESSIONS, EFFECTEURS, ORDERS))
    await _seed(
        sessions_url,
        lambda db: seed_sessions(SessionsService(db, clock), json.loads(json.dumps(dataset)), operator=operator),
    )
    await _seed(effecteurs_url, lambda db: seed_effecteurs(db, clock, dataset))
    started: list[RunningServer] = []
    try:
        sessions, _ = await start_service(
            SESSIONS,
            SessionsSettings(service="sessions", database_url=sessions_url, **common),
            address="127.0.0.1:0",
            clock=clock,
            authenticator=psc.authenticator(clock),
        )
        started.append(sessions)
        sessions_address = f"127.0.0.1:{sessions.port}"
        effecteurs, _ = await start_service(
            EFFECTEURS,
            EffecteursSettings(
                service="effecteurs", database_url=effecteurs_url, sessions_address=sessions_address, **common
            ),
            address="127.0.0.1:0",
            clock=clock,
            authenticator=psc.authenticator(clock),
        )
        started.append(effecteurs)
        orders, _ = await start_service(
            ORDERS,
            OrdersSettings(
                service="orders",
                database_url=orders_url,
                sessions_address=sessions_address,
                effecteurs_address=f"127.0.0.1:{effecteurs.port}",
                directory_cache_seconds=directory_cache_seconds,
                # Three services share this test process and its one event loop, beside another
                # test process: production's 2 s deadline to effecteurs measured the machine's load
                # (a 200-request test failed UNAVAILABLE once in .ci/run), not a rule under test.
                dependency_timeout_seconds=10.0,
                **common,
            ),
            address="127.0.0.1:0",
            clock=clock,
            authenticator=psc.authenticator(clock),
        )
        started.append(orders)
        yield ThreeServices(sessions, effecteurs, orders)
    finally:
        for server in reversed(started):
            await server.stop(0)
