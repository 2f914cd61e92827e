"""The draft of the minutes: starting it, the secretariat's narratives, and the guards every change shares."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from dialogue.agenda.models import AgendaItem
from dialogue.errors import Invalid, Refused, check_version
from dialogue.i18n import _
from dialogue.meetings.models import Meeting, MeetingStatus
from dialogue.minutes.models import Minutes, MinutesItemNote, MinutesStatus
from dialogue.minutes.queries import get_minutes

NARRATIVE_MAX = 50_000


def ensure_held(meeting: Meeting) -> None:
    if meeting.status is not MeetingStatus.HELD:
        raise Refused(_("Minutes are written for a held meeting: set the meeting's status to “Held” first."))


def ensure_not_adopted(minutes: Minutes) -> None:
    if minutes.status is MinutesStatus.ADOPTED:
        raise Refused(
            _("These minutes are adopted and locked: nothing in them can change. Add a dated addendum instead.")
        )


async def start_draft(db: AsyncSession, meeting: Meeting) -> Minutes:
    """Start the minutes of a held meeting (refused for any other meeting, and when the
    meeting has minutes already)."""
    ensure_held(meeting)
    if await get_minutes(db, meeting.id) is not None:
        raise Refused(_("This meeting has minutes already."))
    minutes = Minutes(meeting_id=meeting.id, status=MinutesStatus.DRAFT, current_version=0)
    db.add(minutes)
    await db.flush()
    return minutes


@dataclass
class Narratives:
    """What the secretariat writes: an introduction, a summary per agenda item (by item id)
    and a closing."""

    introduction: str = ""
    closing: str = ""
    summaries: dict[int, str] = dataclasses.field(default_factory=dict)


def text_error(value: str, maximum: int) -> str | None:
    if len(value) > maximum:
        return _("At most {n} characters.").format(n=maximum)
    if "\x00" in value:
        return _("This text contains a character that is not allowed.")
    return None


async def save_narratives(db: AsyncSession, minutes: Minutes, narratives: Narratives, version: int | None) -> Minutes:
    """Save the narratives read at `version` of the minutes. Refused once adopted; `Stale`
    when someone saved in between; `Invalid` for a text too long or an item of another
    meeting. While circulated, the texts go into the next revision."""
    ensure_not_adopted(minutes)
    check_version(minutes, version)
    errors: dict[str, str] = {}
    for name, value in (("introduction", narratives.introduction), ("closing", narratives.closing)):
        problem = text_error(value, NARRATIVE_MAX)
        if problem:
            errors[name] = problem
    meeting_items = set(await db.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id == minutes.meeting_id)))
    for item_id, summary in narratives.summaries.items():
        if item_id not in meeting_items:
            errors["summaries"] = _("An agenda item of another meeting cannot be summarised here.")
            continue
        problem = text_error(summary, NARRATIVE_MAX)
        if problem:
            errors[f"summary-{item_id}"] = problem
    if errors:
        raise Invalid(errors)
    minutes.introduction = narratives.introduction.strip()
    minutes.closing = narratives.closing.strip()
    # The narratives are one text under one version: a change to a summary alone also
    # bumps the minutes' version, so that a stale copy of any part is refused.
    flag_modified(minutes, "introduction")
    notes = {
        note.agenda_item_id: note
        for note in await db.scalars(select(MinutesItemNote).where(MinutesItemNote.minutes_id == minutes.id))
    }
    for item_id, summary in narratives.summaries.items():
        text = summary.strip()
        note = notes.get(item_id)
        if note is None:
            if text:
                db.add(
                    MinutesItemNote(
                        minutes_id=minutes.id, meeting_id=minutes.meeting_id, agenda_item_id=item_id, summary=text
                    )
                )
        elif note.summary != text:
            note.summary = text
    await db.flush()
    return minutes
