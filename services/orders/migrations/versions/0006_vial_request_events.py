"""The feed of vial-request events the mailer announces (issue 16, notifications).

Compatible with the previous release: one table added, nothing else.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vial_request_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("request", sa.String(length=160), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("effecteur", sa.String(length=80), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("vials", sa.Integer(), nullable=False),
        sa.Column("confirmed_vials", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vial_request_events")),
    )


def downgrade() -> None:
    op.drop_table("vial_request_events")
