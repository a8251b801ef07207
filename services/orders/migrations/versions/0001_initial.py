"""Initial schema: order lines, quota usage, vial requests, audit trail, idempotency keys.

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
        "order_lines",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("effecteur", sa.String(length=80), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("vials", sa.Integer(), nullable=False),
        sa.Column("vials_from_requests", sa.Integer(), nullable=False),
        sa.Column("effecteur_type", sa.String(length=32), nullable=False),
        sa.Column("department", sa.String(length=3), nullable=False),
        sa.Column("doses_per_unit", sa.Integer(), nullable=False),
        sa.Column("etag", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("create_time", Instant, nullable=False),
        sa.Column("update_time", Instant, nullable=False),
        sa.CheckConstraint("vials > 0", name=op.f("ck_order_lines_vials_positive")),
        sa.CheckConstraint("vials_from_requests >= 0", name=op.f("ck_order_lines_vials_from_requests_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
        sa.UniqueConstraint(
            "session_id",
            "finess",
            "effecteur",
            "product",
            name=op.f("uq_order_lines_session_id_finess_effecteur_product"),
        ),
    )
    op.create_index("ix_order_lines_effecteur", "order_lines", ["effecteur", "session_id"])
    op.create_index("ix_order_lines_totals", "order_lines", ["session_id", "department", "product"])
    op.create_table(
        "quota_usage",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("effecteur", sa.String(length=80), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("vials", sa.Integer(), nullable=False),
        sa.CheckConstraint("vials >= 0", name=op.f("ck_quota_usage_vials_not_negative")),
        sa.PrimaryKeyConstraint("session_id", "effecteur", "product", name=op.f("pk_quota_usage")),
    )
    op.create_table(
        "vial_requests",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("effecteur", sa.String(length=80), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("vials", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("confirmed_vials", sa.Integer(), nullable=False),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=False),
        sa.Column("decide_time", Instant, nullable=True),
        sa.Column("order_line", sa.String(length=200), nullable=False),
        sa.Column("requested_by", sa.String(length=32), nullable=False),
        sa.Column("etag", sa.String(length=32), nullable=False),
        sa.Column("create_time", Instant, nullable=False),
        sa.Column("update_time", Instant, nullable=False),
        sa.CheckConstraint("vials > 0", name=op.f("ck_vial_requests_vials_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vial_requests")),
    )
    op.create_index("ix_vial_requests_officine", "vial_requests", ["finess", "session_id", "state"])
    op.create_index("ix_vial_requests_effecteur", "vial_requests", ["effecteur", "create_time"])
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("effecteur", sa.String(length=80), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("change_time", Instant, nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("vials_before", sa.Integer(), nullable=False),
        sa.Column("vials_after", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    op.create_index("ix_changes_subject", "changes", ["subject", "id"])


def downgrade() -> None:
    op.drop_table("changes")
    op.drop_table("vial_requests")
    op.drop_table("quota_usage")
    op.drop_table("order_lines")
    op.drop_table("idempotency_keys")
