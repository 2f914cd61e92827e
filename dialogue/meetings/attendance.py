"""Recording who attended: when present or absent may be recorded, and "everyone present"."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.errors import Refused
from dialogue.i18n import _, format_datetime
from dialogue.meetings.models import Attendance, Invitation, Meeting
from dialogue.minutes.lock import ensure_record_open

# Recorded on the day: who came and who did not. "Excused" may be known beforehand.
ON_THE_DAY = (Attendance.PRESENT, Attendance.ABSENT)


def attendance_problem(meeting: Meeting, attendance: Attendance | None, *, now: dt.datetime) -> str | None:
    """Why `attendance` cannot be recorded for `meeting` now: present or absent only once
    the meeting has started (None when it can)."""
    if attendance in ON_THE_DAY and meeting.starts_at > now:
        return _(
            "The meeting has not started yet (it starts {start}): present or absent can be recorded from then on."
        ).format(start=format_datetime(meeting.starts_at))
    return None


async def mark_everyone_present(db: AsyncSession, meeting: Meeting) -> int:
    """ "Everyone present": each invitee whose attendance is not recorded yet is recorded
    present (the secretariat then corrects the exceptions); recorded ones keep their record.
    Returns how many were marked; `Refused` before the meeting has started."""
    await ensure_record_open(db, meeting.id)
    problem = attendance_problem(meeting, Attendance.PRESENT, now=dt.datetime.now(dt.UTC))
    if problem:
        raise Refused(problem)
    rows = list(
        await db.scalars(
            select(Invitation).where(
                Invitation.meeting_id == meeting.id, Invitation.attendance == Attendance.UNRECORDED
            )
        )
    )
    for invitation in rows:
        invitation.attendance = Attendance.PRESENT
    await db.flush()
    return len(rows)
