"""Carry-over: scheduling the next meeting of a body proposes "Follow-up of commitments" as
its first agenda item, with the body's open commitments and how long each has been open."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import func, select

from dialogue.agenda.models import AgendaItem
from dialogue.commitments import carry_over
from dialogue.commitments.models import Commitment, CommitmentStatus
from dialogue.meetings.models import Meeting, MeetingStatus
from dialogue.people.models import Side
from tests import factories as f
from tests.meetings.helpers import HTMX, form, text

STARTS = f"{f.NEXT_YEAR}-12-10T09:00"


def meeting_form(body_id: Any, **overrides: Any) -> dict[str, str]:
    values = {
        "body_id": body_id,
        "title": "Session ordinaire",
        "kind": "plenary",
        "starts_at": STARTS,
        "ends_at": f"{f.NEXT_YEAR}-12-10T12:30",
        "status": "scheduled",
    }
    values.update(overrides)
    return form(**values)


async def world(db: Any) -> dict[str, Any]:
    """A plenary that met in March, June and October 2026 (July was called off, August put
    off, and a September meeting is still a draft), and a committee; commitments of every
    kind made at them."""
    w: dict[str, Any] = {}
    w["plenary"] = await f.body(db, name="Plénière")
    w["committee"] = await f.body(db, name="Commission migration")
    w["quiet"] = await f.body(db, name="Groupe sans engagements")
    plenary = w["plenary"]
    march = await f.meeting(db, plenary, starts_at=f.tunis(2026, 3, 5), status=MeetingStatus.HELD)
    june = await f.meeting(db, plenary, starts_at=f.tunis(2026, 6, 5), status=MeetingStatus.HELD)
    await f.meeting(db, plenary, starts_at=f.tunis(2026, 7, 5), status=MeetingStatus.CANCELLED)
    await f.meeting(db, plenary, starts_at=f.tunis(2026, 8, 5), status=MeetingStatus.POSTPONED)
    await f.meeting(db, plenary, starts_at=f.tunis(2026, 9, 5), status=MeetingStatus.DRAFT)
    october = await f.meeting(db, plenary, starts_at=f.tunis(2026, 10, 5), status=MeetingStatus.HELD)
    elsewhere = await f.meeting(db, w["committee"], starts_at=f.tunis(2026, 9, 1), status=MeetingStatus.HELD)
    quiet = await f.meeting(db, w["quiet"], starts_at=f.tunis(2026, 9, 2), status=MeetingStatus.HELD)
    w["decree"] = await f.commitment(
        db, Side.GOVERNMENT, title="Publier le décret", meeting_id=march.id, due_on=dt.date(2025, 1, 31)
    )
    w["study"] = await f.commitment(
        db,
        Side.WORKERS,
        CommitmentStatus.IN_PROGRESS,
        title="Étude d'impact",
        meeting_id=june.id,
        due_on=dt.date(2030, 6, 30),
    )
    w["survey"] = await f.commitment(db, Side.EMPLOYERS, title="Enquête salariale", meeting_id=october.id)
    await f.commitment(db, title="Déjà fait", meeting_id=march.id, status=CommitmentStatus.DONE)
    await f.commitment(db, title="Abandonné", meeting_id=june.id, status=CommitmentStatus.DROPPED)
    await f.commitment(db, title="Quota des migrants", meeting_id=elsewhere.id)
    await f.commitment(db, title="Fermé ailleurs", meeting_id=quiet.id, status=CommitmentStatus.DONE)
    await f.commitment(db, title="Sans réunion")
    await db.commit()
    return w


def panel(page: str) -> str:
    """The follow-up panel of the schedule form."""
    match = re.search(r'<div id="follow-up".*?</div>', page, re.DOTALL)
    assert match, "no follow-up panel"
    return match.group(0)


def line_of(block: str, title: str) -> str:
    match = re.search(rf"<li[^>]*>\s*(?:<a[^>]*>)?<bdi[^>]*>{re.escape(title)}</bdi>.*?</li>", block, re.DOTALL)
    assert match, f"{title} is not listed"
    return " ".join(match.group(0).split())


OTHERS = ("Déjà fait", "Abandonné", "Quota des migrants", "Fermé ailleurs", "Sans réunion")


async def test_form_shows_the_open_commitments_of_the_chosen_body_with_meetings_open(english: Any, db: Any) -> None:
    w = await world(db)
    page = text(await english.get(f"/meetings/new?body={w['plenary'].id}"))
    shown = panel(page)
    assert "Start the agenda with the follow-up of commitments" in shown
    assert re.search(r'name="carry_over" value="1"\s+checked', shown)
    # June and October were held: the cancelled, postponed and draft meetings, and the
    # meeting being prepared (not held), do not count.
    decree = line_of(shown, "Publier le décret")
    assert "open for 2 meetings" in decree and "Overdue" in decree and "Government" in decree
    study = line_of(shown, "Étude d'impact")
    assert "open for 1 meeting" in study and "Overdue" not in study and "In progress" in study
    assert "open for 0 meetings" in line_of(shown, "Enquête salariale")
    for title in OTHERS:
        assert title not in page
    # By due date, none last.
    assert shown.index("Publier le décret") < shown.index("Étude d'impact") < shown.index("Enquête salariale")


async def test_changing_the_body_answers_the_panel_of_that_body(english: Any, db: Any) -> None:
    w = await world(db)
    select_tag = re.search(r'<select id="f-body_id".*?>', (await english.get("/meetings/new")).text, re.DOTALL)
    assert select_tag and 'hx-get="/meetings/new/follow-up"' in select_tag.group(0)

    response = await english.get(
        "/meetings/new/follow-up", params={"body_id": w["committee"].id, "starts_at": STARTS}, headers=HTMX
    )
    assert response.status_code == 200
    fragment = text(response)
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="follow-up"')
    assert "open for 0 meetings" in line_of(fragment, "Quota des migrants")
    assert "Publier le décret" not in fragment

    # A start typed before the October meeting: October's commitment is not there yet.
    early = text(
        await english.get(
            "/meetings/new/follow-up",
            params={"body_id": w["plenary"].id, "starts_at": "2026-09-01T09:00"},
            headers=HTMX,
        )
    )
    assert "open for 1 meeting" in line_of(early, "Publier le décret")
    assert "Enquête salariale" not in early

    for params in ({"body_id": w["quiet"].id}, {"body_id": ""}, {"body_id": "abc"}, {"body_id": 99999}):
        empty = await english.get("/meetings/new/follow-up", params=params, headers=HTMX)
        assert empty.status_code == 200
        assert "carry_over" not in empty.text and "<li" not in empty.text


async def test_changing_the_date_answers_the_panel_for_that_date(english: Any, db: Any) -> None:
    w = await world(db)
    page = (await english.get(f"/meetings/new?body={w['plenary'].id}")).text
    starts_tag = re.search(r'<input id="f-starts_at".*?>', page, re.DOTALL)
    assert starts_tag, "no start field"
    tag = starts_tag.group(0)
    assert 'hx-get="/meetings/new/follow-up"' in tag and 'hx-trigger="change"' in tag
    assert 'hx-target="#follow-up"' in tag
    include = re.search(r'hx-include="([^"]*)"', tag)
    assert include and "#f-body_id" in include.group(1).split(", ")
    # The edit form has no panel to refresh.
    october = await db.scalar(select(Meeting).where(Meeting.starts_at == f.tunis(2026, 10, 5)))
    edit = (await english.get(f"/meetings/{october.id}/edit")).text
    assert "hx-get" not in re.search(r'<input id="f-starts_at".*?>', edit, re.DOTALL).group(0)

    # A date in May: only the March commitment was made before; June's and October's not yet.
    may = text(
        await english.get(
            "/meetings/new/follow-up",
            params={"body_id": w["plenary"].id, "starts_at": "2026-05-20T09:00"},
            headers=HTMX,
        )
    )
    assert "open for 0 meetings" in line_of(may, "Publier le décret")
    assert "Étude d'impact" not in may and "Enquête salariale" not in may
    # Before any meeting of the body: nothing to follow up, no box.
    january = await english.get(
        "/meetings/new/follow-up", params={"body_id": w["plenary"].id, "starts_at": "2026-01-15T09:00"}, headers=HTMX
    )
    assert january.status_code == 200 and "<li" not in january.text and "carry_over" not in january.text
    # The box, once unchecked, stays unchecked when the panel follows a new date.
    kept = text(
        await english.get(
            "/meetings/new/follow-up",
            params={"body_id": w["plenary"].id, "starts_at": "2026-05-20T09:00", "carry_over_offered": "1"},
            headers=HTMX,
        )
    )
    assert 'name="carry_over"' in kept and not re.search(r'name="carry_over" value="1"\s+checked', kept)


async def test_scheduling_with_the_box_checked_puts_the_follow_up_first(english: Any, db: Any) -> None:
    w = await world(db)
    response = await english.post(
        "/meetings", data=meeting_form(w["plenary"].id, carry_over="1", carry_over_offered="1")
    )
    assert response.status_code == 303, response.text
    meeting = await db.scalar(select(Meeting).where(Meeting.title == "Session ordinaire"))
    items = list(await db.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)))
    assert len(items) == 1
    item = items[0]
    assert (item.rank, item.follow_up, item.title) == (1, True, "Follow-up of commitments")
    lines = item.description.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("- Publier le décret (Government, Open, due ")
    assert "Overdue" in lines[0] and lines[0].endswith("open for 2 meetings)")
    assert lines[1].startswith("- Étude d'impact (Workers, In progress") and lines[1].endswith("open for 1 meeting)")
    assert lines[2] == "- Enquête salariale (Employers, Open, No due date, open for 0 meetings)"

    # The meeting page shows the live list under the item, each linked to its commitment.
    page = text(await english.get(f"/meetings/{meeting.id}"))
    listed = re.search(r'<ul class="follow-up-list">.*?</ul>', page, re.DOTALL)
    assert listed
    for key in ("decree", "study", "survey"):
        assert f'href="/commitments/{w[key].id}"' in listed.group(0)
    assert "open for 2 meetings" in line_of(listed.group(0), "Publier le décret")

    # Kept since: it leaves the live list (the text stays as proposed).
    decree = await db.get(Commitment, w["decree"].id)
    decree.status = CommitmentStatus.DONE
    await db.commit()
    page = text(await english.get(f"/meetings/{meeting.id}"))
    listed = re.search(r'<ul class="follow-up-list">.*?</ul>', page, re.DOTALL)
    assert listed and f'href="/commitments/{w["decree"].id}"' not in listed.group(0)
    assert f'href="/commitments/{w["study"].id}"' in listed.group(0)


async def test_a_form_that_never_showed_the_box_follows_up_by_default(english: Any, db: Any) -> None:
    w = await world(db)
    response = await english.post("/meetings", data=meeting_form(w["committee"].id))
    assert response.status_code == 303
    item = await db.scalar(select(AgendaItem).where(AgendaItem.follow_up.is_(True)))
    assert item is not None and "Quota des migrants" in item.description


async def test_scheduling_with_the_box_unchecked_adds_no_item(english: Any, db: Any) -> None:
    w = await world(db)
    response = await english.post("/meetings", data=meeting_form(w["plenary"].id, carry_over_offered="1"))
    assert response.status_code == 303
    assert await db.scalar(select(func.count(Meeting.id)).where(Meeting.title == "Session ordinaire")) == 1
    assert await db.scalar(select(func.count(AgendaItem.id))) == 0


async def test_a_body_without_open_commitments_shows_nothing_and_gets_no_item(english: Any, db: Any) -> None:
    w = await world(db)
    page = await english.get(f"/meetings/new?body={w['quiet'].id}")
    assert "carry_over" not in page.text
    assert "Start the agenda with the follow-up of commitments" not in page.text
    response = await english.post("/meetings", data=meeting_form(w["quiet"].id, carry_over="1", carry_over_offered="1"))
    assert response.status_code == 303
    assert await db.scalar(select(func.count(AgendaItem.id))) == 0


async def test_a_refused_form_keeps_the_panel_and_the_box_as_left(english: Any, db: Any) -> None:
    w = await world(db)
    response = await english.post("/meetings", data=meeting_form(w["plenary"].id, title="", carry_over_offered="1"))
    assert response.status_code == 422
    shown = panel(text(response))
    assert "open for 2 meetings" in line_of(shown, "Publier le décret")
    assert 'name="carry_over"' in shown and not re.search(r'name="carry_over" value="1"\s+checked', shown)
    assert await db.scalar(select(func.count(Meeting.id)).where(Meeting.title == "")) == 0


async def test_the_edit_form_has_no_follow_up_panel(english: Any, db: Any) -> None:
    w = await world(db)
    meeting = await db.scalar(select(Meeting).where(Meeting.starts_at == f.tunis(2026, 10, 5)))
    page = await english.get(f"/meetings/{meeting.id}/edit")
    assert page.status_code == 200
    assert 'id="follow-up"' not in page.text and "hx-get" not in re.search(
        r'<select id="f-body_id".*?>', page.text, re.DOTALL
    ).group(0)
    assert w["plenary"].id == meeting.body_id


async def test_the_api_follows_up_unless_told_not_to(english: Any, db: Any) -> None:
    w = await world(db)
    ends = f"{f.NEXT_YEAR}-12-10T12:00"
    body = {"body_id": w["plenary"].id, "title": "Session API", "starts_at": STARTS, "ends_at": ends}
    created = await english.post("/api/v1/meetings", json=body)
    assert created.status_code == 201, created.text
    agenda = (await english.get(f"/api/v1/meetings/{created.json()['id']}/agenda")).json()
    first = agenda["items"][0]
    assert first["follow_up"] is True and first["rank"] == 1 and first["title"] == "Follow-up of commitments"
    assert "Publier le décret" in first["description"] and "open for 2 meetings" in first["description"]

    without = await english.post("/api/v1/meetings", json={**body, "title": "Sans suivi", "carry_over": False})
    assert without.status_code == 201
    assert (await english.get(f"/api/v1/meetings/{without.json()['id']}/agenda")).json()["items"] == []

    refused = await english.post("/api/v1/meetings", json={**body, "carry_over": "maybe"})
    assert refused.status_code == 422 and "carry_over" in refused.json()["errors"]


async def test_the_follow_up_goes_first_and_is_added_once(db: Any) -> None:
    w = await world(db)
    meeting = await f.meeting(db, w["plenary"], starts_at=f.tunis(f.NEXT_YEAR, 12, 10))
    existing = await f.item(db, meeting, rank=1, title="Budget")
    await db.commit()
    item = await carry_over.add_follow_up_item(db, meeting)
    assert item is not None
    assert await carry_over.add_follow_up_item(db, meeting) is item
    await db.commit()
    ranks = (await db.execute(select(AgendaItem.title, AgendaItem.rank).order_by(AgendaItem.rank))).all()
    assert ranks == [("Follow-up of commitments", 1), ("Budget", 2)]
    assert existing.id != item.id
