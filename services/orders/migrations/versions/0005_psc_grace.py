"""PSC outage: the audit trail marks the changes and stock moves made under the grace period
(docs/psc-outage.md).

Compatible with the previous release: one column with a server default.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("changes", sa.Column("psc_grace", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("stock_moves", sa.Column("psc_grace", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("stock_moves") as batch:
        batch.drop_column("psc_grace")
    with op.batch_alter_table("changes") as batch:
        batch.drop_column("psc_grace")
