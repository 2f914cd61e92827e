"""The schema comes only from Alembic revisions: an empty database upgraded to head must
match the models exactly, on SQLite and on PostgreSQL, and downgrade back to nothing."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

import dialogue.models  # noqa: F401
from dialogue.db import Base, create_engine, render_item, run_alembic
from dialogue.settings import Settings

PG_URL = os.environ.get("DIALOGUE_TEST_DATABASE_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_engine(request: pytest.FixtureRequest, tmp_path: Any) -> AsyncIterator[AsyncEngine]:
    if request.param == "sqlite":
        engine = create_engine(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/migrated.db"))
        yield engine
        await engine.dispose()
        return
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set DIALOGUE_TEST_DATABASE_URL to run this test on it")
    name = f"dialogue_migrations_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(Settings(database_url=make_url(PG_URL).set(database=name).render_as_string(False)))
    try:
        yield engine
    finally:
        await engine.dispose()
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await admin.dispose()


def _drift(sync_connection: Any) -> list[Any]:
    context = MigrationContext.configure(sync_connection, opts={"compare_type": True, "render_item": render_item})
    return compare_metadata(context, Base.metadata)


def _tables(sync_connection: Any) -> set[str]:
    return set(inspect(sync_connection).get_table_names())


async def test_empty_database_upgrades_to_head_without_drift(empty_engine: AsyncEngine) -> None:
    await run_alembic(empty_engine, "upgrade", "head")
    async with empty_engine.connect() as connection:
        drift = await connection.run_sync(_drift)
        tables = await connection.run_sync(_tables)
    assert drift == [], f"models and migrations differ: {drift}"
    assert {table.name for table in Base.metadata.sorted_tables} <= tables


async def test_downgrade_to_base_removes_every_table(empty_engine: AsyncEngine) -> None:
    await run_alembic(empty_engine, "upgrade", "head")
    await run_alembic(empty_engine, "downgrade", "base")
    async with empty_engine.connect() as connection:
        tables = await connection.run_sync(_tables)
    assert tables <= {"alembic_version"}


async def test_existing_progress_notes_take_their_commitments_side(empty_engine: AsyncEngine) -> None:
    """Notes written before notes had a side of their own belong to their commitment's side."""
    await run_alembic(empty_engine, "upgrade", "9c4f2a7e1b05")
    async with empty_engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO commitment (id, title, description, side, status, from_outcome, version, search_text,"
                " created_at, updated_at) VALUES (1, 'Décret', '', 'employers', 'open', false, 1, '',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO commitment_update (id, commitment_id, written_on, note, internal, created_at, updated_at)"
                " VALUES (1, 1, '2026-11-02', 'Note interne', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    await run_alembic(empty_engine, "upgrade", "head")
    async with empty_engine.connect() as connection:
        side = (await connection.execute(text("SELECT side FROM commitment_update WHERE id = 1"))).scalar()
    assert side == "employers"


async def test_meetings_may_become_events_without_losing_what_points_at_them(empty_engine: AsyncEngine) -> None:
    """Making `meeting.body_id` optional copies the meeting table on SQLite: the invitations,
    agenda items and commitments that point at a meeting are all still there afterwards."""
    await run_alembic(empty_engine, "upgrade", "e2a7c9d41f63")
    now = "CURRENT_TIMESTAMP"
    rows = [
        "INSERT INTO organisation (id, slug, name, acronym, side, description, version, search_text, created_at,"
        f" updated_at) VALUES (1, 'ugtt', 'UGTT', 'UGTT', 'workers', '', 1, '', {now}, {now})",
        "INSERT INTO person (id, full_name, organisation_id, title, phone, language, version, search_text,"
        f" created_at, updated_at) VALUES (1, 'Sami', 1, '', '', 'fr', 1, '', {now}, {now})",
        "INSERT INTO body (id, name, short_name, kind, description, quorum_rule, quorum_min_per_side, version,"
        f" search_text, created_at, updated_at) VALUES (1, 'Plénière', '', 'plenary', '', 'each_side', 1, 1, '',"
        f" {now}, {now})",
        "INSERT INTO meeting (id, body_id, title, kind, starts_at, ends_at, venue, status, description,"
        " calendar_sequence, version, search_text, created_at, updated_at) VALUES (1, 1, 'Session', 'plenary',"
        f" {now}, {now}, '', 'held', '', 0, 1, '', {now}, {now})",
        "INSERT INTO invitation (id, meeting_id, person_id, role, attendance, arrived_late, rank, response,"
        f" version, created_at, updated_at) VALUES (1, 1, 1, 'titular', 'present', false, 0, 'accepted', 1, {now},"
        f" {now})",
        "INSERT INTO commitment (id, meeting_id, title, description, side, status, from_outcome, version,"
        f" search_text, created_at, updated_at) VALUES (1, 1, 'Décret', '', 'workers', 'open', false, 1, '', {now},"
        f" {now})",
    ]
    async with empty_engine.begin() as connection:
        for row in rows:
            await connection.execute(text(row))
    await run_alembic(empty_engine, "upgrade", "head")
    async with empty_engine.begin() as connection:
        counts = [
            (await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar()
            for table in ("meeting", "invitation", "commitment")
        ]
        # Upgraded to head, every record's search text is computed again by today's code.
        found = (await connection.execute(text("SELECT search_text FROM meeting WHERE id = 1"))).scalar()
        await connection.execute(
            text(
                "INSERT INTO meeting (id, body_id, title, kind, starts_at, ends_at, venue, status, description,"
                " calendar_sequence, version, search_text, created_at, updated_at) VALUES (2, NULL, 'Atelier',"
                f" 'workshop', {now}, {now}, '', 'held', '', 0, 1, '', {now}, {now})"
            )
        )
    assert counts == [1, 1, 1]
    assert "session" in found and "pleniere" in found and "sami" in found


async def test_existing_texts_become_their_french_versions(empty_engine: AsyncEngine) -> None:
    """Texts written before there were versions in several languages are French."""
    await run_alembic(empty_engine, "upgrade", "e2a7c9d41f63")
    async with empty_engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO commitment (id, title, description, side, status, from_outcome, version, search_text,"
                " created_at, updated_at) VALUES (1, 'Publier le décret', '', 'employers', 'open', false, 1, '',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    await run_alembic(empty_engine, "upgrade", "5b8e1f0a9c3d")
    async with empty_engine.connect() as connection:
        stored = (await connection.execute(text("SELECT translations FROM commitment WHERE id = 1"))).scalar()
    stored = json.loads(stored) if isinstance(stored, str) else stored
    assert stored == {"title": {"fr": "Publier le décret"}}  # an empty description has no version
