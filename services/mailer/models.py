"""The mailer's tables: the outbox, support requests, confirmation runs, feed
positions, idempotency keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime, naming_metadata
from services.common.idempotency import idempotency_table

# Message states, as stored (the proto enum names without their prefix).
QUEUED = "QUEUED"
SENT = "SENT"
FAILED = "FAILED"


class Base(DeclarativeBase):
    metadata = naming_metadata()


class OutboxMessage(Base):
    """One e-mail, rendered when queued so what is sent is what was accepted."""

    __tablename__ = "messages"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    recipients: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    reply_to: Mapped[str] = mapped_column(String(320), nullable=False, default="")
    template: Mapped[str] = mapped_column(String(64), nullable=False)
    params: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False)
    subject: Mapped[str] = mapped_column(String(998), nullable=False)
    text_body: Mapped[str] = mapped_column(Text, nullable=False)
    html_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Not before this instant (backoff); the dispatcher picks QUEUED messages that are due.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # Set while a dispatcher is sending it; expired claims are taken again (crash recovery).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # National id of whoever asked for it ("anonymous" for the public contact form).
    created_by: Mapped[str] = mapped_column(String(32), nullable=False)
    # x-request-id of the RPC that queued it, so delivery logs join the request's.
    trace_request_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    # At most one message per key: "confirmation:{session}:{recipient}" for the Friday
    # confirmations, "datechange:{change id}:{recipient}" for delivery-date changes.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    create_time: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    send_time: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Threading headers ({"In-Reply-To": "<...>", "References": "<...> <...>"}) of the
    # support desk's answers; None for every other message.
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    # Files sent with it: [{"filename", "content_type", "data" (base64)}] (a destruction certificate).
    attachments: Mapped[list[dict[str, str]] | None] = mapped_column(JSON, nullable=True)

    __table_args__ = (
        Index("ix_messages_due", "state", "next_attempt_at"),
        Index("ix_messages_newest", "create_time", "id"),
    )


class SupportRequestRow(Base):
    """A question to support, kept with the message that carried it."""

    __tablename__ = "support_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contact_email: Mapped[str] = mapped_column(String(320), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    about: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    created_by: Mapped[str] = mapped_column(String(32), nullable=False)
    message_id: Mapped[str] = mapped_column(String(36), nullable=False)
    create_time: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    # The support desk (support_desk.py). Category and state as the proto enum names
    # without their prefix ("DELIVERY", "OPEN").
    category: Mapped[str] = mapped_column(String(16), nullable=False, default="OTHER")
    # E.164 ("+33612345678") when the requester asked to be called back, else "".
    callback_phone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="OPEN")
    # Two working hours after create_time (support_clock.py).
    due_time: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    first_response_time: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    close_time: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    requester_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    requester_acts_for: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # The acknowledgement sent to the requester: answers are threaded under its Message-ID.
    ack_message_id: Mapped[str | None] = mapped_column(String(36), nullable=True)

    __table_args__ = (
        Index("ix_support_requests_queue", "state", "due_time", "id"),
        Index("ix_support_requests_mine", "created_by", "create_time", "id"),
    )


class SupportEventRow(Base):
    """Who did what on a support request, and when (never updated)."""

    __tablename__ = "support_events"

    # Increasing: events of one instant keep the order they happened in.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    support_request_id: Mapped[str] = mapped_column(String(36), nullable=False)
    # RECEIVED, ANSWERED, CALLED, CLOSED (the proto enum names without their prefix).
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    # National id of the agent ("anonymous" for a request from the public form).
    actor: Mapped[str] = mapped_column(String(32), nullable=False)
    actor_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The e-mail it sent, if any.
    message_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    create_time: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    __table_args__ = (Index("ix_support_events_request", "support_request_id", "create_time", "id"),)


class SupportRateWindow(Base):
    """Support requests filed per client and hour: the form's rate limit, shared by
    every mailer (and so every gateway) replica through the database."""

    __tablename__ = "support_rate_windows"

    # "user:{national id}" or "addr:{client address}".
    client_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)


class ConfirmationRunRow(Base):
    """One run of SendDeliveryConfirmations (or its dry run) and its report."""

    __tablename__ = "confirmation_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # "sessions/{id}".
    session: Mapped[str] = mapped_column(String(64), nullable=False)
    dry_run: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # National id of the operator, or "service:{name}" for a job.
    run_by: Mapped[str] = mapped_column(String(64), nullable=False)
    create_time: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    recipients: Mapped[int] = mapped_column(Integer, nullable=False)
    queued: Mapped[int] = mapped_column(Integer, nullable=False)
    already_queued: Mapped[int] = mapped_column(Integer, nullable=False)
    # Recipients without a usable address, as a list of dicts (see confirmations.Recipient):
    # the first confirmations.LISTED_RECIPIENTS; missing_address_count counts them all.
    missing_address: Mapped[list[dict[str, object]]] = mapped_column(JSON, nullable=False)
    # The recipients, for dry runs only (empty list on a real run): the first LISTED_RECIPIENTS.
    planned: Mapped[list[dict[str, object]]] = mapped_column(JSON, nullable=False)
    missing_address_count: Mapped[int] = mapped_column(Integer, nullable=False)
    # Dry runs: messages a real run would have queued then (0 on a real run).
    would_queue: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (Index("ix_confirmation_runs_newest", "session", "create_time", "id"),)


class FeedPosition(Base):
    """How far the mailer has read another service's feed (e.g. the date changes of orders)."""

    __tablename__ = "feed_positions"

    feed: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, nullable=False)
    update_time: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


idempotency_keys = idempotency_table(Base.metadata)
