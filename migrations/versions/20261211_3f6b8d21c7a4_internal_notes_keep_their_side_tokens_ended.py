"""Internal notes keep the side that wrote them; when an account's tokens and feeds ended

A progress note now records its side (the commitment's side when it was written), so that
an internal note stays with that side if the commitment moves: existing notes take their
commitment's current side. An account records when a password reset or change, or
disabling it, last ended its API tokens and calendar feeds.

Revision ID: 3f6b8d21c7a4
Revises: b6c1d2e3f4a5
Create Date: 2026-12-03 12:40:00
"""

from collections.abc import Sequence

import advanced_alchemy
import sqlalchemy as sa
from alembic import op

revision: str = "3f6b8d21c7a4"
down_revision: str | None = "b6c1d2e3f4a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("commitment_update", schema=None) as batch_op:
        batch_op.add_column(sa.Column("side", sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE commitment_update SET side = "
        "(SELECT commitment.side FROM commitment WHERE commitment.id = commitment_update.commitment_id)"
    )
    with op.batch_alter_table("commitment_update", schema=None) as batch_op:
        batch_op.alter_column("side", existing_type=sa.String(length=20), nullable=False)
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tokens_ended_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("tokens_ended_at")
    with op.batch_alter_table("commitment_update", schema=None) as batch_op:
        batch_op.drop_column("side")
