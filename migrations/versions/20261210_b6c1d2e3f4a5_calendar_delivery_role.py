"""Calendar deliveries remember the role the person was sent (a cancellation for a person
taken off the list lists them in that role)

Revision ID: b6c1d2e3f4a5
Revises: 9c4f2a7e1b05
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b6c1d2e3f4a5"
down_revision: str | None = "9c4f2a7e1b05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calendar_delivery", schema=None) as batch_op:
        batch_op.drop_column("role")
