"""Indexes that the dashboard's and the reports' counts read instead of the tables

Revision ID: 9d3b5f7a2c48
Revises: 8c4f2a6e1d37
Create Date: 2026-12-04 13:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9d3b5f7a2c48"
down_revision: str | None = "8c4f2a6e1d37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Each new index starts with the column of the one it replaces, which it serves as well.
    op.create_index("ix_commitment_side_status_due", "commitment", ["side", "status", "due_on"])
    op.drop_index("ix_commitment_side", table_name="commitment")
    op.create_index("ix_meeting_status_starts", "meeting", ["status", "starts_at"])
    op.drop_index("ix_meeting_status", table_name="meeting")


def downgrade() -> None:
    op.create_index("ix_meeting_status", "meeting", ["status"])
    op.drop_index("ix_meeting_status_starts", table_name="meeting")
    op.create_index("ix_commitment_side", "commitment", ["side"])
    op.drop_index("ix_commitment_side_status_due", table_name="commitment")
