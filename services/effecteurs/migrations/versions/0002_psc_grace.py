"""PSC outage: the attachment history marks the attachments and detachments made
under the grace period (docs/psc-outage.md).

Compatible with the previous release: one column with a server default.

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


def upgrade() -> None:
    op.add_column("attachment_events", sa.Column("psc_grace", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("attachment_events") as batch:
        batch.drop_column("psc_grace")
