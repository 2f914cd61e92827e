"""Sessions of a council body: "2nd ordinary session of 2026", "extraordinary session".

Ordinary sessions are numbered within the body's year (the year the meeting starts in, in
Tunis); an extraordinary session may carry a number too. A number is taken once per body,
year and kind, cancelled meetings aside.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.i18n import _, current_language, current_timezone
from dialogue.meetings.models import Meeting, MeetingStatus, SessionKind

if TYPE_CHECKING:
    from dialogue.meetings.service import MeetingDraft

SESSION_MAX = 99

# Arabic ordinals (feminine, agreeing with الدورة), 1 to 10; beyond, "رقم N".
_ARABIC_ORDINALS = (
    "الأولى",
    "الثانية",
    "الثالثة",
    "الرابعة",
    "الخامسة",
    "السادسة",
    "السابعة",
    "الثامنة",
    "التاسعة",
    "العاشرة",
)


class Session(Protocol):
    session_kind: SessionKind | None
    session_number: int | None
    starts_at: dt.datetime


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def session_year(starts_at: dt.datetime) -> int:
    aware = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=current_timezone())
    return aware.astimezone(current_timezone()).year


async def session_errors(db: AsyncSession, draft: MeetingDraft, current: Meeting | None) -> dict[str, str]:
    """What is wrong with the draft's session, by field: a session outside a body, an
    ordinary one without a number, a number out of range or already taken that year."""
    if draft.session_kind is None:
        if draft.session_number is not None:
            return {"session_kind": _("Choose an ordinary or extraordinary session for this number, or clear it.")}
        return {}
    if draft.body_id is None:
        return {"session_kind": _("Only a meeting of a body is one of its sessions: choose a body, or no session.")}
    number = draft.session_number
    if number is None:
        if draft.session_kind == SessionKind.ORDINARY:
            return {"session_number": _("Give the number of this ordinary session in the year.")}
        return {}
    if not 1 <= number <= SESSION_MAX:
        return {"session_number": _("Enter a number between 1 and {n}.").format(n=SESSION_MAX)}
    assert draft.starts_at is not None
    start, end = _year_bounds(session_year(draft.starts_at))
    taken = select(Meeting.id, Meeting.title).where(
        Meeting.body_id == draft.body_id,
        Meeting.session_kind == draft.session_kind,
        Meeting.session_number == number,
        Meeting.status != MeetingStatus.CANCELLED,
        Meeting.starts_at >= start,
        Meeting.starts_at < end,
    )
    if current is not None:
        taken = taken.where(Meeting.id != current.id)
    other = (await db.execute(taken.limit(1))).first()
    if other is not None:
        return {"session_number": _("This number is already taken that year by “{title}”.").format(title=other.title)}
    return {}


async def next_session_number(db: AsyncSession, body_id: int, starts_at: dt.datetime) -> int:
    """The number the body's next ordinary session of that year would take."""
    start, end = _year_bounds(session_year(starts_at))
    highest = await db.scalar(
        select(func.max(Meeting.session_number)).where(
            Meeting.body_id == body_id,
            Meeting.session_kind == SessionKind.ORDINARY,
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.starts_at >= start,
            Meeting.starts_at < end,
        )
    )
    return min((highest or 0) + 1, SESSION_MAX)


def _ordinal(number: int) -> str:
    language = current_language()
    if language == "ar":
        return _ARABIC_ORDINALS[number - 1] if number <= len(_ARABIC_ORDINALS) else f"رقم {number}"
    if language == "fr":
        return "1re" if number == 1 else f"{number}e"
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def session_label(meeting: Session) -> str:
    """ "2nd ordinary session of 2026", "Extraordinary session of 2026", or "" when the
    meeting is not a numbered session; in the current language."""
    if meeting.session_kind is None:
        return ""
    year = session_year(meeting.starts_at)
    number = meeting.session_number
    if meeting.session_kind == SessionKind.ORDINARY:
        if number is None:
            return _("Ordinary session of {year}").format(year=year)
        return _("{ordinal} ordinary session of {year}").format(ordinal=_ordinal(number), year=year)
    if number is None:
        return _("Extraordinary session of {year}").format(year=year)
    return _("{ordinal} extraordinary session of {year}").format(ordinal=_ordinal(number), year=year)
