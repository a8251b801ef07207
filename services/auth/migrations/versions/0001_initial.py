"""Pending logins (state, nonce, PKCE verifier) between BeginLogin and ExchangeCode.

Revision ID: 0001_initial
Revises:
Create Date: 2022-03-01 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_logins",
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("redirect_uri", sa.String(length=2048), nullable=False),
        sa.Column("create_time", UTCDateTime(), nullable=False),
        sa.Column("expire_time", UTCDateTime(), nullable=False),
        sa.Column("consume_time", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_pending_logins")),
    )
    op.create_index(op.f("ix_pending_logins_expire_time"), "pending_logins", ["expire_time"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_pending_logins_expire_time"), table_name="pending_logins")
    op.drop_table("pending_logins")
