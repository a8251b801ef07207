"""Order lines: create, set, withdraw, read, history and audit trail.

A line is one (session, officine, effecteur, product). Every write moves the
effecteur's quota ledger first (conditionally, see repository.change_usage),
then the line, then records the change, all in one transaction.

Raising a quantity needs the session open, the effecteur attached to the
officine now and the quota rule; lowering or withdrawing needs the session open
only: it can only reduce what will be shipped. The writes are synchronous Core
in one `Database.run_write` transaction (OrderRules.write_sync), as the grid save
(batch.py) is: one thread hand-off per write on SQLite, no ORM session. The
request_id is claimed in that transaction; it is looked up before it only when
a check refuses the call (a retry after the window closed still gets its answer).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Connection

from services.common.context import Principal
from services.common.db import SyncExecutor
from services.common.errors import Aborted, AlreadyExists, DomainError, InvalidArgument, NotFound, Violations
from services.common.pagination import clamp_page_size, decode_token, encode_token
from services.orders import access, errors, names
from services.orders import repository as repo
from services.orders.models import AnyRow
from services.orders.service import Ordering, OrderRules, add_to_usage
from services.orders.views import ChangeView, LineOutcome, LineView, Notice, Page

DEFAULT_PAGE, MAX_PAGE = 100, 1000
LINE = "Ligne de commande"
STALE = (
    "Cette ligne a été modifiée entre-temps (par un collègue ou par la confirmation d'une demande) : "
    "rechargez-la avant de la changer."
)

T = TypeVar("T")


def collect(violations: Violations, check: Callable[..., T], *args: Any) -> T | None:
    """Run a field check, keeping its violation so every bad field is reported at once."""
    try:
        return check(*args)
    except InvalidArgument as error:
        violations.items.extend(error.violations)
        return None


def line_exists(existing: AnyRow) -> AlreadyExists:
    return AlreadyExists(
        # The line's name is in the metadata, for clients; users read the sentence.
        "Une ligne existe déjà pour cet effecteur et ce produit dans cette session : "
        "modifiez sa quantité plutôt que d'en créer une autre.",
        reason="LINE_ALREADY_EXISTS",
        metadata={"line": line_view(existing).name},
    )


def line_view(row: AnyRow) -> LineView:
    return LineView(
        name=names.OfficineOrder(row.session_id, row.finess).line(row.id),
        effecteur=row.effecteur,
        product=row.product,
        vials=row.vials,
        effecteur_type=row.effecteur_type,
        vials_from_requests=row.vials_from_requests,
        etag=row.etag,
        create_time=row.create_time,
        update_time=row.update_time,
        confirmed_vials=row.confirmed_vials,
    )


def change_view(row: AnyRow) -> ChangeView:
    return ChangeView(
        actor=row.actor,
        change_time=row.change_time,
        action=row.action,
        vials_before=row.vials_before,
        vials_after=row.vials_after,
        request_id=row.request_id,
        note=row.note,
        psc_grace=bool(row.psc_grace),
    )


def new_line(ordering: Ordering, finess: str, effecteur: str, vials: int, actor: str, now: datetime) -> dict[str, Any]:
    return {
        "id": names.new_id(),
        "session_id": ordering.window.id,
        "finess": finess,
        "effecteur": effecteur,
        "product": ordering.product.name,
        "vials": vials,
        "effecteur_type": ordering.effecteur.type,
        "department": ordering.department,
        "doses_per_unit": ordering.product.doses_per_unit,
        "etag": names.new_etag(),
        "created_by": actor,
        "updated_by": actor,
        "create_time": now,
        "update_time": now,
    }


def add_vials(
    s: SyncExecutor,
    ordering: Ordering,
    *,
    finess: str,
    effecteur: str,
    vials: int,
    actor: str,
    now: datetime,
) -> tuple[AnyRow, list[Notice], int]:
    """Add confirmed vials to the line, creating it when missing: (line after,
    warnings, vials before). Ledger first (the cap), then the line (one upsert)."""
    _, warnings = add_to_usage(s, ordering, effecteur, vials, None)
    values = new_line(ordering, finess, effecteur, vials, actor, now) | {"vials_from_requests": vials}
    row = repo.add_to_line(s, vials, **values)
    return row, warnings, row.vials - vials


async def read_child(
    rules: OrderRules, ref: names.Child, get: Callable[[SyncExecutor, str], AnyRow | None], noun: str
) -> AnyRow:
    """The row `ref` names (a line, a request), only under the session and officine
    its name says; else NOT_FOUND naming `noun`."""
    row = await rules.db.run_read(lambda c: get(c, ref.id))
    if row is None or row.session_id != ref.parent.session_id or row.finess != ref.parent.finess:
        raise errors.not_found(noun)
    return row


class LineService:
    def __init__(self, rules: OrderRules) -> None:
        self.rules = rules

    # -- writes --------------------------------------------------------------------

    async def create(
        self, principal: Principal, parent: str, effecteur: str, product: str, vials: int, request_id: str
    ) -> LineOutcome:
        rules = self.rules
        v = Violations()
        order = collect(v, names.parse_officine_order, parent, "parent")
        collect(v, names.check_effecteur, effecteur, "line.effecteur")
        collect(v, names.check_product, product, "line.product")
        collect(v, rules.check_vials, vials, "line.vials")
        request_id = collect(v, rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert order is not None
        access.require_officine_writer(principal, order.finess, "Officine")
        payload = {"parent": parent, "effecteur": effecteur, "product": product, "vials": vials}
        try:
            window = await rules.open_window(order.session_id)
            ordering = await rules.ordering(window, effecteur, order.finess, product, "line.product")
        except DomainError as refusal:
            return await rules.retried(principal, request_id, "CreateOrderLine", payload, LineOutcome.load, refusal)

        def work(s: Connection, now: datetime) -> LineOutcome:
            rules.still_open(window, now)
            _, warnings = add_to_usage(s, ordering, effecteur, vials, 0)
            row = repo.insert_line(
                s,
                **new_line(ordering, order.finess, effecteur, vials, principal.national_id, now),
                vials_from_requests=0,
            )
            if row is None:  # rolls back the ledger change with it
                existing = repo.find_line(s, window.id, order.finess, effecteur, product)
                assert existing is not None
                raise line_exists(existing)
            repo.add_changes(
                s,
                repo.Audit.by(principal, now, request_id).change(
                    line_view(row).name, "CREATE", 0, vials, finess=order.finess, effecteur=effecteur
                ),
            )
            return LineOutcome(line_view(row), warnings)

        return await rules.write_sync(principal, request_id, "CreateOrderLine", payload, work, LineOutcome.load)

    async def update(self, principal: Principal, name: str, etag: str, vials: int, request_id: str) -> LineOutcome:
        rules = self.rules
        v = Violations()
        ref = collect(v, names.parse_line, name, "line.name")
        collect(v, rules.check_vials, vials, "line.vials")
        if not etag:
            v.add("line.etag", "Renvoyez l'etag de la ligne lue, pour ne pas écraser la saisie d'un collègue.")
        request_id = collect(v, rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert ref is not None
        access.require_officine_writer(principal, ref.parent.finess, LINE)
        payload = {"name": name, "etag": etag, "vials": vials}
        try:
            current = await self._read(ref)
            if current.etag != etag:
                raise Aborted(STALE, metadata={"etag": current.etag})
            window = await rules.open_window(ref.parent.session_id)
            ordering = None
            if vials > current.vials:
                ordering = await rules.ordering(
                    window, current.effecteur, ref.parent.finess, current.product, "line.product"
                )
        except DomainError as refusal:
            return await rules.retried(principal, request_id, "UpdateOrderLine", payload, LineOutcome.load, refusal)

        def work(s: Connection, now: datetime) -> LineOutcome:
            rules.still_open(window, now)
            row = repo.get_line(s, ref.id)
            if row is None:
                raise errors.not_found(LINE)
            if row.etag != etag:
                raise Aborted(STALE, metadata={"etag": row.etag})
            delta = vials - row.vials
            if delta == 0:
                return LineOutcome(line_view(row), [])
            warnings: list[Notice] = []
            if delta > 0:
                assert ordering is not None  # same etag, so the quantity read above
                _, warnings = add_to_usage(s, ordering, row.effecteur, delta, row.vials)
            else:
                repo.change_usage(s, row.session_id, row.effecteur, row.product, delta, None)
            updated = repo.set_line_vials(
                s, row.id, etag, vials, new_etag=names.new_etag(), actor=principal.national_id, now=now
            )
            if updated is None:
                raise Aborted(STALE)
            repo.add_changes(
                s,
                repo.Audit.by(principal, now, request_id).change(
                    name, "UPDATE", row.vials, vials, finess=row.finess, effecteur=row.effecteur
                ),
            )
            return LineOutcome(line_view(updated), warnings)

        return await rules.write_sync(principal, request_id, "UpdateOrderLine", payload, work, LineOutcome.load)

    async def delete(self, principal: Principal, name: str, etag: str, request_id: str) -> LineOutcome:
        rules = self.rules
        v = Violations()
        ref = collect(v, names.parse_line, name, "name")
        request_id = collect(v, rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert ref is not None
        access.require_officine_writer(principal, ref.parent.finess, LINE)
        payload = {"name": name, "etag": etag}
        try:
            current = await self._read(ref)
            if etag and current.etag != etag:
                raise Aborted(STALE, metadata={"etag": current.etag})
            window = await rules.open_window(ref.parent.session_id)
        except DomainError as refusal:
            return await rules.retried(principal, request_id, "DeleteOrderLine", payload, LineOutcome.load, refusal)

        def work(s: Connection, now: datetime) -> LineOutcome:
            rules.still_open(window, now)
            row = repo.get_line(s, ref.id)
            if row is None:
                raise errors.not_found(LINE)
            if etag and row.etag != etag:
                raise Aborted(STALE, metadata={"etag": row.etag})
            repo.change_usage(s, row.session_id, row.effecteur, row.product, -row.vials, None)
            if not repo.delete_line(s, row.id, row.etag):
                raise Aborted(STALE)
            repo.add_changes(
                s,
                repo.Audit.by(principal, now, request_id).change(
                    name, "DELETE", row.vials, 0, finess=row.finess, effecteur=row.effecteur
                ),
            )
            return LineOutcome(None, [])

        return await rules.write_sync(principal, request_id, "DeleteOrderLine", payload, work, LineOutcome.load)

    # -- reads ---------------------------------------------------------------------

    async def _read(self, ref: names.Child) -> AnyRow:
        return await read_child(self.rules, ref, repo.get_line, LINE)

    async def get(self, principal: Principal, name: str) -> LineView:
        ref = names.parse_line(name, "name")
        try:
            row = await self._read(ref)
        except NotFound:
            raise errors.not_found(LINE) from None
        if not access.may_read(principal, row.finess, row.effecteur):
            raise errors.not_found(LINE)
        return line_view(row)

    async def list(
        self, principal: Principal, parent: str, effecteur: str, product: str, page_size: int, page_token: str
    ) -> Page:
        v = Violations()
        order = collect(v, lambda: names.parse_officine_order(parent, "parent", any_session=True, any_officine=True))
        if effecteur:
            collect(v, names.check_effecteur, effecteur, "effecteur")
        if product:
            collect(v, names.check_product, product, "product")
        size = collect(v, clamp_page_size, page_size, DEFAULT_PAGE, MAX_PAGE)
        v.raise_if_any()
        assert order is not None and size is not None
        scope = access.list_scope(principal, order, effecteur, "Commande")
        filters = {"parent": parent, "effecteur": effecteur, "product": product}
        after = decode_token(page_token, filters)
        rows = await self.rules.db.run_read(
            lambda c: repo.list_lines(
                c,
                finess=scope.finess,
                session_id=scope.session_id,
                effecteur=scope.effecteur,
                product=product or None,
                after=after,
                limit=size + 1,
            )
        )
        token = ""
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            token = encode_token([last.session_id, last.finess, last.effecteur, last.product], filters)
        return Page([line_view(r) for r in rows], token)

    async def changes(self, principal: Principal, parent: str, page_size: int, page_token: str) -> Page:
        """The audit trail of a line (or of a request), oldest first; still
        readable after the line was withdrawn."""
        try:
            ref = names.parse_line(parent, "parent")
        except InvalidArgument:
            ref = names.parse_request(parent, "parent")
        size = clamp_page_size(page_size, DEFAULT_PAGE, MAX_PAGE)
        after = decode_token(page_token, {"parent": parent})

        def read(c: Connection) -> list[AnyRow]:
            owner = repo.change_owner(c, parent)
            if owner is None or owner.finess != ref.parent.finess:
                raise errors.not_found(LINE)
            if not access.may_read(principal, owner.finess, owner.effecteur):
                raise errors.not_found(LINE)
            return repo.list_changes(c, parent, after, size + 1)

        rows = await self.rules.db.run_read(read)
        token = ""
        if len(rows) > size:
            rows = rows[:size]
            token = encode_token(rows[-1].id, {"parent": parent})
        return Page([change_view(r) for r in rows], token)
