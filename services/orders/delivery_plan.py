"""The delivery plan of a session (DESIGN.md §1b), operators.

Every officine with lines in the session is delivered on the window's first day
(SessionService `delivery_from_date`) unless an override says otherwise: per
département, then per FINESS (a FINESS override wins). Overrides are set one
by one or replaced all at once by the logistics partner's CSV. Dates lie inside
the session's delivery window.

An officine whose confirmation e-mail was recorded (RecordConfirmationsSent)
and whose resolved date changes gets one row in the date-change feed, in the
same transaction as the change; the mailer announces it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.context import Principal
from services.common.errors import InvalidArgument, Violations
from services.common.timefmt import paris_date
from services.orders import access, errors, names
from services.orders import repository as repo
from services.orders import repository_allocation as arepo
from services.orders import repository_delivery as drepo
from services.orders.lines import collect
from services.orders.models import AnyRow
from services.orders.plan_csv import cell_field, parse_date, parse_plan_csv
from services.orders.ports import SessionWindow
from services.orders.service import OrderRules
from services.orders.views import OverrideView, PlanOutcome, PlanView

DEPARTMENT, FINESS = drepo.DEPARTMENT, drepo.FINESS
_NO_ORDER = "aucune commande de cette officine dans cette session"


@dataclass(frozen=True)
class Plan:
    """Resolves an officine's date: its FINESS override, else its département's, else the default."""

    default: str
    departments: dict[str, str] = field(default_factory=dict)
    finess: dict[str, str] = field(default_factory=dict)

    def date_for(self, finess: str, department: str) -> str:
        return self.finess.get(finess) or self.departments.get(department) or self.default

    @classmethod
    def of(cls, window: SessionWindow, rows: Iterable[AnyRow]) -> Plan:
        departments: dict[str, str] = {}
        finess: dict[str, str] = {}
        for row in rows:
            (departments if row.kind == DEPARTMENT else finess)[row.code] = row.date
        default = window.delivery_from_date.isoformat() if window.delivery_from_date else ""
        return cls(default, departments, finess)


def window_text(window: SessionWindow) -> str:
    assert window.delivery_from_date is not None and window.delivery_to_date is not None
    return f"du {paris_date(window.delivery_from_date)} au {paris_date(window.delivery_to_date)}"


def in_window(window: SessionWindow, day: date) -> bool:
    assert window.delivery_from_date is not None and window.delivery_to_date is not None
    return window.delivery_from_date <= day <= window.delivery_to_date


def plan_view(window: SessionWindow, overrides: Iterable[Any]) -> PlanView:
    """`overrides`: stored rows, or the _Override values an import would store."""
    rows = list(overrides)
    departments = sorted((r for r in rows if r.kind == DEPARTMENT), key=lambda r: r.code)
    officines = sorted((r for r in rows if r.kind == FINESS), key=lambda r: r.code)
    return PlanView(
        name=names.plan_name(window.id),
        delivery_from_date=window.delivery_from_date.isoformat() if window.delivery_from_date else "",
        delivery_to_date=window.delivery_to_date.isoformat() if window.delivery_to_date else "",
        default_date=window.delivery_from_date.isoformat() if window.delivery_from_date else "",
        overrides=[
            OverrideView(
                department=r.code if r.kind == DEPARTMENT else "",
                finess=r.code if r.kind == FINESS else "",
                date=r.date,
                update_by=r.update_by,
                update_time=r.update_time,
            )
            for r in departments + officines
        ],
    )


async def announce_changes(
    s: AsyncSession, window: SessionWindow, before: Plan, after: Plan, actor: str, now: datetime
) -> int:
    """One feed row per officine whose confirmation went out and whose resolved
    date moves from `before` to `after`."""
    moved = []
    for sent in await drepo.confirmations(s, window.id):
        old, new = before.date_for(sent.finess, sent.department), after.date_for(sent.finess, sent.department)
        if old != new:
            moved.append((sent.finess, old, new))
    return await drepo.add_date_changes(s, window.id, moved, actor, now)


def _one_target(kind: str, code: str, what: str) -> dict[str, str]:
    """The audit note and FINESS of a change to one département's or one officine's date."""
    label = "département" if kind == DEPARTMENT else "FINESS"
    return {"note": f"{label} {code} : {what}", "finess": code if kind == FINESS else ""}


class PlanService:
    def __init__(self, rules: OrderRules) -> None:
        self.rules = rules

    async def _window(self, session_id: str) -> SessionWindow:
        window = await self.rules.window(session_id)
        if window.delivery_from_date is None or window.delivery_to_date is None:
            raise errors.no_delivery_window(window.label or window.id)
        return window

    async def get(self, principal: Principal, name: str) -> PlanView:
        session_id = names.parse_session_child(name, "name", "deliveryPlan")
        if not principal.reads_everything:
            raise errors.operators_only()
        window = await self._window(session_id)
        async with self.rules.db.read() as s:
            rows = await drepo.overrides(s, [session_id])
        return plan_view(window, rows)

    async def _change(
        self,
        principal: Principal,
        request_id: str,
        operation: str,
        action: str,
        payload: dict[str, Any],
        window: SessionWindow,
        mutate: Callable[[AsyncSession, datetime], Awaitable[None]],
        note: str,
        finess: str = "",
    ) -> PlanOutcome:
        """Run a change of the overrides with its feed rows and audit row, idempotently."""

        async def work(s: AsyncSession, now: datetime) -> PlanOutcome:
            await arepo.lock_allocation(s, window.id)  # serialises with RecordConfirmationsSent
            before = Plan.of(window, await drepo.overrides(s, [window.id]))
            await mutate(s, now)
            rows = await drepo.overrides(s, [window.id])
            moved = await announce_changes(s, window, before, Plan.of(window, rows), principal.national_id, now)
            await s.run_sync(
                repo.add_changes,
                repo.Audit.by(principal, now, request_id).change(
                    names.plan_name(window.id), action, 0, moved, finess=finess, note=note
                ),
            )
            return PlanOutcome(plan_view(window, rows))

        return await self.rules.write(principal, request_id, operation, payload, work, PlanOutcome.load)

    @staticmethod
    def _target(v: Violations, department: str, finess: str, prefix: str) -> tuple[str, str] | None:
        """(kind, code) from exactly one of département and FINESS."""
        if bool(department) == bool(finess):
            v.add(f"{prefix}department", "Indiquez soit un département, soit un FINESS (exactement l'un des deux).")
            return None
        if department:
            code = collect(v, names.check_department, department.upper(), f"{prefix}department")
            return None if code is None else (DEPARTMENT, code)
        code = collect(v, names.check_finess, finess, f"{prefix}finess")
        return None if code is None else (FINESS, code)

    async def _check_ordered(self, session_id: str, finess: str, field_name: str) -> None:
        async with self.rules.db.read() as s:
            known = await drepo.session_officines(s, session_id, [finess])
        if finess not in known:
            raise InvalidArgument.field(field_name, f"FINESS {finess} : {_NO_ORDER}.")

    async def set_date(
        self, principal: Principal, plan: str, department: str, finess: str, day_text: str, request_id: str
    ) -> PlanOutcome:
        rules = self.rules
        v = Violations()
        session_id = collect(v, names.parse_session_child, plan, "plan", "deliveryPlan")
        target = self._target(v, department, finess, "override.")
        day = parse_date(day_text) if day_text else None
        if day is None:
            v.add("override.date", f"Date « {day_text} » non reconnue (attendu AAAA-MM-JJ).")
        request_id = collect(v, rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert session_id is not None and target is not None and day is not None
        access.require_operator(principal)
        kind, code = target
        payload = {"plan": plan, "kind": kind, "code": code, "date": day.isoformat()}
        previous = await rules.recorded(principal, request_id, "SetDeliveryDate", payload, PlanOutcome.load)
        if previous is not None:
            return previous
        window = await self._window(session_id)
        if not in_window(window, day):
            raise InvalidArgument.field(
                "override.date",
                f"Le {paris_date(day)} est hors de la fenêtre de livraison de la session ({window_text(window)}).",
            )
        if kind == FINESS:
            await self._check_ordered(session_id, code, "override.finess")

        async def mutate(s: AsyncSession, now: datetime) -> None:
            await drepo.set_override(s, session_id, kind, code, day.isoformat(), principal.national_id, now)

        return await self._change(
            principal,
            request_id,
            "SetDeliveryDate",
            "SET_DELIVERY_DATE",
            payload,
            window,
            mutate,
            **_one_target(kind, code, day.isoformat()),
        )

    async def clear_date(
        self, principal: Principal, plan: str, department: str, finess: str, request_id: str
    ) -> PlanOutcome:
        rules = self.rules
        v = Violations()
        session_id = collect(v, names.parse_session_child, plan, "plan", "deliveryPlan")
        target = self._target(v, department, finess, "")
        request_id = collect(v, rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert session_id is not None and target is not None
        access.require_operator(principal)
        kind, code = target
        payload = {"plan": plan, "kind": kind, "code": code}
        previous = await rules.recorded(principal, request_id, "ClearDeliveryDate", payload, PlanOutcome.load)
        if previous is not None:
            return previous
        window = await self._window(session_id)

        async def mutate(s: AsyncSession, now: datetime) -> None:
            await drepo.clear_override(s, session_id, kind, code)  # nothing to clear is fine

        return await self._change(
            principal,
            request_id,
            "ClearDeliveryDate",
            "CLEAR_DELIVERY_DATE",
            payload,
            window,
            mutate,
            **_one_target(kind, code, "date par défaut"),
        )

    async def import_csv(
        self, principal: Principal, plan: str, data: bytes, validate_only: bool, request_id: str
    ) -> PlanOutcome:
        rules = self.rules
        v = Violations()
        session_id = collect(v, names.parse_session_child, plan, "plan", "deliveryPlan")
        request_id = collect(v, rules.check_request_id, request_id) or ""
        v.raise_if_any()
        assert session_id is not None
        access.require_operator(principal)
        payload = {"plan": plan, "csv": data.decode("utf-8", "replace"), "validate_only": validate_only}
        if not validate_only:
            previous = await rules.recorded(principal, request_id, "ImportDeliveryPlanCsv", payload, PlanOutcome.load)
            if previous is not None:
                return previous
        window = await self._window(session_id)
        rows = parse_plan_csv(data, v)
        async with rules.db.read() as s:
            known = await drepo.session_officines(s, session_id, [r.finess for r in rows if r.finess])
        for row in rows:
            if row.finess and row.finess not in known:
                v.add(
                    cell_field(row.line, "finess"),
                    f"ligne {row.line}, colonne finess : FINESS {row.finess} : {_NO_ORDER}.",
                )
            if not in_window(window, row.date):
                v.add(
                    cell_field(row.line, "date"),
                    f"ligne {row.line}, colonne date : le {paris_date(row.date)} est hors de la fenêtre de livraison "
                    f"de la session ({window_text(window)}).",
                )
        v.raise_if_any("Le fichier CSV contient des erreurs : rien n'a été importé.")
        overrides = [
            (FINESS, r.finess, r.date.isoformat()) if r.finess else (DEPARTMENT, r.department, r.date.isoformat())
            for r in rows
        ]
        if validate_only:
            now = rules.clock.now()
            simulated = [_Override(kind, code, day, principal.national_id, now) for kind, code, day in overrides]
            return PlanOutcome(plan_view(window, simulated))

        async def mutate(s: AsyncSession, now: datetime) -> None:
            await drepo.replace_overrides(s, session_id, overrides, principal.national_id, now)

        return await self._change(
            principal,
            request_id,
            "ImportDeliveryPlanCsv",
            "IMPORT_DELIVERY_PLAN",
            payload,
            window,
            mutate,
            f"import CSV : {len(overrides)} ligne(s)",
        )


@dataclass(frozen=True)
class _Override:
    """An override as it would be stored (validate_only)."""

    kind: str
    code: str
    date: str
    update_by: str
    update_time: datetime
