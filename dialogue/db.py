"""Database: the declarative base, the engine (with SQLite pragmas) and migrations."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
from pathlib import Path
from typing import Annotated, Any

from advanced_alchemy.base import IdentityAuditBase
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from advanced_alchemy.extensions.litestar._utils import delete_aa_scope_state, get_aa_scope_state
from advanced_alchemy.extensions.litestar.plugins.init.config.common import SESSION_TERMINUS_ASGI_EVENTS
from advanced_alchemy.types import DateTimeUTC
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import ForeignKey, Integer, String, Table, Text, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Mapped, MappedColumn, declared_attr, mapped_column

from dialogue.settings import ROOT, Settings

MIGRATIONS = ROOT / "migrations"


# Column types that recur across the tables: `Mapped[Moment]`, `Mapped[Moment | None] =
# mapped_column(default=None)`, `Mapped[FreeText]`.
Moment = Annotated[dt.datetime, mapped_column(DateTimeUTC(timezone=True))]
"""A point in time, stored timezone-aware in UTC (a naive datetime is refused)."""
FreeText = Annotated[str, mapped_column(Text, default="")]
"""Text of any length that the person may leave empty."""


def foreign_key(table: str, *, ondelete: str, **options: Any) -> MappedColumn[Any]:
    """An indexed foreign key to the `id` of `table`, and what deleting the row it points at
    does (RESTRICT, CASCADE, SET NULL): `meeting_id: Mapped[int] = foreign_key("meeting",
    ondelete="CASCADE")`. `options` go to `mapped_column` (`default=None`, `unique=True`)."""
    return mapped_column(ForeignKey(f"{table}.id", ondelete=ondelete), index=True, **options)


def table_of(model: type[Base]) -> Table:
    """A model's table, typed as one (SQLAlchemy types `__table__` as any FromClause, since a
    model may map a join; ours never do)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def count_per_row(counted: Any, outer: Any, *conditions: Any) -> Any:
    """How many rows of the model `counted` meet `conditions` for each row of `outer`: a
    correlated subquery, so that a list reads its counts in its own statement (no N+1)."""
    return select(func.count(counted.id)).where(*conditions).correlate(outer).scalar_subquery()


class Base(IdentityAuditBase):
    """Every table: an identity `id`, `created_at` and `updated_at` (UTC, timezone-aware)."""

    __abstract__ = True


class Versioned:
    """Optimistic locking: every UPDATE checks and bumps `version`.

    Forms and API bodies carry the version they were read at; `check_version` refuses a stale
    one before any change, and SQLAlchemy refuses a concurrent write that slips between.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL and a busy timeout let the server
    # processes and a CLI command write at the same time. One writer at a time: the others
    # wait for the lock. Five seconds was too short when 30 people signed in at once on a
    # busy machine (`make soak`: "database is locked"); a write waits up to 30 s instead.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(settings: Settings) -> AsyncEngine:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=settings.echo_sql)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, echo=settings.echo_sql, pool_pre_ping=True)


# advanced-alchemy records the state keys of every config ever made in class-level sets and
# looks for a free name recursively: after about a thousand apps in one process (the test
# suite builds one per test) the recursion overflows. Each app names its own keys.
_apps = itertools.count(1)


def _closing(session_scope_key: str) -> Any:
    """Closes the request's session as the answer goes out (advanced-alchemy's default does the
    same), but a connection lost with the database (PostgreSQL restarted, the network cut)
    only invalidates it: the answer (a 503 that says so) has started, and an error here would
    cut it off."""

    async def handler(message: Any, scope: Any) -> None:
        session = get_aa_scope_state(scope, session_scope_key)
        if session is None or message["type"] not in SESSION_TERMINUS_ASGI_EVENTS:
            return
        delete_aa_scope_state(scope, session_scope_key)
        try:
            await session.close()
        except (DBAPIError, OSError) as error:
            logging.getLogger("dialogue").warning("database session closed on a lost connection: %s", error)
            with contextlib.suppress(DBAPIError, OSError):
                await session.invalidate()

    return handler


def sqlalchemy_plugin(engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]) -> SQLAlchemyPlugin:
    """The request's session (`db`), from the app's own factory (dialogue/session_factory.py)."""
    # Handlers commit explicitly: advanced-alchemy's "autocommit" rolls back a form answered
    # with a 303 redirect, and logs an exception raised by its commit at debug level only.
    number = next(_apps)
    config = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_maker=sessions,
        session_dependency_key="db",
        create_all=False,
        session_scope_key=f"_dialogue_db_session_{number}",
        before_send_handler=_closing(f"_dialogue_db_session_{number}"),
        engine_app_state_key=f"dialogue_engine_{number}",
        session_maker_app_state_key=f"dialogue_session_maker_{number}",
    )
    return SQLAlchemyPlugin(config=config)


def render_item(kind: str, obj: Any, _autogen_context: Any) -> str | bool:
    """Autogenerate: Choice columns are plain strings in the schema."""
    from dialogue.choices import ChoiceType

    if kind == "type" and isinstance(obj, ChoiceType) and isinstance(obj.impl_instance, String):
        return f"sa.String(length={obj.impl_instance.length})"
    return False


def _revision(sync_connection: Any) -> str | None:
    return MigrationContext.configure(sync_connection).get_current_revision()


def alembic_config(connection: Any = None) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


async def run_alembic(engine: AsyncEngine, action: str, *args: Any, **kwargs: Any) -> None:
    """Run an Alembic command (`upgrade`, `downgrade`, `revision`, `current`...) on `engine`."""
    import dialogue.models  # noqa: F401  (every table on the metadata, for autogenerate)

    def run(sync_connection: Any) -> None:
        config = alembic_config(sync_connection)
        before = _revision(sync_connection)
        getattr(command, action)(config, *args, **kwargs)
        after = _revision(sync_connection)
        # An upgrade that reached head recomputes every record's search text: what it is made
        # of is today's code, which reads today's columns (a migration could not call it).
        if action == "upgrade" and after != before and after == ScriptDirectory.from_config(config).get_current_head():
            from dialogue.search import refresh_all

            refresh_all(sync_connection)

    if engine.dialect.name != "sqlite":
        async with engine.begin() as connection:
            await connection.run_sync(run)
        return
    # SQLite changes a column by copying its table and dropping the old one; with foreign
    # keys on, that DROP would delete (ON DELETE CASCADE) the rows that point at it. The
    # pragma only takes effect outside a transaction: off before, checked and on after.
    async with engine.connect() as connection:
        await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await connection.commit()
        try:
            async with connection.begin():
                await connection.run_sync(run)
                broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                if broken:
                    raise RuntimeError(f"The migration left rows pointing at nothing: {broken[:5]}")
        finally:
            await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            await connection.commit()
