"""A create form sent twice (double click, "back" and resend, a retry) creates once: the
second answer goes where the first one led."""

from __future__ import annotations

import asyncio
import html
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from dialogue.accounts.models import Account, ApiToken
from dialogue.agenda.models import AgendaDocument, AgendaItem
from dialogue.bodies.models import Body, Membership
from dialogue.commitments.models import Commitment, CommitmentUpdate
from dialogue.meetings.models import Meeting, MeetingStatus
from dialogue.minutes.models import Minutes
from dialogue.people.models import Organisation, Person, Side
from tests import factories as f

MEETING = {
    "title": "Session ordinaire",
    "kind": "plenary",
    "starts_at": f"{f.NEXT_YEAR}-12-10T09:00",
    "ends_at": f"{f.NEXT_YEAR}-12-10T12:30",
    "status": "scheduled",
}


def form_key(page: str, action: str) -> str:
    """The one-time key of the form posting to `action` on `page` (it must have one)."""
    start = page.index(f'action="{action}"')
    form = page[start : page.index("</form>", start)]
    match = re.search(r'name="_form_key" value="([^"]+)"', form)
    assert match, f"the form posting to {action} has no one-time key"
    return html.unescape(match.group(1))


async def count(db: Any, model: Any) -> int:
    return await db.scalar(select(func.count()).select_from(model))


async def twice(client: Any, page_url: str, action: str, data: dict[str, str], **kwargs: Any) -> tuple[Any, Any]:
    page = await client.get(page_url)
    assert page.status_code == 200, page.text
    data = {**data, "_form_key": form_key(page.text, action)}
    first = await client.post(action, data=data, follow_redirects=False, **kwargs)
    second = await client.post(action, data=data, follow_redirects=False, **kwargs)
    return first, second


async def test_schedule_sent_twice_creates_one_meeting_and_both_answers_lead_to_it(english: Any, db: Any) -> None:
    body = await f.body(db)
    await db.commit()
    first, second = await twice(english, "/meetings/new", "/meetings", {**MEETING, "body_id": str(body.id)})
    assert first.status_code == 303, first.text
    assert await count(db, Meeting) == 1
    meeting = await db.scalar(select(Meeting))
    assert first.headers["location"] == second.headers["location"] == f"/meetings/{meeting.id}"
    # HTMX (the boosted form) is told to go there too.
    page = await english.get("/meetings/new")
    key = form_key(page.text, "/meetings")
    data = {**MEETING, "body_id": str(body.id), "_form_key": key}
    answers = [await english.post("/meetings", data=data, headers={"HX-Request": "true"}) for _ in range(2)]
    assert await count(db, Meeting) == 2
    second_meeting = await db.scalar(select(Meeting.id).order_by(Meeting.id.desc()).limit(1))
    for answer in answers:
        assert answer.status_code == 204 and f"/meetings/{second_meeting}" in answer.headers["HX-Location"]


async def test_a_double_click_racing_two_requests_creates_one_meeting(english: Any, db: Any) -> None:
    body = await f.body(db)
    await db.commit()
    page = await english.get("/meetings/new")
    data = {**MEETING, "body_id": str(body.id), "_form_key": form_key(page.text, "/meetings")}
    answers = await asyncio.gather(*(english.post("/meetings", data=data, follow_redirects=False) for _ in range(2)))
    assert [a.status_code for a in answers] == [303, 303], [a.text[:300] for a in answers]
    assert await count(db, Meeting) == 1
    meeting = await db.scalar(select(Meeting))
    assert {a.headers["location"] for a in answers} == {f"/meetings/{meeting.id}"}


async def test_a_form_with_errors_then_corrected_is_still_created(english: Any, db: Any) -> None:
    """The key is recorded only with a create: a refused first attempt does not block it."""
    body = await f.body(db)
    await db.commit()
    page = await english.get("/meetings/new")
    data = {**MEETING, "body_id": str(body.id), "_form_key": form_key(page.text, "/meetings")}
    refused = await english.post("/meetings", data={**data, "title": ""}, follow_redirects=False)
    assert refused.status_code == 422
    created = await english.post("/meetings", data=data, follow_redirects=False)
    assert created.status_code == 303
    assert await count(db, Meeting) == 1


async def test_someone_elses_key_does_not_reveal_what_it_created(english: Any, db: Any) -> None:
    body = await f.body(db)
    await db.commit()
    first, _second = await twice(english, "/meetings/new", "/meetings", {**MEETING, "body_id": str(body.id)})
    assert first.status_code == 303
    from dialogue.idempotency import FormSubmission

    row = await db.scalar(select(FormSubmission))
    row.account_id = None
    await db.commit()
    replayed = await english.post(
        "/meetings", data={**MEETING, "body_id": str(body.id), "_form_key": row.key}, follow_redirects=False
    )
    assert replayed.status_code == 303 and replayed.headers["location"] == "/"
    assert await count(db, Meeting) == 1


async def test_every_create_form_of_the_secretariat_creates_once(english: Any, db: Any) -> None:
    body = await f.body(db, name="Commission ad hoc")
    meeting = await f.meeting(db, body)
    item = await f.item(db, meeting, title="Point existant")
    org = await f.organisation(db, Side.EMPLOYERS, name="UTAP", slug="utap")
    person = await f.person(db, org, full_name="Nour Ben Ali")
    await db.commit()
    cases: list[tuple[str, str, dict[str, str], Any]] = [
        (
            f"/meetings/{meeting.id}",
            f"/meetings/{meeting.id}/agenda",
            {"title": "Migration de main-d'oeuvre", "duration_minutes": "30", "next": f"/meetings/{meeting.id}"},
            AgendaItem,
        ),
        (
            f"/meetings/{meeting.id}",
            f"/agenda/{item.id}/documents",
            {"title": "Note", "url": "https://example.tn/note.pdf", "next": f"/meetings/{meeting.id}"},
            AgendaDocument,
        ),
        ("/commitments/new", "/commitments", {"title": "Étude", "side": "workers"}, Commitment),
        ("/organisations/new", "/organisations", {"slug": "onm", "name": "ONM", "side": "government"}, Organisation),
        ("/people/new", "/people", {"full_name": "Salma Trabelsi", "organisation_id": str(org.id)}, Person),
        ("/bodies/new", "/bodies", {"name": "Groupe de travail", "kind": "working_group"}, Body),
        (
            f"/bodies/{body.id}",
            f"/bodies/{body.id}/members",
            {"person_id": str(person.id), "kind": "titular"},
            Membership,
        ),
        ("/accounts/new", "/accounts", {"email": "nour@example.tn", "role": "coordinator"}, Account),
        ("/account", "/account/tokens", {"name": "rapport mensuel"}, ApiToken),
    ]
    for page_url, action, data, model in cases:
        before = await count(db, model)
        first, second = await twice(english, page_url, action, data)
        assert first.status_code in (201, 303), (action, first.status_code, first.text[:500])
        assert second.status_code == 303, (action, second.status_code, second.text[:500])
        assert await count(db, model) == before + 1, action
        if first.status_code == 303:
            assert second.headers["location"] == first.headers["location"], action


async def test_progress_update_sent_twice_is_added_once(english: Any, db: Any) -> None:
    commitment = await f.commitment(db, side=Side.WORKERS)
    await db.commit()
    url = f"/commitments/{commitment.id}"
    first, second = await twice(english, url, f"{url}/updates", {"note": "Étude lancée"})
    assert first.status_code == 303 and second.headers["location"] == url
    assert await count(db, CommitmentUpdate) == 1


async def test_starting_the_minutes_twice_answers_like_the_first_time(english: Any, db: Any) -> None:
    meeting = await f.meeting(db, status=MeetingStatus.HELD)
    await db.commit()
    url = f"/meetings/{meeting.id}/minutes"
    first, second = await twice(english, url, url, {})
    assert first.status_code in (200, 303), first.text[:300]
    assert second.status_code == 303 and second.headers["location"] == url
    assert await count(db, Minutes) == 1


async def test_a_regenerated_feed_address_is_not_regenerated_again_by_a_second_click(english: Any, db: Any) -> None:
    page = (await english.get("/account/calendars")).text
    form = page[page.index('action="/account/calendars"') :]
    scope = re.search(r'name="scope" value="([^"]*)"', form).group(1)
    key = re.search(r'name="key" value="([^"]*)"', form).group(1)
    first, second = await twice(english, "/account/calendars", "/account/calendars", {"scope": scope, "key": key})
    assert first.status_code == 201, first.text[:300]
    assert second.status_code == 303 and second.headers["location"] == "/account/calendars"


@pytest.mark.parametrize(
    ("url", "payload", "model"),
    [
        ("/api/v1/meetings", "meeting", Meeting),
        ("/api/v1/organisations", {"slug": "ote", "name": "OTE", "side": "government"}, Organisation),
    ],
)
async def test_api_creates_once_with_an_idempotency_key(
    client: Any, db: Any, url: str, payload: Any, model: Any
) -> None:
    if payload == "meeting":
        body = await f.body(db)
        await db.commit()
        payload = {
            "body_id": body.id,
            "title": "Session",
            "starts_at": f"{f.NEXT_YEAR}-12-10T09:00:00+01:00",
            "ends_at": f"{f.NEXT_YEAR}-12-10T12:00:00+01:00",
        }
    headers = {"Idempotency-Key": "retry-0123456789abcdef"}
    first = await client.post(url, json=payload, headers=headers)
    assert first.status_code == 201, first.text
    second = await client.post(url, json=payload, headers=headers, follow_redirects=False)
    assert second.status_code == 303
    assert second.headers["location"] == f"{url}/{first.json()['id']}"
    assert await count(db, model) == 1
    # Without the header, each request creates (the key is the client's promise).
    if model is Organisation:
        payload = {**payload, "slug": "ote2", "name": "OTE 2"}
    assert (await client.post(url, json=payload)).status_code == 201
    assert await count(db, model) == 2


async def test_keys_older_than_a_day_are_deleted_as_new_ones_come(english: Any, db: Any) -> None:
    import datetime as dt

    from dialogue.idempotency import FormSubmission

    body = await f.body(db)
    db.add(FormSubmission(key="old-key-0123456789abcdef", account_id=None, url="/meetings/1"))
    await db.commit()
    old = await db.scalar(select(FormSubmission))
    old.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    await db.commit()
    first, _second = await twice(english, "/meetings/new", "/meetings", {**MEETING, "body_id": str(body.id)})
    assert first.status_code == 303
    keys = (await db.scalars(select(FormSubmission.key).execution_options(populate_existing=True))).all()
    assert "old-key-0123456789abcdef" not in keys and len(keys) == 1
