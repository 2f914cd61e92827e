"""Events beside the council's meetings (no body needed), session numbers per body and
year, and a meeting's project, through the schedule form."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from dialogue.meetings.models import Meeting, MeetingKind, SessionKind
from dialogue.projects.models import Project
from tests import factories as f
from tests.meetings.helpers import text
from tests.meetings.test_schedule import YEAR, meeting_form


async def test_a_workshop_stands_on_its_own_and_a_plenary_needs_a_body(english: Any, db: Any) -> None:
    project = Project(slug="amem", acronym="AMEM", name="Migration équitable", countries="TN")
    db.add(project)
    await db.commit()
    form = await english.get("/meetings/new")
    assert '<optgroup label="Events">' in form.text and '<option value="closing_workshop"' in form.text
    assert "AMEM – Migration équitable" in form.text

    refused = await english.post("/meetings", data=meeting_form("", kind="plenary"))
    assert refused.status_code == 422
    assert "a meeting of the council belongs to one of its bodies" in text(refused)
    assert await db.scalar(select(func.count(Meeting.id))) == 0

    made = await english.post(
        "/meetings", data=meeting_form("", kind="closing_workshop", title="Atelier de clôture", project_id=project.id)
    )
    assert made.status_code == 303
    meeting = await db.scalar(select(Meeting))
    assert meeting.body_id is None and meeting.kind == MeetingKind.CLOSING_WORKSHOP
    assert meeting.project_id == project.id
    page = await english.get(made.headers["location"])
    assert page.status_code == 200
    assert "Closing workshop" in page.text and "AMEM – Migration équitable" in page.text
    listed = await english.get("/meetings")
    assert "Atelier de clôture" in listed.text
    found = await english.get("/meetings", params={"q": "amem"})
    assert "Atelier de clôture" in found.text


async def test_ordinary_sessions_are_numbered_once_per_body_and_year(english: Any, db: Any) -> None:
    body = await f.body(db)
    await db.commit()
    second = meeting_form(body.id, session_kind="ordinary", session_number="2")
    made = await english.post("/meetings", data=second)
    assert made.status_code == 303
    page = await english.get(made.headers["location"])
    assert f"2nd ordinary session of {YEAR}" in page.text

    again = await english.post("/meetings", data=meeting_form(body.id, session_kind="ordinary", session_number="2"))
    assert again.status_code == 422
    assert "This number is already taken that year" in text(again)
    unnumbered = await english.post("/meetings", data=meeting_form(body.id, session_kind="ordinary"))
    assert unnumbered.status_code == 422
    assert "Give the number of this ordinary session" in text(unnumbered)
    number_alone = await english.post("/meetings", data=meeting_form(body.id, session_number="4"))
    assert number_alone.status_code == 422
    assert "Choose an ordinary or extraordinary session for this number" in text(number_alone)
    assert await db.scalar(select(func.count(Meeting.id))) == 1

    # The same number the next year, and an extraordinary session, are fine.
    next_year = meeting_form(
        body.id,
        session_kind="ordinary",
        session_number="2",
        starts_at=f"{YEAR + 1}-01-10T09:00",
        ends_at=f"{YEAR + 1}-01-10T12:00",
    )
    assert (await english.post("/meetings", data=next_year)).status_code in (303, 422)
    extraordinary = await english.post("/meetings", data=meeting_form(body.id, session_kind="extraordinary"))
    assert extraordinary.status_code == 303
    shown = await english.get(extraordinary.headers["location"])
    assert f"Extraordinary session of {YEAR}" in shown.text
    kinds = set(await db.scalars(select(Meeting.session_kind)))
    assert SessionKind.EXTRAORDINARY in kinds


async def test_an_event_is_not_a_session_and_the_session_label_speaks_french(client: Any, db: Any) -> None:
    body = await f.body(db)
    await db.commit()
    refused = await client.post(
        "/meetings", data=meeting_form("", kind="workshop", session_kind="ordinary", session_number="1")
    )
    assert refused.status_code == 422
    page = await client.post("/meetings", data=meeting_form(body.id, session_kind="ordinary", session_number="1"))
    assert page.status_code == 200  # the new meeting's page, after the redirect
    assert f"1re session ordinaire de {YEAR}" in page.text


async def test_the_api_schedules_an_event_without_a_body(english: Any, db: Any) -> None:
    body = await f.body(db)
    await db.commit()
    start, end = f"{YEAR}-12-10T09:00", f"{YEAR}-12-10T12:00"
    refused = await english.post(
        "/api/v1/meetings", json={"body_id": None, "title": "Plénière", "starts_at": start, "ends_at": end}
    )
    assert refused.status_code == 422
    assert "body_id" in refused.text
    made = await english.post(
        "/api/v1/meetings",
        json={"body_id": None, "title": "Atelier", "kind": "workshop", "starts_at": start, "ends_at": end},
    )
    assert made.status_code == 201, made.text
    assert made.json()["body_id"] is None and made.json()["kind"] == "workshop"
    session = await english.post(
        "/api/v1/meetings",
        json={
            "body_id": body.id,
            "title": "Session",
            "starts_at": start,
            "ends_at": end,
            "session_kind": "ordinary",
            "session_number": 3,
        },
    )
    assert session.status_code == 201, session.text
    assert session.json()["session_number"] == 3
    listed = await english.get("/api/v1/meetings")
    assert {item["title"]: item["body_id"] for item in listed.json()["items"]} == {"Atelier": None, "Session": body.id}


async def test_a_refused_form_answers_html_to_a_browser_without_htmx(english: Any, db: Any) -> None:
    """A form posted without htmx (no JavaScript, or a file upload) gets its page back as
    HTML, whatever the handler returns, not as JSON the browser would show as source."""
    refused = await english.post("/meetings", data=meeting_form("", kind="plenary"))
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("text/html")
    logo = await english.post(
        "/settings/letterhead",
        data={"reference_format": "{year}/{meeting}", "version": "1"},
        files={"logo": ("logo.png", b"not a picture", "image/png")},
    )
    assert logo.status_code == 422
    assert logo.headers["content-type"].startswith("text/html")
    assert "The logo must be a PNG or JPEG picture." in logo.text
