"""Rendered minutes: exports of adopted minutes, made once and served from the database

Revision ID: c4e8a1f09b27
Revises: 7a9e3c51d2b8
Create Date: 2026-12-03 19:00:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "c4e8a1f09b27"
down_revision: str | None = "7a9e3c51d2b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rendered_minutes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("meeting_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_rendered_minutes_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rendered_minutes")),
        sa.UniqueConstraint("key", name=op.f("uq_rendered_minutes_key")),
    )
    op.create_index(op.f("ix_rendered_minutes_meeting_id"), "rendered_minutes", ["meeting_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_rendered_minutes_meeting_id"), table_name="rendered_minutes")
    op.drop_table("rendered_minutes")
