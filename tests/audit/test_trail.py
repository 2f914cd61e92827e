"""The whole trail, for the secretariat: filters, sign-ins, failures and refusals; and the
trail cannot be rewritten, neither by the application nor through SQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.audit.service import describe, entity_label, value_text
from dialogue.i18n import today
from dialogue.people.models import Side
from tests import factories as f
from tests.audit.conftest import SECRETARIAT, act_as, event_count, events
from tests.conftest import sign_in


async def test_sign_ins_failed_sign_ins_and_refusals_appear_in_the_trail(english: Any, db: AsyncSession) -> None:
    org = await f.organisation(db, Side.WORKERS)
    await f.account(db, Role.DELEGATE, org, email="ugtt@example.tn")
    await db.commit()
    failed = await sign_in(english, "ugtt@example.tn", "not the right password")
    assert failed.status_code == 401
    assert (await sign_in(english, "ugtt@example.tn")).status_code == 303  # the form, recorded
    assert (await english.get("/audit")).status_code == 403
    await act_as(english, SECRETARIAT)

    [failure] = await events(db, action=AuditAction.SIGN_IN_FAILED)
    assert failure.actor == "ugtt@example.tn" and failure.ip
    [refusal] = await events(db, action=AuditAction.REFUSED)
    assert refusal.actor == "ugtt@example.tn" and refusal.summary == "GET /audit"

    page = await english.get("/audit")
    assert page.status_code == 200
    assert "Failed sign-in" in page.text and "Signed in" in page.text and "Permission refused" in page.text
    assert "GET /audit" in page.text
    only_failures = await english.get("/audit?action=sign_in_failed")
    assert "Failed sign-in" in only_failures.text
    assert "Permission refused</span>" not in only_failures.text
    assert "1 result" in only_failures.text


@pytest.mark.parametrize("role", [Role.DELEGATE, Role.COORDINATOR, Role.OBSERVER])
async def test_only_the_secretariat_may_browse_the_trail(english: Any, db: AsyncSession, role: Role) -> None:
    org = await f.organisation(db, Side.GOVERNMENT)
    await f.account(db, role, org if role is Role.DELEGATE else None, email="someone@example.tn")
    await db.commit()
    someone = await act_as(english, "someone@example.tn")
    response = await someone.get("/audit")
    assert response.status_code == 403
    assert "Audit trail" not in response.text


async def test_signed_out_visitors_are_sent_to_sign_in(anonymous: Any) -> None:
    for url in ("/audit", "/meetings/1/history"):
        response = await anonymous.get(url, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


async def test_trail_filters_by_actor_action_record_dates_and_summary(english: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db, title="Conseil national")
    item = await f.item(db, meeting, title="Retraites")
    commitment = await f.commitment(db, title="Publier le décret")
    db.add(
        AuditEvent(
            action=AuditAction.UPDATE,
            actor="amel@example.tn",
            entity="commitment",
            entity_id=commitment.id,
            root_entity="commitment",
            root_id=commitment.id,
            summary="Publier le décret (relu)",
        )
    )
    await db.commit()

    async def shown(query: str) -> str:
        response = await english.get("/audit?" + query)
        assert response.status_code == 200, (query, response.text)
        return response.text

    by_actor = await shown("actor=AMEL@")
    assert "amel@example.tn" in by_actor and "Conseil national" not in by_actor
    assert "1 result" in by_actor
    by_action = await shown("action=create&entity=meeting")  # meetings and what belongs to them
    assert "Conseil national" in by_action and "Retraites" in by_action and "Publier" not in by_action
    by_row = await shown("entity=agenda_item")
    assert "Retraites" in by_row and "1 result" in by_row
    by_text = await shown("q=relu")
    assert "Publier le décret (relu)" in by_text and "1 result" in by_text
    day = today()
    assert "Retraites" in await shown(f"from={day.isoformat()}&to={day.isoformat()}")
    assert "No entry matches these filters." in await shown(f"from={(day + dt.timedelta(days=1)).isoformat()}")
    assert "No entry matches these filters." in await shown(f"to={(day - dt.timedelta(days=1)).isoformat()}")
    # Rows link to the history of their record.
    assert f'href="/meetings/{meeting.id}/history"' in by_action
    assert f'href="/commitments/{commitment.id}/history"' in by_text
    assert item.id


async def test_unreadable_filters_are_reported_not_a_crash(english: Any) -> None:
    for query in (
        "from=2026-13-45",
        "action=rewrite",
        "entity=nothing",
        "from=2026-05-02&to=2026-05-01",
        "offset=-3",
        "q=" + "x" * 500,
        "actor=%25_%5C",
    ):
        response = await english.get("/audit?" + query)
        assert response.status_code in (200, 422), query
    response = await english.get("/audit?from=2026-05-02&to=2026-05-01")
    assert response.status_code == 422
    assert "The end of the range is before its start." in response.text


async def test_trail_is_paginated_and_htmx_gets_the_results_only(english: Any, db: AsyncSession) -> None:
    for n in range(30):
        db.add(
            AuditEvent(
                action=AuditAction.SIGN_IN,
                actor=f"p{n}@example.tn",
                summary=f"p{n}@example.tn",
            )
        )
    await db.commit()
    first = await english.get("/audit?action=sign_in")
    assert "1–25 of 30" in first.text
    assert "action=sign_in" in first.text and "offset=25" in first.text
    fragment = await english.get("/audit?action=sign_in&offset=25", headers={"HX-Request": "true"})
    assert 'id="trail"' in fragment.text and "<html" not in fragment.text
    assert "26–30 of 30" in fragment.text


# Append-only ----------------------------------------------------------------------------


async def test_the_database_refuses_to_update_or_delete_an_event(
    db: AsyncSession,
) -> None:
    await f.meeting(db)
    await db.commit()
    assert await event_count(db) > 0
    for statement in (
        "UPDATE audit_event SET actor = 'someone else'",
        "DELETE FROM audit_event",
    ):
        with pytest.raises(Exception, match="append-only"):
            await db.execute(text(statement))
        await db.rollback()
    assert all(event.actor != "someone else" for event in await events(db))


def test_no_page_or_api_route_changes_an_event(english: Any) -> None:
    for route in english.app.routes:
        if "audit" in route.path or route.path.endswith("/history"):
            assert set(route.methods) <= {"GET", "HEAD", "OPTIONS"}, route.path


# Events in words ------------------------------------------------------------------------


def test_rows_are_named_in_words_with_a_positions_side() -> None:
    assert entity_label("agenda_item") == "Agenda item"
    assert entity_label("invitation") == "Invitation"
    assert entity_label("position", "workers") == "Position (Workers)"
    assert entity_label("something_new") == "Something new"


def test_values_are_shown_as_people_read_them() -> None:
    assert value_text("meeting", "status", "held") == "Held"
    assert value_text("meeting", "starts_at", "2026-12-10T08:00:00+00:00") == "Thu 10 Dec 2026, 09:00"
    assert value_text("commitment", "due_on", "2026-12-31") == "Dec 31, 2026"
    assert value_text("position", "internal", True) == "Yes"
    assert value_text("meeting", "venue", None) == "—"
    # Another record by its current name, or said to be gone.
    assert value_text("agenda_item", "presenter_id", 12, {("person", 12): "Amel Ben Salah"}) == "Amel Ben Salah"
    assert value_text("agenda_item", "presenter_id", 12, {}) == "(deleted)"
    assert value_text("account", "password_hash", "•••") == "•••"
    assert value_text("outcome", "sides", "government,workers") == "Government, Workers"
    long = value_text("meeting", "description", "mot " * 100)
    assert len(long) <= 120 and long.endswith("…")
    assert value_text("meeting", "status", "unknown-value") == "unknown-value"


def test_an_event_is_described_field_by_field() -> None:
    event = AuditEvent(
        action=AuditAction.STATUS,
        entity="meeting",
        changes={"status": ["scheduled", "held"]},
    )
    view = describe(event)
    assert view.what == "Status changed" and view.entity == "Meeting"
    [change] = view.changes
    assert (change.label, change.before, change.after) == (
        "Status",
        "Scheduled",
        "Held",
    )
