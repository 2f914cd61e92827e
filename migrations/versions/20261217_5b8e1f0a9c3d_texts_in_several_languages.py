"""Texts in several languages: a `translations` JSON column on the records whose texts may
be written in French, Arabic and English, filled with the existing text as French

Revision ID: 5b8e1f0a9c3d
Revises: 5d3b9e7f1a20
Create Date: 2026-12-04 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b8e1f0a9c3d"
down_revision: str | None = "5d3b9e7f1a20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Table -> the columns whose text becomes the French version (dialogue/bilingual.py).
FIELDS: dict[str, tuple[str, ...]] = {
    "meeting": ("title", "description"),
    "agenda_item": ("title", "description"),
    "outcome": ("text",),
    "commitment": ("title", "description"),
    "minutes": ("introduction", "closing"),
    "minutes_item_note": ("summary",),
}


def upgrade() -> None:
    connection = op.get_bind()
    for table, fields in FIELDS.items():
        # A plain added column: no copy of the table on SQLite.
        op.add_column(table, sa.Column("translations", sa.JSON(), server_default="{}", nullable=False))
        columns = [sa.column("id"), *(sa.column(field) for field in fields)]
        source = sa.table(table, *columns, sa.column("translations", sa.JSON()))
        rows = connection.execute(sa.select(*columns)).all()
        values = [
            {
                "row_id": row.id,
                "value": {field: {"fr": getattr(row, field)} for field in fields if getattr(row, field)},
            }
            for row in rows
        ]
        if values:
            connection.execute(
                sa.update(source)
                .where(source.c.id == sa.bindparam("row_id"))
                .values(translations=sa.bindparam("value", type_=sa.JSON())),
                values,
            )


def downgrade() -> None:
    for table in FIELDS:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("translations")
