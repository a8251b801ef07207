"""The mailer's calls to other services, for the delivery e-mails.

Every call carries a deadline (`call_timeout_seconds`, further bounded by what
the current RPC has left: services.common.channels) and the caller's token
(the operator's PSC token, or the service token of the job or of the
notifier), so orders and effecteurs apply their own access rules to it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
import structlog

from services.common import context as ctx
from services.common.channels import Channels
from services.common.errors import DomainError, PermissionDenied, Unavailable
from services.common.grpc_errors import passed_on
from services.common.settings import CommonSettings
from services.mailer.deliveries import (
    DateChange,
    Delivery,
    DeliveryLine,
    Party,
    Product,
)
from services.mailer.request_mails import RequestEvent
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as epb
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc as epb_grpc
from vaxorders.orders.v1 import orders_service_pb2 as opb
from vaxorders.orders.v1 import orders_service_pb2_grpc as opb_grpc
from vaxorders.sessions.v1 import sessions_service_pb2 as spb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as spb_grpc
from vaxorders.type.v1 import effecteur_type_pb2

log = structlog.get_logger("mailer.clients")

# BatchGet* and RecordConfirmationsSent take at most this many names per call.
BATCH_LIMIT = 1000
_PAGE = 1000


@dataclass(frozen=True)
class SessionInfo:
    name: str
    label: str
    state: str  # "SCHEDULED", "OPEN", "CLOSED"


def _type_name(value: int) -> str:
    return effecteur_type_pb2.EffecteurType.Name(value).removeprefix("EFFECTEUR_TYPE_")


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _failed(service: str, error: grpc.aio.AioRpcError) -> DomainError:
    log.warning("mailer.dependency_failed", dependency=service, code=error.code().name)
    refusal = passed_on(error)
    if refusal is not None:
        return refusal
    if error.code() == grpc.StatusCode.PERMISSION_DENIED:
        return PermissionDenied(
            "Le service des commandes a refusé cette lecture à votre compte.", reason="DEPENDENCY_PERMISSION_DENIED"
        )
    return Unavailable(
        "Un service nécessaire à l'envoi des confirmations ne répond pas pour le moment. Réessayez dans un instant."
    )


def _delivery(session: str, message: opb.Delivery) -> Delivery:
    return Delivery(
        session=session,
        finess=message.finess,
        department=message.department,
        delivery_date=message.delivery_date,
        lines=tuple(
            DeliveryLine(
                effecteur=line.effecteur,
                effecteur_type=_type_name(line.effecteur_type),
                product=line.product,
                ordered_vials=line.ordered_vials,
                confirmed_vials=line.confirmed_vials,
                doses_per_unit=line.doses_per_unit,
            )
            for line in message.lines
        ),
    )


class Directory:
    """What the mailer reads from sessions, orders and effecteurs (and the one
    thing it tells orders: which confirmations went out)."""

    def __init__(self, channels: Channels, settings: CommonSettings) -> None:
        self._sessions = channels.stub(spb_grpc.SessionServiceStub, settings.sessions_address)
        self._orders = channels.stub(opb_grpc.OrderServiceStub, settings.orders_address)
        self._effecteurs = channels.stub(epb_grpc.EffecteurServiceStub, settings.effecteurs_address)
        self._timeout = settings.call_timeout_seconds

    async def _call(
        self, service: str, stub: Any, method: str, request: Any, *, not_found_is_none: bool = False
    ) -> Any:
        try:
            return await getattr(stub, method)(request, timeout=self._timeout)
        except grpc.aio.AioRpcError as error:
            if not_found_is_none and error.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise _failed(service, error) from None

    # --- sessions --------------------------------------------------------------

    async def session(self, name: str) -> SessionInfo | None:
        answer = await self._call(
            "sessions", self._sessions, "GetSession", spb.GetSessionRequest(name=name), not_found_is_none=True
        )
        if answer is None:
            return None
        session = answer.session
        return SessionInfo(
            name=session.name,
            label=session.label,
            state=spb.Session.State.Name(session.state).removeprefix("STATE_"),
        )

    async def products(self) -> dict[str, Product]:
        """The catalogue (public): asked without the caller's token, so a job
        needs no grant for it."""
        reset = ctx.token_var.set("")
        try:
            found: dict[str, Product] = {}
            token = ""
            while True:
                answer = await self._call(
                    "sessions",
                    self._sessions,
                    "ListProducts",
                    spb.ListProductsRequest(page_size=500, page_token=token, include_inactive=True),
                )
                for p in answer.products:
                    found[p.name] = Product(p.name, p.display_name, p.doses_per_unit, p.display_order)
                token = answer.next_page_token
                if not token:
                    return found
        finally:
            ctx.token_var.reset(reset)

    # --- orders ----------------------------------------------------------------

    async def allocation_published(self, session: str) -> bool:
        answer = await self._call(
            "orders",
            self._orders,
            "GetAllocation",
            opb.GetAllocationRequest(name=f"{session}/allocation"),
            not_found_is_none=True,
        )
        return answer is not None and answer.allocation.HasField("publish_time")

    async def deliveries(self, session: str, finess: str = "-") -> list[Delivery]:
        found: list[Delivery] = []
        token = ""
        while True:
            answer = await self._call(
                "orders",
                self._orders,
                "ListDeliveries",
                opb.ListDeliveriesRequest(parent=f"{session}/officines/{finess}", page_size=_PAGE, page_token=token),
                not_found_is_none=finess != "-",
            )
            if answer is None:
                return found
            found += [_delivery(session, d) for d in answer.deliveries]
            token = answer.next_page_token
            if not token:
                return found

    async def record_confirmations(self, session: str, announced: dict[str, str]) -> None:
        """Tell orders which officines' confirmations went out and the date each announced."""
        items = sorted(announced.items())
        for chunk in _chunks(items, BATCH_LIMIT):
            request_id = str(uuid.uuid4())
            await self._call(
                "orders",
                self._orders,
                "RecordConfirmationsSent",
                opb.RecordConfirmationsSentRequest(
                    session=session,
                    confirmations=[opb.ConfirmationSent(finess=f, announced_date=d) for f, d in chunk],
                    request_id=request_id,
                ),
            )

    async def date_changes(self, after_id: int, limit: int) -> list[DateChange]:
        answer = await self._call(
            "orders",
            self._orders,
            "ListDeliveryDateChanges",
            opb.ListDeliveryDateChangesRequest(after_id=after_id, page_size=limit),
        )
        return [DateChange(c.id, c.session, c.finess, c.old_date, c.new_date) for c in answer.changes]

    async def request_events(self, after_id: int, limit: int) -> list[RequestEvent]:
        answer = await self._call(
            "orders",
            self._orders,
            "ListVialRequestEvents",
            opb.ListVialRequestEventsRequest(after_id=after_id, page_size=limit),
        )
        return [
            RequestEvent(
                id=e.id,
                kind=opb.VialRequestEvent.Kind.Name(e.kind).removeprefix("KIND_"),
                request=e.request,
                finess=e.finess,
                effecteur=e.effecteur,
                product=e.product,
                vials=e.vials,
                confirmed_vials=e.confirmed_vials,
                text=e.text,
            )
            for e in answer.events
        ]

    # --- effecteurs ------------------------------------------------------------

    async def officines(self, names: Sequence[str]) -> dict[str, Party]:
        return await self._parties("BatchGetOfficines", epb.BatchGetOfficinesRequest, "officines", names)

    async def effecteurs(self, names: Sequence[str]) -> dict[str, Party]:
        return await self._parties("BatchGetEffecteurs", epb.BatchGetEffecteursRequest, "effecteurs", names)

    async def _parties(self, method: str, request: Any, field: str, names: Sequence[str]) -> dict[str, Party]:
        """Name, display name and e-mail of officines or effecteurs, asked BATCH_LIMIT at a time."""
        found: dict[str, Party] = {}
        for chunk in _chunks(list(names), BATCH_LIMIT):
            answer = await self._call("effecteurs", self._effecteurs, method, request(names=chunk))
            for party in getattr(answer, field):
                kind = _type_name(party.type) if "type" in party.DESCRIPTOR.fields_by_name else ""
                found[party.name] = Party(party.name, party.display_name, party.email, kind)
        return found
