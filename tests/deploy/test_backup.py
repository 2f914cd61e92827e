"""`dialogue database backup FILE`: a consistent copy of the SQLite database while it is in
use; PostgreSQL is pointed at pg_dump."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.backup import NotSqlite, backup_sqlite
from dialogue.cli import main
from dialogue.settings import Settings
from tests import factories


async def test_the_copy_holds_what_was_committed_even_while_the_database_is_open(
    db: AsyncSession, settings: Settings, tmp_path: Path
) -> None:
    if not settings.is_sqlite:
        with pytest.raises(NotSqlite):
            backup_sqlite(settings, tmp_path / "copy.db")
        return
    await factories.organisation(db, slug="ugtt", name="Union Générale Tunisienne du Travail")
    await db.commit()
    # The session stays open (in WAL mode the rows may still sit in the -wal file).
    pages = backup_sqlite(settings, tmp_path / "copy.db")
    assert pages > 0
    assert not (tmp_path / "copy.db.partial").exists()
    copy = sqlite3.connect(tmp_path / "copy.db")
    try:
        assert copy.execute("SELECT name FROM organisation").fetchall() == [("Union Générale Tunisienne du Travail",)]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        copy.close()


def test_the_command_says_where_the_copy_went_or_to_use_pg_dump(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "dialogue.db"
    sqlite3.connect(source).execute("CREATE TABLE t (x)").connection.commit()
    monkeypatch.setenv("DIALOGUE_LANGUAGE", "en")
    monkeypatch.setenv("DIALOGUE_DATABASE_URL", f"sqlite+aiosqlite:///{source}")
    done = CliRunner().invoke(main, ["database", "backup", str(tmp_path / "copy.db")])
    assert done.exit_code == 0, done.output
    assert f"Database copied to {tmp_path / 'copy.db'}" in done.output
    monkeypatch.setenv("DIALOGUE_DATABASE_URL", "postgresql+asyncpg://dialogue@db/dialogue")
    refused = CliRunner().invoke(main, ["database", "backup", str(tmp_path / "other.db")])
    assert refused.exit_code == 1
    assert "pg_dump" in refused.output


def test_production_serves_with_a_process_per_cpu_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    production = {"DIALOGUE_MODE": "production", "DIALOGUE_SECRET_KEY": "k" * 40}
    assert Settings.from_env(production).server_workers == 6
    assert Settings.from_env({**production, "DIALOGUE_WORKERS": "3"}).server_workers == 3
    assert Settings.from_env({"DIALOGUE_SECRET_KEY": "k" * 40}).server_workers == 1


def test_exports_render_in_half_the_cpus_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    settings = {"DIALOGUE_SECRET_KEY": "k" * 40}
    assert Settings.from_env(settings).render_processes == 3
    assert Settings.from_env({**settings, "DIALOGUE_RENDER_WORKERS": "1"}).render_processes == 1
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert Settings.from_env(settings).render_processes == 1
    assert "DIALOGUE_RENDER_WORKERS" in "".join(
        Settings.from_env({**settings, "DIALOGUE_RENDER_WORKERS": "0"}).problems()
    )


def test_the_server_is_granian_unless_told() -> None:
    settings = {"DIALOGUE_SECRET_KEY": "k" * 40}
    assert Settings.from_env(settings).server == "granian"
    assert Settings.from_env({**settings, "DIALOGUE_SERVER": " Uvicorn "}).server == "uvicorn"
    assert "DIALOGUE_SERVER" in "".join(Settings.from_env({**settings, "DIALOGUE_SERVER": "gunicorn"}).problems())
