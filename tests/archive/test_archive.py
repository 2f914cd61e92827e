"""`dialogue export` and `dialogue import`: the whole record as one archive and back.

The source is the demo council, plus a row in every table the demo leaves empty and some
secrets (sessions, tokens, links, form keys, passwords) that must stay out of the archive;
it is built once for the module on SQLite. The round trips (SQLite, PostgreSQL, SQLite to
PostgreSQL) prove that a new export of the restored database is the same archive byte for
byte (the archive holds no export time), that adopted minutes still verify, that search
works, that no audit event was added and that new rows get new ids.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import sqlite3
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import event, func, make_url, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from dialogue.accounts.links import new_link
from dialogue.accounts.models import Account, ApiToken, LinkPurpose, OneTimeLink, Role, SignInSession, SignInThrottle
from dialogue.accounts.sessions import start_session
from dialogue.agenda.models import AgendaItem
from dialogue.archive import service
from dialogue.archive.service import (
    EXCLUDED_COLUMNS,
    EXCLUDED_TABLES,
    ArchiveError,
    ChecksumMismatch,
    CorruptArchive,
    DatabaseNotEmpty,
    RowsRefused,
    SchemaMismatch,
    WrongFormat,
    column_kind,
    export_archive,
    exported_columns,
    exported_tables,
    import_archive,
    read_snapshot,
    write_archive,
)
from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.calendar.models import FeedScope, FeedToken
from dialogue.cli import main
from dialogue.db import Base, create_engine, utcnow
from dialogue.demo import load_demo
from dialogue.idempotency import FormSubmission
from dialogue.meetings.models import CalendarDelivery, Meeting
from dialogue.minutes.models import (
    Minutes,
    MinutesAddendum,
    MinutesDecision,
    MinutesItemComment,
    MinutesItemNote,
    MinutesStatus,
    RenderedMinutes,
)
from dialogue.minutes.reading import json_for
from dialogue.people.models import Organisation, Person
from dialogue.probes import migration_heads
from dialogue.schedule import ScheduledRun
from dialogue.search import fold, matches
from dialogue.session_factory import session_factory
from dialogue.settings import Settings
from tests import factories
from tests.conftest import PG_URL, _fresh_schema, stamp

SECRET_KEY = "test-secret-key-" + "x" * 32


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, secret_key=SECRET_KEY)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def empty_schema(url: str) -> None:
    """A new database at the migrations' head with no row (as the tests' schema is made)."""
    engine = create_engine(settings_for(url))
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
        await stamp(connection, migration_heads())
    await engine.dispose()


async def add_the_rest(url: str) -> list[str]:
    """A row in every table the demo leaves empty (bytes that are not UTF-8 included), and
    secrets of every kind; returns the secrets as stored."""
    engine = create_engine(settings_for(url))
    try:
        async with session_factory(engine)() as db:
            adopted = await db.scalar(select(Minutes).where(Minutes.status == MinutesStatus.ADOPTED))
            circulated = await db.scalar(select(Minutes).where(Minutes.status == MinutesStatus.CIRCULATED))
            assert adopted is not None and circulated is not None
            item = await db.scalar(
                select(AgendaItem).where(AgendaItem.meeting_id == circulated.meeting_id).order_by(AgendaItem.id)
            )
            decision = await db.scalar(select(MinutesDecision).order_by(MinutesDecision.id))
            meeting = await db.get(Meeting, adopted.meeting_id)
            account = await db.scalar(select(Account).where(Account.role == Role.SECRETARIAT).order_by(Account.id))
            assert item is not None and decision is not None and meeting is not None and account is not None
            now = utcnow()
            db.add_all(
                [
                    MinutesItemNote(
                        minutes_id=circulated.id,
                        meeting_id=circulated.meeting_id,
                        agenda_item_id=item.id,
                        summary="Note",
                    ),
                    MinutesItemComment(
                        decision_id=decision.id,
                        meeting_id=decision.meeting_id,
                        agenda_item_id=item.id,
                        item_title=item.title,
                        comment="تعليق « مع » علامات",
                    ),
                    MinutesAddendum(
                        minutes_id=adopted.id,
                        meeting_id=adopted.meeting_id,
                        written_on=now.date(),
                        text="Rectificatif",
                        account_id=account.id,
                        written_by=account.email,
                    ),
                    RenderedMinutes(
                        meeting_id=adopted.meeting_id,
                        key="k" * 64,
                        format="pdf",
                        language="ar",
                        content=b"%PDF-\x00\xff\xfe" + bytes(range(256)),
                    ),
                    CalendarDelivery(
                        meeting_id=meeting.id,
                        person_id=(await db.scalar(select(func.min(Person.id)))) or 1,
                        email="someone@example.tn",
                        sequence=2,
                        method="REQUEST",
                        role="member",
                        sent_at=now,
                    ),
                    ScheduledRun(job="digest", slot=now, ran_by="worker-1"),
                    FeedToken(account_id=account.id, scope=FeedScope.PERSON, scope_key="1", token_hash="f" * 64),
                    FormSubmission(key="form-key-" + "k" * 20, account_id=account.id, url="/meetings/1"),
                    SignInThrottle(key="email:someone@example.tn", failures=3),
                ]
            )
            await factories.api_token(db, account)
            await start_session(db, account, previous_token=None, ip="127.0.0.1", user_agent="tests")
            invited = await db.scalar(select(Account).where(Account.id != account.id).order_by(Account.id))
            assert invited is not None
            await new_link(db, invited, LinkPurpose.INVITE)
            await db.commit()
            secrets: list[str] = []
            for column in (
                Account.password_hash,
                ApiToken.token_hash,
                OneTimeLink.token_hash,
                SignInSession.token_hash,
                FeedToken.token_hash,
                FormSubmission.key,
            ):
                secrets += [value for value in (await db.scalars(select(column))).all() if value]
            return secrets
    finally:
        await engine.dispose()


async def export_of(url: str) -> bytes:
    engine = create_engine(settings_for(url))
    try:
        return await export_archive(engine)
    finally:
        await engine.dispose()


@dataclass
class Source:
    url: str
    archive: bytes
    secrets: list[str]


async def _build(url: str) -> Source:
    await empty_schema(url)
    await load_demo(settings_for(url), start_hint=False)
    secrets = await add_the_rest(url)
    return Source(url, await export_of(url), secrets)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    """The demo council and the rest on SQLite, and its archive (made once for the module)."""
    return asyncio.run(_build(sqlite_url(tmp_path_factory.mktemp("archive") / "source.db")))


def files_of(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def manifest_of(archive: bytes) -> dict[str, Any]:
    return json.loads(files_of(archive)["manifest.json"])


async def row_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        return {
            table.name: int(await connection.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


async def check_restored(engine: AsyncEngine, archive: bytes) -> None:
    """The restored database gives the archive back, its adopted minutes verify, search
    finds its records, the trail gained nothing and new records get new ids."""
    assert await export_archive(engine) == archive
    counts = manifest_of(archive)["tables"]
    async with session_factory(engine)() as db:
        assert await db.scalar(select(func.count(AuditEvent.id))) == counts["audit_event"]["rows"]
        adopted = (await db.scalars(select(Minutes).where(Minutes.status == MinutesStatus.ADOPTED))).all()
        assert adopted
        for minutes in adopted:
            hashed = await json_for(db, minutes.meeting_id, None, drafts=True)
            assert hashlib.sha256(hashed.encode()).hexdigest() == minutes.sha256
        meeting = await db.scalar(select(Meeting).order_by(Meeting.id.desc()))
        assert meeting is not None
        found = (await db.scalars(select(Meeting.id).where(matches(Meeting.search_text, meeting.title)))).all()
        assert meeting.id in found
        assert fold(meeting.title) in meeting.search_text
        accounts = (await db.scalars(select(Account))).all()
        assert accounts and all(account.password_hash is None for account in accounts)
        highest = await db.scalar(select(func.max(Organisation.id)))
        organisation = await factories.organisation(db)
        await db.commit()
        assert organisation.id == (highest or 0) + 1


# What the archive holds ------------------------------------------------------------------


def test_every_table_is_exported_or_excluded_and_no_secret_column_slips_in() -> None:
    """A new table is exported unless listed in EXCLUDED_TABLES; a new column that looks like
    a secret must be excluded (or its table) on purpose (the moment of a change, such as
    `password_changed_at`, is no secret)."""
    names = {table.name for table in Base.metadata.sorted_tables}
    exported = {table.name for table in exported_tables()}
    assert exported | EXCLUDED_TABLES == names
    assert not exported & EXCLUDED_TABLES
    assert names >= EXCLUDED_TABLES, "an excluded table no longer exists"
    for table_name, column_name in EXCLUDED_COLUMNS:
        assert column_name in Base.metadata.tables[table_name].c, "an excluded column no longer exists"
    for table in exported_tables():
        for column in exported_columns(table):
            kind = column_kind(column)  # every column has a format in the archive
            assert kind == "datetime" or not any(
                word in column.name for word in ("hash", "token", "secret", "password")
            ), f"{table.name}.{column.name} looks like a secret: exclude it or say why not"


def test_the_archive_holds_every_table_with_rows_and_no_secret(source: Source) -> None:
    files = files_of(source.archive)
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "dialogue-archive"
    assert manifest["format_version"] == service.FORMAT_VERSION
    assert manifest["schema_revision"] == sorted(migration_heads())
    assert set(manifest["tables"]) == {table.name for table in exported_tables()}
    for name, entry in manifest["tables"].items():
        content = files[entry["file"]]
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        data = json.loads(content)
        assert entry["rows"] == len(data["rows"]) > 0, f"no row in {name}: add one to add_the_rest"
        ids = [row["id"] for row in data["rows"]]
        assert ids == sorted(ids)
    assert set(files) == {"manifest.json", *(entry["file"] for entry in manifest["tables"].values())}
    with zipfile.ZipFile(io.BytesIO(source.archive)) as opened:
        assert {info.date_time for info in opened.infolist()} == {service.ENTRY_TIME}
    everything = b"".join(files.values()).decode()
    assert source.secrets and len(source.secrets) >= 8
    for secret in source.secrets:
        assert secret not in everything
    account = json.loads(files["tables/account.json"])
    assert "password_hash" not in account["columns"]
    rendered = json.loads(files["tables/rendered_minutes.json"])
    assert rendered["columns"]["content"] == "bytes"
    assert rendered["rows"][0]["content"].startswith("JVBERi0A")  # "%PDF-\0" in base64
    minutes = json.loads(files["tables/minutes.json"])["rows"][0]
    assert minutes["created_at"].endswith("+00:00")


async def test_the_same_database_gives_the_same_bytes(source: Source) -> None:
    assert await export_of(source.url) == source.archive


# Round trips -----------------------------------------------------------------------------


async def test_round_trip_on_sqlite(source: Source, tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "restored.db")
    await empty_schema(url)
    engine = create_engine(settings_for(url))
    try:
        archive = await import_archive(engine, source.archive)
        assert archive.counts == {name: entry["rows"] for name, entry in manifest_of(source.archive)["tables"].items()}
        await check_restored(engine, source.archive)
    finally:
        await engine.dispose()


@pytest.fixture
async def pg_engine(sqlite_files: tuple[Path, Path]) -> AsyncIterator[AsyncEngine]:
    """The tests' PostgreSQL database, emptied."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set DIALOGUE_TEST_DATABASE_URL to run this test on it")
    engine = create_engine(settings_for(PG_URL))
    await _fresh_schema(engine, sqlite_files)
    yield engine
    await engine.dispose()


async def test_from_sqlite_to_postgresql(source: Source, pg_engine: AsyncEngine) -> None:
    """The path for a secretariat that outgrows SQLite: the archive comes back identical."""
    await import_archive(pg_engine, source.archive)
    await check_restored(pg_engine, source.archive)


async def test_round_trip_on_postgresql(pg_engine: AsyncEngine) -> None:
    await load_demo(settings_for(PG_URL), start_hint=False)
    await add_the_rest(PG_URL)
    archive = await export_archive(pg_engine)
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    async with pg_engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    await import_archive(pg_engine, archive)
    await check_restored(pg_engine, archive)


# Refusals: each with its message, nothing written ----------------------------------------


def _edited(archive: bytes, table: str, edit: Any, *, checksum: bool) -> bytes:
    """The archive with one table's rows edited (`edit(rows)`), its checksum updated or not."""
    files = files_of(archive)
    manifest = json.loads(files["manifest.json"])
    entry = manifest["tables"][table]
    data = json.loads(files[entry["file"]])
    edit(data["rows"])
    files[entry["file"]] = json.dumps(data).encode()
    if checksum:
        entry["sha256"] = hashlib.sha256(files[entry["file"]]).hexdigest()
        files["manifest.json"] = json.dumps(manifest).encode()
    return zipped(files)


def _with_manifest(archive: bytes, **changes: Any) -> bytes:
    files = files_of(archive)
    files["manifest.json"] = json.dumps({**json.loads(files["manifest.json"]), **changes}).encode()
    return zipped(files)


def _duplicate_first(rows: list[dict[str, Any]]) -> None:
    rows.append(dict(rows[0]))


def _change_a_name(rows: list[dict[str, Any]]) -> None:
    rows[0]["name"] = "Changed after the export"


REFUSALS: dict[str, tuple[Any, type[ArchiveError], str]] = {
    "not a zip": (lambda archive: b"name,email\nA,a@example.tn\n", CorruptArchive, "not a readable zip"),
    "cut short": (lambda archive: archive[: len(archive) // 2], CorruptArchive, "not a readable zip"),
    "damaged": (
        lambda archive: archive[:5000] + bytes([archive[5000] ^ 0xFF]) + archive[5001:],
        CorruptArchive,
        "not a readable zip",
    ),
    "no manifest": (lambda archive: zipped({"data.json": b"{}"}), WrongFormat, "no manifest.json"),
    "another format": (lambda archive: _with_manifest(archive, format="other"), WrongFormat, "not a Dialogue archive"),
    "a later format version": (
        lambda archive: _with_manifest(archive, format_version=2),
        WrongFormat,
        "format version 2",
    ),
    "a changed file": (
        lambda archive: _edited(archive, "organisation", _change_a_name, checksum=False),
        ChecksumMismatch,
        "tables/organisation.json does not match its checksum",
    ),
    "another schema revision": (
        lambda archive: _with_manifest(archive, schema_revision=["0000aaaa0000"]),
        SchemaMismatch,
        "schema revision 0000aaaa0000",
    ),
    "a row the database refuses": (
        lambda archive: _edited(archive, "organisation", _duplicate_first, checksum=True),
        RowsRefused,
        "refused a row",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
async def test_an_archive_is_refused_and_nothing_written(source: Source, engine: AsyncEngine, case: str) -> None:
    make, refusal, message = REFUSALS[case]
    with pytest.raises(refusal) as refused:
        await import_archive(engine, make(source.archive))
    assert message in refused.value.message
    assert set((await row_counts(engine)).values()) == {0}


async def test_a_database_with_records_is_refused(source: Source, engine: AsyncEngine) -> None:
    async with session_factory(engine)() as db:
        await factories.organisation(db)
        await db.commit()
    before = await row_counts(engine)
    with pytest.raises(DatabaseNotEmpty) as refused:
        await import_archive(engine, source.archive)
    assert "not empty" in refused.value.message
    assert await row_counts(engine) == before


# The command line, as typed ----------------------------------------------------------------


def test_the_commands_as_typed(source: Source, tmp_path: Path) -> None:
    runner = CliRunner()
    target = {"DIALOGUE_DATABASE_URL": sqlite_url(tmp_path / "new.db"), "DIALOGUE_LANGUAGE": "en"}
    written = tmp_path / "dialogue-archive.zip"
    result = runner.invoke(main, ["export", str(written)], env={"DIALOGUE_DATABASE_URL": source.url})
    assert result.exit_code == 0, result.output
    assert written.read_bytes() == source.archive

    assert runner.invoke(main, ["database", "upgrade"], env=target).exit_code == 0
    # Each refusal with its message and its own exit status; nothing written.
    for case, (make, refusal, message) in REFUSALS.items():
        refused = tmp_path / "refused.zip"
        refused.write_bytes(make(source.archive))
        result = runner.invoke(main, ["import", str(refused)], env=target)
        assert result.exit_code == refusal.exit_code, case
        assert "Nothing imported: " in result.output and message in result.output, case
    assert {refusal.exit_code for _make, refusal, _message in REFUSALS.values()} == {3, 4, 5, 6, 8}

    result = runner.invoke(main, ["import", str(written)], env=target)
    assert result.exit_code == 0, result.output
    rows = sum(entry["rows"] for entry in manifest_of(source.archive)["tables"].values())
    assert f"{rows} rows imported from {written}" in result.output

    result = runner.invoke(main, ["import", str(written)], env=target)
    assert result.exit_code == DatabaseNotEmpty.exit_code
    assert "The database is not empty" in result.output

    again = tmp_path / "again.zip"
    assert runner.invoke(main, ["export", str(again)], env=target).exit_code == 0
    assert again.read_bytes() == source.archive


# The page and its download -----------------------------------------------------------------


async def test_the_secretariat_downloads_the_archive(english: Any, engine: AsyncEngine) -> None:
    page = await english.get("/export")
    assert page.status_code == 200
    assert 'href="/export/archive.zip" hx-boost="false" download="dialogue-archive-' in page.text
    assert "dialogue import" in page.text
    trail = await english.get("/audit")
    assert 'href="/export"' in trail.text

    download = await english.get("/export/archive.zip")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;") and 'filename="dialogue-archive-' in disposition
    assert disposition.endswith('.zip"')
    filename = disposition.split('filename="')[1].rstrip('"')
    manifest = manifest_of(download.content)
    assert manifest["tables"]["account"]["rows"] == 1
    async with session_factory(engine)() as db:
        taken = (await db.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORT))).all()
        assert [(event.actor, event.summary) for event in taken] == [("secretariat@example.tn", filename)]
    # The same archive as `dialogue export`, which also holds the event of that download.
    snapshot = await read_snapshot(engine)
    events = snapshot.tables["audit_event"]
    assert events[-1]["action"] == AuditAction.EXPORT
    snapshot.tables["audit_event"] = events[:-1]
    assert download.content == write_archive(snapshot)


async def test_the_export_reads_one_state_of_the_database(source: Source, tmp_path: Path) -> None:
    """A change committed while the export reads (here: between its first and second table)
    is not half in the archive: SQLite's read transaction holds one snapshot."""
    copy = tmp_path / "busy.db"
    original, duplicate = sqlite3.connect(str(make_url(source.url).database)), sqlite3.connect(copy)
    original.backup(duplicate)
    original.close()
    duplicate.close()
    engine = create_engine(settings_for(sqlite_url(copy)))
    reads: list[str] = []

    def meanwhile(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)
        if len(reads) == 2:  # the trail was read, the bodies not yet
            writer = sqlite3.connect(copy, timeout=5)
            with writer:
                writer.execute("UPDATE body SET name = 'Renamed meanwhile' WHERE id = 1")
            writer.close()

    event.listen(engine.sync_engine, "after_cursor_execute", meanwhile)
    try:
        archive = await export_archive(engine)
    finally:
        await engine.dispose()
    assert len(reads) > 2
    assert archive == source.archive
