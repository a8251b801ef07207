"""Delivery confirmations: the runs and their reports, and the position in the
date-change feed of orders.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# services.common.db.UTCDateTime stores this type; migrations keep to plain SQLAlchemy types.
Instant = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "confirmation_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("session", sa.String(length=64), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("run_by", sa.String(length=64), nullable=False),
        sa.Column("create_time", Instant, nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.Column("already_queued", sa.Integer(), nullable=False),
        sa.Column("missing_address", sa.JSON(), nullable=False),
        sa.Column("planned", sa.JSON(), nullable=False),
        sa.Column("missing_address_count", sa.Integer(), nullable=False),
        sa.Column("would_queue", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_confirmation_runs")),
    )
    op.create_index("ix_confirmation_runs_newest", "confirmation_runs", ["session", "create_time", "id"])
    op.create_table(
        "feed_positions",
        sa.Column("feed", sa.String(length=64), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("update_time", Instant, nullable=False),
        sa.PrimaryKeyConstraint("feed", name=op.f("pk_feed_positions")),
    )


def downgrade() -> None:
    op.drop_table("feed_positions")
    op.drop_index("ix_confirmation_runs_newest", table_name="confirmation_runs")
    op.drop_table("confirmation_runs")
