"""Pages served again from memory (dialogue/page_cache.py) are exactly the pages a fresh
render would give: a change made anywhere shows at the next visit, nobody is served
another person's page, and each copy of a create form has one-time keys of its own."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from dialogue import page_cache
from dialogue.accounts.models import Role, SignInSession
from dialogue.accounts.sessions import session_account, start_session
from dialogue.app import create_app
from dialogue.meetings.models import Meeting
from dialogue.page_cache import Page, PageStore, data_version
from dialogue.session_factory import session_factory
from dialogue.settings import ROOT, Settings
from dialogue.templating import templates_changed_at
from tests import factories as f
from tests.conftest import count_queries, open_session

# What a page served from memory still asks the database: one statement for the session with
# its account and the record's version.
FROM_MEMORY = 1


@pytest.fixture(autouse=True)
def one_minute(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The clock of the kept pages stands still (a test crossing a minute would render again)."""
    now = [29_000_000]
    monkeypatch.setattr(page_cache, "minute", lambda: now[0])
    return now


async def visit(client: Any, engine: Any, url: str, **headers: str) -> tuple[Any, int]:
    with count_queries(engine) as queries:
        response = await client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response, queries.count


async def test_a_second_visit_is_served_from_memory_and_a_change_shows_at_once(
    english: Any, db: Any, app_engine: Any
) -> None:
    meeting = await f.meeting(db, title="Budget consultation")
    await db.commit()

    first, cold = await visit(english, app_engine, "/meetings")
    second, warm = await visit(english, app_engine, "/meetings")
    third, _ = await visit(english, app_engine, "/meetings")  # the kept copy is served whole each time
    assert third.text == first.text
    assert "Budget consultation" in first.text
    assert second.text == first.text
    assert warm == FROM_MEMORY < cold
    assert second.headers["cache-control"] == "no-store"  # still never kept by the browser

    # A change through the app (its JSON API, in another request)...
    saved = await english.patch(
        f"/api/v1/meetings/{meeting.id}", json={"version": meeting.version, "title": "Pension reform consultation"}
    )
    assert saved.status_code == 200, saved.text
    after, _ = await visit(english, app_engine, "/meetings")
    assert "Pension reform consultation" in after.text
    assert "Budget consultation" not in after.text

    # ... and one written straight through a database session, as the CLI or the worker do.
    await db.execute(update(Meeting).where(Meeting.id == meeting.id).values(title="Minimum wage consultation"))
    await db.commit()
    latest, _ = await visit(english, app_engine, "/meetings")
    assert "Minimum wage consultation" in latest.text


async def test_a_change_made_by_another_server_process_shows_at_once(
    english: Any, db: Any, app_engine: Any, settings: Any
) -> None:
    meeting = await f.meeting(db, title="Budget consultation")
    await db.commit()
    await visit(english, app_engine, "/meetings")
    _, warm = await visit(english, app_engine, "/meetings")
    assert warm == FROM_MEMORY

    # Another process: an app of its own (its own memory, its own engine) on the same database.
    other = create_app(settings)
    async with AsyncTestClient(app=other, base_url="http://testserver.local"), other.state.sessions() as other_db:
        found = await other_db.get(Meeting, meeting.id)
        assert found is not None
        found.title = "Social security consultation"
        await other_db.commit()

    after, _ = await visit(english, app_engine, "/meetings")
    assert "Social security consultation" in after.text


async def test_no_page_is_served_past_the_minute_it_was_made_in(
    english: Any, db: Any, app_engine: Any, one_minute: list[int]
) -> None:
    await f.meeting(db, title="Budget consultation")
    await db.commit()
    _, cold = await visit(english, app_engine, "/meetings")
    _, warm = await visit(english, app_engine, "/meetings")
    one_minute[0] += 1  # "today", "overdue" and "in 3 days" are read again
    _, next_minute = await visit(english, app_engine, "/meetings")
    assert warm == FROM_MEMORY < next_minute == cold


async def test_in_development_an_edited_template_shows_at_the_next_visit(
    english: Any, db: Any, app_engine: Any
) -> None:
    await f.meeting(db, title="Budget consultation")
    await db.commit()
    _, cold = await visit(english, app_engine, "/meetings")
    _, warm = await visit(english, app_engine, "/meetings")
    template = ROOT / "templates" / "meetings" / "list.html"
    times = template.stat()
    try:
        os.utime(template, ns=(times.st_atime_ns, templates_changed_at() + 10**9))  # edited
        _, edited = await visit(english, app_engine, "/meetings")
    finally:
        os.utime(template, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert warm == FROM_MEMORY < edited == cold


async def test_each_copy_of_a_create_form_has_its_own_one_time_key(english: Any, db: Any, app_engine: Any) -> None:
    await f.body(db)
    await db.commit()
    first, _ = await visit(english, app_engine, "/meetings/new")
    second, warm = await visit(english, app_engine, "/meetings/new")
    assert warm == FROM_MEMORY
    keys = [re.findall(r'name="_form_key" value="([^"]+)"', page.text) for page in (first, second)]
    assert len(keys[0]) == len(keys[1]) == 1
    assert keys[0] != keys[1]
    assert second.text.replace(keys[1][0], keys[0][0]) == first.text


async def test_nobody_is_served_another_persons_page(anonymous: Any, db: Any, settings: Any) -> None:
    await f.meeting(db, title="Budget consultation")
    await f.account(db, Role.SECRETARIAT, email="secretariat@example.tn")
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()
    open_session(anonymous, "secretariat@example.tn")
    secretariat = await anonymous.get("/meetings", headers={"accept-language": "en"})
    assert 'href="/meetings/new"' in secretariat.text

    # Another browser (the same client, with its cookies cleared), signed in as an observer.
    anonymous.cookies.clear()
    open_session(anonymous, "observer@example.tn")
    seen = await anonymous.get("/meetings", headers={"accept-language": "en"})
    assert seen.status_code == 200
    assert "Budget consultation" in seen.text
    assert 'href="/meetings/new"' not in seen.text


async def test_language_fragment_and_sign_out_each_have_their_own_answer(
    english: Any, db: Any, app_engine: Any
) -> None:
    await f.meeting(db, title="Budget consultation")
    await db.commit()
    page, _ = await visit(english, app_engine, "/meetings")
    french, _ = await visit(english, app_engine, "/meetings", **{"accept-language": "fr"})
    assert french.text != page.text
    assert 'lang="fr"' in french.text
    fragment, _ = await visit(english, app_engine, "/meetings", **{"hx-request": "true", "hx-target": "results"})
    assert "<html" not in fragment.text
    assert "<html" in (await english.get("/meetings")).text

    await english.post("/logout", follow_redirects=False)
    gone = await english.get("/meetings", follow_redirects=False)
    assert gone.status_code in {302, 303}


async def test_the_version_counts_changes_and_nothing_else(db: Any, engine: Any) -> None:
    before = await data_version(db)
    await db.scalar(select(Meeting.id))  # reading
    await db.commit()
    assert await data_version(db) == before

    account = await f.account(db, Role.SECRETARIAT, email="secretariat@example.tn")
    await db.commit()
    assert await data_version(db) == before + 1

    token = await start_session(db, account, previous_token=None, ip="127.0.0.1", user_agent="tests")
    await db.commit()
    created = await data_version(db)
    assert created == before + 2  # a new session is a change (a profile page lists them)...

    # ... not the once-a-minute touch of a session on each visit.
    await db.execute(update(SignInSession).values(last_seen_at=SignInSession.last_seen_at))
    await db.commit()
    assert await session_account(db, token, Settings()) is not None
    assert await data_version(db) == created

    # A statement that changes rows counts as much as a flush.
    await db.execute(update(Meeting).values(title=Meeting.title))
    await db.commit()
    assert await data_version(db) == created + 1

    # A rolled back change is no change.
    await f.body(db)
    await db.rollback()
    async with session_factory(engine)() as other:
        assert await data_version(other) == created + 1


async def test_turned_off_every_visit_is_rendered(settings: Any, engine: Any, db: Any) -> None:
    await f.account(db, Role.SECRETARIAT, email="secretariat@example.tn")
    await db.commit()
    async with AsyncTestClient(
        app=create_app(replace(settings, page_cache_mb=0)), base_url="http://testserver.local"
    ) as client:
        open_session(client, "secretariat@example.tn")
        _, cold = await visit(client, client.app.state.engine, "/meetings")
        _, again = await visit(client, client.app.state.engine, "/meetings")
        assert again == cold > FROM_MEMORY


def test_memory_is_bounded_and_the_least_recently_served_go_first() -> None:
    store = PageStore(limit=8 * 1200)
    for n in range(20):
        store.put(bytes([n]), Page([], b"x" * 1000, ()))
        store.get(bytes([0]))  # served again and again: stays
    assert store.size <= store.limit
    assert store.get(bytes([0])) is not None
    assert store.get(bytes([1])) is None
    assert store.get(bytes([19])) is not None
    store.put(b"huge", Page([], b"x" * store.limit, ()))  # larger than an eighth: not kept
    assert store.get(b"huge") is None
