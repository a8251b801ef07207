"""Initial schema: the outbox, support requests, idempotency keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# services.common.db.UTCDateTime stores this type; migrations keep to plain SQLAlchemy types.
Instant = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("reply_to", sa.String(length=320), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(length=998), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("next_attempt_at", Instant, nullable=False),
        sa.Column("claimed_until", Instant, nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("trace_request_id", sa.String(length=64), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("create_time", Instant, nullable=False),
        sa.Column("send_time", Instant, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_messages_dedupe_key")),
    )
    op.create_index("ix_messages_due", "messages", ["state", "next_attempt_at"])
    op.create_index("ix_messages_newest", "messages", ["create_time", "id"])
    op.create_table(
        "support_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("about", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("create_time", Instant, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_requests")),
    )


def downgrade() -> None:
    op.drop_table("support_requests")
    op.drop_index("ix_messages_newest", table_name="messages")
    op.drop_index("ix_messages_due", table_name="messages")
    op.drop_table("messages")
    op.drop_table("idempotency_keys")
