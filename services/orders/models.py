"""Tables of the orders service (SQLAlchemy 2 typed models).

Other services' objects are referred to by name only ("effecteurs/rpps:...",
"products/moderna"); what a line needs of them later (effecteur type,
département, doses per vial) is copied onto it at write time, so history and
exports never depend on another service's current data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, Row, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime, naming_metadata
from services.common.idempotency import idempotency_table


class Base(DeclarativeBase):
    metadata = naming_metadata()


# A row of any shape, as Core statements return them (Row is generic over its column types).
AnyRow: TypeAlias = "Row[*tuple[Any, ...]]"


IDEMPOTENCY_KEYS = idempotency_table(Base.metadata)


class OrderLine(Base):
    """Vials of one product ordered by one officine for one effecteur in one session."""

    __tablename__ = "order_lines"
    __table_args__ = (
        UniqueConstraint("session_id", "finess", "effecteur", "product"),
        CheckConstraint("vials > 0", name="vials_positive"),
        CheckConstraint("vials_from_requests >= 0", name="vials_from_requests_not_negative"),
        Index("ix_order_lines_effecteur", "effecteur", "session_id"),
        Index("ix_order_lines_totals", "session_id", "department", "product"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64))
    finess: Mapped[str] = mapped_column(String(9))
    effecteur: Mapped[str] = mapped_column(String(80))
    product: Mapped[str] = mapped_column(String(80))
    vials: Mapped[int] = mapped_column(Integer)
    vials_from_requests: Mapped[int] = mapped_column(Integer, default=0)
    # Copied at write time (see module docstring).
    effecteur_type: Mapped[str] = mapped_column(String(32))
    department: Mapped[str] = mapped_column(String(3))
    doses_per_unit: Mapped[int] = mapped_column(Integer)
    etag: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(32))
    updated_by: Mapped[str] = mapped_column(String(32))
    create_time: Mapped[datetime] = mapped_column(UTCDateTime())
    update_time: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set for every line of the session when its allocation is published.
    confirmed_vials: Mapped[int | None] = mapped_column(Integer, nullable=True)


class QuotaUsage(Base):
    """Vials of a product ordered for an effecteur in a session, all officines
    together: the row every write of those lines updates first, conditionally
    (`vials + delta <= cap`), so the cap holds per effecteur whatever runs
    concurrently, and writers of one (session, effecteur, product) queue on it."""

    __tablename__ = "quota_usage"
    __table_args__ = (CheckConstraint("vials >= 0", name="vials_not_negative"),)

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    effecteur: Mapped[str] = mapped_column(String(80), primary_key=True)
    product: Mapped[str] = mapped_column(String(80), primary_key=True)
    vials: Mapped[int] = mapped_column(Integer)


class VialRequest(Base):
    """An effecteur's request for vials, decided by its officine. EXPIRED is
    never stored: a PENDING request reads as EXPIRED once its session closed."""

    __tablename__ = "vial_requests"
    __table_args__ = (
        CheckConstraint("vials > 0", name="vials_positive"),
        Index("ix_vial_requests_officine", "finess", "session_id", "state"),
        Index("ix_vial_requests_effecteur", "effecteur", "create_time"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64))
    finess: Mapped[str] = mapped_column(String(9))
    effecteur: Mapped[str] = mapped_column(String(80))
    product: Mapped[str] = mapped_column(String(80))
    vials: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16))  # PENDING, CONFIRMED, DECLINED, CANCELLED
    confirmed_vials: Mapped[int] = mapped_column(Integer, default=0)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(32), default="")
    decide_time: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    order_line: Mapped[str] = mapped_column(String(200), default="")
    requested_by: Mapped[str] = mapped_column(String(32))
    etag: Mapped[str] = mapped_column(String(32))
    create_time: Mapped[datetime] = mapped_column(UTCDateTime())
    update_time: Mapped[datetime] = mapped_column(UTCDateTime())


class Change(Base):
    """One change of a line or a request, for the audit trail. Kept when the
    line is deleted (no foreign key), read by the subject's resource name."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_subject", "subject", "id"), Index("ix_changes_change_time", "change_time"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(200))  # resource name of the line or request
    finess: Mapped[str] = mapped_column(String(9))
    effecteur: Mapped[str] = mapped_column(String(80))
    actor: Mapped[str] = mapped_column(String(32))
    change_time: Mapped[datetime] = mapped_column(UTCDateTime())
    action: Mapped[str] = mapped_column(String(32))
    vials_before: Mapped[int] = mapped_column(Integer)
    vials_after: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Made while PSC was unreachable, under the outage grace (docs/psc-outage.md).
    psc_grace: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Supply(Base):
    """The supply of a session as a whole: its concurrency token and last writer.
    The vials are per product in supply_products."""

    __tablename__ = "supplies"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    etag: Mapped[str] = mapped_column(String(32))
    update_by: Mapped[str] = mapped_column(String(32))
    update_time: Mapped[datetime] = mapped_column(UTCDateTime())


class SupplyProduct(Base):
    """Vials SpF can ship for one product of a session."""

    __tablename__ = "supply_products"
    __table_args__ = (CheckConstraint("vials >= 0", name="vials_not_negative"),)

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    product: Mapped[str] = mapped_column(String(80), primary_key=True)
    vials: Mapped[int] = mapped_column(Integer)


class Allocation(Base):
    """A published allocation: one per session (the primary key makes a second
    publish lose), with who, when and the supply it was computed from."""

    __tablename__ = "allocations"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    publish_by: Mapped[str] = mapped_column(String(32))
    publish_time: Mapped[datetime] = mapped_column(UTCDateTime())
    supply: Mapped[str] = mapped_column(Text)  # JSON {"products/moderna": 1200, ...}
    supply_etag: Mapped[str] = mapped_column(String(32))
    confirmations_sent_time: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class DeliveryOverride(Base):
    """A planned delivery date for a département (kind DEPARTMENT) or an officine
    (kind FINESS) of a session; everything else gets the window's first day."""

    __tablename__ = "delivery_overrides"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # DEPARTMENT, FINESS
    code: Mapped[str] = mapped_column(String(9), primary_key=True)  # "75", "2A" or a FINESS
    date: Mapped[str] = mapped_column(String(10))  # "YYYY-MM-DD"
    update_by: Mapped[str] = mapped_column(String(32))
    update_time: Mapped[datetime] = mapped_column(UTCDateTime())


class ConfirmationSent(Base):
    """An officine whose delivery confirmation was queued by the mailer, with
    the date it announced (first record only)."""

    __tablename__ = "confirmations_sent"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    finess: Mapped[str] = mapped_column(String(9), primary_key=True)
    department: Mapped[str] = mapped_column(String(3))
    announced_date: Mapped[str] = mapped_column(String(10))
    sent_time: Mapped[datetime] = mapped_column(UTCDateTime())


class VialRequestEvent(Base):
    """The feed of what happened to vial requests (created, confirmed, declined,
    cancelled), appended in the transaction of the action and read by the
    mailer from its last position (id strictly increasing)."""

    __tablename__ = "vial_request_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    request: Mapped[str] = mapped_column(String(160))
    finess: Mapped[str] = mapped_column(String(9))
    effecteur: Mapped[str] = mapped_column(String(80))
    product: Mapped[str] = mapped_column(String(80))
    vials: Mapped[int] = mapped_column(Integer)
    confirmed_vials: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(32))
    event_time: Mapped[datetime] = mapped_column(UTCDateTime())


class DeliveryDateChange(Base):
    """The feed of planned dates changed after an officine's confirmation went
    out, read by the mailer from its last position (id strictly increasing)."""

    __tablename__ = "delivery_date_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(64))
    finess: Mapped[str] = mapped_column(String(9))
    old_date: Mapped[str] = mapped_column(String(10))
    new_date: Mapped[str] = mapped_column(String(10))
    change_by: Mapped[str] = mapped_column(String(32))
    change_time: Mapped[datetime] = mapped_column(UTCDateTime())


class MirroredAttachment(Base):
    """Where each effecteur is attached, as effecteurs' attachment feed last said
    (services/orders/attachment_mirror.py). event_id: the feed event this row is at; the
    highest one is the mirror's position."""

    __tablename__ = "mirrored_attachments"

    effecteur: Mapped[str] = mapped_column(String(80), primary_key=True)  # "effecteurs/rpps:..."
    type: Mapped[str] = mapped_column(String(24))
    display_name: Mapped[str] = mapped_column(String(200))
    officine: Mapped[str | None] = mapped_column(String(9), nullable=True)  # FINESS; None: attached nowhere
    event_id: Mapped[int] = mapped_column(Integer, index=True)


class MirroredOfficine(Base):
    """An officine's département, as effecteurs' attachment feed last said."""

    __tablename__ = "mirrored_officines"

    finess: Mapped[str] = mapped_column(String(9), primary_key=True)
    department: Mapped[str] = mapped_column(String(3))
    event_id: Mapped[int] = mapped_column(Integer)


# The tables after delivery live in their own module, on the same metadata.
from services.orders import stock_models as _stock_models  # noqa: E402, F401
