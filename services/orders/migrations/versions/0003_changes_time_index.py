"""The operators' cockpit reads the trail by time (line writes per minute,
officines active in the last minutes): an index on changes.change_time.

Compatible with the previous release: one index added, nothing else.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_changes_change_time", "changes", ["change_time"])


def downgrade() -> None:
    op.drop_index("ix_changes_change_time", table_name="changes")
