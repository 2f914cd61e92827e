"""Imports: uploaded files kept until confirmed, and a reference for commitments

Revision ID: e2a7c9d41f63
Revises: c4e8a1f09b27
Create Date: 2026-12-03 23:30:00
"""

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "e2a7c9d41f63"
down_revision: str | None = "c4e8a1f09b27"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_upload",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_import_upload_account_id_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_upload")),
    )
    op.create_index(op.f("ix_import_upload_account_id"), "import_upload", ["account_id"], unique=False)
    op.create_index("ix_import_upload_created_at", "import_upload", ["created_at"], unique=False)
    # A plain new column and a unique index: no copy of the table on SQLite (whose DROP would
    # take the progress notes with it).
    op.add_column("commitment", sa.Column("reference", sa.String(length=60), nullable=True))
    op.create_index(op.f("ix_commitment_reference"), "commitment", ["reference"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_commitment_reference"), table_name="commitment")
    with op.batch_alter_table("commitment") as batch:
        batch.drop_column("reference")
    op.drop_index("ix_import_upload_created_at", table_name="import_upload")
    op.drop_index(op.f("ix_import_upload_account_id"), table_name="import_upload")
    op.drop_table("import_upload")
