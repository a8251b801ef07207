"""After the session closes, for real: SessionService, EffecteurService and
OrderService seeded with the reference dataset, orders taken during the
reference session, and a mailer (its dispatcher and its date-change notifier
running, minting its own service tokens) reading them and delivering to an
aiosmtpd relay. Everything runs on one ManualClock and real PSC tokens.

Orders of the reference week (session 2022-03-07), Moderna short in supply:
- Pharmacie des Lilas (759900111): itself, Jeanne Dubois (médecin), Amina
  Traoré (sage-femme, non-ASCII address), Nadia Fontaine (infirmier) and the
  EHPAD Les Tilleuls;
- Pharmacie du Confluent (699900122): Paul Roux (dentiste), Hugo Lefebvre (médecin);
- Grande Pharmacie du Vieux-Port (139900138): the LBM Saint-Charles only.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import grpc

from services.common.bootstrap import ServiceSpec
from services.common.clock import ManualClock
from services.common.server import RunningServer
from tests.mailer.conftest import OPERATOR, PARIS, Mailer, MailerFactory
from tests.support.psc import Psc
from tests.support.stack import three_services
from vaxorders.mailer.v1 import mailer_service_pb2 as pb
from vaxorders.orders.v1 import orders_service_pb2 as opb
from vaxorders.orders.v1 import orders_service_pb2_grpc as opb_grpc

SESSION = "sessions/2022-03-07"
SEED_TIME = datetime(2022, 3, 4, 12, 0, tzinfo=PARIS)
OPEN = datetime(2022, 3, 7, 9, 0, tzinfo=PARIS)
CLOSED = datetime(2022, 3, 11, 10, 0, tzinfo=PARIS)  # the Friday of the confirmation e-mail

CLAIRE = "899700000013"  # titulaire, Pharmacie des Lilas
KARIM = "899700000021"  # titulaire, Pharmacie du Confluent
SOPHIE = "899700000039"  # titulaire, Grande Pharmacie du Vieux-Port
JEANNE_ID = "899700000104"  # a médecin: not an operator

LILAS, CONFLUENT, VIEUX_PORT = "759900111", "699900122", "139900138"
JEANNE = "effecteurs/rpps:99700000104"
HUGO = "effecteurs/rpps:99700000112"
AMINA = "effecteurs/rpps:99700000120"
PAUL = "effecteurs/rpps:99700000138"
NADIA = "effecteurs/rpps:99700000146"
EHPAD = "effecteurs/finess:759901010"
LBM = "effecteurs/finess:139901052"
MODERNA, PFIZER = "products/moderna", "products/pfizer-adult"

# (titulaire, officine, effecteur, product, vials)
ORDERS_OF_THE_WEEK = [
    (CLAIRE, LILAS, f"effecteurs/finess:{LILAS}", MODERNA, 10),
    (CLAIRE, LILAS, JEANNE, MODERNA, 6),
    (CLAIRE, LILAS, JEANNE, PFIZER, 3),
    (CLAIRE, LILAS, AMINA, PFIZER, 2),
    (CLAIRE, LILAS, NADIA, MODERNA, 2),
    (CLAIRE, LILAS, EHPAD, MODERNA, 20),
    (KARIM, CONFLUENT, PAUL, MODERNA, 4),
    (KARIM, CONFLUENT, HUGO, PFIZER, 5),
    (SOPHIE, VIEUX_PORT, LBM, MODERNA, 8),
]
# Moderna ordered 50, 40 available: every Moderna line is reduced.
SUPPLY = {MODERNA: 40, PFIZER: 100}

# Everyone who must get exactly one confirmation, and their addresses in the dataset.
EXPECTED_ADDRESSES = {
    f"officines/{LILAS}": "pharmacie.lilas@example.test",
    f"officines/{CONFLUENT}": "confluent@example.test",
    f"officines/{VIEUX_PORT}": "vieuxport@example.test",
    JEANNE: "jeanne.dubois@example.test",
    HUGO: "hugo.lefebvre@example.test",
    AMINA: "amina.traoré@example.test",
    PAUL: "paul.roux@example.test",
}


def rid() -> str:
    return str(uuid.uuid4())


@dataclass
class AfterClose:
    clock: ManualClock
    psc: Psc
    orders: Any  # OrderServiceStub
    orders_server: RunningServer
    mailer: Mailer
    start_mailer: MailerFactory
    mailer_overrides: dict[str, Any]
    channels: list[grpc.aio.Channel] = field(default_factory=list)

    def auth(self, national_id: str) -> list[tuple[str, str]]:
        return self.psc.metadata_for(national_id)

    async def order(self, method: str, request: Any, as_: str = OPERATOR) -> Any:
        return await getattr(self.orders, method)(request, metadata=self.auth(as_), timeout=30)

    async def send(
        self,
        *,
        dry_run: bool = False,
        request_id: str = "",
        as_: str = OPERATOR,
        session: str = SESSION,
        mailer: Mailer | None = None,
    ) -> pb.SendDeliveryConfirmationsResponse:
        return await (mailer or self.mailer).stub.SendDeliveryConfirmations(
            pb.SendDeliveryConfirmationsRequest(session=session, request_id=request_id or rid(), dry_run=dry_run),
            metadata=self.auth(as_),
            timeout=60,
        )

    async def publish(self, supply: dict[str, int] | None = None) -> None:
        updated = await self.order(
            "UpdateSupply",
            opb.UpdateSupplyRequest(
                supply=opb.Supply(
                    name=f"{SESSION}/supply",
                    products=[opb.ProductSupply(product=p, vials=v) for p, v in (supply or SUPPLY).items()],
                ),
                request_id=rid(),
            ),
        )
        await self.order(
            "PublishAllocation",
            opb.PublishAllocationRequest(session=SESSION, supply_etag=updated.supply.etag, request_id=rid()),
        )

    async def set_date(self, finess: str, day: str) -> None:
        await self.order(
            "SetDeliveryDate",
            opb.SetDeliveryDateRequest(
                plan=f"{SESSION}/deliveryPlan",
                override=opb.DeliveryDateOverride(finess=finess, date=day),
                request_id=rid(),
            ),
        )

    async def deliveries(self) -> list[opb.Delivery]:
        found, token = [], ""
        while True:
            page = await self.order(
                "ListDeliveries", opb.ListDeliveriesRequest(parent=f"{SESSION}/officines/-", page_token=token)
            )
            found += list(page.deliveries)
            token = page.next_page_token
            if not token:
                return found


@asynccontextmanager
async def after_close(
    psc: Psc,
    database_url_for: Callable[[ServiceSpec], str],
    dataset: dict,
    start_mailer: MailerFactory,
    service_identity: Any,
    *,
    orders_taken: bool = True,
    **mailer_overrides: Any,
) -> AsyncIterator[AfterClose]:
    clock = ManualClock(SEED_TIME)
    channels: list[grpc.aio.Channel] = []
    async with three_services(
        clock, psc, database_url_for, dataset, operator=OPERATOR, directory_cache_seconds=0
    ) as services:
        try:
            orders_channel = grpc.aio.insecure_channel(services.orders_address)
            channels.append(orders_channel)
            overrides = {
                "sessions_address": services.sessions_address,
                "effecteurs_address": services.effecteurs_address,
                "orders_address": services.orders_address,
                "date_change_poll_seconds": 0.05,
                "call_timeout_seconds": 10,
                **service_identity.minting_overrides(),
                **mailer_overrides,
            }
            mailer = await start_mailer(clock=clock, **overrides)
            stack = AfterClose(
                clock,
                psc,
                opb_grpc.OrderServiceStub(orders_channel),
                services.orders,
                mailer,
                start_mailer,
                overrides,
                channels,
            )
            if orders_taken:
                clock.set(OPEN)
                for titulaire, finess, effecteur, product, vials in ORDERS_OF_THE_WEEK:
                    await stack.order(
                        "CreateOrderLine",
                        opb.CreateOrderLineRequest(
                            parent=f"{SESSION}/officines/{finess}",
                            line=opb.OrderLine(effecteur=effecteur, product=product, vials=vials),
                            request_id=rid(),
                        ),
                        as_=titulaire,
                    )
                clock.set(CLOSED)
            yield stack
        finally:
            for channel in channels:
                await channel.close()
