"""Alembic environment: the connection is handed over by `dialogue.db.run_alembic`."""

from alembic import context

import dialogue.models  # noqa: F401
from dialogue.db import Base, render_item

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("Run migrations with `dialogue database upgrade`, not plain `alembic`.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
