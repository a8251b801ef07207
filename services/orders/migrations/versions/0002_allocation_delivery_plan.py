"""After the session closes: confirmed vials on lines, supply, published
allocations, delivery plan overrides, confirmations sent, date-change feed.

Compatible with the previous release: one nullable column added to
order_lines, new tables only.

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

Instant = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("order_lines", sa.Column("confirmed_vials", sa.Integer(), nullable=True))
    op.create_table(
        "supplies",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("etag", sa.String(length=32), nullable=False),
        sa.Column("update_by", sa.String(length=32), nullable=False),
        sa.Column("update_time", Instant, nullable=False),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_supplies")),
    )
    op.create_table(
        "supply_products",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("vials", sa.Integer(), nullable=False),
        sa.CheckConstraint("vials >= 0", name=op.f("ck_supply_products_vials_not_negative")),
        sa.PrimaryKeyConstraint("session_id", "product", name=op.f("pk_supply_products")),
    )
    op.create_table(
        "allocations",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("publish_by", sa.String(length=32), nullable=False),
        sa.Column("publish_time", Instant, nullable=False),
        sa.Column("supply", sa.Text(), nullable=False),
        sa.Column("supply_etag", sa.String(length=32), nullable=False),
        sa.Column("confirmations_sent_time", Instant, nullable=True),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_allocations")),
    )
    op.create_table(
        "delivery_overrides",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=9), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("update_by", sa.String(length=32), nullable=False),
        sa.Column("update_time", Instant, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "kind", "code", name=op.f("pk_delivery_overrides")),
    )
    op.create_table(
        "confirmations_sent",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("department", sa.String(length=3), nullable=False),
        sa.Column("announced_date", sa.String(length=10), nullable=False),
        sa.Column("sent_time", Instant, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "finess", name=op.f("pk_confirmations_sent")),
    )
    op.create_table(
        "delivery_date_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("old_date", sa.String(length=10), nullable=False),
        sa.Column("new_date", sa.String(length=10), nullable=False),
        sa.Column("change_by", sa.String(length=32), nullable=False),
        sa.Column("change_time", Instant, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_date_changes")),
    )


def downgrade() -> None:
    op.drop_table("delivery_date_changes")
    op.drop_table("confirmations_sent")
    op.drop_table("delivery_overrides")
    op.drop_table("allocations")
    op.drop_table("supply_products")
    op.drop_table("supplies")
    with op.batch_alter_table("order_lines") as batch:
        batch.drop_column("confirmed_vials")
