"""Commitments at a meeting: matters arising, for how many meetings each stayed open, those made there."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, joinedload

from dialogue import i18n
from dialogue.agenda.models import AgendaItem
from dialogue.commitments.listing import due_order
from dialogue.commitments.models import Commitment
from dialogue.commitments.status import ACTIVE
from dialogue.meetings.models import Meeting, MeetingStatus


@dataclass(frozen=True)
class MatterArising:
    """An active commitment from an earlier meeting of the body, and how many meetings it
    has stayed open for (`meetings_open`, up to the meeting in question)."""

    commitment: Commitment
    meetings_open: int
    overdue: bool


async def matters_arising(db: AsyncSession, meeting: Meeting, *, today: dt.date) -> list[MatterArising]:
    """The open or in-progress commitments born at EARLIER meetings (starting before this
    one) of the SAME body, by due date (none last), each with `meetings_open` up to this
    meeting's start. Three statements whatever their number."""
    statement = (
        select(Commitment)
        .join(Meeting, Commitment.meeting_id == Meeting.id)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.starts_at < meeting.starts_at,
            Commitment.status.in_(ACTIVE),
        )
        .options(
            contains_eager(Commitment.meeting),
            joinedload(Commitment.organisation),
            joinedload(Commitment.responsible),
        )
        .order_by(*due_order())
    )
    commitments = list((await db.execute(statement)).unique().scalars())
    counts = await meetings_open(db, [c.id for c in commitments], meeting.starts_at)
    return [MatterArising(c, counts.get(c.id, 0), c.is_overdue(today)) for c in commitments]


def count_meetings_open(since: dt.datetime, held_starts: Sequence[dt.datetime], reference: dt.datetime) -> int:
    """How many of the held meetings starting at `held_starts` (sorted) start strictly after
    `since` (the start of the meeting that made the commitment) and no later than
    `reference`. The pure counting step of `meetings_open`."""
    if reference <= since:
        return 0
    return max(0, bisect_right(held_starts, reference) - bisect_right(held_starts, since))


async def meetings_open(db: AsyncSession, commitment_ids: Collection[int], reference: dt.datetime) -> dict[int, int]:
    """For how many meetings each of `commitment_ids` has stayed open, on `reference`.

    The one definition, used by the schedule form's panel, the agenda's matters arising,
    the meeting page, the minutes and the follow-up sheet with its exports: the number of
    meetings of the commitment's body (the body of the meeting that made it) that are
    HELD and start strictly after the meeting that made it, up to and including
    `reference` (and never later than now). Future, scheduled, draft, postponed and
    cancelled meetings do not count, nor do other bodies' meetings; the meeting that made
    it does not count either. Made at M1, M2 held since: 1. A commitment made outside any
    meeting has no body and counts 0. The commitment's own status is not looked at: the
    caller picks which commitments are still open.

    Unknown ids are left out of the answer. Two statements whatever the number of
    commitments: where each was made, then the held meetings of those bodies.
    """
    if not commitment_ids:
        return {}
    origins = (
        await db.execute(
            select(Commitment.id, Meeting.body_id, Meeting.starts_at)
            .outerjoin(Meeting, Commitment.meeting_id == Meeting.id)
            .where(Commitment.id.in_(sorted(set(commitment_ids))))
        )
    ).all()
    reference = min(reference, dt.datetime.now(dt.UTC))
    made = [(body_id, since) for _, body_id, since in origins if body_id is not None]
    held: dict[int, list[dt.datetime]] = {body_id: [] for body_id, _ in made}
    if made:
        rows = await db.execute(
            select(Meeting.body_id, Meeting.starts_at)
            .where(
                Meeting.body_id.in_(sorted(held)),
                Meeting.status == MeetingStatus.HELD,
                Meeting.starts_at > min(since for _, since in made),
                Meeting.starts_at <= reference,
            )
            .order_by(Meeting.starts_at)
        )
        for body_id, starts_at in rows:
            held[body_id].append(starts_at)
    return {
        commitment_id: count_meetings_open(since, held[body_id], reference) if body_id is not None else 0
        for commitment_id, body_id, since in origins
    }


@dataclass
class ItemCommitments:
    """The commitments made on one agenda item (`item` None: not tied to an item)."""

    item: AgendaItem | None
    commitments: list[Commitment] = field(default_factory=list)


async def made_at(db: AsyncSession, meeting: Meeting) -> list[ItemCommitments]:
    """The commitments made at `meeting`, grouped by agenda item in agenda order (those not
    tied to an item last). One statement."""
    statement = (
        select(Commitment)
        .where(Commitment.meeting_id == meeting.id)
        .options(
            joinedload(Commitment.agenda_item),
            joinedload(Commitment.organisation),
            joinedload(Commitment.responsible),
        )
        .order_by(Commitment.id)
    )
    groups: dict[int | None, ItemCommitments] = {}
    for commitment in (await db.execute(statement)).scalars():
        key = commitment.agenda_item_id
        groups.setdefault(key, ItemCommitments(commitment.agenda_item)).commitments.append(commitment)
    return sorted(
        groups.values(),
        key=lambda group: (
            group.item is None,
            group.item.rank if group.item else 0,
            group.item.id if group.item else 0,
        ),
    )


async def commitments_section(db: AsyncSession, meeting: Meeting, *, today: dt.date | None = None) -> dict[str, Any]:
    """Context for `commitments/_meeting_section.html` on the meeting page: the matters
    arising and the commitments made at this meeting. Two statements."""
    today = today or i18n.today()
    return {
        "commitments_arising": await matters_arising(db, meeting, today=today),
        "commitments_made": await made_at(db, meeting),
        "commitments_today": today,
    }
