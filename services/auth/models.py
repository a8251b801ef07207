"""What the auth service stores: logins started and not yet finished.

Tokens are never stored: the gateway keeps them in its session; this table
only holds what must stay server-side between BeginLogin and ExchangeCode
(the PKCE verifier and the nonce), for at most login_ttl_seconds.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime, naming_metadata


class Base(DeclarativeBase):
    metadata = naming_metadata()


class PendingLogin(Base):
    __tablename__ = "pending_logins"

    # Random, opaque; the gateway checks it against its pre-login cookie.
    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str] = mapped_column(String(128))
    redirect_uri: Mapped[str] = mapped_column(String(2048))
    create_time: Mapped[datetime] = mapped_column(UTCDateTime)
    expire_time: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Set by the one ExchangeCode that used it: a state is good for one exchange.
    consume_time: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
