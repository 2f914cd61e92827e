"""The meeting page's commitments section: matters arising and commitments made there."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Account, Role
from dialogue.commitments import at_meetings
from dialogue.commitments.models import CommitmentStatus
from dialogue.i18n import set_language
from dialogue.i18n import today as i18n_today
from dialogue.people.models import Side
from dialogue.templating import jinja_environment
from tests import factories as f

# The section shows its "add a commitment" links to the secretariat only (who is asking is read
# from the request, as in a real page).
SECRETARIAT_REQUEST = SimpleNamespace(scope={"user": Account(role=Role.SECRETARIAT, email="secretariat@example.tn")})


async def council(db: AsyncSession) -> dict[str, Any]:
    world = await f.table(db)
    today = i18n_today()
    world["committee"] = await f.body(db, name="Commission migration")
    world["earlier"] = await f.meeting(db, world["plenary"], title="Plénière de janvier", starts_at=f.tunis(2026, 1, 8))
    world["current"] = await f.meeting(db, world["plenary"], title="Plénière de juin", starts_at=f.tunis(2026, 6, 8))
    world["later"] = await f.meeting(db, world["plenary"], title="Plénière d'octobre", starts_at=f.tunis(2026, 10, 8))
    world["other"] = await f.meeting(db, world["committee"], title="Commission de mars", starts_at=f.tunis(2026, 3, 8))
    world["item"] = await f.item(db, world["current"], title="Protection sociale des saisonniers")
    await f.commitment(
        db,
        Side.GOVERNMENT,
        title="ENGAGEMENT-ANCIEN-EN-RETARD",
        meeting_id=world["earlier"].id,
        responsible_id=world["mas1"].id,
        due_on=today - dt.timedelta(days=1),
    )
    await f.commitment(
        db, Side.WORKERS, CommitmentStatus.DONE, title="ENGAGEMENT-ANCIEN-TENU", meeting_id=world["earlier"].id
    )
    await f.commitment(db, Side.WORKERS, title="ENGAGEMENT-AUTRE-INSTANCE", meeting_id=world["other"].id)
    await f.commitment(db, Side.WORKERS, title="ENGAGEMENT-ULTERIEUR", meeting_id=world["later"].id)
    await f.commitment(
        db,
        Side.EMPLOYERS,
        title="ENGAGEMENT-DU-JOUR",
        meeting_id=world["current"].id,
        agenda_item_id=world["item"].id,
        organisation_id=world["utica"].id,
    )
    await db.commit()
    return world


async def test_meeting_section_lists_matters_arising_and_commitments_made_there(db: AsyncSession) -> None:
    world = await council(db)
    meeting = world["current"]
    set_language("en")
    context = await at_meetings.commitments_section(db, meeting)
    html = (
        jinja_environment()
        .get_template("commitments/_meeting_section.html")
        .render(meeting=meeting, request=SECRETARIAT_REQUEST, **context)
    )
    arising, made = html.split("Commitments made at this meeting")
    assert "ENGAGEMENT-ANCIEN-EN-RETARD" in arising and 'class="badge overdue"' in arising
    assert "MAS délégué 1" in arising and "Plénière de janvier" in arising
    for absent in ("ENGAGEMENT-ANCIEN-TENU", "ENGAGEMENT-AUTRE-INSTANCE", "ENGAGEMENT-ULTERIEUR"):
        assert absent not in html
    assert "Protection sociale des saisonniers" in made and "ENGAGEMENT-DU-JOUR" in made
    assert f'href="/commitments/new?item={world["item"].id}"' in made
    assert f'href="/commitments/new?meeting={meeting.id}"' in made


async def test_meeting_section_says_when_there_is_nothing(db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    await db.commit()
    set_language("en")
    context = await at_meetings.commitments_section(db, meeting)
    html = (
        jinja_environment()
        .get_template("commitments/_meeting_section.html")
        .render(meeting=meeting, request=SECRETARIAT_REQUEST, **context)
    )
    assert "No open commitment from earlier meetings." in html
    assert "No commitment recorded for this meeting yet." in html


async def test_meeting_page_shows_the_commitments_section(english: Any, db: AsyncSession) -> None:
    world = await council(db)
    response = await english.get(f"/meetings/{world['current'].id}")
    assert response.status_code == 200
    assert "Matters arising" in response.text
    assert "ENGAGEMENT-ANCIEN-EN-RETARD" in response.text and "ENGAGEMENT-DU-JOUR" in response.text
    assert "ENGAGEMENT-AUTRE-INSTANCE" not in response.text
