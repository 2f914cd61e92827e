"""The draft of the minutes: starting it, the secretariat's narratives, and the guards every change shares."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from dialogue import bilingual
from dialogue.agenda.models import AgendaItem
from dialogue.errors import Invalid, Refused, check_version
from dialogue.i18n import _
from dialogue.meetings.models import Meeting, MeetingStatus
from dialogue.minutes.models import Minutes, MinutesItemNote, MinutesStatus
from dialogue.minutes.queries import get_minutes
from dialogue.text_input import text_problem

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
    # The same in Arabic and English (the fields above are the French ones; see
    # dialogue/bilingual.py): the summaries by item id.
    introduction_ar: str = ""
    introduction_en: str = ""
    closing_ar: str = ""
    closing_en: str = ""
    summaries_ar: dict[int, str] = dataclasses.field(default_factory=dict)
    summaries_en: dict[int, str] = dataclasses.field(default_factory=dict)

    def summary_versions(self, item_id: int) -> dict[str, str]:
        """The summary of one item by language."""
        return {
            language: getattr(self, "summaries" + bilingual.suffix(language)).get(item_id, "")
            for language in bilingual.LANGUAGES
        }

    def summarised(self) -> list[int]:
        """The items whose summary (in any language) was sent."""
        return sorted({*self.summaries, *self.summaries_ar, *self.summaries_en})


def _narrative_error(value: str) -> str | None:
    return text_problem(value, NARRATIVE_MAX)


async def save_narratives(db: AsyncSession, minutes: Minutes, narratives: Narratives, version: int | None) -> Minutes:
    """Save the narratives read at `version` of the minutes. Refused once adopted; `Stale`
    when someone saved in between; `Invalid` for a text too long or an item of another
    meeting. While circulated, the texts go into the next revision."""
    ensure_not_adopted(minutes)
    check_version(minutes, version)
    errors: dict[str, str] = {}
    for name in ("introduction", "closing"):
        errors.update(bilingual.draft_errors(narratives, name, _narrative_error, required=False))
    meeting_items = set(await db.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id == minutes.meeting_id)))
    for item_id in narratives.summarised():
        if item_id not in meeting_items:
            errors["summaries"] = _("An agenda item of another meeting cannot be summarised here.")
            continue
        for language, summary in narratives.summary_versions(item_id).items():
            problem = text_problem(summary, NARRATIVE_MAX)
            if problem:
                errors[f"summary{bilingual.suffix(language)}-{item_id}"] = problem
    if errors:
        raise Invalid(errors)
    bilingual.apply_draft(minutes, narratives, "introduction", "closing")
    # The narratives are one text under one version: a change to a summary alone also
    # bumps the minutes' version, so that a stale copy of any part is refused.
    flag_modified(minutes, "introduction")
    notes = {
        note.agenda_item_id: note
        for note in await db.scalars(select(MinutesItemNote).where(MinutesItemNote.minutes_id == minutes.id))
    }
    for item_id in narratives.summarised():
        versions = narratives.summary_versions(item_id)
        note = notes.get(item_id)
        if note is None:
            if bilingual.canonical({language: text.strip() for language, text in versions.items()}):
                note = MinutesItemNote(minutes_id=minutes.id, meeting_id=minutes.meeting_id, agenda_item_id=item_id)
                bilingual.set_versions(note, "summary", versions)
                db.add(note)
        elif bilingual.versions_of(note, "summary") != {k: v.strip() for k, v in versions.items() if v.strip()}:
            bilingual.set_versions(note, "summary", versions)
    await db.flush()
    return minutes
