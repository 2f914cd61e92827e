"""Events beside the council's meetings, projects with their donors, partners of events,
session numbers

A meeting may now be an event (workshop, seminar...) without a body: `meeting.body_id`
becomes nullable. Projects and programmes (`project`, `project_donor`) which events and
commitments can belong to; organisations beyond the three sides (side "partners", with a
category) and the role an organisation has on an event (`meeting_partner`); the session
kind and number of a council meeting.

On SQLite the meeting table is copied to drop its NOT NULL; `dialogue.db.run_alembic` turns
foreign keys off around migrations so that dropping the old copy deletes nothing.

Revision ID: 5d8e2b7a91c3
Revises: e2a7c9d41f63
Create Date: 2026-12-04 03:40:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "5d8e2b7a91c3"
down_revision: str | None = "e2a7c9d41f63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def _stamps() -> list[sa.Column]:
    return [sa.Column("created_at", WHEN, nullable=False), sa.Column("updated_at", WHEN, nullable=False)]


def upgrade() -> None:
    op.create_table(
        "project",
        sa.Column("id", ID, sa.Identity(always=False, start=1, increment=1), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("acronym", sa.String(length=30), nullable=False),
        sa.Column("lead_organisation_id", ID, nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("countries", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("archived_at", WHEN, nullable=True),
        sa.Column("search_text", sa.Text(), server_default="", nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["lead_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_project_lead_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("slug", name=op.f("uq_project_slug")),
    )
    op.create_index(op.f("ix_project_lead_organisation_id"), "project", ["lead_organisation_id"], unique=False)
    op.create_index(
        "ix_project_search_text",
        "project",
        ["search_text"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )
    op.create_table(
        "project_donor",
        sa.Column("id", ID, sa.Identity(always=False, start=1, increment=1), nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_donor_project_id_project"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_project_donor_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_donor")),
        sa.UniqueConstraint("project_id", "organisation_id", name=op.f("uq_project_donor_project_id")),
    )
    op.create_index(op.f("ix_project_donor_project_id"), "project_donor", ["project_id"], unique=False)
    op.create_index(op.f("ix_project_donor_organisation_id"), "project_donor", ["organisation_id"], unique=False)
    op.create_table(
        "meeting_partner",
        sa.Column("id", ID, sa.Identity(always=False, start=1, increment=1), nullable=False),
        sa.Column("meeting_id", ID, nullable=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_partner_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_meeting_partner_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_partner")),
        sa.UniqueConstraint("meeting_id", "organisation_id", "role", name=op.f("uq_meeting_partner_meeting_id")),
    )
    op.create_index(op.f("ix_meeting_partner_meeting_id"), "meeting_partner", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_meeting_partner_organisation_id"), "meeting_partner", ["organisation_id"], unique=False)
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.alter_column("body_id", existing_type=ID, nullable=True)
        batch_op.add_column(sa.Column("project_id", ID, nullable=True))
        batch_op.add_column(sa.Column("session_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("session_number", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_project_id_project"), "project", ["project_id"], ["id"], ondelete="RESTRICT"
        )
        batch_op.create_index(batch_op.f("ix_meeting_project_id"), ["project_id"], unique=False)
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("project_id", ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_commitment_project_id_project"), "project", ["project_id"], ["id"], ondelete="RESTRICT"
        )
    op.create_index(op.f("ix_commitment_project_id"), "commitment", ["project_id"], unique=False)
    op.add_column("organisation", sa.Column("category", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("category")
    op.drop_index(op.f("ix_commitment_project_id"), table_name="commitment")
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_commitment_project_id_project"), type_="foreignkey")
        batch_op.drop_column("project_id")
    op.execute("DELETE FROM meeting WHERE body_id IS NULL")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_project_id"))
        batch_op.drop_constraint(batch_op.f("fk_meeting_project_id_project"), type_="foreignkey")
        batch_op.drop_column("session_number")
        batch_op.drop_column("session_kind")
        batch_op.drop_column("project_id")
        batch_op.alter_column("body_id", existing_type=ID, nullable=False)
    op.drop_index(op.f("ix_meeting_partner_organisation_id"), table_name="meeting_partner")
    op.drop_index(op.f("ix_meeting_partner_meeting_id"), table_name="meeting_partner")
    op.drop_table("meeting_partner")
    op.drop_index(op.f("ix_project_donor_organisation_id"), table_name="project_donor")
    op.drop_index(op.f("ix_project_donor_project_id"), table_name="project_donor")
    op.drop_table("project_donor")
    op.drop_index("ix_project_search_text", table_name="project")
    op.drop_index(op.f("ix_project_lead_organisation_id"), table_name="project")
    op.drop_table("project")
