"""Rules every write of the orders service goes through: the session window by
the server's clock, the effecteur's attachment at that moment, the quota rule in
force, and request_id idempotency in the same transaction as the write.

lines.py, vial_requests.py and reports.py build on the OrderRules here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.engine import Connection

from services.common import idempotency
from services.common.clock import Clock
from services.common.context import Principal
from services.common.db import Database, SyncExecutor
from services.common.errors import DomainError, InvalidArgument, NotFound
from services.common.idempotency import check_request_id
from services.orders import errors
from services.orders import repository as repo
from services.orders.models import IDEMPOTENCY_KEYS
from services.orders.ports import (
    AttachmentDirectory,
    EffecteurAttachment,
    ProductInfo,
    QuotaRule,
    QuotaTable,
    SessionDirectory,
    SessionWindow,
)
from services.orders.views import Notice

UNLIMITED, CAPPED, NOT_OPEN = "UNLIMITED", "CAPPED", "NOT_OPEN"


class Outcome(Protocol):
    def dump(self) -> dict[str, Any]: ...


OutcomeT = TypeVar("OutcomeT", bound=Outcome)


class WindowShut(Exception):
    """Raised inside a write transaction when the clock passed the window; turned
    into the French refusal once the transaction is rolled back (building it may
    need SessionService, never called while holding the write lock)."""

    def __init__(self, window: SessionWindow, now: datetime) -> None:
        super().__init__(window.id)
        self.window, self.now = window, now


@dataclass(frozen=True)
class Ordering:
    """What a write needs to know about its effecteur and product, read before
    the transaction: the rule in force and the facts copied onto the line."""

    window: SessionWindow
    product: ProductInfo
    effecteur: EffecteurAttachment
    rule: QuotaRule
    department: str

    @property
    def cap(self) -> int | None:
        return self.rule.max_vials if self.rule.kind == CAPPED else None


class OrderRules:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        sessions: SessionDirectory,
        attachments: AttachmentDirectory,
        *,
        max_vials_per_line: int,
    ) -> None:
        self.db = db
        self.clock = clock
        self.sessions = sessions
        self.attachments = attachments
        self.max_vials = max_vials_per_line

    # -- input -------------------------------------------------------------------

    def check_vials(self, vials: int, field: str) -> None:
        if vials <= 0:
            raise InvalidArgument.field(field, "Indiquez un nombre de flacons supérieur à 0.")
        if vials > self.max_vials:
            raise InvalidArgument.field(
                field, f"Au plus {self.max_vials} flacons par ligne : vérifiez la quantité saisie."
            )

    @staticmethod
    def check_request_id(request_id: str) -> str:
        return check_request_id(request_id)

    # -- session window ------------------------------------------------------------

    async def window(self, session_id: str) -> SessionWindow:
        window = await self.sessions.session(session_id)
        if window is None:
            raise NotFound(f"Session introuvable : sessions/{session_id}.")
        return window

    async def next_opening(self, now: datetime) -> datetime | None:
        upcoming = [w.open_time for w in await self.sessions.sessions() if w.open_time > now]
        return min(upcoming, default=None)

    async def closed_error(self, window: SessionWindow, now: datetime) -> DomainError:
        next_open = window.open_time if now < window.open_time else await self.next_opening(now)
        return errors.session_closed(window.label or window.id, window.open_time, window.close_time, now, next_open)

    async def open_window(self, session_id: str) -> SessionWindow:
        """The session, refused unless open now by the server's clock and the
        service is not closed for maintenance."""
        window = await self.window(session_id)
        now = self.clock.now()
        if not window.is_open_at(now):
            raise await self.closed_error(window, now)
        for period in await self.sessions.maintenance():
            if period.contains(now):
                raise errors.maintenance(period.end, period.message)
        return window

    @staticmethod
    def still_open(window: SessionWindow, now: datetime) -> None:
        """The close checked again inside the transaction, at the instant of the write."""
        if not window.is_open_at(now):
            raise WindowShut(window, now)

    # -- effecteur, product, quota ---------------------------------------------------

    async def product(self, name: str, field: str) -> ProductInfo:
        return _in_catalogue(await self.sessions.products(), name, field)

    async def attached(self, effecteur: str, finess: str) -> EffecteurAttachment:
        """The effecteur as attached to this officine now: the attachment mirror (never more than
        its bound behind effecteurs, services/orders/README.md), or a LookupAttachment call."""
        found = _attached_here(effecteur, await self.attachments.lookup(effecteur), finess)
        if isinstance(found, DomainError):
            raise found
        return found

    async def rule(self, window: SessionWindow, effecteur_type: str, product: ProductInfo) -> QuotaRule:
        """The rule in force now, as SessionService answers it: NOT_OPEN (refused)
        also for a product outside its orderable dates, inactive, or absent from
        the published table."""
        return _rule_in(await self.sessions.quota_table(window.id, self.clock.now()), effecteur_type, product)

    async def ordering(
        self, window: SessionWindow, effecteur: str, finess: str, product_name: str, field: str
    ) -> Ordering:
        product = await self.product(product_name, field)
        attached = await self.attached(effecteur, finess)
        rule = await self.rule(window, attached.type, product)
        department = await self.attachments.officine_department(finess)
        return Ordering(window, product, attached, rule, department)

    async def orderings(
        self, window: SessionWindow, finess: str, pairs: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], Ordering | DomainError]:
        """`ordering` for many (effecteur, product) pairs of one officine (a grid
        save): the catalogue, the quota table, the officine's department and each
        effecteur's attachment read once. A pair that may not be ordered maps to
        its refusal instead of raising, so the other pairs still go through."""
        wanted = sorted(set(pairs))
        if not wanted:
            return {}
        catalogue = await self.sessions.products()
        table = await self.sessions.quota_table(window.id, self.clock.now())
        department = await self.attachments.officine_department(finess)
        found_attached = await self.attachments.lookup_many(sorted({e for e, _ in wanted}))
        attachments: dict[str, EffecteurAttachment | DomainError] = {
            effecteur: _attached_here(effecteur, found, finess) for effecteur, found in found_attached.items()
        }
        found: dict[tuple[str, str], Ordering | DomainError] = {}
        for effecteur, product_name in wanted:
            attached = attachments[effecteur]
            try:
                product = _in_catalogue(catalogue, product_name, "line.product")
                if isinstance(attached, DomainError):
                    raise attached
                rule = _rule_in(table, attached.type, product)
            except DomainError as refusal:
                found[(effecteur, product_name)] = refusal
                continue
            found[(effecteur, product_name)] = Ordering(window, product, attached, rule, department)
        return found

    # -- idempotent writes -------------------------------------------------------------

    async def recorded(
        self,
        principal: Principal,
        request_id: str,
        operation: str,
        payload: dict[str, Any],
        load: Callable[[dict[str, Any]], OutcomeT],
    ) -> OutcomeT | None:
        """A retry answered before any other check: the first call's outcome stands
        even if the window closed or the attachment changed since."""
        if not request_id:
            return None
        digest = idempotency.fingerprint(principal.national_id, payload)
        previous = await self.db.run_read(
            lambda c: idempotency.recorded_outcome(c, IDEMPOTENCY_KEYS, request_id, operation, digest)
        )
        return None if previous is None else load(previous)

    async def retried(
        self,
        principal: Principal,
        request_id: str,
        operation: str,
        payload: dict[str, Any],
        load: Callable[[dict[str, Any]], OutcomeT],
        refusal: DomainError,
    ) -> OutcomeT:
        """A check before a hot-path write refused it: the first call's outcome if this is a
        retry (the window may have closed since), else the refusal. The request_id is looked
        up only then: on the way that succeeds, the write transaction claims it first."""
        previous = await self.recorded(principal, request_id, operation, payload, load)
        if previous is None:
            raise refusal
        return previous

    async def write(
        self,
        principal: Principal,
        request_id: str,
        operation: str,
        payload: dict[str, Any],
        work: Callable[[Any, datetime], Awaitable[OutcomeT]],
        load: Callable[[dict[str, Any]], OutcomeT],
    ) -> OutcomeT:
        """Run `work` once per request_id (services.common.idempotency.run_once:
        the key claimed first in the write transaction, a lost race on another
        unique key re-run from the start). The window closing inside the
        transaction becomes the French refusal once it is rolled back."""
        return await self._once(idempotency.run_once, principal, request_id, operation, payload, work, load)

    async def write_sync(
        self,
        principal: Principal,
        request_id: str,
        operation: str,
        payload: dict[str, Any],
        work: Callable[[Connection, datetime], OutcomeT],
        load: Callable[[dict[str, Any]], OutcomeT],
    ) -> OutcomeT:
        """`write` for the hot path (order lines, grid saves, vial requests): `work` is
        synchronous Core in one `Database.run_write` transaction with its key (one thread
        hand-off, where `write` pays one per statement)."""
        return await self._once(idempotency.run_once_sync, principal, request_id, operation, payload, work, load)

    async def _once(
        self,
        run_once: Callable[..., Awaitable[OutcomeT]],
        principal: Principal,
        request_id: str,
        operation: str,
        payload: dict[str, Any],
        work: Callable[[Any, datetime], Any],
        load: Callable[[dict[str, Any]], OutcomeT],
    ) -> OutcomeT:
        try:
            return await run_once(
                self.db,
                IDEMPOTENCY_KEYS,
                self.clock,
                request_id=request_id,
                operation=operation,
                digest=idempotency.fingerprint(principal.national_id, payload),
                work=work,
                dump=_dump,
                load=load,
            )
        except WindowShut as shut:
            raise await self.closed_error(shut.window, shut.now) from None


def _attached_here(effecteur: str, found: EffecteurAttachment | None, finess: str) -> EffecteurAttachment | DomainError:
    if found is None or found.officine != f"officines/{finess}":
        return errors.not_attached(effecteur)
    return found


def _in_catalogue(catalogue: Mapping[str, ProductInfo], name: str, field: str) -> ProductInfo:
    product = catalogue.get(name)
    if product is None:
        raise InvalidArgument.field(field, f"Produit inconnu du catalogue : « {name} ».")
    return product


def _rule_in(table: QuotaTable | None, effecteur_type: str, product: ProductInfo) -> QuotaRule:
    label = product.display_name or product.name
    if table is None:
        raise errors.product_not_open(effecteur_type, label, "Aucun tableau de quotas n'est publié pour cette session.")
    rule = table.rules.get((effecteur_type, product.name))
    if rule is None or rule.kind not in (UNLIMITED, CAPPED):
        raise errors.product_not_open(effecteur_type, label, _sentence(rule.not_open_reason if rule else ""))
    return rule


def _sentence(text: str) -> str:
    return text if not text or text.endswith(".") else f"{text}."


def _dump(outcome: Outcome) -> dict[str, Any]:
    return outcome.dump()


def add_to_usage(
    s: SyncExecutor, ordering: Ordering, effecteur: str, delta: int, current_line: int | None
) -> tuple[int, list[Notice]]:
    """Move the effecteur's total by `delta` under the cap, atomically; the new
    total and any warning. Refused -> QuotaExceeded saying what remains."""
    total = repo.change_usage(s, ordering.window.id, effecteur, ordering.product.name, delta, ordering.cap)
    if total is None:
        raise quota_refusal(s, ordering, effecteur, delta, current_line)
    return total, usage_warnings(ordering, delta, total)


def quota_refusal(
    s: SyncExecutor, ordering: Ordering, effecteur: str, delta: int, current_line: int | None
) -> DomainError:
    """The refusal of a raise of `delta` the cap did not let through, saying what remains."""
    used = repo.usage(s, ordering.window.id, effecteur, ordering.product.name)
    return errors.quota_exceeded(
        ordering.effecteur.type,
        ordering.product.display_name or ordering.product.name,
        ordering.rule.max_vials,
        used,
        current_line,
        requested=(current_line or 0) + delta,
    )


def usage_warnings(ordering: Ordering, delta: int, total: int) -> list[Notice]:
    """The notice of a raise past the soft threshold of an unlimited product."""
    threshold = ordering.rule.soft_threshold
    if ordering.rule.kind == UNLIMITED and threshold > 0 and delta > 0 and total > threshold:
        label = ordering.product.display_name or ordering.product.name
        return [Notice(errors.ABOVE_SOFT_THRESHOLD, errors.above_soft_threshold_message(label, total, threshold))]
    return []
