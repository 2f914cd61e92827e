"""Press releases of held meetings

Revision ID: 5d0c3e7a9b21
Revises: 5d3b9e7a2c10
Create Date: 2026-12-04 03:40:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "5d0c3e7a9b21"
down_revision: str | None = "5d3b9e7a2c10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    op.create_table(
        "press_release",
        sa.Column("id", ID, sa.Identity(always=False, start=1, increment=1), nullable=False),
        sa.Column("meeting_id", ID, nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("outcomes", sa.Text(), nullable=False),
        sa.Column("contacts", sa.Text(), nullable=False),
        sa.Column("contact_person_id", ID, nullable=True),
        sa.Column("published_at", MOMENT, nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_press_release_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contact_person_id"],
            ["person.id"],
            name=op.f("fk_press_release_contact_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_press_release")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_press_release_meeting_id")),
        sa.UniqueConstraint("slug", name=op.f("uq_press_release_slug")),
    )
    op.create_index(op.f("ix_press_release_contact_person_id"), "press_release", ["contact_person_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_press_release_contact_person_id"), table_name="press_release")
    op.drop_table("press_release")
