"""The commitments pages through HTTP: list and filters, form, detail, progress, delete."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.commitments.models import Commitment, CommitmentStatus, CommitmentUpdate
from dialogue.people.models import Side
from tests import factories as f

HTMX = {"HX-Request": "true"}


def shown(html: str, world: dict[str, Any]) -> set[str]:
    """Which of the record's four commitments a list shows (by their row id)."""
    return {key for key in ("gov", "workers", "employers", "observers") if f'id="commitment-{world[key].id}"' in html}


async def reload(db: AsyncSession, commitment: Commitment) -> Commitment:
    db.expunge_all()
    return (await db.execute(select(Commitment).where(Commitment.id == commitment.id))).scalar_one()


# The list ----------------------------------------------------------------------------------


async def test_secretariat_sees_every_commitment_by_due_date_with_its_follow_up(
    english: Any, record: dict[str, Any]
) -> None:
    response = await english.get("/commitments")
    assert response.status_code == 200
    html = response.text
    assert shown(html, record) == {"gov", "workers", "employers", "observers"}
    # by due date, the one without a date last
    positions = [html.index(f'id="commitment-{record[k].id}"') for k in ("gov", "employers", "workers", "observers")]
    assert positions == sorted(positions)
    assert "Publier le décret d&#39;application" in html
    assert "MAS délégué 1" in html and "UGTT" in html
    assert f'href="/meetings/{record["march"].id}"' in html
    gov_row = html[html.index(f'id="commitment-{record["gov"].id}"') - 60 :]
    assert 'class="side-government overdue"' in gov_row[:120]
    assert html.count('class="badge overdue"') == 1
    assert "In progress" in html and "Done" in html and "Dropped" in html
    # last update of the workers' commitment: the newest of its two updates
    last = (record["today"] - dt.timedelta(days=2)).isoformat()
    assert f'datetime="{last}"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("side=workers", {"workers"}),
        ("status=done", {"employers"}),
        ("status=active", {"gov", "workers"}),
        ("overdue=true", {"gov"}),
        ("overdue=1", {"gov"}),
        ("due_soon=true", {"workers"}),
        ("q=f%C3%A9d%C3%A9rations", {"workers"}),
        ("q=saisonniers", {"workers"}),
        ("q=DECRET", {"gov"}),  # accents and case ignored
        ("q=d%C3%A9cret", {"gov"}),
    ],
)
async def test_commitments_page_filters(client: Any, record: dict[str, Any], query: str, expected: set[str]) -> None:
    response = await client.get(f"/commitments?{query}")
    assert response.status_code == 200
    assert shown(response.text, record) == expected


async def test_commitments_page_filters_by_organisation(client: Any, record: dict[str, Any]) -> None:
    response = await client.get(f"/commitments?organisation={record['utica'].id}")
    assert shown(response.text, record) == {"employers"}


async def test_commitments_page_filters_by_body_of_the_meeting(client: Any, record: dict[str, Any]) -> None:
    response = await client.get(f"/commitments?body={record['plenary'].id}")
    assert shown(response.text, record) == {"gov", "employers"}
    response = await client.get(f"/commitments?body={record['committee'].id}")
    assert shown(response.text, record) == {"workers"}


async def test_commitments_page_filters_by_due_range(client: Any, record: dict[str, Any]) -> None:
    today = record["today"]
    response = await client.get(
        f"/commitments?due_from={today.isoformat()}&due_to={(today + dt.timedelta(days=10)).isoformat()}"
    )
    assert shown(response.text, record) == {"workers"}
    response = await client.get(f"/commitments?due_to={today.isoformat()}")
    assert shown(response.text, record) == {"gov", "employers"}
    response = await client.get(f"/commitments?due_from={(today - dt.timedelta(days=5)).isoformat()}")
    assert shown(response.text, record) == {"employers", "workers"}


async def test_filter_form_answers_htmx_with_the_results_only(client: Any, record: dict[str, Any]) -> None:
    response = await client.get("/commitments?side=government", headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert shown(response.text, record) == {"gov"}
    page = await client.get("/commitments")
    assert 'hx-get="/commitments"' in page.text and 'hx-push-url="true"' in page.text
    assert 'method="get" action="/commitments"' in page.text


async def test_filters_that_make_no_sense_are_reported_not_a_500(english: Any, record: dict[str, Any]) -> None:
    response = await english.get(
        "/commitments?side=aliens&organisation=abc&status=finished&due_from=2026-13-45&q=" + "x" * 300
    )
    assert response.status_code == 200
    assert "not understood" in response.text
    assert shown(response.text, record) == {"gov", "workers", "employers", "observers"}
    response = await english.get("/commitments?due_from=2026-05-01&due_to=2026-01-01&offset=-5")
    assert response.status_code == 200


async def test_commitments_page_is_paginated_and_keeps_the_filters(client: Any, db: AsyncSession) -> None:
    for n in range(30):
        await f.commitment(
            db, Side.WORKERS, title=f"Engagement {n:02}", due_on=dt.date(2027, 1, 1) + dt.timedelta(days=n)
        )
    await f.commitment(db, Side.GOVERNMENT, title="Pas dans la liste")
    await db.commit()
    first = await client.get("/commitments?side=workers")
    assert len(re.findall(r'id="commitment-\d+"', first.text)) == 25
    assert "side=workers&amp;offset=25" in first.text
    second = await client.get("/commitments?side=workers&offset=25")
    assert len(re.findall(r'id="commitment-\d+"', second.text)) == 5
    assert "Engagement 29" in second.text and "Pas dans la liste" not in second.text


# Creating ----------------------------------------------------------------------------------


async def test_new_commitment_form_renders_with_choices(english: Any, record: dict[str, Any]) -> None:
    response = await english.get("/commitments/new")
    assert response.status_code == 200
    assert 'name="title"' in response.text
    assert '<input type="hidden" name="_csrf_token"' in response.text
    assert "UGTT" in response.text and "MAS délégué 1" in response.text
    assert "Plénière de mars" in response.text


async def test_commitment_from_an_outcome_preselects_meeting_item_and_shows_the_text(
    english: Any, record: dict[str, Any]
) -> None:
    item = record["item"]
    response = await english.get(f"/commitments/new?item={item.id}&from_outcome=1")
    assert response.status_code == 200
    html = response.text
    assert f'<option value="{record["march"].id}" selected' in html
    assert f'<option value="{item.id}" selected' in html
    assert 'name="from_outcome" value="1" checked' in html
    assert "Les trois parties conviennent" in html
    assert f'name="next" value="/meetings/{record["march"].id}"' in html


async def test_commitment_form_from_a_meeting_and_unknown_origins(client: Any, record: dict[str, Any]) -> None:
    response = await client.get(f"/commitments/new?meeting={record['april'].id}")
    assert f'<option value="{record["april"].id}" selected' in response.text
    assert (await client.get("/commitments/new?item=999999")).status_code == 404
    assert (await client.get("/commitments/new?meeting=999999")).status_code == 404


async def test_agenda_items_of_the_chosen_meeting_load_into_the_form(client: Any, record: dict[str, Any]) -> None:
    response = await client.get(f"/commitments/form/items?meeting_id={record['march'].id}", headers=HTMX)
    assert response.status_code == 200
    assert "Salaire minimum" in response.text and 'id="item-field"' in response.text
    response = await client.get("/commitments/form/items?meeting_id=nope", headers=HTMX)
    assert response.status_code == 200 and "Salaire minimum" not in response.text


async def test_secretariat_records_a_commitment(client: Any, db: AsyncSession, record: dict[str, Any]) -> None:
    due = (record["today"] + dt.timedelta(days=30)).isoformat()
    response = await client.post(
        "/commitments",
        data={
            "title": "Réviser le barème",
            "description": "Avant la prochaine plénière",
            "side": "workers",
            "organisation_id": str(record["ugtt"].id),
            "responsible_id": str(record["ugtt2"].id),
            "due_on": due,
            "status": "open",
            "meeting_id": str(record["march"].id),
            "agenda_item_id": str(record["item"].id),
            "from_outcome": "1",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    made = (await db.execute(select(Commitment).where(Commitment.title == "Réviser le barème"))).scalar_one()
    assert response.headers["location"] == f"/commitments/{made.id}"
    assert made.side is Side.WORKERS and made.responsible_id == record["ugtt2"].id
    assert made.due_on.isoformat() == due and made.from_outcome and made.agenda_item_id == record["item"].id
    assert made.closed_on is None


async def test_form_works_without_javascript_with_the_token_in_the_form(
    client: Any, db: AsyncSession, record: dict[str, Any]
) -> None:
    page = await client.get("/commitments/new")
    token = re.search(r'<input type="hidden" name="_csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    del client.headers["x-csrftoken"]
    refused = await client.post("/commitments", data={"title": "Sans jeton", "side": "workers"}, follow_redirects=False)
    assert refused.status_code == 403
    response = await client.post(
        "/commitments",
        data={"_csrf_token": token.group(1), "title": "Sans JavaScript", "side": "workers"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert (await db.execute(select(Commitment).where(Commitment.title == "Sans JavaScript"))).scalar_one()


async def test_commitment_from_the_meeting_page_returns_to_the_meeting(
    client: Any, db: AsyncSession, record: dict[str, Any]
) -> None:
    response = await client.post(
        "/commitments",
        data={
            "title": "Rapport",
            "side": "government",
            "agenda_item_id": str(record["item"].id),
            "next": f"/meetings/{record['march'].id}",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/meetings/{record['march'].id}"
    made = (await db.execute(select(Commitment).where(Commitment.title == "Rapport"))).scalar_one()
    assert made.meeting_id == record["march"].id
    evil = await client.post(
        "/commitments", data={"title": "x", "side": "government", "next": "//evil.example"}, follow_redirects=False
    )
    assert evil.headers["location"].startswith("/commitments/")


async def test_organisation_of_another_side_is_refused_with_a_clear_error(
    english: Any, db: AsyncSession, record: dict[str, Any]
) -> None:
    before = (await db.execute(select(func.count()).select_from(Commitment))).scalar_one()
    response = await english.post(
        "/commitments",
        data={
            "title": "Mauvais camp",
            "side": "government",
            "organisation_id": str(record["ugtt"].id),
            "responsible_id": str(record["ugtt1"].id),
        },
    )
    assert response.status_code == 422
    assert "This organisation is on another side (Workers)." in response.text
    assert 'value="Mauvais camp"' in response.text
    assert (await db.execute(select(func.count()).select_from(Commitment))).scalar_one() == before


async def test_person_of_another_organisation_is_refused(
    english: Any, db: AsyncSession, record: dict[str, Any]
) -> None:
    response = await english.post(
        "/commitments",
        data={
            "title": "x",
            "side": "workers",
            "organisation_id": str(record["ugtt"].id),
            "responsible_id": str(record["mas1"].id),
        },
    )
    assert response.status_code == 422
    assert "This person does not belong to the chosen organisation." in response.text


async def test_bad_input_on_the_form_is_answered_next_to_the_fields(english: Any, record: dict[str, Any]) -> None:
    response = await english.post(
        "/commitments",
        data={
            "title": "",
            "side": "martians",
            "due_on": "31/12/2026",
            "organisation_id": "999999",
            "meeting_id": "abc",
            "status": "finished",
        },
    )
    assert response.status_code == 422
    html = response.text
    assert 'id="e-title"' in html and 'id="e-side"' in html and 'id="e-due_on"' in html
    assert 'id="e-organisation_id"' in html and 'id="e-meeting_id"' in html and 'id="e-status"' in html
    assert 'value="31/12/2026"' in html
    too_long = await english.post("/commitments", data={"title": "x" * 301, "side": "workers"})
    assert too_long.status_code == 422 and "At most 300 characters." in too_long.text


# Editing -----------------------------------------------------------------------------------


async def test_edit_form_shows_current_values_and_version(client: Any, record: dict[str, Any]) -> None:
    response = await client.get(f"/commitments/{record['gov'].id}/edit")
    assert response.status_code == 200
    assert 'name="version" value="1"' in response.text
    assert "Publier le décret d&#39;application" in response.text
    assert (await client.get("/commitments/999999/edit")).status_code == 404


def edit_data(record: dict[str, Any], **changes: str) -> dict[str, str]:
    data = {
        "title": "Publier le décret d'application",
        "side": "government",
        "organisation_id": str(record["mas"].id),
        "responsible_id": str(record["mas2"].id),
        "due_on": record["gov"].due_on.isoformat(),
        "status": "open",
        "meeting_id": str(record["march"].id),
        "agenda_item_id": str(record["item"].id),
        "from_outcome": "1",
        "version": "1",
    }
    return {**data, **changes}


async def test_secretariat_edits_a_commitment_and_closing_it_records_the_day(
    client: Any, db: AsyncSession, record: dict[str, Any]
) -> None:
    response = await client.post(
        f"/commitments/{record['gov'].id}/edit", data=edit_data(record, status="done"), follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/commitments/{record['gov'].id}"
    gov = await reload(db, record["gov"])
    assert gov.responsible_id == record["mas2"].id
    assert gov.status is CommitmentStatus.DONE and gov.closed_on == record["today"]
    assert gov.version == 2


async def test_stale_edit_is_refused_with_the_current_values(
    english: Any, db: AsyncSession, record: dict[str, Any]
) -> None:
    first = await english.post(
        f"/commitments/{record['gov'].id}/edit", data=edit_data(record, title="Première version")
    )
    assert first.status_code in (200, 303)
    response = await english.post(f"/commitments/{record['gov'].id}/edit", data=edit_data(record, title="Écrasement"))
    assert response.status_code == 409
    assert "Someone else changed this record" in response.text
    assert 'value="Première version"' in response.text
    assert 'name="version" value="2"' in response.text
    assert (await reload(db, record["gov"])).title == "Première version"
    missing = await english.post(f"/commitments/{record['gov'].id}/edit", data=edit_data(record, version=""))
    assert missing.status_code == 409


async def test_invalid_edit_keeps_what_was_typed_and_saves_nothing(
    english: Any, db: AsyncSession, record: dict[str, Any]
) -> None:
    response = await english.post(
        f"/commitments/{record['gov'].id}/edit",
        data=edit_data(record, title="", organisation_id=str(record["utica"].id)),
    )
    assert response.status_code == 422
    assert 'id="e-title"' in response.text and 'id="e-organisation_id"' in response.text
    gov = await reload(db, record["gov"])
    assert gov.title == "Publier le décret d'application" and gov.version == 1


# Detail, progress, delete ------------------------------------------------------------------


async def test_detail_page_shows_facts_origin_and_updates_newest_first(english: Any, record: dict[str, Any]) -> None:
    response = await english.get(f"/commitments/{record['gov'].id}")
    assert response.status_code == 200
    html = response.text
    assert "Publier le décret d&#39;application" in html and "MAS délégué 1" in html
    assert "Plénière de mars" in html and "Salaire minimum" in html
    assert "Les trois parties conviennent de réviser le SMIG." in html
    assert 'class="badge overdue"' in html
    workers = await english.get(f"/commitments/{record['workers'].id}")
    assert workers.text.index("Deux fédérations consultées") < workers.text.index("Réunion planifiée")
    assert (await english.get("/commitments/999999")).status_code == 404


async def test_delegate_adds_a_progress_update_that_closes_the_commitment(
    client: Any, db: AsyncSession, record: dict[str, Any]
) -> None:
    written = (record["today"] - dt.timedelta(days=1)).isoformat()
    response = await client.post(
        f"/commitments/{record['gov'].id}/updates",
        data={
            "written_on": written,
            "note": "Décret publié au JORT",
            "evidence_url": "https://www.iort.gov.tn/d/2026-12",
            "status": "done",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    gov = await reload(db, record["gov"])
    assert gov.status is CommitmentStatus.DONE
    assert gov.closed_on.isoformat() == written
    update = (await db.execute(select(CommitmentUpdate).where(CommitmentUpdate.commitment_id == gov.id))).scalar_one()
    assert update.note == "Décret publié au JORT" and update.status is CommitmentStatus.DONE
    page = await client.get(f"/commitments/{gov.id}")
    assert "Décret publié au JORT" in page.text and 'class="badge overdue"' not in page.text


async def test_progress_update_through_htmx_refreshes_the_section(
    english: Any, db: AsyncSession, record: dict[str, Any]
) -> None:
    response = await english.post(
        f"/commitments/{record['workers'].id}/updates", data={"note": "Troisième fédération"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="commitment"' in response.text and "Progress update added." in response.text
    assert response.text.index("Troisième fédération") < response.text.index("Deux fédérations consultées")
    update = (
        await db.execute(select(CommitmentUpdate).where(CommitmentUpdate.note == "Troisième fédération"))
    ).scalar_one()
    assert update.written_on == record["today"] and update.status is None
    assert (await reload(db, record["workers"])).status is CommitmentStatus.IN_PROGRESS


async def test_progress_update_needs_a_note_and_a_real_link(
    english: Any, db: AsyncSession, record: dict[str, Any]
) -> None:
    future = (record["today"] + dt.timedelta(days=3)).isoformat()
    response = await english.post(
        f"/commitments/{record['workers'].id}/updates",
        data={"note": "", "evidence_url": "ftp://nope", "written_on": future, "status": "bogus"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert 'id="e-note"' in response.text and 'id="e-evidence_url"' in response.text
    assert 'id="e-written_on"' in response.text and 'id="e-status"' in response.text
    assert 'value="ftp://nope"' in response.text
    count = (await db.execute(select(func.count()).select_from(CommitmentUpdate))).scalar_one()
    assert count == 2
    assert (await english.post("/commitments/999999/updates", data={"note": "x"})).status_code == 404


async def test_commitment_without_updates_can_be_deleted(client: Any, db: AsyncSession, record: dict[str, Any]) -> None:
    response = await client.post(
        f"/commitments/{record['gov'].id}/delete", data={"version": "1"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/commitments"
    db.expunge_all()
    assert await db.get(Commitment, record["gov"].id) is None


async def test_commitment_with_updates_cannot_be_deleted_drop_it_instead(
    english: Any, db: AsyncSession, record: dict[str, Any]
) -> None:
    response = await english.post(f"/commitments/{record['workers'].id}/delete", data={"version": "1"})
    assert response.status_code == 409
    assert "set its status to dropped instead" in response.text
    assert "Delete this commitment" not in response.text
    db.expunge_all()
    assert await db.get(Commitment, record["workers"].id) is not None
