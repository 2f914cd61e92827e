"""The record's version, the key of the pages each server keeps (dialogue/page_cache.py)

Revision ID: 8c4f2a6e1d37
Revises: 7a1c4e9d2b56
Create Date: 2026-12-04 09:30:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "8c4f2a6e1d37"
down_revision: str | None = "7a1c4e9d2b56"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Its one row is made by the first change (dialogue/page_cache.py).
    op.create_table(
        "data_version",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )


def downgrade() -> None:
    op.drop_table("data_version")
