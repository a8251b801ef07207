"""Initial schema: officines, effecteurs, attachments, attachment events, idempotency keys.

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

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "officines",
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("postal_code", sa.String(length=5), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("department", sa.String(length=3), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("titulaires", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("create_time", _TIME, nullable=False),
        sa.Column("update_time", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("finess", name=op.f("pk_officines")),
    )
    op.create_index(op.f("ix_officines_department"), "officines", ["department"])

    op.create_table(
        "effecteurs",
        sa.Column("key", sa.String(length=24), nullable=False),
        sa.Column("identifier_kind", sa.String(length=8), nullable=False),
        sa.Column("identifier", sa.String(length=14), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("type", sa.String(length=24), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("search_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("department", sa.String(length=3), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("create_time", _TIME, nullable=False),
        sa.Column("update_time", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_effecteurs")),
    )
    op.create_index(op.f("ix_effecteurs_identifier"), "effecteurs", ["identifier"])
    op.create_index(op.f("ix_effecteurs_type"), "effecteurs", ["type"])

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("officine_finess", sa.String(length=9), nullable=False),
        sa.Column("effecteur_key", sa.String(length=24), nullable=False),
        sa.Column("attach_time", _TIME, nullable=False),
        sa.Column("attached_by", sa.String(length=64), nullable=False),
        sa.Column("detach_time", _TIME, nullable=True),
        sa.Column("detached_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["effecteur_key"], ["effecteurs.key"], name=op.f("fk_attachments_effecteur_key_effecteurs")
        ),
        sa.ForeignKeyConstraint(
            ["officine_finess"], ["officines.finess"], name=op.f("fk_attachments_officine_finess_officines")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    # At most one current attachment per effecteur, enforced by the database.
    op.create_index(
        "uq_attachments_current_effecteur",
        "attachments",
        ["effecteur_key"],
        unique=True,
        sqlite_where=sa.text("detach_time IS NULL"),
        postgresql_where=sa.text("detach_time IS NULL"),
    )
    op.create_index("ix_attachments_officine_effecteur", "attachments", ["officine_finess", "effecteur_key", "id"])

    op.create_table(
        "attachment_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("officine_finess", sa.String(length=9), nullable=False),
        sa.Column("effecteur_key", sa.String(length=24), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("event_time", _TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"], ["attachments.id"], name=op.f("fk_attachment_events_attachment_id_attachments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment_events")),
    )
    op.create_index("ix_attachment_events_officine", "attachment_events", ["officine_finess", "id"])
    op.create_index("ix_attachment_events_effecteur", "attachment_events", ["effecteur_key", "id"])

    op.create_table(
        "idempotency_keys",
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_idempotency_keys")),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.drop_table("attachment_events")
    op.drop_table("attachments")
    op.drop_table("effecteurs")
    op.drop_table("officines")
