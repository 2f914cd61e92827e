"""Press releases in several languages: a `translations` JSON column on press_release (its
title, place, opening paragraph, outcomes and contacts in French, Arabic and English). An
existing release keeps its texts as they are: a text without versions reads as French.

Revision ID: 7a1c4e9d2b56
Revises: 5d0c3e7a9b21
Create Date: 2026-12-04 04:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7a1c4e9d2b56"
down_revision: str | None = "5d0c3e7a9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain added column: no copy of the table on SQLite.
    op.add_column("press_release", sa.Column("translations", sa.JSON(), server_default="{}", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("press_release") as batch:
        batch.drop_column("translations")
