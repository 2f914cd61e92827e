"""Sorting every list by its columns: `?sort=<column>&order=asc|desc`, header links with
`aria-sort` and an arrow, a second click reverses, bad values ignored, the order kept
with the filters across pages."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest

from dialogue.people.models import Side
from tests import factories as f
from tests.meetings.helpers import text


def order_of(page: str, *titles: str) -> list[str]:
    """`titles` in the order the page shows them."""
    return sorted(titles, key=page.index)


def header_link(page: str, label: str) -> tuple[str | None, str]:
    """(aria-sort, href) of the header whose link reads `label`."""
    match = re.search(
        r'<th scope="col"[^>]*?(?: aria-sort="(\w+)")?>\s*<a class="sort[^"]*" href="([^"]+)">' + re.escape(label), page
    )
    assert match, f"no sortable header {label!r}"
    return match.group(1), html.unescape(match.group(2))


async def commitments(db: Any) -> dict[str, Any]:
    world = await f.table(db)
    await f.commitment(db, Side.WORKERS, title="Bêta", due_on=dt.date(2026, 3, 1), responsible_id=world["ugtt1"].id)
    await f.commitment(db, Side.GOVERNMENT, title="alpha", due_on=dt.date(2026, 5, 1), responsible_id=world["mas2"].id)
    await f.commitment(db, Side.EMPLOYERS, title="Gamma", due_on=None, responsible_id=world["utica1"].id)
    await db.commit()
    return world


async def test_commitments_sort_by_each_column_both_ways(english: Any, db: Any) -> None:
    await commitments(db)
    titles = ("alpha", "Bêta", "Gamma")
    page = text(await english.get("/commitments"))  # default: by due date, none last
    assert order_of(page, *titles) == ["Bêta", "alpha", "Gamma"]
    page = text(await english.get("/commitments?sort=title&order=asc"))
    assert order_of(page, *titles) == ["alpha", "Bêta", "Gamma"]
    page = text(await english.get("/commitments?sort=title&order=desc"))
    assert order_of(page, *titles) == ["Gamma", "Bêta", "alpha"]
    page = text(await english.get("/commitments?sort=side"))  # government, workers, employers
    assert order_of(page, *titles) == ["alpha", "Bêta", "Gamma"]
    page = text(await english.get("/commitments?sort=responsible&order=desc"))  # UTICA, UGTT, MAS
    assert order_of(page, *titles) == ["Gamma", "Bêta", "alpha"]
    page = text(await english.get("/commitments?sort=due&order=desc"))  # no due date stays last
    assert order_of(page, *titles) == ["alpha", "Bêta", "Gamma"]


async def test_headers_say_which_column_is_sorted_and_a_second_click_reverses(english: Any, db: Any) -> None:
    await commitments(db)
    page = text(await english.get("/commitments?status=open&sort=title&order=asc"))
    aria, href = header_link(page, "Commitment")
    assert aria == "ascending"
    assert "sort=title" in href and "order=desc" in href and "status=open" in href
    aria, href = header_link(page, "Due")
    assert aria is None and "sort=due" in href and "order=asc" in href
    assert '<span class="sort-arrow" aria-hidden="true">▲</span>' in page
    page = text(await english.get("/commitments" + header_link(page, "Commitment")[1]))
    assert header_link(page, "Commitment")[0] == "descending"
    assert '<span class="sort-arrow" aria-hidden="true">▼</span>' in page
    assert order_of(page, "alpha", "Bêta", "Gamma") == ["Gamma", "Bêta", "alpha"]


@pytest.mark.parametrize(
    "query", ["sort=nope", "sort=title&order=sideways", "sort=&order=desc", "sort=title;drop&order=asc", "order=desc"]
)
async def test_bad_sort_values_are_ignored_without_an_error(english: Any, db: Any, query: str) -> None:
    await commitments(db)
    for path in ("/commitments", "/meetings", "/people", "/organisations", "/bodies", "/outbox", "/accounts", "/audit"):
        response = await english.get(f"{path}?{query}")
        assert response.status_code == 200, (path, query)
    page = text(await english.get(f"/commitments?{query}"))
    expected = ["alpha", "Bêta", "Gamma"] if query.startswith("sort=title&") else ["Bêta", "alpha", "Gamma"]
    assert order_of(page, "alpha", "Bêta", "Gamma") == expected


async def test_order_and_filters_are_kept_across_pages(english: Any, db: Any, settings: Any) -> None:
    for n in range(30):
        await f.commitment(db, Side.WORKERS, title=f"Engagement {n:02d}")
    await f.commitment(db, Side.GOVERNMENT, title="Autre partie")
    await db.commit()
    page = text(await english.get("/commitments?side=workers&sort=title&order=desc"))
    assert order_of(page, "Engagement 29", "Engagement 10") == ["Engagement 29", "Engagement 10"]
    next_url = html.unescape(re.search(r'href="([^"]+)" rel="next"', page).group(1))
    assert "side=workers" in next_url and "sort=title" in next_url and "order=desc" in next_url
    page = text(await english.get("/commitments" + next_url))
    assert "Engagement 04" in page and "Engagement 29" not in page and "Autre partie" not in page
    # the filter form keeps the order when a filter changes
    assert '<input type="hidden" name="sort" value="title">' in page


async def test_meetings_sort_by_title_body_and_invited(english: Any, db: Any) -> None:
    world = await f.table(db)
    other = await f.body(db, name="Atelier", short_name="")
    busy = await f.meeting(db, world["plenary"], title="Zèbre", starts_at=f.tunis(2026, 1, 5))
    await f.meeting(db, other, title="Abricot", starts_at=f.tunis(2026, 2, 5))
    quiet = await f.meeting(db, world["plenary"], title="Mangue", starts_at=f.tunis(2026, 3, 5))
    for key in ("mas1", "ugtt1", "utica1"):
        await f.invite(db, busy, world[key])
    await f.invite(db, quiet, world["mas1"])
    await db.commit()
    titles = ("Zèbre", "Abricot", "Mangue")
    assert order_of(text(await english.get("/meetings")), *titles) == ["Mangue", "Abricot", "Zèbre"]
    assert order_of(text(await english.get("/meetings?sort=date&order=asc")), *titles) == ["Zèbre", "Abricot", "Mangue"]
    assert order_of(text(await english.get("/meetings?sort=title")), *titles) == ["Abricot", "Mangue", "Zèbre"]
    assert order_of(text(await english.get("/meetings?sort=invited&order=desc")), *titles) == [
        "Zèbre",
        "Mangue",
        "Abricot",
    ]
    page = text(await english.get("/meetings?sort=body&order=asc"))
    assert page.index("Abricot") < page.index("Mangue")
    assert header_link(page, "Body")[0] == "ascending"


async def test_people_organisations_and_bodies_sort(english: Any, db: Any) -> None:
    world = await f.table(db)
    await f.person(db, world["mas"], full_name="Zied Amri")
    small = await f.body(db, name="Bureau")
    await f.meeting(db, small)
    await f.meeting(db, small)
    await db.commit()
    page = text(await english.get("/people?sort=name&order=desc"))
    assert order_of(page, "Zied Amri", "UTICA délégué 1", "MAS délégué 1") == [
        "Zied Amri",
        "UTICA délégué 1",
        "MAS délégué 1",
    ]
    page = text(await english.get("/people?sort=side"))
    assert order_of(page, "UTICA délégué 1", "UGTT délégué 1", "MAS délégué 1") == [
        "MAS délégué 1",
        "UGTT délégué 1",
        "UTICA délégué 1",
    ]
    page = text(await english.get("/organisations?sort=people&order=desc"))
    assert page.index("Ministère des Affaires Sociales") < page.index("Union Générale Tunisienne du Travail")
    page = text(await english.get("/bodies?sort=meetings&order=desc"))
    assert page.index("Bureau") < page.index("Conseil national du dialogue social")
    page = text(await english.get("/bodies?sort=meetings&order=asc"))
    assert page.index("Conseil national du dialogue social") < page.index("Bureau")


async def test_outbox_accounts_and_audit_sort(english: Any, db: Any) -> None:
    from dialogue.mail.outbox import enqueue

    enqueue(db, to_address="b@example.tn", to_name="Bassem", subject="Sujet Zulu", text_body="…")
    enqueue(db, to_address="a@example.tn", to_name="Amel", subject="Sujet Alpha", text_body="…")
    await f.account(db, email="zz-last@example.tn")
    await db.commit()
    page = text(await english.get("/outbox?sort=subject"))
    assert page.index("Sujet Alpha") < page.index("Sujet Zulu")
    page = text(await english.get("/outbox?sort=recipient&order=desc"))
    assert page.index("Sujet Zulu") < page.index("Sujet Alpha")
    page = text(await english.get("/accounts?sort=email&order=desc"))
    table = page[page.index("<table") :]
    assert table.index("zz-last@example.tn") < table.index("secretariat@example.tn")
    page = text(await english.get("/audit?sort=when&order=asc"))
    assert header_link(page, "When")[0] == "ascending"
