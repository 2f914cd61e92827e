"""Scheduled runs: the last weekly slot each scheduled job of `dialogue worker` claimed

Revision ID: 7a9e3c51d2b8
Revises: 3f6b8d21c7a4
Create Date: 2026-12-03 16:00:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "7a9e3c51d2b8"
down_revision: str | None = "3f6b8d21c7a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scheduled_run",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("job", sa.String(length=50), nullable=False),
        sa.Column("slot", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("ran_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_run")),
        sa.UniqueConstraint("job", name=op.f("uq_scheduled_run_job")),
    )


def downgrade() -> None:
    op.drop_table("scheduled_run")
