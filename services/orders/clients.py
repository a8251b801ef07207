"""gRPC implementations of the domain's ports (ports.py).

SessionService data (sessions, catalogue, quota table in force) is read-mostly
and the same for every caller: cached a few seconds, bounded, one call in
flight per key however many RPCs miss at once (the opening rush).
Attachments are NOT cached here: whether an effecteur belongs to the officine is
an authorisation decision, taken on the answer of that moment. (GrpcAttachmentDirectory is the
fallback without a service key; normally attachment_mirror.py answers, within its bound.) The officine's
département (copied onto lines) is cached longer: it only changes with the
officine's postal code.
Every call carries a deadline (dependency_timeout_seconds, further bounded by
what the current RPC has left, see services.common.channels).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import grpc
import structlog

from services.common.channels import Channels
from services.common.clock import monotonic
from services.common.errors import DomainError, Unavailable
from services.common.grpc_errors import passed_on
from services.common.timefmt import from_timestamp, to_timestamp
from services.orders import errors
from services.orders.ports import (
    EffecteurAttachment,
    Maintenance,
    ProductInfo,
    QuotaRule,
    QuotaTable,
    SessionWindow,
)
from services.orders.settings import OrdersSettings
from vaxorders.effecteurs.v1 import effecteurs_service_pb2 as epb
from vaxorders.effecteurs.v1 import effecteurs_service_pb2_grpc as epb_grpc
from vaxorders.sessions.v1 import sessions_service_pb2 as spb
from vaxorders.sessions.v1 import sessions_service_pb2_grpc as spb_grpc
from vaxorders.type.v1 import effecteur_type_pb2

log = structlog.get_logger("orders.clients")
V = TypeVar("V")
_LIST_PAGE = 500


class TtlCache(Generic[V]):
    """Values kept `ttl` seconds (monotonic time: freshness, not business time),
    at most `max_entries` (oldest dropped), one load in flight per key."""

    def __init__(self, ttl: float, max_entries: int) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._loading: dict[Hashable, asyncio.Task[V]] = {}

    async def get(self, key: Hashable, load: Callable[[], Awaitable[V]], holds: Callable[[V], bool] | None = None) -> V:
        """The cached value while fresh (and, with `holds`, while it says the
        value still holds), else one shared load."""
        entry = self._entries.get(key)
        if entry is not None and entry[0] > monotonic() and (holds is None or holds(entry[1])):
            return entry[1]
        task = self._loading.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load(key, load))
            # Retrieve a failure nobody awaited any more (its callers were cancelled).
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
            self._loading[key] = task
        # shield: one caller giving up must not cancel the load the others wait for.
        value = await asyncio.shield(task)
        if holds is not None and not holds(value):
            return await load()  # a load shared with a caller of another instant: not this one's answer
        return value

    async def _load(self, key: Hashable, load: Callable[[], Awaitable[V]]) -> V:
        try:
            value = await load()
            if self._ttl > 0:
                self._entries[key] = (monotonic() + self._ttl, value)
                self._entries.move_to_end(key)
                while len(self._entries) > self._max:
                    self._entries.popitem(last=False)
            return value
        finally:
            self._loading.pop(key, None)


def _strip(prefix: str, value: str) -> str:
    return value[len(prefix) :] if value.startswith(prefix) else value


def _type_name(value: int) -> str:
    return _strip("EFFECTEUR_TYPE_", effecteur_type_pb2.EffecteurType.Name(value))


def _optional_time(message: Any, field: str) -> datetime | None:
    return from_timestamp(getattr(message, field)) if message.HasField(field) else None


def _date(value: str) -> date | None:
    """ "YYYY-MM-DD" from SessionService; None when unset or unreadable."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def dependency_error(service: str, error: grpc.aio.AioRpcError) -> DomainError:
    """A dependency that did not answer usefully: retryable for the user (unless it refused
    what the caller sent: that refusal is passed on)."""
    log.warning("orders.dependency_failed", dependency=service, code=error.code().name)
    refusal = passed_on(error)
    if refusal is not None:
        return refusal
    return Unavailable("Un service nécessaire à la commande ne répond pas pour le moment. Réessayez dans un instant.")


class GrpcSessionDirectory:
    def __init__(self, channels: Channels, settings: OrdersSettings) -> None:
        self._stub = channels.stub(spb_grpc.SessionServiceStub, settings.sessions_address)
        self._timeout = settings.dependency_timeout_seconds
        ttl, bound = settings.directory_cache_seconds, settings.cache_max_entries
        self._sessions: TtlCache[SessionWindow | None] = TtlCache(ttl, bound)
        self._session_lists: TtlCache[list[SessionWindow]] = TtlCache(ttl, bound)
        self._maintenance: TtlCache[list[Maintenance]] = TtlCache(ttl, bound)
        self._products: TtlCache[dict[str, ProductInfo]] = TtlCache(ttl, bound)
        self._tables: TtlCache[QuotaTable | None] = TtlCache(ttl, bound)

    async def _call(self, method: str, request: Any) -> Any | None:
        """The response, or None for NOT_FOUND."""
        try:
            return await getattr(self._stub, method)(request, timeout=self._timeout)
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise dependency_error("sessions", error) from None

    async def _every_page(self, method: str, request: Callable[[str], Any], items: Callable[[Any], list[V]]) -> list[V]:
        """The items of every page of a List method, following next_page_token
        (what was found so far when the listing answers NOT_FOUND)."""
        found: list[V] = []
        token = ""
        while True:
            answer = await self._call(method, request(token))
            if answer is None:
                return found
            found += items(answer)
            token = answer.next_page_token
            if not token:
                return found

    @staticmethod
    def _window(session: spb.Session) -> SessionWindow:
        return SessionWindow(
            id=_strip("sessions/", session.name),
            label=session.label,
            open_time=from_timestamp(session.open_time),
            close_time=from_timestamp(session.close_time),
            delivery_from_date=_date(session.delivery_from_date),
            delivery_to_date=_date(session.delivery_to_date),
            confirmation_email_date=_date(session.confirmation_email_date),
        )

    async def session(self, session_id: str) -> SessionWindow | None:
        async def load() -> SessionWindow | None:
            answer = await self._call("GetSession", spb.GetSessionRequest(name=f"sessions/{session_id}"))
            return None if answer is None else self._window(answer.session)

        return await self._sessions.get(session_id, load)

    async def sessions(self) -> list[SessionWindow]:
        async def load() -> list[SessionWindow]:
            return await self._every_page(
                "ListSessions",
                lambda token: spb.ListSessionsRequest(page_size=_LIST_PAGE, page_token=token),
                lambda answer: [self._window(s) for s in answer.sessions],
            )

        return await self._session_lists.get("sessions", load)

    async def maintenance(self) -> list[Maintenance]:
        async def load() -> list[Maintenance]:
            return await self._every_page(
                "ListCalendarWindows",
                lambda token: spb.ListCalendarWindowsRequest(page_size=_LIST_PAGE, page_token=token),
                lambda answer: [
                    Maintenance(from_timestamp(w.start_time), from_timestamp(w.end_time), w.message)
                    for w in answer.windows
                    if w.kind == spb.CalendarWindow.KIND_MAINTENANCE
                ],
            )

        return await self._maintenance.get("maintenance", load)

    async def products(self) -> dict[str, ProductInfo]:
        async def load() -> dict[str, ProductInfo]:
            products = await self._every_page(
                "ListProducts",
                lambda token: spb.ListProductsRequest(page_size=_LIST_PAGE, page_token=token, include_inactive=True),
                lambda answer: [
                    ProductInfo(
                        name=p.name,
                        display_name=p.display_name,
                        doses_per_unit=p.doses_per_unit,
                        shelf_life_days=p.shelf_life_days if p.HasField("shelf_life_days") else None,
                        redistributable_to=tuple(_type_name(t) for t in p.redistributable_to),
                    )
                    for p in answer.products
                ],
            )
            return {p.name: p for p in products}

        return await self._products.get("products", load)

    async def quota_table(self, session_id: str, at: datetime) -> QuotaTable | None:
        """SessionService's answer effective at `at`, cached while it holds
        (until its valid_until, within the cache's TTL: a new version can be
        published at any time)."""

        async def load() -> QuotaTable | None:
            answer = await self._call(
                "GetQuotaTable",
                spb.GetQuotaTableRequest(
                    name=f"sessions/{session_id}/quotaTables/current", effective_at=to_timestamp(at)
                ),
            )
            if answer is None:
                return None
            table = answer.quota_table
            rules = {
                (_type_name(r.effecteur_type), r.product): QuotaRule(
                    kind=_strip("QUOTA_KIND_", spb.QuotaKind.Name(r.kind)),
                    max_vials=r.max_vials,
                    soft_threshold=r.soft_threshold,
                    not_open_reason=r.not_open_reason,
                )
                for r in table.rules
            }
            return QuotaTable(
                name=table.name, rules=rules, effective_at=at, valid_until=_optional_time(answer, "valid_until")
            )

        return await self._tables.get(session_id, load, holds=lambda table: table is None or table.holds_at(at))


class GrpcAttachmentDirectory:
    def __init__(self, channels: Channels, settings: OrdersSettings) -> None:
        self._stub = channels.stub(epb_grpc.EffecteurServiceStub, settings.effecteurs_address)
        self._timeout = settings.dependency_timeout_seconds
        self._officines: TtlCache[str] = TtlCache(settings.officine_cache_seconds, settings.cache_max_entries)

    async def lookup(self, effecteur: str) -> EffecteurAttachment | None:
        try:
            answer = await self._stub.LookupAttachment(
                epb.LookupAttachmentRequest(effecteur=effecteur), timeout=self._timeout
            )
        except grpc.aio.AioRpcError as error:
            if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED):
                return None  # unknown, or not visible to this caller: not attached for us either
            raise dependency_error("effecteurs", error) from None
        officine = None
        if answer.HasField("attachment") and not answer.attachment.HasField("detach_time"):
            officine = "/".join(answer.attachment.name.split("/")[:2])
        return EffecteurAttachment(
            effecteur=answer.effecteur.name or effecteur,
            type=_type_name(answer.effecteur.type),
            display_name=answer.effecteur.display_name,
            officine=officine,
        )

    async def lookup_many(self, effecteurs: Sequence[str]) -> dict[str, EffecteurAttachment | None]:
        """One LookupAttachment each (the mirror, attachment_mirror.py, answers them in one read)."""
        return {effecteur: await self.lookup(effecteur) for effecteur in effecteurs}

    async def officine_department(self, finess: str) -> str:
        async def load() -> str:
            try:
                answer = await self._stub.GetOfficine(
                    epb.GetOfficineRequest(name=f"officines/{finess}"), timeout=self._timeout
                )
            except grpc.aio.AioRpcError as error:
                if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED):
                    raise errors.not_found("Officine") from None
                raise dependency_error("effecteurs", error) from None
            department: str = answer.officine.department
            return department

        return await self._officines.get(finess, load)

    async def officine_label(self, finess: str) -> str:
        """For a certificate: its name, or the FINESS if EffecteurService cannot say
        (a certificate is still issued when the directory is unreachable)."""
        try:
            answer = await self._stub.GetOfficine(
                epb.GetOfficineRequest(name=f"officines/{finess}"), timeout=self._timeout
            )
        except grpc.aio.AioRpcError:
            return f"FINESS {finess}"
        label: str = answer.officine.display_name
        return label or f"FINESS {finess}"
