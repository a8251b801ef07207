"""The support desk: category, callback phone, state and due time of each
support request, their events, the form's rate-limit windows, and threading
headers on outbox messages.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime
from services.mailer.support_clock import due_time

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Instant = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("messages", sa.Column("headers", sa.JSON(), nullable=True))
    with op.batch_alter_table("support_requests") as batch:
        batch.add_column(sa.Column("category", sa.String(length=16), nullable=False, server_default="OTHER"))
        batch.add_column(sa.Column("callback_phone", sa.String(length=20), nullable=False, server_default=""))
        batch.add_column(sa.Column("state", sa.String(length=16), nullable=False, server_default="OPEN"))
        batch.add_column(sa.Column("due_time", Instant, nullable=True))
        batch.add_column(sa.Column("first_response_time", Instant, nullable=True))
        batch.add_column(sa.Column("close_time", Instant, nullable=True))
        batch.add_column(sa.Column("requester_name", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("requester_acts_for", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("ack_message_id", sa.String(length=36), nullable=True))
    # Requests filed before the desk existed get the due time they would have had.
    # (UTCDateTime: naive UTC on SQLite, as the service writes it.)
    table = sa.table(
        "support_requests",
        sa.column("id", sa.String),
        sa.column("create_time", UTCDateTime()),
        sa.column("due_time", UTCDateTime()),
    )
    connection = op.get_bind()
    for row_id, created in connection.execute(sa.select(table.c.id, table.c.create_time)).all():
        connection.execute(table.update().where(table.c.id == row_id).values(due_time=due_time(created)))
    with op.batch_alter_table("support_requests") as batch:
        batch.alter_column("due_time", existing_type=Instant, nullable=False)
        # The model has Python-side defaults; the server defaults only filled existing rows.
        for column in ("category", "callback_phone", "state", "requester_name", "requester_acts_for"):
            batch.alter_column(column, server_default=None)
        batch.create_index("ix_support_requests_queue", ["state", "due_time", "id"])
        batch.create_index("ix_support_requests_mine", ["created_by", "create_time", "id"])
    op.create_table(
        "support_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("support_request_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=True),
        sa.Column("create_time", Instant, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_events")),
    )
    op.create_index(
        "ix_support_events_request", "support_events", ["support_request_id", "create_time", "id"], unique=False
    )
    op.create_table(
        "support_rate_windows",
        sa.Column("client_key", sa.String(length=80), nullable=False),
        sa.Column("window_start", Instant, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("client_key", "window_start", name=op.f("pk_support_rate_windows")),
    )


def downgrade() -> None:
    op.drop_table("support_rate_windows")
    op.drop_index("ix_support_events_request", table_name="support_events")
    op.drop_table("support_events")
    with op.batch_alter_table("support_requests") as batch:
        batch.drop_index("ix_support_requests_mine")
        batch.drop_index("ix_support_requests_queue")
        for column in (
            "ack_message_id",
            "requester_acts_for",
            "requester_name",
            "close_time",
            "first_response_time",
            "due_time",
            "state",
            "callback_phone",
            "category",
        ):
            batch.drop_column(column)
    op.drop_column("messages", "headers")
