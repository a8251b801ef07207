"""Initial schema of the sessions service: products, sessions and their window
changes, calendar windows, quota table versions and their rules, request ids.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_windows",
        sa.Column("id", sa.String(length=63), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("start_time", UTCDateTime(), nullable=False),
        sa.Column("end_time", UTCDateTime(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("create_time", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_windows")),
    )
    with op.batch_alter_table("calendar_windows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_windows_end_time"), ["end_time"], unique=False)
        batch_op.create_index(batch_op.f("ix_calendar_windows_start_time"), ["start_time"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.String(length=63), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("doses_per_unit", sa.Integer(), nullable=False),
        sa.Column("shelf_life_days", sa.Integer(), nullable=True),
        sa.Column("paediatric", sa.Boolean(), nullable=False),
        sa.Column("redistributable_to", sa.Text(), nullable=False),
        sa.Column("orderable_from", UTCDateTime(), nullable=True),
        sa.Column("orderable_until", UTCDateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("display_order", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("create_time", UTCDateTime(), nullable=False),
        sa.Column("update_time", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(length=63), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("open_time", UTCDateTime(), nullable=False),
        sa.Column("close_time", UTCDateTime(), nullable=False),
        sa.Column("confirmation_email_date", sa.Date(), nullable=True),
        sa.Column("delivery_from_date", sa.Date(), nullable=True),
        sa.Column("delivery_to_date", sa.Date(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("create_time", UTCDateTime(), nullable=False),
        sa.Column("update_time", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessions_close_time"), ["close_time"], unique=False)
        batch_op.create_index(batch_op.f("ix_sessions_open_time"), ["open_time"], unique=False)

    op.create_table(
        "quota_tables",
        sa.Column("session_id", sa.String(length=63), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("publish_time", UTCDateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_quota_tables_session_id_sessions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("session_id", "version", name=op.f("pk_quota_tables")),
    )
    op.create_table(
        "session_window_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(length=63), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("change_time", UTCDateTime(), nullable=False),
        sa.Column("old_open_time", UTCDateTime(), nullable=False),
        sa.Column("old_close_time", UTCDateTime(), nullable=False),
        sa.Column("new_open_time", UTCDateTime(), nullable=False),
        sa.Column("new_close_time", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_window_changes_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_window_changes")),
    )
    with op.batch_alter_table("session_window_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_window_changes_session_id"), ["session_id"], unique=False)

    op.create_table(
        "quota_rules",
        sa.Column("session_id", sa.String(length=63), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effecteur_type", sa.String(length=32), nullable=False),
        sa.Column("product_id", sa.String(length=63), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("max_vials", sa.Integer(), nullable=False),
        sa.Column("soft_threshold", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_quota_rules_product_id_products")),
        sa.ForeignKeyConstraint(
            ["session_id", "version"],
            ["quota_tables.session_id", "quota_tables.version"],
            name="fk_quota_rules_version_quota_tables",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "version", "effecteur_type", "product_id", name=op.f("pk_quota_rules")),
    )
    with op.batch_alter_table("quota_rules", schema=None) as batch_op:
        batch_op.create_index("ix_quota_rules_product_id", ["product_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("quota_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_quota_rules_product_id")

    op.drop_table("quota_rules")
    with op.batch_alter_table("session_window_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_window_changes_session_id"))

    op.drop_table("session_window_changes")
    op.drop_table("quota_tables")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_open_time"))
        batch_op.drop_index(batch_op.f("ix_sessions_close_time"))

    op.drop_table("sessions")
    op.drop_table("products")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("calendar_windows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_windows_start_time"))
        batch_op.drop_index(batch_op.f("ix_calendar_windows_end_time"))

    op.drop_table("calendar_windows")
