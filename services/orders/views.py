"""What the domain answers: plain values, JSON-able so an idempotent retry can
return exactly what the first call returned."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def _dump(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_dump(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
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
        return _dump(self)

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
        return _dump(self)

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
