"""What calendars are told, decided once for every output: the invitation file
(`/meetings/{id}/invite.ics`), the emailed REQUEST and CANCEL, and the subscription feeds.

- STATUS per meeting state; METHOD per output and meeting state;
- ROLE per kind of attendee;
- SEQUENCE: the meeting's `calendar_sequence` is the SEQUENCE of its event everywhere. It
  rises with every change calendars must see (time, place, title, text, status, agenda:
  `meeting_changes_calendar`, `agenda_item_changes_calendar`), and whenever a message
  must reach someone who already holds that SEQUENCE (a cancellation for a person taken
  off the list, an invitation for a person invited again): `sequence_to_send`. A SEQUENCE
  sent to anyone is always higher than what they hold.
- ORGANIZER: the secretariat's address (DIALOGUE_MAIL_FROM), on every event, feeds too
  (RFC 5546 PUBLISH requires it).

Plain values in, plain values out (meeting states and roles by their stored values).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from dialogue.i18n import _

if TYPE_CHECKING:
    from dialogue.calendar.ics import CalendarOrganizer

# Meeting state -> STATUS (RFC 5545 3.8.1.11). A draft or a postponed meeting is not
# confirmed: calendars show it as tentative.
STATUS: dict[str, str] = {
    "draft": "tentative",
    "scheduled": "confirmed",
    "held": "confirmed",
    "postponed": "tentative",
    "cancelled": "cancelled",
}

# Kind of attendee -> ROLE (RFC 5545 3.2.16). Observers and the secretariat attend without
# taking part in the decision; alternates and advisers are optional.
ROLE: dict[str, str] = {
    "chair": "REQ-PARTICIPANT",
    "titular": "REQ-PARTICIPANT",
    "alternate": "OPT-PARTICIPANT",
    "adviser": "OPT-PARTICIPANT",
    "observer": "NON-PARTICIPANT",
    "secretariat": "NON-PARTICIPANT",
}


def status(meeting_state: str) -> str:
    """The STATUS of a meeting in that state, the same in every output."""
    return STATUS[meeting_state]


def invitation_method(meeting_state: str) -> str:
    """The METHOD of a meeting's invitation (file or email): CANCEL once it is cancelled,
    REQUEST otherwise. Feeds are always PUBLISH."""
    return "CANCEL" if meeting_state == "cancelled" else "REQUEST"


# --- SEQUENCE -----------------------------------------------------------------------

# Fields of a meeting whose change calendars must see (time, place, title, text, status).
MEETING_CALENDAR_FIELDS = ("starts_at", "ends_at", "venue", "online_url", "title", "description", "status")
# Fields of an agenda item that show in the invitation (its order, title and duration).
AGENDA_CALENDAR_FIELDS = ("meeting_id", "rank", "title", "duration_minutes")

Changes = Mapping[str, tuple[Any, Any]]


def _differs(before: Any, after: Any) -> bool:
    if isinstance(before, str) or isinstance(after, str):
        return (before or "") != (after or "")  # None and "" are the same empty place
    return before != after


def meeting_changes_calendar(changes: Changes) -> bool:
    """Whether changed meeting fields (`{field: (before, after)}`) change the calendar event."""
    return any(_differs(*changes[name]) for name in MEETING_CALENDAR_FIELDS if name in changes)


def agenda_item_changes_calendar(changes: Changes, *, created: bool = False, deleted: bool = False) -> bool:
    """Whether an agenda item's creation, deletion or change (`{field: (before, after)}`)
    changes the agenda shown in the invitation."""
    if created or deleted:
        return True
    return any(_differs(*changes[name]) for name in AGENDA_CALENDAR_FIELDS if name in changes)


def next_sequence(sequence: int, changed: bool) -> int:
    """The SEQUENCE after a change: one more when calendars must see it."""
    return sequence + 1 if changed else sequence


def sequence_to_send(current: int, held_by_recipients: Iterable[int]) -> int:
    """The SEQUENCE of a sending: the meeting's, unless a recipient already holds it (or
    more), then one more than the highest they hold. `held_by_recipients`: the SEQUENCE
    last sent to each recipient who was ever sent one."""
    return max([current, *(held + 1 for held in held_by_recipients)])


# --- ORGANIZER ----------------------------------------------------------------------


def organizer(mail_from: str) -> CalendarOrganizer:
    """The secretariat's address (DIALOGUE_MAIL_FROM) as ORGANIZER of every event."""
    from dialogue.calendar.ics import CalendarOrganizer  # ics reads ROLE from here

    name, address = parseaddr(mail_from)
    return CalendarOrganizer(name=name or _("Secretariat"), email=address or "secretariat@localhost")
