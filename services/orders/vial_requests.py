"""Vial requests: an effecteur asks its officine, which confirms (adding to the
order line under the quota rules, in the same transaction as the decision) or
declines; the requester may cancel while it is pending.

EXPIRED is computed, not stored: a PENDING request reads as EXPIRED to both
sides once the clock passed its session's close, with no sweep to run or to
miss, and a window moved by an operator is honoured as it is.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from services.common.context import Principal
from services.common.errors import DomainError, InvalidArgument, NotFound, PermissionDenied, Violations
from services.common.numbers import check_stored_int
from services.common.pagination import clamp_page_size, decode_token, encode_token
from services.common.text import CONTROL_CHARACTERS, has_control_characters
from services.orders import access, errors, names
from services.orders import repository as repo
from services.orders import repository_requests as rrepo
from services.orders.lines import DEFAULT_PAGE, MAX_PAGE, add_vials, collect, line_view, read_child
from services.orders.models import AnyRow
from services.orders.ports import SessionWindow
from services.orders.service import CAPPED, OrderRules
from services.orders.views import Page, RequestEventView, RequestOutcome, RequestView

REQUEST = "Demande"
PENDING, CONFIRMED, DECLINED, CANCELLED, EXPIRED = "PENDING", "CONFIRMED", "DECLINED", "CANCELLED", "EXPIRED"
# Kinds of the event feed (the other kinds are the states the request ends in).
CREATED = "CREATED"
EVENT_KINDS = (CREATED, CONFIRMED, DECLINED, CANCELLED)
STATES = (PENDING, CONFIRMED, DECLINED, EXPIRED, CANCELLED)
MAX_TEXT = 500


def effective_state(row: AnyRow, window: SessionWindow | None, now: datetime) -> str:
    if row.state == PENDING and window is not None and window.is_closed_at(now):
        return EXPIRED
    state: str = row.state
    return state


def request_view(row: AnyRow, window: SessionWindow | None, now: datetime) -> RequestView:
    return RequestView(
        name=names.OfficineOrder(row.session_id, row.finess).request(row.id),
        effecteur=row.effecteur,
        product=row.product,
        vials=row.vials,
        comment=row.comment,
        state=effective_state(row, window, now),
        confirmed_vials=row.confirmed_vials,
        decision_reason=row.decision_reason,
        decided_by=row.decided_by,
        decide_time=row.decide_time,
        order_line=row.order_line,
        create_time=row.create_time,
        etag=row.etag,
    )


def _text(v: Violations, value: str, field: str) -> None:
    if len(value) > MAX_TEXT:
        v.add(field, f"{MAX_TEXT} caractères au plus.")
    elif has_control_characters(value, multiline=True):
        v.add(field, CONTROL_CHARACTERS)


def _end_pending(
    s: Connection,
    request_pk: str,
    name: str,
    state: str,
    action: str,
    principal: Principal,
    now: datetime,
    request_id: str,
    *,
    reason: str = "",
    by_requester: bool = False,
) -> AnyRow:
    """Decline or cancel: a PENDING request ends without vials, with its audit row.
    The state change is conditional on PENDING, so a concurrent decision wins once."""
    row = rrepo.decide(
        s,
        request_pk,
        state=state,
        actor=principal.national_id,
        now=now,
        new_etag=names.new_etag(),
        reason=reason,
        by_requester=by_requester,
    )
    if row is None:
        current = rrepo.get_request(s, request_pk)
        assert current is not None  # requests are never deleted
        raise errors.request_not_pending(current.state)
    repo.add_changes(
        s,
        repo.Audit.by(principal, now, request_id).change(
            name, action, row.vials, 0, finess=row.finess, effecteur=row.effecteur, note=reason
        ),
    )
    rrepo.add_event(s, state, row, name=name, actor=principal.national_id, text=reason, now=now)
    return row


class RequestService:
    def __init__(self, rules: OrderRules) -> None:
        self.rules = rules

    async def _read(self, ref: names.Child) -> AnyRow:
        return await read_child(self.rules, ref, rrepo.get_request, REQUEST)

    async def _pending(self, row: AnyRow) -> SessionWindow:
        """The request's session window, refused unless the request can still be decided."""
        window = await self.rules.window(row.session_id)
        now = self.rules.clock.now()
        state = effective_state(row, window, now)
        if state != PENDING:
            raise errors.request_not_pending(state)
        return window

    # -- the effecteur's side --------------------------------------------------------

    async def create(
        self,
        principal: Principal,
        parent: str,
        effecteur: str,
        product: str,
        vials: int,
        comment: str,
        request_id: str,
    ) -> RequestOutcome:
        rules = self.rules
        v = Violations()
        order = collect(v, names.parse_officine_order, parent, "parent")
        collect(v, names.check_effecteur, effecteur, "vial_request.effecteur")
        collect(v, names.check_product, product, "vial_request.product")
        collect(v, rules.check_vials, vials, "vial_request.vials")
        _text(v, comment, "vial_request.comment")
        request_id = collect(v, rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert order is not None
        if not principal.may_act_for(effecteur) or effecteur == names.self_effecteur(order.finess):
            # Only an effecteur asks, for itself; an officine orders directly.
            raise errors.not_found("Officine")
        payload = {"parent": parent, "effecteur": effecteur, "product": product, "vials": vials, "comment": comment}
        operation = "CreateVialRequest"
        try:
            window = await rules.open_window(order.session_id)
            info = await rules.product(product, "vial_request.product")
            attached = await rules.attachments.lookup(effecteur)
            if attached is None or attached.officine != order.officine:
                raise NotFound(
                    "Cette officine n'est pas votre officine de rattachement : adressez votre demande à l'officine "
                    "à laquelle vous êtes rattaché(e).",
                    reason=errors.EFFECTEUR_NOT_ATTACHED,
                )
            rule = await rules.rule(window, attached.type, info)
        except DomainError as refusal:
            return await rules.retried(principal, request_id, operation, payload, RequestOutcome.load, refusal)

        def work(s: Connection, now: datetime) -> RequestOutcome:
            rules.still_open(window, now)
            if rule.kind == CAPPED:
                # Early notice only: the confirmation is what enforces the cap.
                used = repo.usage(s, window.id, effecteur, product)
                if vials > rule.max_vials - used:
                    raise errors.quota_exceeded(
                        attached.type, info.display_name or product, rule.max_vials, used, requested=vials
                    )
            row = rrepo.insert_request(
                s,
                id=names.new_id(),
                session_id=window.id,
                finess=order.finess,
                effecteur=effecteur,
                product=product,
                vials=vials,
                comment=comment,
                state=PENDING,
                confirmed_vials=0,
                decision_reason="",
                decided_by="",
                decide_time=None,
                order_line="",
                requested_by=principal.national_id,
                etag=names.new_etag(),
                create_time=now,
                update_time=now,
            )
            view = request_view(row, window, now)
            repo.add_changes(
                s,
                repo.Audit.by(principal, now, request_id).change(
                    view.name, "CREATE_REQUEST", 0, vials, finess=order.finess, effecteur=effecteur, note=comment
                ),
            )
            rrepo.add_event(s, CREATED, row, name=view.name, actor=principal.national_id, text=comment, now=now)
            return RequestOutcome(view)

        return await rules.write_sync(principal, request_id, operation, payload, work, RequestOutcome.load)

    async def cancel(self, principal: Principal, name: str, request_id: str) -> RequestOutcome:
        rules = self.rules
        v = Violations()
        ref = collect(v, names.parse_request, name, "name")
        request_id = collect(v, rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert ref is not None
        current = await self._read(ref)
        if not principal.may_act_for(current.effecteur):
            if access.acts_for_officine(principal, ref.parent.finess):
                raise PermissionDenied(
                    "Seul le demandeur peut annuler sa demande ; l'officine peut la refuser, en donnant un motif."
                )
            raise errors.not_found(REQUEST)
        payload = {"name": name}
        try:
            window = await self._pending(current)
        except DomainError as refusal:
            return await rules.retried(
                principal, request_id, "CancelVialRequest", payload, RequestOutcome.load, refusal
            )

        def work(s: Connection, now: datetime) -> RequestOutcome:
            rules.still_open(window, now)
            row = _end_pending(
                s, ref.id, name, CANCELLED, "CANCEL_REQUEST", principal, now, request_id, by_requester=True
            )
            return RequestOutcome(request_view(row, window, now))

        return await rules.write_sync(principal, request_id, "CancelVialRequest", payload, work, RequestOutcome.load)

    # -- the officine's side ---------------------------------------------------------

    async def confirm(
        self, principal: Principal, name: str, vials: int | None, reason: str, request_id: str
    ) -> RequestOutcome:
        rules = self.rules
        v = Violations()
        ref = collect(v, names.parse_request, name, "name")
        if vials is not None:
            collect(v, rules.check_vials, vials, "vials")
        _text(v, reason, "reason")
        request_id = collect(v, rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert ref is not None
        access.require_officine_writer(principal, ref.parent.finess, REQUEST)
        reason = reason.strip()
        payload = {"name": name, "vials": vials, "reason": reason}
        operation = "ConfirmVialRequest"
        try:
            current = await self._read(ref)
            window = await rules.open_window(ref.parent.session_id)
            await self._pending(current)
            confirmed = current.vials if vials is None else vials
            if confirmed != current.vials and not reason:
                raise InvalidArgument.field(
                    "reason",
                    f"Indiquez pourquoi vous confirmez {confirmed} flacon(s) au lieu des {current.vials} demandé(s).",
                )
            ordering = await rules.ordering(window, current.effecteur, ref.parent.finess, current.product, "name")
        except DomainError as refusal:
            return await rules.retried(principal, request_id, operation, payload, RequestOutcome.load, refusal)

        def work(s: Connection, now: datetime) -> RequestOutcome:
            # Lock order of every line write: ledger, line, then the request.
            rules.still_open(window, now)
            actor = principal.national_id
            line, warnings, before = add_vials(
                s,
                ordering,
                finess=ref.parent.finess,
                effecteur=current.effecteur,
                vials=confirmed,
                actor=actor,
                now=now,
            )
            line_name = line_view(line).name
            decided = rrepo.decide(
                s,
                ref.id,
                state=CONFIRMED,
                actor=actor,
                now=now,
                new_etag=names.new_etag(),
                confirmed_vials=confirmed,
                reason=reason,
                order_line=line_name,
            )
            if decided is None:  # decided meanwhile: the vials added above roll back
                stored = rrepo.get_request(s, ref.id)
                assert stored is not None  # requests are never deleted
                raise errors.request_not_pending(stored.state)
            audit = repo.Audit.by(principal, now, request_id)
            common = {"finess": ref.parent.finess, "effecteur": current.effecteur}
            repo.add_changes(
                s,
                audit.change(
                    line_name,
                    "CONFIRM_REQUEST",
                    before,
                    line.vials,
                    note=f"Demande {name}" + (f" : {reason}" if reason else ""),
                    **common,
                ),
                audit.change(name, "CONFIRM_REQUEST", current.vials, confirmed, note=reason, **common),
            )
            rrepo.add_event(s, CONFIRMED, decided, name=name, actor=actor, text=reason, now=now)
            return RequestOutcome(request_view(decided, window, now), line_view(line), warnings)

        return await rules.write_sync(principal, request_id, operation, payload, work, RequestOutcome.load)

    async def decline(self, principal: Principal, name: str, reason: str, request_id: str) -> RequestOutcome:
        rules = self.rules
        v = Violations()
        ref = collect(v, names.parse_request, name, "name")
        reason = reason.strip()
        if not reason:
            v.add("reason", "Indiquez au demandeur pourquoi sa demande est refusée.")
        _text(v, reason, "reason")
        request_id = collect(v, rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert ref is not None
        access.require_officine_writer(principal, ref.parent.finess, REQUEST)
        payload = {"name": name, "reason": reason}
        operation = "DeclineVialRequest"
        try:
            current = await self._read(ref)
            window = await self._pending(current)
        except DomainError as refusal:
            return await rules.retried(principal, request_id, operation, payload, RequestOutcome.load, refusal)

        def work(s: Connection, now: datetime) -> RequestOutcome:
            rules.still_open(window, now)
            row = _end_pending(s, ref.id, name, DECLINED, "DECLINE_REQUEST", principal, now, request_id, reason=reason)
            return RequestOutcome(request_view(row, window, now))

        return await rules.write_sync(principal, request_id, operation, payload, work, RequestOutcome.load)

    # -- the feed the mailer announces -----------------------------------------------

    async def events(self, principal: Principal, after_id: int, page_size: int) -> list[RequestEventView]:
        """What happened to requests after the consumer's position, oldest first.
        Operators and granted service identities only: it names every officine's requesters."""
        if not principal.reads_everything:
            raise errors.operators_only()
        if after_id < 0:
            raise InvalidArgument.field("after_id", "La position ne peut pas être négative.")
        check_stored_int(after_id, "after_id")  # PostgreSQL refuses a bigger one with an error
        size = clamp_page_size(page_size, DEFAULT_PAGE, MAX_PAGE)
        rows = await self.rules.db.run_read(lambda c: rrepo.list_events(c, after_id, size))
        return [
            RequestEventView(
                id=r.id,
                kind=r.kind,
                request=r.request,
                finess=r.finess,
                effecteur=r.effecteur,
                product=r.product,
                vials=r.vials,
                confirmed_vials=r.confirmed_vials,
                text=r.text,
                actor=r.actor,
                event_time=r.event_time,
            )
            for r in rows
        ]

    # -- reads -----------------------------------------------------------------------

    async def get(self, principal: Principal, name: str) -> RequestView:
        ref = names.parse_request(name, "name")
        row = await self._read(ref)
        if not access.may_read(principal, row.finess, row.effecteur):
            raise errors.not_found(REQUEST)
        return request_view(row, await self.rules.sessions.session(row.session_id), self.rules.clock.now())

    async def list(
        self, principal: Principal, parent: str, state: str, effecteur: str, page_size: int, page_token: str
    ) -> Page:
        v = Violations()
        order = collect(v, lambda: names.parse_officine_order(parent, "parent", any_session=True, any_officine=True))
        if effecteur:
            collect(v, names.check_effecteur, effecteur, "effecteur")
        if state and state not in STATES:
            v.add("state", "État de demande inconnu.")
        size = collect(v, clamp_page_size, page_size, DEFAULT_PAGE, MAX_PAGE)
        v.raise_if_any()
        assert order is not None and size is not None
        scope = access.list_scope(principal, order, effecteur, REQUEST)
        filters = {"parent": parent, "state": state, "effecteur": effecteur}
        after = decode_token(page_token, filters)
        now = self.rules.clock.now()
        windows = {w.id: w for w in await self.rules.sessions.sessions()}
        closed = [w.id for w in windows.values() if w.is_closed_at(now)]
        stored, in_sessions, not_in_sessions = state or None, None, None
        if state == PENDING:
            not_in_sessions = closed
        elif state == EXPIRED:
            stored, in_sessions = PENDING, closed
        rows = await self.rules.db.run_read(
            lambda c: rrepo.list_requests(
                c,
                finess=scope.finess,
                session_id=scope.session_id,
                effecteur=scope.effecteur,
                stored_state=stored,
                in_sessions=in_sessions,
                not_in_sessions=not_in_sessions,
                after=None if after is None else (datetime.fromisoformat(after[0]), after[1]),
                limit=size + 1,
            )
        )
        token = ""
        if len(rows) > size:
            rows = rows[:size]
            token = encode_token([rows[-1].create_time.isoformat(), rows[-1].id], filters)
        return Page([request_view(r, windows.get(r.session_id), now) for r in rows], token)
