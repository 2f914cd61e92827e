"""The whole record as one archive (`dialogue export FILE`, `/export`), and back into an
empty database (`dialogue import FILE`).

The archive is a zip of JSON files: `tables/<table>.json` for every table of the schema in
the order their foreign keys need (`Base.metadata.sorted_tables`), then `manifest.json`.
A table added later is exported without anything to change here. Each table file holds
`{"table": ..., "columns": {name: kind}, "rows": [...]}`, the rows ordered by primary key,
one per line, their values typed by the column's kind: "datetime" as ISO 8601 in UTC with
microseconds, "date" as ISO 8601, "bytes" in base64, "json" as JSON, the others as JSON
numbers, strings and booleans. The manifest names the archive format and its version, the
Alembic revision of the schema, and per table its file, number of rows and SHA-256.

Nothing in it depends on the moment of the export (no export time, fixed zip entry times),
so the same database always gives the same bytes: an import followed by a new export gives
the archive back byte for byte.

What is left out: the sessions and the secrets, table by table and column by column.

- `sign_in_session`: signed-in browsers (the hash of each cookie's token). Secret, and of no
  use elsewhere: everyone signs in again on the new server.
- `sign_in_throttle`: failed sign-ins per email and address, kept for minutes; security
  state, not the record.
- `api_token`: personal API tokens, stored as the hash of the token (a credential). People
  make new tokens on their account page.
- `one_time_link`: invitation and password links (the hash of each link's token). The
  secretariat sends new ones (`dialogue users reset-password EMAIL`).
- `feed_token`: the secret addresses of calendar feeds (the hash of the token); people
  make new addresses on their account page.
- `form_submission`: one-time keys of forms and the API's `Idempotency-Key`, kept a day
  against double clicks; they mean nothing once the day is over.
- `import_upload`: a spreadsheet uploaded for an import and not yet confirmed (dialogue/
  imports), kept a day at most and only for the person who uploaded it: work in progress,
  not the record; what an import wrote is in the tables it wrote to and in the audit trail.
- `data_version`: how many changes this database has seen, which tells each server process
  which of its kept pages are still current (dialogue/page_cache.py); it belongs to the
  database, not to the record.
- `account.password_hash`: a password, however well hashed, stays with its server. The
  accounts come back without one: each person chooses a new password through a link.

The files of documents (dialogue/documents) are left out too, on purpose: the archive holds
the `document` and `document_version` rows (title, file name, media type, size, SHA-256 and
storage key), not the bytes, which live in the storage backend (a directory or an S3 bucket)
and may weigh gigabytes that a zip of JSON held in memory cannot carry. Back the storage up
beside the archive; restored on a server with the same storage, every download works again,
and each file can be checked against its SHA-256. A download whose file is missing says so.

The audit trail keeps its events as they were (it never held a secret: they show as "•••").
The outbox keeps every message as it was sent: meeting invitations carry each person's
answer link, signed with DIALOGUE_SECRET_KEY (not in the archive), which works wherever
that key does, as it does from the recipient's mailbox; one more reason to keep an archive
as safely as the server (the /export page says so).

Importing writes with SQLAlchemy Core on a plain connection, not through the sessions of
`session_factory`: the audit trail, the search index and the calendar SEQUENCE listeners
never run, so the restored rows are exactly the exported ones (the search index is a
column of each table, `search_text`, restored with its row). On PostgreSQL the identity
sequences are moved past the highest ids afterwards.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from sqlalchemy import Column, Connection, Table, func, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.types import TypeDecorator

from dialogue import page_cache
from dialogue.db import Base
from dialogue.i18n import _

FORMAT = "dialogue-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Every entry carries this time, whenever the archive is made (the zip format starts in 1980).
ENTRY_TIME = (1980, 1, 1, 0, 0, 0)

# Why each is left out: see the module's docstring.
EXCLUDED_TABLES = frozenset(
    {
        "sign_in_session",
        "sign_in_throttle",
        "api_token",
        "one_time_link",
        "feed_token",
        "form_submission",
        "import_upload",
        "data_version",
    }
)
EXCLUDED_COLUMNS = frozenset({("account", "password_hash")})


# Errors: each refusal of an import, with its exit status for the command line -----------


class ArchiveError(Exception):
    """An archive refused, with a message in the configured language; nothing was written.
    Each kind names its exit status: `class CorruptArchive(ArchiveError, exit_code=3)`."""

    exit_code = 1

    def __init_subclass__(cls, *, exit_code: int, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.exit_code = exit_code

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CorruptArchive(ArchiveError, exit_code=3):
    """The zip, or a file in it, cannot be read."""


class WrongFormat(ArchiveError, exit_code=4):
    """Not a Dialogue archive, or one of another format version."""


class ChecksumMismatch(ArchiveError, exit_code=5):
    """A table's file is not the one the manifest describes."""


class SchemaMismatch(ArchiveError, exit_code=6):
    """The archive's tables or columns are not this version's."""


class DatabaseNotEmpty(ArchiveError, exit_code=7):
    """An archive is imported into an empty database only."""


class RowsRefused(ArchiveError, exit_code=8):
    """The database refused a row (a constraint): the transaction was rolled back."""


# What is exported ------------------------------------------------------------------------


def metadata() -> Any:
    import dialogue.models  # noqa: F401  (every table on the metadata)

    return Base.metadata


def exported_tables() -> list[Table]:
    """Every table but the excluded ones, parents before children."""
    return [table for table in metadata().sorted_tables if table.name not in EXCLUDED_TABLES]


def exported_columns(table: Table) -> list[Column[Any]]:
    return [column for column in table.columns if (table.name, column.name) not in EXCLUDED_COLUMNS]


_KINDS: dict[type, str] = {
    bool: "boolean",
    int: "integer",
    str: "text",
    dt.datetime: "datetime",
    dt.date: "date",
    bytes: "bytes",
    dict: "json",
}


def column_kind(column: Column[Any]) -> str:
    """How a column's values are written in the archive; a type not foreseen here stops the
    export (so that a new column type gets a decision instead of a lossy guess)."""
    sql_type = column.type
    python_type: type | None
    try:
        python_type = sql_type.python_type
    except NotImplementedError:  # a TypeDecorator of ours (ChoiceType): its storage type's
        python_type = sql_type.impl_instance.python_type if isinstance(sql_type, TypeDecorator) else None
    kind = _KINDS.get(python_type) if python_type else None
    if kind is None:
        raise TypeError(f"{column.table.name}.{column.name}: no archive format for {python_type!r}")
    return kind


def _encode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if kind == "date":
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(value).decode("ascii")
    if kind == "text":
        return getattr(value, "value", value)  # a Choice: its stored text
    return value


def _decode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return dt.datetime.fromisoformat(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "bytes":
        return base64.b64decode(value, validate=True)
    return value


# Reading the database ----------------------------------------------------------------------

# Rows are fetched this many at a time, so that the event loop is never held for long.
FETCH = 500


@dataclass
class Snapshot:
    """The rows of every exported table (as read, Python values) and the schema revision."""

    revision: list[str]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def schema_revision(connection: Connection) -> list[str]:
    """The Alembic revision(s) the database is at; none when never migrated."""
    if not inspect(connection).has_table("alembic_version"):
        return []
    return sorted(connection.scalars(text("SELECT version_num FROM alembic_version")).all())


@asynccontextmanager
async def one_state(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in a transaction that sees one state of the database while Dialogue
    keeps writing (PostgreSQL: REPEATABLE READ; SQLite: a read transaction)."""
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execution_options(isolation_level="REPEATABLE READ")
        async with connection.begin():
            if engine.dialect.name == "sqlite":
                # The SQLite driver begins a transaction before writes only: without this,
                # each table would be read at its own moment.
                await connection.exec_driver_sql("BEGIN")
            yield connection


async def read_table(connection: AsyncConnection, table: Table) -> list[dict[str, Any]]:
    """A table's exported columns, rows by primary key, fetched a few at a time."""
    query = select(*exported_columns(table)).order_by(*table.primary_key.columns)
    result = await connection.stream(query)
    rows: list[dict[str, Any]] = []
    async for partition in result.mappings().partitions(FETCH):
        rows.extend(dict(row) for row in partition)
    return rows


async def read_snapshot(engine: AsyncEngine) -> Snapshot:
    """Every exported row, from one state of the database (all in memory: for tests and
    small records; `export_archive` holds one table at a time)."""
    async with one_state(engine) as connection:
        snapshot = Snapshot(revision=await connection.run_sync(schema_revision))
        for table in exported_tables():
            snapshot.tables[table.name] = await read_table(connection, table)
        return snapshot


# Writing the archive ---------------------------------------------------------------------


def table_json(table: Table, rows: Iterable[dict[str, Any]]) -> bytes:
    """One table's file: its columns with their kinds, then one row per line."""
    kinds = {column.name: column_kind(column) for column in exported_columns(table)}
    lines = [
        json.dumps({name: _encode(kind, row[name]) for name, kind in kinds.items()}, ensure_ascii=False, sort_keys=True)
        for row in rows
    ]
    head = json.dumps({"table": table.name, "columns": kinds}, ensure_ascii=False, sort_keys=True)[:-1]
    body = ",\n".join(lines)
    return f'{head}, "rows": [\n{body}\n]}}\n'.encode() if lines else f'{head}, "rows": []}}\n'.encode()


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ENTRY_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


class ArchiveWriter:
    """The archive, table by table (each compressed as it comes), then the manifest."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w")
        self._tables: dict[str, dict[str, Any]] = {}

    def add(self, table: Table, rows: list[dict[str, Any]]) -> None:
        name = f"tables/{table.name}.json"
        content = table_json(table, rows)
        self._tables[table.name] = {"file": name, "rows": len(rows), "sha256": hashlib.sha256(content).hexdigest()}
        self._zip.writestr(_entry(name), content)

    def finish(self, revision: list[str]) -> bytes:
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_revision": revision,
            "tables": self._tables,
            "excluded_tables": sorted(EXCLUDED_TABLES),
            "excluded_columns": sorted(f"{table}.{column}" for table, column in EXCLUDED_COLUMNS),
        }
        self._zip.writestr(_entry(MANIFEST), json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n")
        self._zip.close()
        return self._buffer.getvalue()


def write_archive(snapshot: Snapshot) -> bytes:
    """The archive of `snapshot`: the same snapshot always gives the same bytes."""
    writer = ArchiveWriter()
    for table in exported_tables():
        writer.add(table, snapshot.tables[table.name])
    return writer.finish(snapshot.revision)


async def export_archive(engine: AsyncEngine) -> bytes:
    """The archive of the database behind `engine`, the same bytes as `write_archive` of its
    snapshot: read a few rows at a time from one state of the database, each table encoded
    and compressed in a worker thread, so that the event loop keeps serving and only one
    table's rows are in memory at once."""
    writer = ArchiveWriter()
    async with one_state(engine) as connection:
        revision = await connection.run_sync(schema_revision)
        for table in exported_tables():
            rows = await read_table(connection, table)
            await anyio.to_thread.run_sync(writer.add, table, rows)
    return await anyio.to_thread.run_sync(writer.finish, revision)


# Reading an archive ----------------------------------------------------------------------


@dataclass
class Archive:
    """A checked archive: its schema revision and each table's rows, decoded."""

    revision: list[str]
    tables: dict[str, list[dict[str, Any]]]

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items()}


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise WrongFormat(_("This file is not a Dialogue archive: it has no manifest.json.")) from None
    except ValueError:
        raise CorruptArchive(_("The archive's manifest.json cannot be read.")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise WrongFormat(_("This file is not a Dialogue archive."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise WrongFormat(
            _("This archive is in format version {found}; this version of Dialogue reads version {expected}.").format(
                found=manifest.get("format_version"), expected=FORMAT_VERSION
            )
        )
    return manifest


def _table_rows(archive: zipfile.ZipFile, table: Table, entry: dict[str, Any]) -> list[dict[str, Any]]:
    try:
        content = archive.read(entry["file"])
    except (KeyError, TypeError):
        raise CorruptArchive(_("The archive lacks the file of the table {table}.").format(table=table.name)) from None
    if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
        raise ChecksumMismatch(
            _(
                "The file {file} does not match its checksum in the manifest: the archive was changed or damaged."
            ).format(file=entry["file"])
        )
    data = json.loads(content)
    kinds = {column.name: column_kind(column) for column in exported_columns(table)}
    if data.get("columns") != kinds:
        raise SchemaMismatch(
            _("The columns of the table {table} differ from this database's.").format(table=table.name)
        )
    return [{name: _decode(kind, row.get(name)) for name, kind in kinds.items()} for row in data["rows"]]


def read_archive(content: bytes) -> Archive:
    """Check an archive (zip, format, checksums, tables) and decode its rows; raises an
    `ArchiveError` saying what is wrong."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if archive.testzip() is not None:
                raise zipfile.BadZipFile
            manifest = _manifest(archive)
            entries = manifest.get("tables") or {}
            expected = {table.name for table in exported_tables()}
            if set(entries) != expected:
                missing, extra = sorted(expected - set(entries)), sorted(set(entries) - expected)
                raise SchemaMismatch(
                    _(
                        "The archive's tables differ from this database's (missing: {missing}; unknown: {extra})."
                    ).format(missing=", ".join(missing) or "-", extra=", ".join(extra) or "-")
                )
            tables = {table.name: _table_rows(archive, table, entries[table.name]) for table in exported_tables()}
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError, TypeError, AttributeError):
        raise CorruptArchive(_("The file is not a readable zip archive, or it is damaged.")) from None
    revision = manifest.get("schema_revision")
    return Archive(revision=list(revision) if isinstance(revision, list) else [], tables=tables)


# Restoring ------------------------------------------------------------------------------


def _restore(connection: Connection, archive: Archive) -> None:
    revision = schema_revision(connection)
    if revision != archive.revision:
        raise SchemaMismatch(
            _(
                "The archive was made at schema revision {archive}, the database is at {database}: "
                "bring both to the same version of Dialogue first (dialogue database upgrade)."
            ).format(archive=", ".join(archive.revision) or "-", database=", ".join(revision) or "-")
        )
    for table in metadata().sorted_tables:
        if table.name != "data_version" and connection.scalar(select(func.count()).select_from(table)):
            raise DatabaseNotEmpty(
                _("The database is not empty (the table {table} has rows): import only into a new database.").format(
                    table=table.name
                )
            )
    for table in exported_tables():
        rows = archive.tables[table.name]
        if rows:
            connection.execute(insert(table), rows)
    if connection.dialect.name == "postgresql":
        for table in metadata().sorted_tables:
            if "id" in table.c and table.c.id.primary_key:
                highest = select(func.max(table.c.id)).scalar_subquery()
                sequence = func.pg_get_serial_sequence(table.name, "id")
                connection.execute(select(func.setval(sequence, func.coalesce(highest, 0) + 1, False)))
    page_cache.raise_version(connection)  # a running server's pages of the empty database are gone


async def restore_archive(engine: AsyncEngine, archive: Archive) -> None:
    """Write `archive` into the empty database behind `engine`, in one transaction, with
    Core inserts (no session listener runs: no audit event, no search or SEQUENCE update).
    Refuses a database at another schema revision or holding any row."""
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_restore, archive)
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig is not None else type(error).__name__
        raise RowsRefused(
            _("The database refused a row of the archive ({reason}); nothing was written.").format(reason=reason)
        ) from None


async def import_archive(engine: AsyncEngine, content: bytes) -> Archive:
    """Check `content` then restore it (see `read_archive` and `restore_archive`)."""
    archive = await anyio.to_thread.run_sync(read_archive, content)
    await restore_archive(engine, archive)
    return archive
