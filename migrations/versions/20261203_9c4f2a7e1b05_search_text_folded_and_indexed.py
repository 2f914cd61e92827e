"""Search: a folded, indexed `search_text` on meetings, commitments, people, organisations,
bodies, outbox messages and audit events (accent-, case- and tashkeel-insensitive search)

Revision ID: 9c4f2a7e1b05
Revises: 5d1e7c0a9b42
Create Date: 2026-12-03 09:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9c4f2a7e1b05"
down_revision: str | None = "5d1e7c0a9b42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("organisation", "person", "body", "meeting", "commitment", "outbox_message", "audit_event")


def _fill_written_once(connection: sa.Connection) -> None:
    """Outbox messages and audit events fold their words when written: fill the old ones.
    The trail is append-only, so its guard is lifted for this one update."""
    from dialogue.search import fold

    postgresql = connection.dialect.name == "postgresql"
    outbox = sa.table(
        "outbox_message",
        sa.column("id"),
        sa.column("to_address"),
        sa.column("to_name"),
        sa.column("subject"),
        sa.column("search_text"),
    )
    for row in connection.execute(
        sa.select(outbox.c.id, outbox.c.to_address, outbox.c.to_name, outbox.c.subject)
    ).all():
        connection.execute(
            outbox.update()
            .where(outbox.c.id == row.id)
            .values(search_text=fold(f"{row.to_address} {row.to_name} {row.subject}"))
        )
    events = sa.table(
        "audit_event", sa.column("id"), sa.column("actor"), sa.column("summary"), sa.column("search_text")
    )
    rows = connection.execute(sa.select(events.c.id, events.c.actor, events.c.summary)).all()
    if not rows:
        return
    if postgresql:
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    for row in rows:
        connection.execute(
            events.update().where(events.c.id == row.id).values(search_text=fold(f"{row.actor} {row.summary}"))
        )
    if postgresql:
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change")
    else:
        op.execute(
            "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
            "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
        )


def upgrade() -> None:
    # The records' own search_text is filled once the schema is at head
    # (`dialogue.db.run_alembic`): the code that computes it reads today's columns.
    connection = op.get_bind()
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in TABLES:
        op.add_column(table, sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    _fill_written_once(connection)
    for table in TABLES:
        op.create_index(
            f"ix_{table}_search_text",
            table,
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_search_text", table_name=table)
        op.drop_column(table, "search_text")
