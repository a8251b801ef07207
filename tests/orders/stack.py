"""The real services orders talks to, for servicer tests: SessionService and
EffecteurService seeded with the reference dataset, and OrderService pointed
at them, all on one ManualClock, authenticating real PSC tokens.

The dataset is seeded on Friday 4 March 2022 (preview), so the reference
week's quota table is already in force when the session opens on Monday.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import grpc

from services.common.bootstrap import ServiceSpec
from services.common.clock import ManualClock
from services.common.server import RunningServer
from tests.support.psc import Psc
from tests.support.stack import three_services
from vaxorders.orders.v1 import orders_service_pb2_grpc as pb_grpc
from vaxorders.sessions.v1 import sessions_service_pb2 as spb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as spb_grpc
from vaxorders.type.v1 import effecteur_type_pb2

SEED_TIME = datetime.fromisoformat("2022-03-04T12:00:00+01:00")
OPERATOR_ID = "899700000906"

# Dataset identities (SubjectNameID).
CLAIRE = "899700000013"  # titulaire, Pharmacie des Lilas 759900111
KARIM = "899700000021"  # titulaire, Pharmacie du Confluent 699900122
JEANNE = "899700000104"  # médecin, attached to Lilas
HUGO = "899700000112"  # médecin, attached to Confluent
OPERATOR = OPERATOR_ID


def rid() -> str:
    return str(uuid.uuid4())


@dataclass
class Stack:
    clock: ManualClock
    psc: Psc
    orders: Any  # OrderServiceStub
    sessions: Any  # SessionServiceStub
    orders_server: RunningServer

    def auth(self, national_id: str) -> list[tuple[str, str]]:
        return self.psc.metadata_for(national_id)

    async def call(self, method: str, request: Any, as_: str) -> Any:
        return await getattr(self.orders, method)(request, metadata=self.auth(as_), timeout=30)

    async def publish_rule(self, session_id: str, effecteur_type: str, product_id: str, **rule: Any) -> None:
        """Publish the session's current table with one cell changed (as the operator)."""
        current = await self.sessions.GetQuotaTable(
            spb.GetQuotaTableRequest(name=f"sessions/{session_id}/quotaTables/current"),
            metadata=self.auth(OPERATOR_ID),
            timeout=10,
        )
        wanted_type = effecteur_type_pb2.EffecteurType.Value(f"EFFECTEUR_TYPE_{effecteur_type}")
        rules = []
        for existing in current.quota_table.rules:
            if existing.effecteur_type == wanted_type and existing.product == f"products/{product_id}":
                existing = spb.QuotaRule(effecteur_type=wanted_type, product=existing.product, **rule)
            rules.append(existing)
        await self.sessions.PublishQuotaTable(
            spb.PublishQuotaTableRequest(parent=f"sessions/{session_id}", rules=rules, request_id=rid()),
            metadata=self.auth(OPERATOR_ID),
            timeout=10,
        )


@asynccontextmanager
async def running_stack(
    psc: Psc, database_url_for: Callable[[ServiceSpec], str], dataset: dict, *, cache_seconds: float = 5.0
) -> AsyncIterator[Stack]:
    clock = ManualClock(SEED_TIME)
    async with three_services(
        clock, psc, database_url_for, dataset, operator=OPERATOR_ID, directory_cache_seconds=cache_seconds
    ) as services:
        orders_channel = grpc.aio.insecure_channel(services.orders_address)
        sessions_channel = grpc.aio.insecure_channel(services.sessions_address)
        try:
            yield Stack(
                clock,
                psc,
                pb_grpc.OrderServiceStub(orders_channel),
                spb_grpc.SessionServiceStub(sessions_channel),
                services.orders,
            )
        finally:
            await orders_channel.close()
            await sessions_channel.close()
