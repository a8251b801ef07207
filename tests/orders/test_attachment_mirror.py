"""Orders knows where effecteurs are attached from its mirror of effecteurs' attachment feed
(services/orders/attachment_mirror.py): no call to EffecteurService per write, and never a
detachment honoured later than the bound, across restarts of either service.

Real SessionService, EffecteurService and OrderService in-process (SQLite, or PostgreSQL with
VAXORDERS_TEST_DATABASE_URL), orders minting its own service token. The bound is checked on a
controlled monotonic clock (the one freshness is measured on), never by timing a call.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
from sqlalchemy import update

from services.common.bootstrap import Runtime, ServiceSpec, start_service
from services.common.clock import ManualClock, monotonic
from services.common.db import Database
from services.common.server import RunningServer
from services.effecteurs.seed import seed_dataset as seed_effecteurs
from services.effecteurs.settings import EffecteursSettings
from services.effecteurs.spec import SPEC as EFFECTEURS
from services.orders import attachment_mirror
from services.orders import repository_mirror as mirror_repo
from services.orders.settings import OrdersSettings
from services.orders.spec import SPEC as ORDERS
from services.sessions.seed import seed_dataset as seed_sessions
from services.sessions.service import SessionsService
from services.sessions.settings import SessionsSettings
from services.sessions.spec import SPEC as SESSIONS
from tests.orders.conftest import DUBOIS, DURING, LILAS, LILAS_ORDER, MODERNA, TRAORE, refused, rid
from tests.orders.stack import CLAIRE, OPERATOR_ID, SEED_TIME
from tests.support.psc import Psc
from tests.support.service_identity import ServiceIdentityKeys
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as epb
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc as epb_grpc
from vaxorders.orders.v1 import orders_service_pb2 as pb
from vaxorders.orders.v1 import orders_service_pb2_grpc as pb_grpc
from vaxorders.type.v1 import effecteur_type_pb2

MAX_LAG = 3.0
NEWCOMER_RPPS = "99700000203"  # not in the dataset


class SteppedMonotonic:
    """The mirror's freshness clock, moved by the test (real time otherwise passes as usual)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return monotonic() + self.offset

    def skip(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class MirrorStack:
    clock: ManualClock
    psc: Psc
    common: dict[str, Any]
    orders_settings: OrdersSettings
    effecteurs_settings: EffecteursSettings
    orders_url: str
    servers: dict[str, RunningServer] = field(default_factory=dict)
    runtimes: dict[str, Runtime] = field(default_factory=dict)
    channels: list[grpc.aio.Channel] = field(default_factory=list)

    def _stub(self, make: Callable[[grpc.aio.Channel], Any], name: str) -> Any:
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{self.servers[name].port}")
        self.channels.append(channel)
        return make(channel)

    @property
    def orders(self) -> Any:
        return self._stub(pb_grpc.OrderServiceStub, "orders")

    @property
    def effecteurs(self) -> Any:
        return self._stub(epb_grpc.EffecteurServiceStub, "effecteurs")

    async def start(self, spec: ServiceSpec, settings: Any, port: int = 0) -> None:
        server, runtime = await start_service(
            spec,
            settings,
            address=f"127.0.0.1:{port}",
            clock=self.clock,
            authenticator=self.psc.authenticator(self.clock),
        )
        self.servers[spec.name], self.runtimes[spec.name] = server, runtime

    async def stop(self, name: str) -> int:
        server = self.servers.pop(name)
        await server.stop(0)
        return server.port

    def feed(self) -> attachment_mirror.AttachmentFeed:
        feed = self.runtimes["orders"].shared[attachment_mirror.SHARED_KEY]
        assert isinstance(feed, attachment_mirror.AttachmentFeed)
        return feed

    async def order(self, effecteur: str) -> Any:
        request = pb.CreateOrderLineRequest(
            parent=LILAS_ORDER, line=pb.OrderLine(effecteur=effecteur, product=MODERNA, vials=2), request_id=rid()
        )
        return await self.orders.CreateOrderLine(request, metadata=self.psc.metadata_for(CLAIRE), timeout=30)

    async def lines(self) -> list[str]:
        answer = await self.orders.ListOrderLines(
            pb.ListOrderLinesRequest(parent=LILAS_ORDER), metadata=self.psc.metadata_for(CLAIRE), timeout=30
        )
        return sorted(line.effecteur for line in answer.lines)

    async def mirrored(self, effecteur: str) -> str | None:
        """The FINESS the mirror has the effecteur attached to (None: nowhere or unknown)."""
        db = Database(self.orders_url)
        try:
            row = (await db.run_read(lambda c: mirror_repo.attachments(c, [effecteur]))).get(effecteur)
        finally:
            await db.dispose()
        return None if row is None else row.officine


async def until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait for the background follower (a bounded wait, nothing timed)."""
    for _ in range(600):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


async def fresh(stack: MirrorStack) -> bool:
    return stack.feed().freshness.is_fresh()


async def _seed(url: str, seed: Callable[[Database], Any]) -> None:
    db = Database(url)
    try:
        await seed(db)
    finally:
        await db.dispose()


@pytest.fixture
def stepped(monkeypatch: pytest.MonkeyPatch) -> SteppedMonotonic:
    clock = SteppedMonotonic()
    monkeypatch.setattr(attachment_mirror, "monotonic", clock)
    return clock


@pytest.fixture
async def mirror_stack(  # type: ignore[no-untyped-def]
    psc, database_url_for, dataset, service_identity: ServiceIdentityKeys
) -> AsyncIterator[MirrorStack]:
    clock = ManualClock(SEED_TIME)
    common = {"environment": "test", **psc.settings_overrides()}
    sessions_url, effecteurs_url, orders_url = (database_url_for(s) for s in (SESSIONS, EFFECTEURS, ORDERS))
    await _seed(
        sessions_url,
        lambda db: seed_sessions(SessionsService(db, clock), json.loads(json.dumps(dataset)), operator=OPERATOR_ID),
    )
    await _seed(effecteurs_url, lambda db: seed_effecteurs(db, clock, dataset))
    stack = MirrorStack(clock, psc, common, None, None, orders_url)  # type: ignore[arg-type]
    try:
        await stack.start(SESSIONS, SessionsSettings(service="sessions", database_url=sessions_url, **common))
        sessions_address = f"127.0.0.1:{stack.servers['sessions'].port}"
        stack.effecteurs_settings = EffecteursSettings(
            service="effecteurs", database_url=effecteurs_url, sessions_address=sessions_address, **common
        )
        await stack.start(EFFECTEURS, stack.effecteurs_settings)
        stack.orders_settings = OrdersSettings(
            service="orders",
            database_url=orders_url,
            sessions_address=sessions_address,
            effecteurs_address=f"127.0.0.1:{stack.servers['effecteurs'].port}",
            attachment_mirror_max_lag_seconds=MAX_LAG,
            attachment_feed_poll_seconds=0.1,
            **{**common, **service_identity.minting_overrides()},
        )
        await stack.start(ORDERS, stack.orders_settings)
        clock.set(DURING)
        yield stack
    finally:
        for name in ("orders", "effecteurs", "sessions"):
            if name in stack.servers:
                await stack.stop(name)
        for channel in stack.channels:
            await channel.close()


async def detach(stack: MirrorStack, effecteur: str) -> None:
    lilas = stack.psc.metadata_for(CLAIRE)
    listed = await stack.effecteurs.ListAttachments(
        epb.ListAttachmentsRequest(parent=f"officines/{LILAS}"), metadata=lilas, timeout=30
    )
    name = next(a.name for a in listed.attachments if a.effecteur == effecteur)
    await stack.effecteurs.DetachEffecteur(
        epb.DetachEffecteurRequest(name=name, request_id=rid()), metadata=lilas, timeout=30
    )


async def test_an_empty_mirror_catches_up_from_zero_and_writes_need_no_call_to_effecteurs(
    mirror_stack: MirrorStack, stepped: SteppedMonotonic
) -> None:
    stack = mirror_stack
    await until(lambda: fresh(stack), "the mirror caught up at start")
    assert await stack.mirrored(DUBOIS) == LILAS  # the seeded attachments, from the feed's first event
    await stack.stop("effecteurs")
    # Within the bound, orders answers from its mirror alone: effecteurs being down changes nothing.
    line = (await stack.order(DUBOIS)).line
    assert line.effecteur == DUBOIS and line.effecteur_type == effecteur_type_pb2.EFFECTEUR_TYPE_MEDECIN
    # Past the bound without hearing from effecteurs: refused, retryable, nothing stored.
    stepped.skip(MAX_LAG + 0.5)
    error = await refused(stack.order(TRAORE), grpc.StatusCode.UNAVAILABLE)
    assert "Réessayez" in error.message
    assert await stack.lines() == [DUBOIS]


async def test_a_detachment_is_refused_by_orders_once_applied_and_never_later_than_the_bound(
    mirror_stack: MirrorStack, stepped: SteppedMonotonic
) -> None:
    stack = mirror_stack
    await until(lambda: fresh(stack), "the mirror caught up at start")
    await stack.order(DUBOIS)
    await detach(stack, DUBOIS)
    await until(lambda: _is(stack.mirrored(DUBOIS), None), "the detachment reached the mirror")
    error = await refused(stack.order(DUBOIS), grpc.StatusCode.NOT_FOUND)
    assert error.reason == "EFFECTEUR_NOT_ATTACHED"
    assert await stack.lines() == [DUBOIS]  # the refused write stored nothing


async def test_a_remembered_attachment_is_read_again_once_older_than_the_bound(
    mirror_stack: MirrorStack, stepped: SteppedMonotonic
) -> None:
    stack = mirror_stack
    await until(lambda: fresh(stack), "the mirror caught up at start")
    await stack.order(DUBOIS)  # Dr Dubois's attachment read, and remembered
    # Another worker's follower applies his detachment to the shared mirror: this process's
    # follower never sees it as a change of its own, so only the bound makes it forget.
    db = Database(stack.orders_url)
    try:
        detached = update(mirror_repo.ATTACHMENTS).where(mirror_repo.ATTACHMENTS.c.effecteur == DUBOIS)
        await db.run_write(lambda c: c.execute(detached.values(officine=None)))
    finally:
        await db.dispose()
    stepped.skip(MAX_LAG + 0.5)
    await until(lambda: fresh(stack), "the mirror proved caught up again")
    # Answered from the remembered read, this would be "line already exists".
    error = await refused(stack.order(DUBOIS), grpc.StatusCode.NOT_FOUND)
    assert error.reason == "EFFECTEUR_NOT_ATTACHED"


async def test_effecteurs_restarting_writes_wait_then_orders_catches_up_with_what_changed(
    mirror_stack: MirrorStack, stepped: SteppedMonotonic
) -> None:
    stack = mirror_stack
    await until(lambda: fresh(stack), "the mirror caught up at start")
    port = await stack.stop("effecteurs")
    stepped.skip(MAX_LAG + 0.5)
    assert (await refused(stack.order(DUBOIS), grpc.StatusCode.UNAVAILABLE)).message
    await stack.start(EFFECTEURS, stack.effecteurs_settings, port=port)
    await detach(stack, DUBOIS)
    await until(lambda: _is(stack.mirrored(DUBOIS), None), "orders caught up after effecteurs' restart")
    await until(lambda: fresh(stack), "the mirror fresh again")
    assert (await refused(stack.order(DUBOIS), grpc.StatusCode.NOT_FOUND)).reason == "EFFECTEUR_NOT_ATTACHED"
    await stack.order(TRAORE)
    assert await stack.lines() == [TRAORE]


async def test_orders_restarting_resumes_from_its_position_and_a_newcomer_orders_once_mirrored(
    mirror_stack: MirrorStack, stepped: SteppedMonotonic
) -> None:
    stack = mirror_stack
    await until(lambda: fresh(stack), "the mirror caught up at start")
    await stack.stop("orders")
    db = Database(stack.orders_url)
    position = await db.run_read(mirror_repo.position)
    await db.dispose()
    assert position > 0  # kept across the restart: the new process resumes after it
    await detach(stack, DUBOIS)
    lilas = stack.psc.metadata_for(CLAIRE)
    await stack.effecteurs.AttachEffecteur(
        epb.AttachEffecteurRequest(
            parent=f"officines/{LILAS}",
            identifier_kind=epb.IDENTIFIER_KIND_RPPS,
            identifier=NEWCOMER_RPPS,
            type=effecteur_type_pb2.EFFECTEUR_TYPE_MEDECIN,
            display_name="Dr Nouvelle Arrivée",
            request_id=rid(),
        ),
        metadata=lilas,
        timeout=30,
    )
    await stack.start(ORDERS, stack.orders_settings)
    await until(lambda: fresh(stack), "the restarted mirror caught up")
    assert (await refused(stack.order(DUBOIS), grpc.StatusCode.NOT_FOUND)).reason == "EFFECTEUR_NOT_ATTACHED"
    newcomer = f"effecteurs/rpps:{NEWCOMER_RPPS}"
    assert (await stack.order(newcomer)).line.effecteur == newcomer
    assert await stack.lines() == [newcomer]


async def _is(value: Awaitable[str | None], expected: str | None) -> bool:
    return await value == expected
