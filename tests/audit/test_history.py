"""The history pages of meetings, commitments, people, bodies and organisations: who sees
what, in words, newest first."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.people.models import Side
from tests import factories as f
from tests.audit.conftest import SECRETARIAT, act_as, event_count
from tests.conftest import count_queries

DRAFT = "Brouillon interne: nous pourrions accepter 5 %"
SHARED = "Position publique des travailleurs"


async def test_history_shows_when_who_what_and_the_changed_fields_in_words(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db, title="Session", description="Ordre du jour " + "très long " * 40)
    await db.commit()
    meeting.status = meeting.status.__class__("held")
    meeting.venue = "Tunis"
    await db.commit()

    page = await english.get(f"/meetings/{meeting.id}/history")

    assert page.status_code == 200
    text = page.text
    assert "Session" in text and f'href="/meetings/{meeting.id}"' in text
    assert "Status changed" in text and "Created" in text
    assert "Meeting" in text
    for label in ("Status", "Venue", "Title", "Description", "Starts", "Body"):
        assert f'<th scope="row">{label}</th>' in text
    assert "Scheduled" in text and "Held" in text  # choices by their labels
    assert "Thu 10 Dec 2026, 09:00" in text  # the start, in Tunis time
    # Long texts are shortened, their whole text one click away.
    assert re.search(
        r'<details class="audit-full"><summary><bdi>Ordre du jour (très long ){5}[^<]*…</bdi></summary>', text
    )
    assert ("très long " * 40).strip() in text
    assert text.index("Status changed") < text.index("Created")  # newest first


async def test_positions_show_their_side_in_the_history(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    item = await f.item(db, meeting, title="Salaire minimum")
    await f.position(db, item, Side.WORKERS, statement=SHARED)
    await f.invite(db, meeting, await f.person(db))
    await db.commit()
    page = await english.get(f"/meetings/{meeting.id}/history")
    assert "Position (Workers)" in page.text
    assert "Agenda item" in page.text and "Invitation" in page.text
    assert "Support" in page.text  # the stance by its label


async def _council_with_a_draft(db: AsyncSession) -> tuple[Any, dict[str, Any]]:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    item = await f.item(db, meeting)
    await f.position(db, item, Side.WORKERS, statement=SHARED)
    await f.position(db, item, Side.EMPLOYERS, statement=DRAFT, internal=True)
    await f.account(db, Role.DELEGATE, world["ugtt"], email="ugtt@example.tn")
    await f.account(db, Role.DELEGATE, world["utica"], email="utica@example.tn")
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await f.account(db, Role.COORDINATOR, email="coordination@example.tn")
    await db.commit()
    return meeting, world


def _results(text: str) -> str:
    """The "N results" line under a history."""
    marker = text.index("result")
    return text[text.rindex(">", 0, marker) + 1 : marker]


async def test_internal_position_events_are_seen_only_by_their_side_and_the_secretariat(
    english: Any, db: AsyncSession
) -> None:
    meeting, _world = await _council_with_a_draft(db)
    url = f"/meetings/{meeting.id}/history"

    secretariat = await english.get(url)
    assert DRAFT in secretariat.text and SHARED in secretariat.text
    assert "Internal" in secretariat.text
    own_side = await (await act_as(english, "utica@example.tn")).get(url)
    assert own_side.status_code == 200
    assert DRAFT in own_side.text
    assert _results(own_side.text) == _results(secretariat.text)

    for email in ("ugtt@example.tn", "observer@example.tn", "coordination@example.tn"):
        page = await (await act_as(english, email)).get(url)
        assert page.status_code == 200, email
        assert SHARED in page.text, email
        assert DRAFT not in page.text, email
        assert "Position (Employers)" not in page.text, email
        # Not counted either: one event fewer than the secretariat sees.
        assert int(_results(page.text)) == int(_results(secretariat.text)) - 1, email
    again = await (await act_as(english, SECRETARIAT)).get(url)
    assert DRAFT in again.text


async def test_sign_ins_and_refusals_are_not_part_of_a_records_history(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    # Events of other kinds that happen to name the meeting stay out of its history.
    for action in (
        AuditAction.SIGN_IN,
        AuditAction.SIGN_IN_FAILED,
        AuditAction.REFUSED,
    ):
        db.add(
            AuditEvent(
                action=action,
                actor="x@example.tn",
                summary=f"hors historique {action.value}",
                root_entity="meeting",
                root_id=meeting.id,
            )
        )
    await db.commit()
    page = await english.get(f"/meetings/{meeting.id}/history")
    assert "hors historique" not in page.text
    assert "Created" in page.text


async def test_every_kind_of_record_has_a_history_page(english: Any, db: AsyncSession) -> None:
    org = await f.organisation(db, Side.EMPLOYERS, name="Chambre de commerce")
    person = await f.person(db, org, full_name="Leïla Ben Ali")
    body = await f.body(db, name="Commission santé")
    await f.member(db, body, person)
    commitment = await f.commitment(db, title="Publier le décret")
    await f.progress(db, commitment, note="Projet envoyé")
    await db.commit()

    pages = {
        f"/organisations/{org.id}/history": ("Chambre de commerce", "Organisation"),
        f"/people/{person.id}/history": ("Leïla Ben Ali", "Person"),
        f"/bodies/{body.id}/history": ("Commission santé", "Membership"),
        f"/commitments/{commitment.id}/history": (
            "Publier le décret",
            "Progress update",
        ),
    }
    for url, expected in pages.items():
        page = await english.get(url)
        assert page.status_code == 200, url
        for text in expected:
            assert text in page.text, (url, text)
    for url in (
        "/meetings/999999/history",
        "/commitments/999999/history",
        "/people/999999/history",
        "/bodies/999999/history",
        "/organisations/999999/history",
    ):
        assert (await english.get(url)).status_code == 404, url


async def test_history_is_paginated(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    for n in range(30):
        db.add(
            AuditEvent(
                action=AuditAction.UPDATE,
                actor="x@example.tn",
                entity="meeting",
                entity_id=meeting.id,
                root_entity="meeting",
                root_id=meeting.id,
                summary=f"modification {n:02d}",
            )
        )
    await db.commit()
    first = await english.get(f"/meetings/{meeting.id}/history")
    assert "1–25 of 31" in first.text and "?offset=25" in first.text
    second = await english.get(f"/meetings/{meeting.id}/history?offset=25")
    assert "26–31 of 31" in second.text
    assert (await english.get(f"/meetings/{meeting.id}/history?offset=abc")).status_code == 200


async def test_history_pages_answer_htmx_with_the_fragment(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    await db.commit()
    page = await english.get(f"/meetings/{meeting.id}/history", headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert 'id="history"' in page.text and "<html" not in page.text


async def test_reading_histories_and_the_trail_writes_nothing(english: Any, db: AsyncSession) -> None:
    world = await f.table(db)
    meeting = await f.meeting(db, world["plenary"])
    commitment = await f.commitment(db)
    await db.commit()
    urls = [
        f"/meetings/{meeting.id}/history",
        f"/commitments/{commitment.id}/history",
        f"/people/{world['ugtt1'].id}/history",
        f"/bodies/{world['plenary'].id}/history",
        f"/organisations/{world['ugtt'].id}/history",
        "/audit",
        "/audit?action=update&entity=meeting&from=2020-01-01&to=2030-01-01&q=x&actor=s",
    ]
    before = await event_count(db)
    for url in urls:
        assert (await english.get(url)).status_code == 200, url
    assert await event_count(db) == before


async def test_meeting_history_reads_in_the_same_statements_for_3_or_30_events(
    english: Any, db: AsyncSession, app_engine: Any
) -> None:
    async def statements(events: int) -> int:
        meeting = await f.meeting(db)
        item = await f.item(db, meeting)
        for n in range(events - 2):  # the meeting and its item are two events already
            # Each names other records (a new presenter every time, the meeting, its body):
            # named in one statement per kind of record, not one per row.
            presenter = await f.person(db, full_name=f"Présentatrice {n}")
            changes: dict[str, Any] = (
                {
                    "presenter_id": [None, presenter.id],
                    "meeting_id": [None, meeting.id],
                    "stance": ["support", "oppose"],
                }
                if n % 2 == 0
                else {"body_id": [None, meeting.body_id], "starts_at": [None, dt.datetime.now(dt.UTC).isoformat()]}
            )
            db.add(
                AuditEvent(
                    action=AuditAction.UPDATE,
                    actor="x@example.tn",
                    entity="agenda_item" if n % 2 == 0 else "meeting",
                    entity_id=item.id,
                    root_entity="meeting",
                    root_id=meeting.id,
                    changes=changes,
                    summary=f"n{n}",
                )
            )
        await db.commit()
        await english.get(f"/meetings/{meeting.id}/history")  # warm up
        with count_queries(app_engine) as counter:
            response = await english.get(f"/meetings/{meeting.id}/history")
        assert response.status_code == 200
        assert "Présentatrice " in response.text and f"#{meeting.id}" not in response.text
        return counter.count

    assert await statements(3) == await statements(30)


async def test_record_pages_link_to_their_history(english: Any, db: AsyncSession) -> None:
    org = await f.organisation(db)
    person = await f.person(db, org)
    body = await f.body(db)
    meeting = await f.meeting(db, body)
    commitment = await f.commitment(db)
    await db.commit()
    for url in (
        f"/meetings/{meeting.id}",
        f"/commitments/{commitment.id}",
        f"/people/{person.id}",
        f"/bodies/{body.id}",
        f"/organisations/{org.id}",
    ):
        page = await english.get(url)
        assert page.status_code == 200, url
        assert f'href="{url}/history"' in page.text, url
