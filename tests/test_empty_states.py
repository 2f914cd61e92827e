"""An empty list says there is nothing yet (and offers the secretariat the way to create the
first record); "nothing matches these filters" is kept for a list narrowed by a filter."""

from __future__ import annotations

import html
from typing import Any

import pytest

from dialogue.accounts.models import Role
from tests import factories as f
from tests.conftest import open_session

HTMX = {"HX-Request": "true"}

# list, what it says when there is nothing at all, the secretariat's create link, a filter,
# and what it says when that filter finds nothing.
LISTS = [
    ("/meetings", "No meeting has been scheduled yet.", "/meetings/new", "q=zzz", "No meeting matches these filters."),
    (
        "/commitments",
        "No commitment has been recorded yet.",
        "/commitments/new",
        "q=zzz",
        "No commitment matches these filters.",
    ),
    ("/people", "No person has been recorded yet.", "/people/new", "q=zzz", "Nobody matches these filters."),
    (
        "/organisations",
        "No organisation has been recorded yet.",
        "/organisations/new",
        "q=zzz",
        "No organisation matches these filters.",
    ),
    ("/bodies", "No body has been created yet.", "/bodies/new", "q=zzz", "No body matches these filters."),
    ("/outbox", "No message has been sent or queued yet.", None, "q=zzz", "No message matches these filters."),
]


def text(response: Any) -> str:
    return html.unescape(response.text)


@pytest.mark.parametrize(("path", "nothing", "create", "query", "no_match"), LISTS)
async def test_an_empty_list_says_there_is_nothing_yet_and_offers_to_create(
    english: Any, path: str, nothing: str, create: str | None, query: str, no_match: str
) -> None:
    for headers in ({}, HTMX):
        page = await english.get(path, headers=headers)
        assert page.status_code == 200
        assert nothing in text(page) and no_match not in text(page)
        if create:
            assert f'<a class="button" href="{create}">' in page.text.split(nothing, 1)[1]

        filtered = await english.get(f"{path}?{query}", headers=headers)
        assert filtered.status_code == 200
        assert no_match in text(filtered) and nothing not in text(filtered)


async def test_sorting_alone_is_not_a_filter(english: Any) -> None:
    page = await english.get("/meetings?order=upcoming")
    assert "No meeting has been scheduled yet." in text(page)


async def test_a_reader_is_not_offered_to_create(anonymous: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()
    open_session(anonymous, "observer@example.tn")
    anonymous.headers["accept-language"] = "en"
    page = await anonymous.get("/meetings")
    assert "No meeting has been scheduled yet." in text(page)
    assert 'href="/meetings/new"' not in page.text


async def test_the_first_entries_of_accounts_and_trail_and_their_filters(english: Any) -> None:
    # The secretariat's own account and sign-in are there: only a filter can empty them.
    assert "No account matches these filters." in text(await english.get("/accounts?q=zzz"))
    assert "No entry matches these filters." in text(await english.get("/audit?q=zzz"))


async def test_scheduling_without_a_body_says_to_create_one_first(english: Any, db: Any) -> None:
    page = await english.get("/meetings/new")
    assert page.status_code == 200
    assert "There is no body yet: an event can be scheduled on its own" in text(page)
    assert '<a href="/bodies/new">Create a body first</a>' in page.text

    await f.body(db, name="Plénière")
    await db.commit()
    assert "There is no body yet" not in text(await english.get("/meetings/new"))
