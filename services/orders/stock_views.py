"""What the stock use cases answer: plain values, no protobuf, no SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Ref:
    """The outcome a retried write finds stored: the id of what it made."""

    id: str

    def dump(self) -> dict[str, Any]:
        return {"id": self.id}

    @classmethod
    def load(cls, data: dict[str, Any]) -> Ref:
        return cls(str(data["id"]))


@dataclass(frozen=True)
class LotView:
    name: str
    product: str
    lot_number: str
    expiry_date: str
    receipt_date: str
    usable_until: str
    received: int
    picked_up: int
    handed_over: int
    used: int
    destroyed: int
    in_stock: int
    offered: int
    alert: int | None  # 7, 2, stock_rules.EXPIRED or None
    days_left: int
    redistributable: bool


@dataclass(frozen=True)
class ReservationView:
    effecteur: str
    vials: int
    since_date: str
    uncollected: bool


@dataclass(frozen=True)
class ProductStockView:
    product: str
    received: int
    picked_up: int
    handed_over: int
    used: int
    destroyed: int
    in_stock: int
    reserved: int
    offered: int
    uncollected: int
    lots: list[LotView]
    reservations: list[ReservationView]


@dataclass(frozen=True)
class ReceiptView:
    name: str
    session: str
    receipt_date: str
    products: list[tuple[str, int, int]]  # (product, confirmed, received)
    create_by: str
    create_time: datetime


@dataclass(frozen=True)
class StockView:
    name: str
    products: list[ProductStockView]
    receipts: list[ReceiptView]
    sessions_to_receive: list[str]
    today: str


@dataclass(frozen=True)
class PickupView:
    name: str
    effecteur: str
    lot: str
    product: str
    lot_number: str
    vials: int
    pickup_date: str
    usable_until: str
    create_by: str
    create_time: datetime


@dataclass(frozen=True)
class UncollectedView:
    officine: str
    effecteur: str
    product: str
    vials: int
    receipt_date: str
    redistributable_date: str
    uncollected: bool
    key: str


@dataclass(frozen=True)
class PickupPage:
    pickups: list[PickupView]
    next_page_token: str
    waiting: list[UncollectedView] = field(default_factory=list)


@dataclass(frozen=True)
class ClaimView:
    name: str
    effecteur: str
    vials: int
    state: str  # CLAIMED, HANDED_OVER
    claim_time: datetime
    hand_over_time: datetime | None
    effecteur_name: str = ""
    effecteur_type: str = ""


@dataclass(frozen=True)
class OfferView:
    name: str
    lot: str
    product: str
    lot_number: str
    usable_until: str
    department: str
    offered: int
    available: int
    eligible_types: list[str]
    claims: list[ClaimView]
    create_time: datetime
    officine_name: str = ""


@dataclass(frozen=True)
class OfferPage:
    offers: list[OfferView]
    next_page_token: str


@dataclass(frozen=True)
class DestroyedLotView:
    lot: str
    vials: int
    product: str
    lot_number: str
    expiry_date: str


@dataclass(frozen=True)
class CertificateView:
    name: str
    number: str
    finess: str
    department: str
    lots: list[DestroyedLotView]
    reason: str
    destruction_date: str
    create_by: str
    create_time: datetime
    sha256: str


@dataclass(frozen=True)
class CertificatePage:
    certificates: list[CertificateView]
    next_page_token: str


@dataclass(frozen=True)
class MoveView:
    id: int
    kind: str
    lot: str
    product: str
    vials: int
    effecteur: str
    note: str
    actor: str
    move_time: datetime


@dataclass(frozen=True)
class MovePage:
    moves: list[MoveView]
    next_page_token: str


@dataclass(frozen=True)
class ExpiryNoticeView:
    lot: LotView
    officine: str
    threshold_days: int
    key: str


@dataclass(frozen=True)
class NoticesView:
    expiry: list[ExpiryNoticeView]
    uncollected: list[UncollectedView]
    certificates: list[CertificateView]


@dataclass(frozen=True)
class ReconciliationRowView:
    department: str
    product: str
    officines: int
    received: int
    picked_up: int
    handed_over: int
    used: int
    destroyed: int
    in_stock: int
    offered: int
    uncollected: int
