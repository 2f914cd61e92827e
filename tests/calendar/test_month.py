"""The month calendar, read as a user would: meetings on each of their days (past midnight,
across the end of a month), commitments on the day they fall due, filters, drafts hidden."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from dialogue.accounts.models import Role
from dialogue.commitments.models import CommitmentStatus
from dialogue.meetings.models import MeetingStatus
from dialogue.people.models import Side
from tests import factories as f
from tests.conftest import open_session


def days(page: str) -> dict[str, str]:
    """Each day of the month shown: its date (YYYY-MM-DD) -> the text of its entries."""
    found = {}
    for chunk in page.split('<li class="day')[1:]:
        match = re.search(r'<time datetime="(\d{4}-\d{2}-\d{2})">', chunk)
        if match and "outside" not in chunk.split(">", 1)[0]:
            found[match.group(1)] = html.unescape(re.sub(r"<[^>]+>", " ", chunk))
    return found


async def test_a_meeting_past_midnight_and_across_months_is_on_each_of_its_days(english: Any, db: Any) -> None:
    world = await f.table(db)
    await f.meeting(
        db,
        world["plenary"],
        title="Veillée de négociation",
        starts_at=f.tunis(2027, 1, 31, 22),
        ends_at=f.tunis(2027, 2, 1, 2),
    )
    # Ends at midnight sharp: it does not spill over into the next day.
    await f.meeting(
        db,
        world["plenary"],
        title="Soirée de clôture",
        starts_at=f.tunis(2027, 1, 20, 20),
        ends_at=f.tunis(2027, 1, 21, 0),
    )
    await db.commit()
    january = await english.get("/calendar?month=2027-01")
    assert january.status_code == 200
    shown = days(january.text)
    assert len(shown) == 31
    assert "Veillée de négociation" in shown["2027-01-31"] and "22:00" in shown["2027-01-31"]
    assert "Soirée de clôture" in shown["2027-01-20"] and "Soirée de clôture" not in shown["2027-01-21"]
    february = days((await english.get("/calendar?month=2027-02")).text)
    assert len(february) == 28
    assert "Veillée de négociation" in february["2027-02-01"] and "continued" in february["2027-02-01"]
    assert not any("Veillée" in text for day, text in february.items() if day != "2027-02-01")
    # A meeting at 00:30 Tunis time (23:30 UTC the day before) is on its Tunis day.
    await f.meeting(db, world["plenary"], title="Nuit", starts_at=f.tunis(2027, 3, 1, 0, 30))
    await db.commit()
    march = days((await english.get("/calendar?month=2027-03")).text)
    assert "Nuit" in march["2027-03-01"]
    assert "Nuit" not in days((await english.get("/calendar?month=2027-02")).text)["2027-02-28"]


async def test_commitments_falling_due_are_on_their_day(english: Any, db: Any) -> None:
    world = await f.table(db)
    await f.commitment(db, Side.WORKERS, title="Remettre l'étude", due_on=dt.date(2027, 4, 12))
    await f.commitment(db, Side.GOVERNMENT, CommitmentStatus.DROPPED, title="Abandonné", due_on=dt.date(2027, 4, 12))
    await f.commitment(db, Side.GOVERNMENT, title="Mois suivant", due_on=dt.date(2027, 5, 1))
    await db.commit()
    shown = days((await english.get("/calendar?month=2027-04")).text)
    assert "Remettre l'étude" in shown["2027-04-12"] and "Due" in shown["2027-04-12"]
    assert "Abandonné" not in shown["2027-04-12"]
    assert not any("Mois suivant" in text for text in shown.values())
    assert world  # the council exists; commitments need no meeting


async def test_filters_by_body_and_side(english: Any, db: Any) -> None:
    world = await f.table(db)
    committee = await f.body(db, name="Commission migration")
    plenary = await f.meeting(db, world["plenary"], title="Plénière d'avril", starts_at=f.tunis(2027, 4, 5, 9))
    await f.invite(db, plenary, world["ugtt1"])
    other = await f.meeting(db, committee, title="Commission d'avril", starts_at=f.tunis(2027, 4, 6, 9))
    await f.invite(db, other, world["mas1"])
    await f.commitment(db, Side.WORKERS, title="Promesse UGTT", due_on=dt.date(2027, 4, 7), meeting_id=plenary.id)
    await f.commitment(db, Side.GOVERNMENT, title="Promesse MAS", due_on=dt.date(2027, 4, 8), meeting_id=other.id)
    await db.commit()
    everything = (await english.get("/calendar?month=2027-04")).text
    for title in ("Plénière d'avril", "Commission d'avril", "Promesse UGTT", "Promesse MAS"):
        assert title in html.unescape(everything), title
    by_body = html.unescape((await english.get(f"/calendar?month=2027-04&body={committee.id}")).text)
    assert "Commission d'avril" in by_body and "Promesse MAS" in by_body
    assert "Plénière d'avril" not in by_body and "Promesse UGTT" not in by_body
    by_side = html.unescape((await english.get("/calendar?month=2027-04&side=workers")).text)
    assert "Plénière d'avril" in by_side and "Promesse UGTT" in by_side
    assert "Commission d'avril" not in by_side and "Promesse MAS" not in by_side
    # The month's links keep the filters.
    assert 'href="/calendar?month=2027-03&side=workers"' in by_side
    assert 'href="/calendar?month=2027-05&side=workers"' in by_side


async def test_a_month_or_filter_that_cannot_be_read_answers_400_in_the_readers_language(client: Any, db: Any) -> None:
    await db.commit()
    for query in ("month=2027-13", "month=27-01", "month=abc", "body=999999", "body=x", "side=students"):
        response = await client.get(f"/calendar?{query}", headers={"accept-language": "fr"})
        assert response.status_code == 400, query
        assert '<html lang="fr"' in response.text
        assert 'class="alert error"' in response.text
    month = await client.get("/calendar?month=2027-13", headers={"accept-language": "fr"})
    assert "<p>Mois: " in month.text


async def test_drafts_are_the_secretariats_only(client: Any, db: Any) -> None:
    world = await f.table(db)
    draft = await f.meeting(
        db, world["plenary"], title="Projet de réunion", status=MeetingStatus.DRAFT, starts_at=f.tunis(2027, 6, 3, 9)
    )
    await f.commitment(
        db, Side.WORKERS, title="Engagement du brouillon", due_on=dt.date(2027, 6, 4), meeting_id=draft.id
    )
    await f.meeting(db, world["plenary"], title="Réunion prévue", starts_at=f.tunis(2027, 6, 10, 9))
    delegate = await f.account(db, Role.DELEGATE, world["ugtt"])
    await db.commit()
    secretariat = html.unescape((await client.get("/calendar?month=2027-06")).text)
    assert "Projet de réunion" in secretariat and "Engagement du brouillon" in secretariat
    open_session(client, delegate.email)
    page = await client.get("/calendar?month=2027-06")
    assert page.status_code == 200
    seen = html.unescape(page.text)
    assert "Réunion prévue" in seen
    assert "Projet de réunion" not in seen and "Engagement du brouillon" not in seen
    # In the main navigation, for every reader.
    assert 'href="/calendar" aria-current="page"' in page.text


async def test_today_is_marked_and_weekdays_and_months_are_in_the_readers_language(client: Any, db: Any) -> None:
    await db.commit()
    page = (await client.get("/calendar", headers={"accept-language": "ar"})).text
    assert '<html lang="ar" dir="rtl"' in page
    assert page.count('aria-current="date"') == 1
    assert "الاثنين" in page  # Monday
    french = (await client.get("/calendar?month=2027-02", headers={"accept-language": "fr"})).text
    assert "février 2027" in french and "lundi" in french
    assert 'aria-current="date"' not in french or dt.date.today().strftime("%Y-%m") == "2027-02"
    arabic = (await client.get("/calendar?month=2027-02", headers={"accept-language": "ar"})).text
    assert "فيفري 2027" in arabic
