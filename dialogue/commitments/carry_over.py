"""Carry-over: the open commitments of a body come back as the first agenda item, "Follow-up
of commitments" (suivi des engagements, matters arising), of its next meeting.

Which commitments: open or in progress, made at a meeting of the body that starts before
the meeting being prepared. How long each has been open: `meetings_open` up to that
meeting (held meetings only, so a meeting being planned does not count itself; the same
number as on the meeting page and the follow-up sheet).

The item keeps a text list in its description (what was proposed, in the language of the
person who scheduled the meeting, for exports and the API) and is flagged `follow_up`, so
that the meeting page shows the live list under it instead.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from dialogue import i18n
from dialogue.agenda.models import AgendaItem
from dialogue.audit.trail import record_row_change
from dialogue.commitments.at_meetings import MatterArising, meetings_open
from dialogue.commitments.models import Commitment
from dialogue.commitments.status import ACTIVE
from dialogue.db import table_of
from dialogue.i18n import _, ngettext
from dialogue.meetings.models import Meeting
from dialogue.minutes.lock import ensure_record_open

FOLLOW_UP_MINUTES = 30


async def propose_follow_up(
    db: AsyncSession, body_id: int | None, before: dt.datetime, *, today: dt.date | None = None
) -> list[MatterArising]:
    """The commitments to follow up at a meeting of `body_id` starting at `before` (planned
    on the schedule form, or already in the record): open or in progress, made at an
    earlier meeting of that body (starting before `before`), by due date (none last), each
    with the number of meetings it has stayed open for (`meetings_open`). Three statements
    whatever their number. An event of its own (no body) has nothing to follow up."""
    if body_id is None:
        return []
    today = today or i18n.today()
    statement = (
        select(Commitment)
        .join(Meeting, Commitment.meeting_id == Meeting.id)
        .where(Meeting.body_id == body_id, Meeting.starts_at < before, Commitment.status.in_(ACTIVE))
        .options(
            joinedload(Commitment.meeting),
            joinedload(Commitment.organisation),
            joinedload(Commitment.responsible),
        )
        .order_by(Commitment.due_on.is_(None), Commitment.due_on, Meeting.starts_at, Commitment.id)
    )
    commitments = list((await db.execute(statement)).scalars())
    counts = await meetings_open(db, [c.id for c in commitments], before)
    return [MatterArising(c, counts.get(c.id, 0), c.is_overdue(today)) for c in commitments]


def open_for_text(meetings_open: int) -> str:
    """ "open for 2 meetings", in the current language."""
    return ngettext("open for %(num)d meeting", "open for %(num)d meetings", meetings_open) % {"num": meetings_open}


def follow_up_line(row: MatterArising) -> str:
    """One commitment as a line of the item's text: title, side, status, due date, overdue,
    meetings open (in the current language)."""
    commitment = row.commitment
    parts = [commitment.side.label, commitment.status.label]
    if commitment.due_on is not None:
        parts.append(_("due %(date)s") % {"date": i18n.format_date(commitment.due_on)})
    else:
        parts.append(_("No due date"))
    if row.overdue:
        parts.append(_("Overdue"))
    parts.append(open_for_text(row.meetings_open))
    return f"- {commitment.title} ({', '.join(parts)})"


def follow_up_text(rows: list[MatterArising]) -> str:
    """The item's description: one line per commitment."""
    return "\n".join(follow_up_line(row) for row in rows)


async def add_follow_up_item(db: AsyncSession, meeting: Meeting, *, today: dt.date | None = None) -> AgendaItem | None:
    """Put "Follow-up of commitments" first on the agenda of `meeting`, listing the open
    commitments of its body (`propose_follow_up`), titled in the current language.

    Nothing is added (None) when the body has no open commitment, and the existing
    follow-up item is returned when the meeting already has one. Items already on the
    agenda move down one place.
    """
    existing = await db.scalar(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, AgendaItem.follow_up.is_(True))
    )
    if existing is not None:
        return existing
    await ensure_record_open(db, meeting.id)
    rows = await propose_follow_up(db, meeting.body_id, meeting.starts_at, today=today)
    if not rows:
        return None
    # The rank is the order, not the items' content: moved without bumping their version.
    table = table_of(AgendaItem)
    moved = list(await db.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)))
    await db.execute(update(table).where(table.c.meeting_id == meeting.id).values(rank=table.c.rank + 1))
    for other in moved:
        await record_row_change(db, other, {"rank": [other.rank, other.rank + 1]})
        set_committed_value(other, "rank", other.rank + 1)
    item = AgendaItem(
        meeting_id=meeting.id,
        rank=1,
        title=_("Follow-up of commitments"),
        description=follow_up_text(rows),
        duration_minutes=FOLLOW_UP_MINUTES,
        follow_up=True,
    )
    db.add(item)
    await db.flush()
    return item


async def follow_up_of(db: AsyncSession, meeting: Meeting, *, today: dt.date | None = None) -> list[MatterArising]:
    """The live list under a meeting's follow-up item: the commitments still open now,
    made before the meeting, with their meetings-open counts up to it."""
    return await propose_follow_up(db, meeting.body_id, meeting.starts_at, today=today)
