"""The gateway's own tables: server-side web sessions, and the names of the
people who logged in (so pages say "publiée par Élise Marchand", never a
national id: PSC gives names only at login, and no backend keeps them).

A browser holds only a random cookie value; the row is keyed by its HMAC, and
the PSC tokens are encrypted at rest, so neither a copy of the table nor the
browser's JavaScript ever holds a usable token.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime, naming_metadata


class Base(DeclarativeBase):
    metadata = naming_metadata()


class WebSession(Base):
    __tablename__ = "web_sessions"

    # HMAC-SHA256 (hex) of the cookie value.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    national_id: Mapped[str] = mapped_column(String(32))
    # The principal as AuthService returned it (JSON).
    principal: Mapped[str] = mapped_column(Text)
    # Fernet ciphertext of {"access": ..., "refresh": ..., "id": ...}.
    tokens: Mapped[str] = mapped_column(Text)
    access_expire_at: Mapped[datetime] = mapped_column(UTCDateTime())
    refresh_expire_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Synchronizer token every state-changing form of this session carries.
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # created_at + the absolute lifetime.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_web_sessions_expires_at", "expires_at"),)


class Person(Base):
    """The name of someone who logged in here, as PSC last gave it."""

    __tablename__ = "people"

    national_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    update_time: Mapped[datetime] = mapped_column(UTCDateTime())
