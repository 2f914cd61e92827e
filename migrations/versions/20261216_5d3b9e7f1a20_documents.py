"""Documents attached to meetings, agenda items, positions and progress notes, with versions

Revision ID: 5d3b9e7f1a20
Revises: 5d8e2b7a91c3
Create Date: 2026-12-04 03:45:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "5d3b9e7f1a20"
down_revision: str | None = "5d8e2b7a91c3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", ID, sa.Identity(always=False, start=1, increment=1), nullable=False)


def _times() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "document",
        _id(),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("meeting_id", ID, nullable=True),
        sa.Column("agenda_item_id", ID, nullable=True),
        sa.Column("position_id", ID, nullable=True),
        sa.Column("commitment_id", ID, nullable=True),
        sa.Column("progress_id", ID, nullable=True),
        sa.Column("side", sa.String(length=20), nullable=True),
        sa.Column("internal", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        *_times(),
        sa.CheckConstraint(
            "(CASE WHEN agenda_item_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN position_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN progress_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name=op.f("ck_document_one_target"),
        ),
        sa.CheckConstraint("meeting_id IS NOT NULL OR progress_id IS NOT NULL", name=op.f("ck_document_has_record")),
        sa.CheckConstraint("internal = false OR side IS NOT NULL", name=op.f("ck_document_internal_has_side")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_document_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_document_agenda_item_id_agenda_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["position_id"], ["position.id"], name=op.f("fk_document_position_id_position"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"], ["commitment.id"], name=op.f("fk_document_commitment_id_commitment"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["progress_id"],
            ["commitment_update.id"],
            name=op.f("fk_document_progress_id_commitment_update"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    for column in ("meeting_id", "agenda_item_id", "position_id", "commitment_id", "progress_id"):
        op.create_index(op.f(f"ix_document_{column}"), "document", [column], unique=False)
    op.create_table(
        "document_version",
        _id(),
        sa.Column("document_id", ID, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_id", ID, nullable=True),
        *_times(),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_document_version_document_id_document"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["account.id"],
            name=op.f("fk_document_version_uploaded_by_id_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_version")),
        sa.UniqueConstraint("document_id", "number", name=op.f("uq_document_version_document_id")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_document_version_storage_key")),
    )
    op.create_index(op.f("ix_document_version_document_id"), "document_version", ["document_id"], unique=False)
    op.create_index(op.f("ix_document_version_uploaded_by_id"), "document_version", ["uploaded_by_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_document_version_uploaded_by_id"), table_name="document_version")
    op.drop_index(op.f("ix_document_version_document_id"), table_name="document_version")
    op.drop_table("document_version")
    for column in ("progress_id", "commitment_id", "position_id", "agenda_item_id", "meeting_id"):
        op.drop_index(op.f(f"ix_document_{column}"), table_name="document")
    op.drop_table("document")
