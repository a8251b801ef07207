"""Tables of the sessions service (SQLAlchemy 2 typed models)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeAlias

from sqlalchemy import Boolean, Date, ForeignKey, ForeignKeyConstraint, Index, Integer, Row, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime, naming_metadata
from services.common.idempotency import idempotency_table


class Base(DeclarativeBase):
    metadata = naming_metadata()


idempotency_keys = idempotency_table(Base.metadata)

# A row of any shape, as Core statements return them (Row is generic over its column types).
AnyRow: TypeAlias = "Row[*tuple[Any, ...]]"


class ProductRow(Base):
    """A catalogue entry; vaccines and consumables share the same columns."""

    __tablename__ = "products"

    id: Mapped[str] = mapped_column(String(63), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(100))
    doses_per_unit: Mapped[int] = mapped_column(Integer)
    shelf_life_days: Mapped[int | None] = mapped_column(Integer)
    paediatric: Mapped[bool] = mapped_column(Boolean)
    # Effecteur type codes separated by spaces ("MEDECIN PMI"); empty means any.
    redistributable_to: Mapped[str] = mapped_column(Text, default="")
    orderable_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    orderable_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(Boolean)
    display_order: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    create_time: Mapped[datetime] = mapped_column(UTCDateTime())
    update_time: Mapped[datetime] = mapped_column(UTCDateTime())


class SessionRow(Base):
    """An order session: its window (UTC) and the dates announced to users."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(63), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    open_time: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    close_time: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    confirmation_email_date: Mapped[date | None] = mapped_column(Date)
    delivery_from_date: Mapped[date | None] = mapped_column(Date)
    delivery_to_date: Mapped[date | None] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer)
    create_time: Mapped[datetime] = mapped_column(UTCDateTime())
    update_time: Mapped[datetime] = mapped_column(UTCDateTime())


class WindowChangeRow(Base):
    """Who moved the window of a session that had already opened, and when."""

    __tablename__ = "session_window_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    changed_by: Mapped[str] = mapped_column(String(64))
    change_time: Mapped[datetime] = mapped_column(UTCDateTime())
    old_open_time: Mapped[datetime] = mapped_column(UTCDateTime())
    old_close_time: Mapped[datetime] = mapped_column(UTCDateTime())
    new_open_time: Mapped[datetime] = mapped_column(UTCDateTime())
    new_close_time: Mapped[datetime] = mapped_column(UTCDateTime())


class CalendarWindowRow(Base):
    """A PREVIEW or MAINTENANCE period."""

    __tablename__ = "calendar_windows"

    id: Mapped[str] = mapped_column(String(63), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    start_time: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    end_time: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    message: Mapped[str] = mapped_column(Text)
    create_time: Mapped[datetime] = mapped_column(UTCDateTime())


class QuotaTableRow(Base):
    """One published version of a session's quota table."""

    __tablename__ = "quota_tables"

    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    publish_time: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str] = mapped_column(String(64))


class QuotaRuleRow(Base):
    """One cell (effecteur type × product) of a published version."""

    __tablename__ = "quota_rules"
    __table_args__ = (
        ForeignKeyConstraint(
            ["session_id", "version"],
            ["quota_tables.session_id", "quota_tables.version"],
            ondelete="CASCADE",
            name="fk_quota_rules_version_quota_tables",
        ),
        Index("ix_quota_rules_product_id", "product_id"),
    )

    session_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    effecteur_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    max_vials: Mapped[int] = mapped_column(Integer)
    soft_threshold: Mapped[int] = mapped_column(Integer)
