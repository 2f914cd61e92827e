"""Ten years of a council's record cost a page no more statements than one year, and the
meetings list is read in the order of its index rather than sorted in full."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from dialogue.meetings.models import MeetingStatus
from dialogue.people.models import Side
from dialogue.settings import Settings
from tests import factories as f
from tests.conftest import count_queries


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The statements of a render: the page cache off, or the warm visit is served from memory."""
    return replace(settings, page_cache_mb=0)


async def held_meetings(db: Any, body: Any, count: int, first_day: dt.datetime) -> None:
    """`count` held meetings of `body`, each with an item, an outcome and an open commitment."""
    for i in range(count):
        meeting = await f.meeting(db, body, starts_at=first_day + dt.timedelta(days=7 * i), status=MeetingStatus.HELD)
        item = await f.item(db, meeting, title=f"Point d'histoire {i}")
        await f.outcome(db, item)
        await f.commitment(db, Side.WORKERS, meeting_id=meeting.id, agenda_item_id=item.id)
    await db.commit()


async def test_meeting_page_statements_do_not_grow_with_the_body_history(
    english: Any, db: Any, app_engine: AsyncEngine
) -> None:
    world = await f.table(db)
    current = await f.meeting(db, world["plenary"], starts_at=f.tunis(2026, 12, 10))
    await f.item(db, current)
    await held_meetings(db, world["plenary"], 3, f.tunis(2026, 1, 5))
    await english.get(f"/meetings/{current.id}")  # warm up
    with count_queries(app_engine) as few:
        assert (await english.get(f"/meetings/{current.id}")).status_code == 200
    await held_meetings(db, world["plenary"], 30, f.tunis(2025, 1, 5))
    with count_queries(app_engine) as many:
        response = await english.get(f"/meetings/{current.id}")
    assert response.status_code == 200
    assert many.count == few.count


async def test_dashboard_and_lists_statements_do_not_grow_with_the_history(
    english: Any, db: Any, app_engine: AsyncEngine
) -> None:
    world = await f.table(db)
    await held_meetings(db, world["plenary"], 5, f.tunis(2026, 1, 5))
    counts = {}
    for url in ("/", "/meetings", "/commitments", "/people"):
        await english.get(url)  # warm up
        with count_queries(app_engine) as counter:
            assert (await english.get(url)).status_code == 200
        counts[url] = counter.count
    await held_meetings(db, world["plenary"], 50, f.tunis(2024, 1, 5))
    for url, few in counts.items():
        with count_queries(app_engine) as many:
            assert (await english.get(url)).status_code == 200
        assert many.count == few, url


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the plan read is SQLite's
async def test_meetings_list_reads_the_meetings_in_index_order(
    english: Any, db: Any, app_engine: AsyncEngine, database_url: str
) -> None:
    """The default order (latest first) must not make SQLite sort every meeting to show 25."""
    world = await f.table(db)
    await held_meetings(db, world["plenary"], 3, f.tunis(2026, 1, 5))
    sent: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT MEETING.ID"):
            sent.append((statement, parameters))

    event.listen(app_engine.sync_engine, "before_cursor_execute", keep)
    try:
        assert (await english.get("/meetings")).status_code == 200
    finally:
        event.remove(app_engine.sync_engine, "before_cursor_execute", keep)
    assert len(sent) == 1
    statement, parameters = sent[0]
    async with app_engine.connect() as connection:
        raw = await connection.get_raw_connection()
        cursor = await raw.driver_connection.execute("EXPLAIN QUERY PLAN " + statement, parameters)  # type: ignore[union-attr]
        plan = " | ".join(str(row[-1]) for row in await cursor.fetchall())
        await connection.execute(text("SELECT 1"))
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
    assert "ix_meeting_starts_at" in plan, plan
