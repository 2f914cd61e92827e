"""The institution's letterhead, for letters of convocation

Revision ID: 5d3b9e7a2c10
Revises: 5b8e1f0a9c3d
Create Date: 2026-12-04 03:30:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "5d3b9e7a2c10"
down_revision: str | None = "5b8e1f0a9c3d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "letterhead",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("name_fr", sa.String(length=200), nullable=False),
        sa.Column("name_ar", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("header_fr", sa.Text(), nullable=False),
        sa.Column("header_ar", sa.Text(), nullable=False),
        sa.Column("header_en", sa.Text(), nullable=False),
        sa.Column("footer_fr", sa.String(length=300), nullable=False),
        sa.Column("footer_ar", sa.String(length=300), nullable=False),
        sa.Column("footer_en", sa.String(length=300), nullable=False),
        sa.Column("reference_format", sa.String(length=100), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letterhead")),
    )


def downgrade() -> None:
    op.drop_table("letterhead")
