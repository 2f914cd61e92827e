"""User text (names, acronyms, titles, venues, emails, statements) keeps its own direction
inside translated pages and messages: a Latin name on an Arabic page, an Arabic name on a
French page, and the numbers around them, stay in their place."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import i18n
from dialogue.agenda.models import Stance
from dialogue.calendar.digest import Due, compose
from dialogue.meetings.models import Attendance
from dialogue.people.models import Side
from tests import factories as f

FSI, PDI = "\u2068", "\u2069"


class Isolation(HTMLParser):
    """Where each piece of `needles` appears in a page: in text isolated by an element of
    its own (<bdi>, or any element but <html> with a dir attribute), in plain-text places
    (<title>, <option>, attributes) between FSI and PDI, or neither."""

    PLAIN = {"title", "option"}

    def __init__(self, needles: list[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.needles = needles
        self.stack: list[tuple[str, bool]] = []
        self.bare: list[str] = []
        self.isolated = 0

    def _isolating(self) -> bool:
        return any(isolating for _tag, isolating in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, value in attrs:
            if name not in {"value", "href", "action", "hx-post", "hx-get"} and value:
                self._check_plain(value, f"{tag}[{name}]")
        if tag in {"br", "img", "input", "meta", "link", "hr", "source"}:
            return
        self.stack.append((tag, tag == "bdi" or (tag != "html" and "dir" in names)))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def _check_plain(self, text: str, where: str) -> None:
        for needle in self.needles:
            start = text.find(needle)
            while start >= 0:
                before, after = text[:start], text[start + len(needle) :]
                inside = before.rfind(FSI) > before.rfind(PDI) and PDI in after
                if inside or text.strip() == needle:
                    self.isolated += 1
                else:
                    self.bare.append(f"{where}: {text.strip()[:80]!r}")
                start = text.find(needle, start + 1)

    def handle_data(self, data: str) -> None:
        tag = self.stack[-1][0] if self.stack else ""
        if tag in self.PLAIN:
            self._check_plain(data, tag)
            return
        if tag in {"script", "style", "textarea"}:
            return
        for needle in self.needles:
            if needle in data:
                if self._isolating():
                    self.isolated += 1
                else:
                    self.bare.append(f"{'>'.join(t for t, _ in self.stack[-3:])}: {data.strip()[:80]!r}")


def check_isolation(html: str, needles: list[str]) -> Isolation:
    parser = Isolation(needles)
    parser.feed(html)
    return parser


async def _council(db: AsyncSession, names: dict[str, str]) -> dict[str, Any]:
    org = await f.organisation(db, Side.WORKERS, name=names["org"], acronym=names["acronym"])
    person = await f.person(db, org, full_name=names["person"], email="samia@example.tn")
    other = await f.person(db, org, full_name=names["other"])
    body = await f.body(db, name=names["body"])
    await f.member(db, body, person)
    today = i18n.today()
    soon = today + dt.timedelta(days=2)
    meeting = await f.meeting(
        db, body, title=names["meeting"], venue=names["venue"], starts_at=f.tunis(soon.year, soon.month, soon.day, 9)
    )
    await f.invite(db, meeting, person, attendance=Attendance.PRESENT)
    await f.invite(db, meeting, other, on_behalf_of_id=person.id)
    item = await f.item(db, meeting, title=names["item"], description=names["statement"])
    await f.position(db, item, Side.WORKERS, Stance.RESERVATION, statement=names["statement"])
    commitment = await f.commitment(
        db,
        Side.WORKERS,
        title=names["commitment"],
        organisation_id=org.id,
        responsible_id=person.id,
        due_on=today - dt.timedelta(days=1),
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        description=names["statement"],
    )
    await f.progress(db, commitment, note=names["statement"])
    await db.commit()
    return {"org": org, "person": person, "body": body, "meeting": meeting, "commitment": commitment}


LATIN = {
    "org": "Union Générale Tunisienne du Travail",
    "acronym": "UGTT",
    "person": "Samia Ben Salah",
    "other": "Karim Jaziri",
    "body": "Commission sociale",
    "meeting": "Session 2",
    "venue": "Hôtel Africa, Tunis",
    "item": "Salaire minimum 2027",
    "commitment": "Note sur le SMIG",
    "statement": "Accord sous réserve, 3 conditions.",
}
ARABIC = {
    "org": "الاتحاد العام التونسي للشغل",
    "acronym": "اتحاد الشغل",
    "person": "سامية بن صالح",
    "other": "كريم الجزيري",
    "body": "اللجنة الاجتماعية",
    "meeting": "الدورة 2",
    "venue": "نزل أفريكا، تونس",
    "item": "الأجر الأدنى 2027",
    "commitment": "مذكرة حول الأجر الأدنى",
    "statement": "موافقة بتحفظ، 3 شروط.",
}


def _pages(world: dict[str, Any]) -> list[str]:
    return [
        "/",
        "/meetings",
        f"/meetings/{world['meeting'].id}",
        f"/meetings/{world['meeting'].id}/agenda",
        "/commitments",
        f"/commitments/{world['commitment'].id}",
        "/commitments/new",
        "/bodies",
        f"/bodies/{world['body'].id}",
        "/organisations",
        f"/organisations/{world['org'].id}",
        "/people",
        f"/people/{world['person'].id}",
        f"/people/{world['person'].id}/history",
        f"/meetings/{world['meeting'].id}/history",
        "/audit",
    ]


@pytest.mark.parametrize(
    ("language", "names"),
    [("ar", LATIN), ("fr", ARABIC), ("en", ARABIC)],
    ids=["latin-in-arabic", "arabic-in-french", "arabic-in-english"],
)
async def test_user_text_is_isolated_on_pages(
    client: AsyncTestClient[Any], db: AsyncSession, language: str, names: dict[str, str]
) -> None:
    world = await _council(db, names)
    client.headers["accept-language"] = language
    needles = [
        names[key]
        for key in ("org", "acronym", "person", "other", "body", "meeting", "venue", "item", "commitment", "statement")
    ]
    seen = 0
    for url in _pages(world):
        page = await client.get(url)
        assert page.status_code == 200, url
        found = check_isolation(page.text, needles)
        assert not found.bare, (url, found.bare)
        seen += found.isolated
    assert seen > 50  # the pages did show the records


async def test_text_fields_follow_what_is_typed(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    """Arabic typed on a French page (or the reverse) is laid out in its own direction."""
    await f.table(db)
    await db.commit()
    for url in (
        "/meetings/new",
        "/people/new",
        "/organisations/new",
        "/commitments/new",
        "/bodies/new",
        "/meetings",
        "/commitments",
    ):
        page = await client.get(url)
        assert page.status_code == 200, url
        fields = re.findall(r'<(?:input[^>]*type="(?:text|search|email|url|tel)"[^>]*|textarea[^>]*)>', page.text)
        visible = [tag for tag in fields if " hidden" not in tag and "readonly" not in tag]
        assert visible, url
        for tag in visible:
            # A field for one language's version of a text (dialogue/bilingual.py) takes
            # that language's direction; the others follow what is typed.
            language = re.search(r'\blang="(\w+)"', tag)
            expected = {"ar": "rtl"}.get(language.group(1), "ltr") if language else "(auto|ltr)"
            assert re.search(rf'\bdir="{expected}"', tag), (url, tag)


async def test_web_and_email_addresses_are_left_to_right_in_every_form(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    """On an Arabic page "https://…" would otherwise read "…//:https": address fields, and
    the schedule form's help that shows one, are laid out left to right."""
    world = await _council(db, LATIN)
    client.headers["accept-language"] = "ar"
    schedule = await client.get("/meetings/new")
    assert '<html lang="ar" dir="rtl">' in schedule.text
    online = re.search(r'<input id="f-online_url"[^>]*>\s*<small class="help"([^>]*)>([^<]*)</small>', schedule.text)
    assert online, "no online link field with its help"
    assert 'dir="ltr"' in online.group(0).split(">")[0] and online.group(1) == ' dir="ltr"'
    assert online.group(2).startswith("https://")

    pages = [
        "/meetings/new",
        "/people/new",
        "/accounts/new",
        f"/commitments/{world['commitment'].id}",
        f"/meetings/{world['meeting'].id}",
    ]
    kinds: set[str] = set()
    for url in pages:
        page = await client.get(url)
        assert page.status_code == 200, url
        for tag in re.findall(r'<input[^>]*type="(?:url|email)"[^>]*>', page.text):
            kinds.add(re.search(r'type="(\w+)"', tag).group(1))
            assert ' dir="ltr"' in tag and 'dir="auto"' not in tag, (url, tag)
    assert kinds == {"url", "email"}
    # Other text still follows what is typed; a title has one field per language, each in
    # its language's direction.
    venue = re.search(r'<input id="f-venue"[^>]*>', schedule.text)
    assert venue and 'dir="auto"' in venue.group(0)
    title = re.search(r'<input id="f-title_ar"[^>]*>', schedule.text)
    assert title and 'lang="ar" dir="rtl"' in title.group(0)


def test_plain_text_isolation_only_where_it_helps() -> None:
    assert i18n.isolate("Samia Ben Salah", "ar") == FSI + "Samia Ben Salah" + PDI
    assert i18n.isolate("سامية بن صالح", "fr") == FSI + "سامية بن صالح" + PDI
    assert i18n.isolate("Samia Ben Salah", "fr") == "Samia Ben Salah"  # same direction: untouched
    assert i18n.isolate("سامية بن صالح", "ar") == "سامية بن صالح"
    assert i18n.isolate("2027", "ar") == "2027"
    assert i18n.isolate("", "ar") == ""
    assert str(i18n.bdi("<b>UGTT</b>")) == "<bdi>&lt;b&gt;UGTT&lt;/b&gt;</bdi>"


def test_digest_email_isolates_titles_in_both_bodies() -> None:
    due = [Due(id=7, title="Note sur le SMIG", due_on=dt.date(2026, 12, 1), overdue=True)]
    with i18n.using_language("ar"):
        _subject, text, html = compose(Side.WORKERS, due, "https://dialogue.example.tn")
    assert f"- {FSI}Note sur le SMIG{PDI} (" in text
    assert "<bdi>Note sur le SMIG</bdi>" in html
    with i18n.using_language("fr"):
        _subject, text, html = compose(Side.WORKERS, due, "https://dialogue.example.tn")
    assert "- Note sur le SMIG (" in text and FSI not in text
    assert "<bdi>Note sur le SMIG</bdi>" in html


def test_checker_finds_bare_user_text() -> None:
    """The checker itself: bare text and bare attributes are reported, isolated ones not."""
    found = check_isolation(
        '<html dir="rtl"><p>قال Samia Ben Salah</p><p><bdi>Samia Ben Salah</bdi></p>'
        '<button aria-label="حذف Samia Ben Salah"></button><option>\u2068Samia Ben Salah\u2069 (UGTT)</option></html>',
        ["Samia Ben Salah"],
    )
    assert len(found.bare) == 2
    assert found.isolated == 2
