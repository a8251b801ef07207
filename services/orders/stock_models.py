"""Tables of the vials after delivery: receipts, lots, reservations, offers,
claims, stock moves (the audit trail) and destruction certificates.

A lot's counters hold the reconciliation as a constraint: in stock = received
- picked up - handed over - used - destroyed, never negative, and the vials on
offer are part of what is in stock. Every change of a counter is one
conditional UPDATE (services/orders/repository_stock.py), so two writers can
never take the same vial.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from services.common.db import UTCDateTime
from services.orders.models import Base


class StockReceipt(Base):
    """One delivery of a session received by an officine (one per session)."""

    __tablename__ = "stock_receipts"
    __table_args__ = (UniqueConstraint("finess", "session_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    finess: Mapped[str] = mapped_column(String(9))
    session_id: Mapped[str] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(3))
    receipt_date: Mapped[str] = mapped_column(String(10))  # "YYYY-MM-DD", Paris
    create_by: Mapped[str] = mapped_column(String(32))
    create_time: Mapped[datetime] = mapped_column(UTCDateTime())


class StockReceiptProduct(Base):
    """Confirmed vs received vials of one product in a receipt."""

    __tablename__ = "stock_receipt_products"

    receipt_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    product: Mapped[str] = mapped_column(String(80), primary_key=True)
    confirmed_vials: Mapped[int] = mapped_column(Integer)
    received_vials: Mapped[int] = mapped_column(Integer)


class StockLot(Base):
    """Vials of one lot received by an officine, and where they went."""

    __tablename__ = "stock_lots"
    __table_args__ = (
        UniqueConstraint("receipt_id", "product", "lot_number"),
        CheckConstraint("received > 0", name="received_positive"),
        CheckConstraint(
            "picked_up >= 0 AND handed_over >= 0 AND used >= 0 AND destroyed >= 0 AND offered >= 0",
            name="counts_not_negative",
        ),
        CheckConstraint("in_stock = received - picked_up - handed_over - used - destroyed", name="reconciled"),
        CheckConstraint("in_stock >= offered", name="offered_in_stock"),
        Index("ix_stock_lots_officine", "finess", "product"),
        Index("ix_stock_lots_usable", "usable_until"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    finess: Mapped[str] = mapped_column(String(9))
    department: Mapped[str] = mapped_column(String(3))
    receipt_id: Mapped[str] = mapped_column(String(32))
    product: Mapped[str] = mapped_column(String(80))
    lot_number: Mapped[str] = mapped_column(String(40))
    expiry_date: Mapped[str] = mapped_column(String(10))
    receipt_date: Mapped[str] = mapped_column(String(10))
    usable_until: Mapped[str] = mapped_column(String(10))
    received: Mapped[int] = mapped_column(Integer)
    picked_up: Mapped[int] = mapped_column(Integer, default=0)
    handed_over: Mapped[int] = mapped_column(Integer, default=0)
    used: Mapped[int] = mapped_column(Integer, default=0)
    destroyed: Mapped[int] = mapped_column(Integer, default=0)
    in_stock: Mapped[int] = mapped_column(Integer)
    offered: Mapped[int] = mapped_column(Integer, default=0)


class StockReservation(Base):
    """Vials of one product of a receipt meant for one effecteur (its confirmed
    share), until it collects them or they are released (uncollected, then used,
    offered or destroyed)."""

    __tablename__ = "stock_reservations"
    __table_args__ = (
        UniqueConstraint("receipt_id", "product", "effecteur"),
        CheckConstraint("picked_up >= 0 AND released >= 0", name="counts_not_negative"),
        CheckConstraint("picked_up + released <= assigned", name="within_assigned"),
        Index("ix_stock_reservations_officine", "finess", "product"),
        Index("ix_stock_reservations_effecteur", "effecteur"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    finess: Mapped[str] = mapped_column(String(9))
    department: Mapped[str] = mapped_column(String(3))
    receipt_id: Mapped[str] = mapped_column(String(32))
    receipt_date: Mapped[str] = mapped_column(String(10))
    product: Mapped[str] = mapped_column(String(80))
    effecteur: Mapped[str] = mapped_column(String(80))
    assigned: Mapped[int] = mapped_column(Integer)
    picked_up: Mapped[int] = mapped_column(Integer, default=0)
    released: Mapped[int] = mapped_column(Integer, default=0)


class StockHead(Base):
    """One row per (officine, product), taken first by every write of that stock:
    the writes of one officine's product are serialised, whatever the backend."""

    __tablename__ = "stock_heads"

    finess: Mapped[str] = mapped_column(String(9), primary_key=True)
    product: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class StockOffer(Base):
    """Vials of a lot offered to eligible professionals of the officine's département."""

    __tablename__ = "stock_offers"
    __table_args__ = (
        CheckConstraint("available >= 0 AND available <= offered", name="available_within_offered"),
        Index("ix_stock_offers_department", "department", "create_time"),
        Index("ix_stock_offers_officine", "finess", "create_time"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    finess: Mapped[str] = mapped_column(String(9))
    department: Mapped[str] = mapped_column(String(3))
    lot_id: Mapped[str] = mapped_column(String(32))
    product: Mapped[str] = mapped_column(String(80))
    offered: Mapped[int] = mapped_column(Integer)
    available: Mapped[int] = mapped_column(Integer)
    eligible_types: Mapped[str] = mapped_column(Text)  # space-separated; empty: any
    # Shown to the professionals who may claim (they cannot read the officine directory).
    officine_name: Mapped[str] = mapped_column(String(200))
    create_by: Mapped[str] = mapped_column(String(32))
    create_time: Mapped[datetime] = mapped_column(UTCDateTime())


class StockClaim(Base):
    """Vials of an offer claimed by one professional; handed over by the officine."""

    __tablename__ = "stock_claims"
    __table_args__ = (
        CheckConstraint("vials > 0", name="vials_positive"),
        Index("ix_stock_claims_offer", "offer_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(32))
    finess: Mapped[str] = mapped_column(String(9))
    effecteur: Mapped[str] = mapped_column(String(80))
    # Who claimed, as the officine must know them (copied at claim time).
    effecteur_name: Mapped[str] = mapped_column(String(200))
    effecteur_type: Mapped[str] = mapped_column(String(32))
    vials: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))  # CLAIMED, HANDED_OVER
    claim_by: Mapped[str] = mapped_column(String(32))
    claim_time: Mapped[datetime] = mapped_column(UTCDateTime())
    hand_over_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    hand_over_time: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class StockMove(Base):
    """Every move of an officine's vials: who, when, what (the audit trail)."""

    __tablename__ = "stock_moves"
    __table_args__ = (Index("ix_stock_moves_officine", "finess", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    finess: Mapped[str] = mapped_column(String(9))
    product: Mapped[str] = mapped_column(String(80))
    lot_id: Mapped[str] = mapped_column(String(32), default="")
    kind: Mapped[str] = mapped_column(String(16))
    vials: Mapped[int] = mapped_column(Integer)
    effecteur: Mapped[str] = mapped_column(String(80), default="")
    day: Mapped[str] = mapped_column(String(10))  # the Paris day it happened (a pickup's date)
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(64))
    move_time: Mapped[datetime] = mapped_column(UTCDateTime())
    # Made while PSC could not be reached, under the outage grace (docs/psc-outage.md).
    psc_grace: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DestructionCertificate(Base):
    """A numbered destruction certificate and its PDF as issued."""

    __tablename__ = "destruction_certificates"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_destruction_certificates_officine", "finess", "create_time"),
        Index("ix_destruction_certificates_time", "create_time"),
    )

    number: Mapped[str] = mapped_column(String(20), primary_key=True)  # "DES-2022-000001"
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    finess: Mapped[str] = mapped_column(String(9))
    department: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(16))  # EXPIRED, BROKEN, COLD_CHAIN
    destruction_date: Mapped[str] = mapped_column(String(10))
    lots: Mapped[str] = mapped_column(Text)  # JSON [{lot, product, lot_number, expiry_date, vials}]
    create_by: Mapped[str] = mapped_column(String(32))
    create_time: Mapped[datetime] = mapped_column(UTCDateTime())
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
