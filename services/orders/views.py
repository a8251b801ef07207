"""What the domain answers: plain values, JSON-able so an idempotent retry can
return exactly what the first call returned."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def _fields(value: Any) -> dict[str, Any]:
    """A dataclass instance as JSON-ready fields (an outcome stored with its request_id)."""
    return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}


def _dump(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_dump(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _fields(value)
    return value


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


@dataclass(frozen=True)
class Notice:
    """A non-blocking notice about an accepted write (`Warning` in the proto)."""

    reason: str
    message: str


@dataclass(frozen=True)
class LineView:
    name: str
    effecteur: str
    product: str
    vials: int
    effecteur_type: str
    vials_from_requests: int
    etag: str
    create_time: datetime
    update_time: datetime
    confirmed_vials: int | None = None  # set once the session's allocation is published

    @classmethod
    def load(cls, data: dict[str, Any]) -> LineView:
        return cls(**{**data, "create_time": _time(data["create_time"]), "update_time": _time(data["update_time"])})


@dataclass(frozen=True)
class RequestView:
    name: str
    effecteur: str
    product: str
    vials: int
    comment: str
    state: str  # PENDING, CONFIRMED, DECLINED, EXPIRED, CANCELLED
    confirmed_vials: int
    decision_reason: str
    decided_by: str
    decide_time: datetime | None
    order_line: str
    create_time: datetime
    etag: str

    @classmethod
    def load(cls, data: dict[str, Any]) -> RequestView:
        return cls(**{**data, "decide_time": _time(data["decide_time"]), "create_time": _time(data["create_time"])})


@dataclass(frozen=True)
class LineOutcome:
    """A line write: the line after it (None once deleted) and notices."""

    line: LineView | None
    warnings: list[Notice] = field(default_factory=list)

    def dump(self) -> dict[str, Any]:
        return _fields(self)

    @classmethod
    def load(cls, data: dict[str, Any]) -> LineOutcome:
        return cls(
            line=None if data["line"] is None else LineView.load(data["line"]),
            warnings=[Notice(**w) for w in data["warnings"]],
        )


@dataclass(frozen=True)
class RequestOutcome:
    """A request write: the request after it and, for a confirmation, the line."""

    request: RequestView
    line: LineView | None = None
    warnings: list[Notice] = field(default_factory=list)

    def dump(self) -> dict[str, Any]:
        return _fields(self)

    @classmethod
    def load(cls, data: dict[str, Any]) -> RequestOutcome:
        return cls(
            request=RequestView.load(data["request"]),
            line=None if data["line"] is None else LineView.load(data["line"]),
            warnings=[Notice(**w) for w in data["warnings"]],
        )


@dataclass(frozen=True)
class ChangeView:
    actor: str
    change_time: datetime
    action: str
    vials_before: int
    vials_after: int
    request_id: str
    note: str
    psc_grace: bool = False  # made under the PSC outage grace (docs/psc-outage.md)


@dataclass(frozen=True)
class ProductTotal:
    product: str
    vials: int
    doses: int


@dataclass(frozen=True)
class EffecteurTotal:
    effecteur: str
    products: list[ProductTotal]


@dataclass(frozen=True)
class OfficineSummary:
    products: list[ProductTotal]
    effecteurs: list[EffecteurTotal]
    pending_requests: int


@dataclass(frozen=True)
class DepartmentTotal:
    department: str
    products: list[ProductTotal]


@dataclass(frozen=True)
class SessionTotals:
    products: list[ProductTotal]
    departments: list[DepartmentTotal]
    ordering_officines: int
    compute_time: datetime


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_page_token: str


# -- after the session: supply, allocation, delivery plan, deliveries -----------


@dataclass(frozen=True)
class SupplyView:
    name: str
    products: list[tuple[str, int]]  # (product, vials), by product
    update_by: str
    update_time: datetime | None
    etag: str

    @classmethod
    def load(cls, data: dict[str, Any]) -> SupplyView:
        return cls(
            name=data["name"],
            products=[(p, v) for p, v in data["products"]],
            update_by=data["update_by"],
            update_time=_time(data["update_time"]),
            etag=data["etag"],
        )


@dataclass(frozen=True)
class SupplyOutcome:
    supply: SupplyView

    def dump(self) -> dict[str, Any]:
        return _fields(self)

    @classmethod
    def load(cls, data: dict[str, Any]) -> SupplyOutcome:
        return cls(SupplyView.load(data["supply"]))


@dataclass(frozen=True)
class ProductAllocationView:
    product: str
    supply: int
    ordered_vials: int
    confirmed_vials: int
    lines: int
    lines_reduced: int
    supply_missing: bool


@dataclass(frozen=True)
class DepartmentAllocationView:
    department: str
    products: list[ProductAllocationView]


@dataclass(frozen=True)
class AllocationView:
    name: str
    products: list[ProductAllocationView]
    departments: list[DepartmentAllocationView]
    publish_by: str = ""
    publish_time: datetime | None = None
    confirmations_sent_time: datetime | None = None

    @classmethod
    def load(cls, data: dict[str, Any]) -> AllocationView:
        return cls(
            name=data["name"],
            products=[ProductAllocationView(**p) for p in data["products"]],
            departments=[
                DepartmentAllocationView(d["department"], [ProductAllocationView(**p) for p in d["products"]])
                for d in data["departments"]
            ],
            publish_by=data["publish_by"],
            publish_time=_time(data["publish_time"]),
            confirmations_sent_time=_time(data["confirmations_sent_time"]),
        )


@dataclass(frozen=True)
class AllocationOutcome:
    allocation: AllocationView

    def dump(self) -> dict[str, Any]:
        return _fields(self)

    @classmethod
    def load(cls, data: dict[str, Any]) -> AllocationOutcome:
        return cls(AllocationView.load(data["allocation"]))


@dataclass(frozen=True)
class OverrideView:
    department: str
    finess: str
    date: str
    update_by: str
    update_time: datetime | None


@dataclass(frozen=True)
class PlanView:
    name: str
    delivery_from_date: str
    delivery_to_date: str
    default_date: str
    overrides: list[OverrideView]

    @classmethod
    def load(cls, data: dict[str, Any]) -> PlanView:
        return cls(
            name=data["name"],
            delivery_from_date=data["delivery_from_date"],
            delivery_to_date=data["delivery_to_date"],
            default_date=data["default_date"],
            overrides=[OverrideView(**{**o, "update_time": _time(o["update_time"])}) for o in data["overrides"]],
        )


@dataclass(frozen=True)
class PlanOutcome:
    plan: PlanView

    def dump(self) -> dict[str, Any]:
        return _fields(self)

    @classmethod
    def load(cls, data: dict[str, Any]) -> PlanOutcome:
        return cls(PlanView.load(data["plan"]))


@dataclass(frozen=True)
class DeliveryLineView:
    effecteur: str
    effecteur_type: str
    product: str
    ordered_vials: int
    confirmed_vials: int
    doses_per_unit: int


@dataclass(frozen=True)
class DeliveryView:
    name: str
    finess: str
    department: str
    delivery_date: str
    lines: list[DeliveryLineView]
    confirmation_sent_time: datetime | None
    announced_date: str


@dataclass(frozen=True)
class RecordOutcome:
    """RecordConfirmationsSent: officines whose announced date was already stale."""

    changed: int

    def dump(self) -> dict[str, Any]:
        return _fields(self)

    @classmethod
    def load(cls, data: dict[str, Any]) -> RecordOutcome:
        return cls(int(data["changed"]))


@dataclass(frozen=True)
class DateChangeView:
    id: int
    session: str
    finess: str
    old_date: str
    new_date: str
    change_by: str
    change_time: datetime


@dataclass(frozen=True)
class RequestEventView:
    """One entry of the vial-request feed (ListVialRequestEvents)."""

    id: int
    kind: str
    request: str
    finess: str
    effecteur: str
    product: str
    vials: int
    confirmed_vials: int
    text: str
    actor: str
    event_time: datetime


@dataclass(frozen=True)
class CellOutcome:
    """One write of a batch: saved (the line after it, None once withdrawn, and
    notices) or refused (the reason code and the French message)."""

    saved: bool
    line: LineView | None = None
    warnings: list[Notice] = field(default_factory=list)
    reason: str = ""
    message: str = ""

    @classmethod
    def load(cls, data: dict[str, Any]) -> CellOutcome:
        outcome = LineOutcome.load(data)
        return cls(data["saved"], outcome.line, outcome.warnings, data["reason"], data["message"])


@dataclass(frozen=True)
class BatchOutcome:
    """A batch of line writes: one outcome per write, in the order asked."""

    cells: list[CellOutcome]

    def dump(self) -> dict[str, Any]:
        return _fields(self)

    @classmethod
    def load(cls, data: dict[str, Any]) -> BatchOutcome:
        return cls([CellOutcome.load(c) for c in data["cells"]])
