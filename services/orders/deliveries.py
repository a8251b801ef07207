"""What officines and effecteurs receive once an allocation is published, the
confirmations the mailer recorded, and the feed of dates changed since.

- ListDeliveries: per officine with lines in a published session, its planned
  date (delivery_plan.Plan) and, per effecteur and product, ordered vs
  confirmed. A page costs a fixed number of queries (officines of the page,
  their lines, their confirmations, the plans of their sessions), whatever the
  number of officines.
- RecordConfirmationsSent: the mailer says which officines' confirmations were
  queued and with which date; the first record of an officine stands. A date
  that differs from the plan at that moment is appended to the feed at once.
- ListDeliveryDateChanges: the feed, oldest first, from the consumer's position.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.context import Principal
from services.common.dates import parse_day
from services.common.errors import InvalidArgument, Violations
from services.common.numbers import check_stored_int
from services.common.pagination import clamp_page_size, decode_token, encode_token
from services.orders import access, errors, names
from services.orders import repository as repo
from services.orders import repository_allocation as arepo
from services.orders import repository_delivery as drepo
from services.orders.delivery_plan import Plan
from services.orders.lines import collect
from services.orders.ports import SessionWindow
from services.orders.service import OrderRules
from services.orders.views import DateChangeView, DeliveryLineView, DeliveryView, Page, RecordOutcome

DEFAULT_PAGE, MAX_PAGE = 100, 1000
MAX_CONFIRMATIONS = 1000
DELIVERY = "Livraison"


class DeliveryService:
    def __init__(self, rules: OrderRules) -> None:
        self.rules = rules

    async def _plans(self, session_ids: set[str]) -> dict[str, Plan]:
        windows: dict[str, SessionWindow] = {}
        for session_id in session_ids:
            window = await self.rules.sessions.session(session_id)  # cached by the directory
            if window is not None:
                windows[session_id] = window
        async with self.rules.db.read() as s:
            rows = await drepo.overrides(s, sorted(session_ids))
        by_session = defaultdict(list)
        for row in rows:
            by_session[row.session_id].append(row)
        return {sid: Plan.of(windows[sid], by_session[sid]) if sid in windows else Plan("") for sid in session_ids}

    async def list(self, principal: Principal, parent: str, effecteur: str, page_size: int, page_token: str) -> Page:
        v = Violations()
        order = collect(v, lambda: names.parse_officine_order(parent, "parent", any_session=True, any_officine=True))
        if effecteur:
            collect(v, names.check_effecteur, effecteur, "effecteur")
        size = collect(v, clamp_page_size, page_size, DEFAULT_PAGE, MAX_PAGE)
        v.raise_if_any()
        assert order is not None and size is not None
        scope = access.delivery_scope(principal, order, effecteur, DELIVERY)
        filters = {"parent": parent, "effecteur": effecteur}
        after = decode_token(page_token, filters)
        async with self.rules.db.read() as s:
            officines = await drepo.delivery_officines(
                s,
                finess=scope.finess,
                session_id=scope.session_id,
                effecteur=scope.effecteur,
                after=after,
                limit=size + 1,
            )
            token = ""
            if len(officines) > size:
                officines = officines[:size]
                token = encode_token([officines[-1].session_id, officines[-1].finess], filters)
            pairs = [(o.session_id, o.finess) for o in officines]
            lines = await drepo.delivery_lines(s, pairs, scope.effecteur)
            sent = await drepo.sent_for(s, pairs)
        plans = await self._plans({o.session_id for o in officines})
        per_officine: dict[tuple[str, str], list[DeliveryLineView]] = defaultdict(list)
        for line in lines:
            per_officine[(line.session_id, line.finess)].append(
                DeliveryLineView(
                    effecteur=line.effecteur,
                    effecteur_type=line.effecteur_type,
                    product=line.product,
                    ordered_vials=line.vials,
                    confirmed_vials=line.confirmed_vials or 0,
                    doses_per_unit=line.doses_per_unit,
                )
            )
        deliveries = []
        for o in officines:
            record = sent.get((o.session_id, o.finess))
            deliveries.append(
                DeliveryView(
                    name=names.delivery_name(o.session_id, o.finess),
                    finess=o.finess,
                    department=o.department,
                    delivery_date=plans[o.session_id].date_for(o.finess, o.department),
                    lines=per_officine[(o.session_id, o.finess)],
                    confirmation_sent_time=None if record is None else record.sent_time,
                    announced_date="" if record is None else record.announced_date,
                )
            )
        return Page(deliveries, token)

    async def record_sent(
        self, principal: Principal, session: str, confirmations: Sequence[tuple[str, str]], request_id: str
    ) -> RecordOutcome:
        rules = self.rules
        v = Violations()
        session_id = collect(v, names.parse_session, session, "session")
        if len(confirmations) > MAX_CONFIRMATIONS:
            v.add("confirmations", f"Au plus {MAX_CONFIRMATIONS} officines par appel.")
        wanted: dict[str, str] = {}
        for i, (finess, announced) in enumerate(confirmations):
            if collect(v, names.check_finess, finess, f"confirmations[{i}].finess") is None:
                continue
            if collect(v, parse_day, announced, f"confirmations[{i}].announced_date", rules.clock.now()) is None:
                if not announced:
                    v.add(f"confirmations[{i}].announced_date", "La date annoncée est obligatoire.")
                continue
            wanted.setdefault(finess, announced)
        request_id = collect(v, rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert session_id is not None
        if not principal.reads_everything:
            raise errors.operators_only()
        payload = {"session": session, "confirmations": sorted(wanted.items())}
        previous = await rules.recorded(principal, request_id, "RecordConfirmationsSent", payload, RecordOutcome.load)
        if previous is not None:
            return previous
        window = await rules.window(session_id)
        async with rules.db.read() as s:
            published = await arepo.get_allocation(s, session_id)
            known = await drepo.session_officines(s, session_id, sorted(wanted))
        if published is None:
            raise errors.allocation_not_published(window.label or window.id)
        for i, (finess, _) in enumerate(confirmations):
            if finess in wanted and finess not in known:
                v.add(
                    f"confirmations[{i}].finess",
                    f"FINESS {finess} : aucune commande de cette officine dans cette session.",
                )
        v.raise_if_any()

        async def work(s: AsyncSession, now: datetime) -> RecordOutcome:
            await arepo.lock_allocation(s, session_id)  # serialises with plan edits of the session
            plan = Plan.of(window, await drepo.overrides(s, [session_id]))
            already = {r.finess for r in await drepo.confirmations(s, session_id, sorted(wanted))}
            new = [(f, d) for f, d in sorted(wanted.items()) if f not in already]
            await drepo.add_confirmations(
                s,
                [
                    {
                        "session_id": session_id,
                        "finess": finess,
                        "department": known[finess],
                        "announced_date": announced,
                        "sent_time": now,
                    }
                    for finess, announced in new
                ],
            )
            stale = [
                (finess, announced, plan.date_for(finess, known[finess]))
                for finess, announced in new
                if announced != plan.date_for(finess, known[finess])
            ]
            changed = await drepo.add_date_changes(s, session_id, stale, principal.national_id, now)
            if new:
                await arepo.mark_confirmations_sent(s, session_id, now)
                await s.run_sync(
                    repo.add_changes,
                    repo.Audit.by(principal, now, request_id).change(
                        names.allocation_name(session_id),
                        "RECORD_CONFIRMATIONS",
                        len(already),
                        len(new),
                        note=f"{len(new)} officine(s), {changed} date(s) déjà changée(s)",
                    ),
                )
            return RecordOutcome(changed)

        return await rules.write(principal, request_id, "RecordConfirmationsSent", payload, work, RecordOutcome.load)

    async def date_changes(self, principal: Principal, after_id: int, page_size: int) -> Sequence[DateChangeView]:
        if not principal.reads_everything:
            raise errors.operators_only()
        if after_id < 0:
            raise InvalidArgument.field("after_id", "La position ne peut pas être négative.")
        check_stored_int(after_id, "after_id")
        size = clamp_page_size(page_size, DEFAULT_PAGE, MAX_PAGE)
        async with self.rules.db.read() as s:
            rows = await drepo.list_date_changes(s, after_id, size)
        return [
            DateChangeView(
                id=r.id,
                session=names.session_name(r.session_id),
                finess=r.finess,
                old_date=r.old_date,
                new_date=r.new_date,
                change_by=r.change_by,
                change_time=r.change_time,
            )
            for r in rows
        ]
