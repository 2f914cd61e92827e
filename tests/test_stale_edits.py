"""Two tabs edit the same record: the second save is refused (409) and its form comes back
with the current values and, beside each field that differs, what that person had typed,
with a button to use it: nothing has to be typed again."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from dialogue.meetings.models import MeetingStatus
from dialogue.people.models import Side
from tests import factories as f


class _FormReader(HTMLParser):
    """The fields of the form posting to `action`, as a browser would send them."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.fields = action, False, {}
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action and not self.fields
        if not self.inside or "name" not in a:
            if tag == "option" and self.inside and self.select and "selected" in a:
                self.fields[self.select] = a.get("value", "")
            return
        if (tag == "input" and a.get("type") not in ("checkbox", "radio", "submit")) or (
            tag == "input" and a.get("type") in ("checkbox", "radio") and "checked" in a
        ):
            self.fields.setdefault(a["name"], a.get("value", ""))
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = ""
        elif tag == "select":
            self.select = a["name"]
            self.fields.setdefault(self.select, "")

    def handle_data(self, data: str) -> None:
        if self.inside and self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def form_fields(page: str, action: str) -> dict[str, str]:
    reader = _FormReader(action)
    reader.feed(page)
    assert reader.fields, f"no form posting to {action}"
    return {k: v.removeprefix("\n") for k, v in reader.fields.items()}


async def two_tabs(client: Any, page_url: str, action: str, field: str, theirs: str, mine: str) -> Any:
    """Both tabs open the form; the first saves `theirs`, the second then sends `mine`."""
    page = await client.get(page_url)
    assert page.status_code == 200, page.text[:500]
    fields = form_fields(page.text, action)
    first = await client.post(action, data={**fields, field: theirs}, follow_redirects=False)
    assert first.status_code in (200, 303, 204), first.text[:800]
    second = await client.post(action, data={**fields, field: mine}, follow_redirects=False)
    assert second.status_code == 409, second.text[:800]
    return second


def assert_mine_beside(response: Any, field_id: str, theirs: str, mine: str) -> None:
    page = html.unescape(response.text)
    assert "Someone else changed this record" in page
    # The field holds the current value...
    assert re.search(rf'id="{field_id}"[^>]*value="{re.escape(theirs)}"', page) or re.search(
        rf'id="{field_id}"[^>]*>\n?{re.escape(theirs)}</textarea>', page
    ), f"{field_id} does not show the current value"
    # ...and under it, what this person typed, with the button that puts it back.
    block = page[page.index(f'id="{field_id}-yours"') :]
    assert "Your text:" in block[:300]
    assert mine in block[:600]
    assert f'data-use-mine="{field_id}"' in block[:900]


async def test_meeting_edited_in_two_tabs_shows_my_title_beside_the_current_one(english: Any, db: Any) -> None:
    meeting = await f.meeting(db, title="Session ordinaire")
    await db.commit()
    url = f"/meetings/{meeting.id}/edit"
    response = await two_tabs(english, url, url, "title", "Session de juillet", "Session de clôture AMEM")
    assert_mine_beside(response, "f-title", "Session de juillet", "Session de clôture AMEM")
    # Fields the person did not change get no block.
    assert 'id="f-venue-yours"' not in response.text


@pytest.mark.parametrize("kind", ["item", "position", "outcome"])
async def test_agenda_forms_edited_in_two_tabs_show_my_text(english: Any, db: Any, kind: str) -> None:
    meeting = await f.meeting(db)
    item = await f.item(db, meeting, title="Migration")
    await f.position(db, item, Side.WORKERS, statement="Position initiale")
    await f.outcome(db, item, text="Conclusion initiale")
    await db.commit()
    action, field, prefix = {
        "item": (f"/agenda/{item.id}/edit", "title", f"edit-{item.id}"),
        "position": (f"/agenda/{item.id}/positions/workers", "statement", f"pos-{item.id}-workers"),
        "outcome": (f"/agenda/{item.id}/outcome", "text", f"outcome-{item.id}"),
    }[kind]
    # The item's form is opened from its "Edit the item" link (without JavaScript: a page).
    page = f"/agenda/{item.id}/edit?next=/meetings/{meeting.id}" if kind == "item" else f"/meetings/{meeting.id}"
    response = await two_tabs(english, page, action, field, "Leur texte", "Mon long texte")
    assert_mine_beside(response, f"{prefix}-{field}", "Leur texte", "Mon long texte")


async def test_commitment_edited_in_two_tabs_shows_my_title(english: Any, db: Any) -> None:
    commitment = await f.commitment(db, side=Side.WORKERS, title="Étude")
    await db.commit()
    url = f"/commitments/{commitment.id}/edit"
    response = await two_tabs(english, url, url, "title", "Étude d'impact", "Étude sur la migration")
    assert_mine_beside(response, "f-title", "Étude d'impact", "Étude sur la migration")


@pytest.mark.parametrize("kind", ["person", "organisation", "body"])
async def test_people_organisations_and_bodies_edited_in_two_tabs_show_my_text(
    english: Any, db: Any, kind: str
) -> None:
    org = await f.organisation(db, Side.WORKERS, name="UGTT", slug="ugtt")
    person = await f.person(db, org, full_name="Sami Ben Salah")
    body = await f.body(db, name="Plénière")
    await db.commit()
    url, field = {
        "person": (f"/people/{person.id}/edit", "full_name"),
        "organisation": (f"/organisations/{org.id}/edit", "name"),
        "body": (f"/bodies/{body.id}/edit", "name"),
    }[kind]
    response = await two_tabs(english, url, url, field, "Leur nom", "Mon nom")
    assert_mine_beside(response, f"f-{field}", "Leur nom", "Mon nom")


async def test_minutes_texts_edited_in_two_tabs_show_my_introduction(english: Any, db: Any) -> None:
    meeting = await f.meeting(db, status=MeetingStatus.HELD)
    await db.commit()
    url = f"/meetings/{meeting.id}/minutes"
    assert (await english.post(url, follow_redirects=False)).status_code in (200, 303)
    response = await two_tabs(
        english, url, f"{url}/narratives", "introduction", "Leur introduction", "Mon introduction"
    )
    assert_mine_beside(response, "f-introduction", "Leur introduction", "Mon introduction")
