"""Tables of the effecteurs service: officines, effecteurs, attachments and their events.

"At most one current officine per effecteur" is a database rule, not a check
in code: a partial unique index on attachments(effecteur_key) WHERE
detached_at IS NULL (SQLite and PostgreSQL both have them), so of two
concurrent attaches of one effecteur exactly one can commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, false, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime, naming_metadata
from services.common.idempotency import idempotency_table


class Base(DeclarativeBase):
    metadata = naming_metadata()


class Officine(Base):
    __tablename__ = "officines"

    finess: Mapped[str] = mapped_column(String(9), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    postal_code: Mapped[str] = mapped_column(String(5))
    city: Mapped[str] = mapped_column(String(100), default="")
    department: Mapped[str] = mapped_column(String(3), index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    # National ids (PSC SubjectNameID) of its titulaires.
    titulaires: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(UTCDateTime())
    update_time: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def self_effecteur_key(self) -> str:
        return f"finess:{self.finess}"


class Effecteur(Base):
    __tablename__ = "effecteurs"

    # "rpps:99700000104": the resource name without "effecteurs/".
    key: Mapped[str] = mapped_column(String(24), primary_key=True)
    identifier_kind: Mapped[str] = mapped_column(String(8))
    identifier: Mapped[str] = mapped_column(String(14), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # vocabulary.EffecteurKind
    type: Mapped[str] = mapped_column(String(24), index=True)  # vocabulary.TYPE_LABELS key
    display_name: Mapped[str] = mapped_column(String(200))
    # display_name lower-cased without accents, for "name contains" filters.
    search_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    department: Mapped[str] = mapped_column(String(3), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(UTCDateTime())
    update_time: Mapped[datetime] = mapped_column(UTCDateTime())


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    officine_finess: Mapped[str] = mapped_column(ForeignKey("officines.finess"))
    effecteur_key: Mapped[str] = mapped_column(ForeignKey("effecteurs.key"))
    attach_time: Mapped[datetime] = mapped_column(UTCDateTime())
    attached_by: Mapped[str] = mapped_column(String(64))
    detach_time: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    detached_by: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (
        # The rule itself: one current attachment per effecteur.
        Index(
            "uq_attachments_current_effecteur",
            "effecteur_key",
            unique=True,
            sqlite_where=text("detach_time IS NULL"),
            postgresql_where=text("detach_time IS NULL"),
        ),
        # An officine's list, in effecteur order.
        Index("ix_attachments_officine_effecteur", "officine_finess", "effecteur_key", "id"),
    )

    @property
    def is_current(self) -> bool:
        return self.detach_time is None


@dataclass(frozen=True, slots=True)
class AttachmentRecord:
    """An attachment as a Core read returns it: a plain value, with no ORM session behind it
    (an officine's list, read at 08:00 by every officine: an ORM instance costs several times more)."""

    id: int
    officine_finess: str
    effecteur_key: str
    attach_time: datetime
    attached_by: str
    detach_time: datetime | None
    detached_by: str | None

    @property
    def is_current(self) -> bool:
        return self.detach_time is None


@dataclass(frozen=True, slots=True)
class EffecteurRecord:
    """An effecteur as a Core read returns it (see AttachmentRecord): every column of Effecteur."""

    key: str
    identifier_kind: str
    identifier: str
    kind: str
    type: str
    display_name: str
    search_name: str
    email: str
    department: str
    version: int
    create_time: datetime
    update_time: datetime


class AttachmentEvent(Base):
    __tablename__ = "attachment_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"))
    officine_finess: Mapped[str] = mapped_column(String(9))
    effecteur_key: Mapped[str] = mapped_column(String(24))
    action: Mapped[str] = mapped_column(String(8))  # "ATTACHED" or "DETACHED"
    actor: Mapped[str] = mapped_column(String(64))
    event_time: Mapped[datetime] = mapped_column(UTCDateTime())
    # Made while PSC was unreachable, under the outage grace (docs/psc-outage.md).
    psc_grace: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        Index("ix_attachment_events_officine", "officine_finess", "id"),
        Index("ix_attachment_events_effecteur", "effecteur_key", "id"),
    )


IdempotencyKeys = idempotency_table(Base.metadata)
