"""The local mirror of effecteurs' attachments (issue 13 item 3): no call to
EffecteurService per order write.

Compatible with the previous release: two tables added, nothing else. They start
empty; the mirror fills them from effecteurs' feed at the first start (catch-up from 0).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mirrored_attachments",
        sa.Column("effecteur", sa.String(length=80), nullable=False),
        sa.Column("type", sa.String(length=24), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("officine", sa.String(length=9), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("effecteur", name=op.f("pk_mirrored_attachments")),
    )
    op.create_index(op.f("ix_mirrored_attachments_event_id"), "mirrored_attachments", ["event_id"], unique=False)
    op.create_table(
        "mirrored_officines",
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("department", sa.String(length=3), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("finess", name=op.f("pk_mirrored_officines")),
    )


def downgrade() -> None:
    op.drop_table("mirrored_officines")
    op.drop_index(op.f("ix_mirrored_attachments_event_id"), table_name="mirrored_attachments")
    op.drop_table("mirrored_attachments")
