"""Calendar files (iCalendar, RFC 5545/5546): the records, and the invitation and feed files.

Pure functions from plain records to bytes; the caller loads the meeting and its invitees
and decides what to send. Every file follows the rules calendar clients depend on:

- METHOD (REQUEST, CANCEL or PUBLISH) before the first component;
- a stable UID, DTSTAMP and SEQUENCE on every event;
- DTSTART/DTEND in local time with TZID and a VTIMEZONE built from the zone database;
- TEXT escaped, parameter values double-quoted when they contain `,;:` (never escaped
  with backslashes), lines folded at 75 octets without cutting a UTF-8 character, CRLF
  after every line including the last;
- the same input gives the same bytes (pass `dtstamp` to fix the one moving part).

`ics` (0.7.3) gets these wrong as shipped (no SEQUENCE, METHOD after the events, times in
UTC without VTIMEZONE, no folding, parameters escaped instead of quoted), so it is used only
where it is right: its `Container` as the tree of the file, its `escape_string` for TEXT
values (SUMMARY, LOCATION, DESCRIPTION) and its `DisplayAlarm` for VALARM. Content lines
are our own strings: building an `ics` `Event` (arrow objects) per meeting made a feed
of 1,000 meetings slow, for the same bytes. Dates, times and time zones, SEQUENCE,
DTSTAMP, ORGANIZER/ATTENDEE, URL, the calendar envelope and the writing of the bytes are
ours. Never parse with ics at run time (its parser dies on long files).

Values and the writing of the bytes: ics_format.py; add-to links: links.py; CalDAV
resources: caldav.py.

Note: `import ics` below is the third-party package (absolute import), not this module.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from ics.alarm import DisplayAlarm
from ics.grammar.parse import Container
from ics.serializers.alarm_serializer import DisplayAlarmSerializer
from ics.utils import escape_string

from dialogue.calendar.ics_format import (
    _clean,
    _date,
    _local,
    _offset,
    _prop,
    _require_aware,
    _stamp,
    _text,
    _uri,
    _utc,
    _write,
)
from dialogue.calendar.rules import ROLE
from dialogue.i18n import _

PRODID = "-//Dialogue//Dialogue calendar//EN"
DEFAULT_TZ = "Africa/Tunis"

Method = Literal["REQUEST", "CANCEL"]
Role = Literal["chair", "titular", "alternate", "adviser", "observer", "secretariat"]
PartStat = Literal["NEEDS-ACTION", "ACCEPTED", "DECLINED", "DELEGATED", "TENTATIVE"]
Status = Literal["confirmed", "tentative", "cancelled"]

# Role in the meeting -> ROLE parameter: one rule for every output (rules.py).
ROLE_PARAMETER = ROLE
PARTSTATS = frozenset({"NEEDS-ACTION", "ACCEPTED", "DECLINED", "DELEGATED", "TENTATIVE"})
STATUSES = frozenset({"confirmed", "tentative", "cancelled"})

# Reminders of invitations: one day and one hour before the meeting.
ALARM_TRIGGERS = (dt.timedelta(days=-1), dt.timedelta(hours=-1))


# --- Records -------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarAddress:
    """Someone a calendar file names: their name (CN) and email address (mailto:)."""

    name: str
    email: str


@dataclass(frozen=True)
class CalendarOrganizer(CalendarAddress):
    """Who sends the invitations (the secretariat)."""


@dataclass(frozen=True)
class CalendarAttendee(CalendarAddress):
    """An invited person. `role` is an InvitationRole value, `partstat` their answer."""

    role: Role = "titular"
    partstat: PartStat = "NEEDS-ACTION"

    def __post_init__(self) -> None:
        if self.role not in ROLE_PARAMETER:
            raise ValueError(f"unknown role {self.role!r}")
        if self.partstat not in PARTSTATS:
            raise ValueError(f"unknown participation status {self.partstat!r}")


@dataclass(frozen=True)
class CalendarMeeting:
    """A meeting as calendars see it.

    `uid` stays the same for the life of the meeting (`meeting-<id>@<domain>`); `sequence`
    is the stored counter, raised by the caller whenever time, place, title, status or
    agenda change and on cancellation. `starts_at`/`ends_at` are aware datetimes; `url` is
    the meeting page; `description` the agenda as text. Attendees are written in the order
    given; those without an email address are left out (a calendar cannot address them).
    """

    uid: str
    sequence: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    title: str
    organizer: CalendarOrganizer
    location: str = ""
    online_url: str | None = None
    url: str = ""
    description: str = ""
    status: Status = "confirmed"
    attendees: tuple[CalendarAttendee, ...] = ()
    alarms: bool = True

    def __post_init__(self) -> None:
        if not self.uid:
            raise ValueError("a meeting needs a UID")
        if self.sequence < 0:
            raise ValueError("SEQUENCE starts at 0")
        _require_aware(self.starts_at, "starts_at")
        _require_aware(self.ends_at, "ends_at")
        if self.ends_at <= self.starts_at:
            raise ValueError("a meeting must end after it starts")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


@dataclass(frozen=True)
class CalendarDeadline:
    """A commitment's due date, shown as an all-day event in feeds."""

    uid: str
    date: dt.date
    title: str
    description: str = ""
    url: str = ""
    sequence: int = 0

    def __post_init__(self) -> None:
        if not self.uid:
            raise ValueError("a deadline needs a UID")
        if isinstance(self.date, dt.datetime):
            raise TypeError("a deadline is a date, not a datetime")


# --- Files ---------------------------------------------------------------------------


def invitation(
    meeting: CalendarMeeting,
    method: Method = "REQUEST",
    *,
    tz: str = DEFAULT_TZ,
    dtstamp: dt.datetime | None = None,
) -> bytes:
    """The invitation (METHOD:REQUEST) or cancellation (METHOD:CANCEL) of a meeting.

    Both carry ORGANIZER and every attendee with ROLE, PARTSTAT and RSVP=TRUE. A REQUEST
    has two reminders (a day and an hour before) unless `meeting.alarms` is false; a
    CANCEL has STATUS:CANCELLED and the SEQUENCE the caller raised.
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported METHOD {method!r}")
    if method == "REQUEST" and meeting.status == "cancelled":
        raise ValueError("a cancelled meeting is sent with METHOD:CANCEL")
    zone = ZoneInfo(tz)
    stamp = _stamp(dtstamp)
    calendar = _calendar(method)
    calendar.append(_vtimezone(tz, zone, [meeting.starts_at, meeting.ends_at]))
    status = "cancelled" if method == "CANCEL" else meeting.status
    event = _meeting_event(meeting, zone, tz, stamp, status=status, with_attendees=True)
    if method == "REQUEST" and meeting.alarms:
        for trigger in ALARM_TRIGGERS:
            event.append(_alarm(trigger, meeting.title))
    calendar.append(event)
    return _write(calendar)


def feed(
    name: str,
    events: Iterable[CalendarMeeting],
    deadlines: Iterable[CalendarDeadline] = (),
    *,
    organizer: CalendarOrganizer,
    tz: str = DEFAULT_TZ,
    dtstamp: dt.datetime | None = None,
) -> bytes:
    """A subscription feed (METHOD:PUBLISH) named `name` (already translated).

    Meetings keep their UID, SEQUENCE and STATUS (cancelled ones stay, marked
    CANCELLED, so subscribers see them go) but carry no ATTENDEE; deadlines are all-day
    events, because Outlook and Google ignore VTODO in subscribed calendars. Every event
    has an ORGANIZER (`organizer`, the secretariat), as RFC 5546 PUBLISH requires.
    """
    meetings = list(events)
    deadlines = list(deadlines)
    zone = ZoneInfo(tz)
    stamp = _stamp(dtstamp)
    calendar = _calendar("PUBLISH")
    calendar.append(_prop("X-WR-CALNAME", _text(name)))
    calendar.append(_prop("X-WR-TIMEZONE", tz))
    calendar.append(_prop("REFRESH-INTERVAL", "PT1H", VALUE="DURATION"))
    calendar.append(_prop("X-PUBLISHED-TTL", "PT1H"))
    instants = [t for m in meetings for t in (m.starts_at, m.ends_at)]
    instants += [dt.datetime.combine(d.date, dt.time(12), zone) for d in deadlines]
    calendar.append(_vtimezone(tz, zone, instants or [stamp]))
    for meeting in meetings:
        calendar.append(_meeting_event(meeting, zone, tz, stamp, status=meeting.status, with_attendees=False))
    for deadline in deadlines:
        calendar.append(_deadline_event(deadline, stamp, organizer))
    return _write(calendar)


# --- Components ----------------------------------------------------------------------


def _calendar(method: str) -> Container:
    # ics writes METHOD after its events; ours comes before any component.
    return Container(
        "VCALENDAR",
        _prop("PRODID", PRODID),
        _prop("VERSION", "2.0"),
        _prop("CALSCALE", "GREGORIAN"),
        _prop("METHOD", method),
    )


def _meeting_event(
    meeting: CalendarMeeting,
    zone: ZoneInfo,
    tzid: str,
    stamp: dt.datetime,
    *,
    status: str,
    with_attendees: bool,
) -> Container:
    # TEXT values are cleaned (CRLF -> LF, no control characters) then escaped as ics
    # escapes them; empty ones are left out.
    event = Container("VEVENT", _prop("UID", meeting.uid))
    event.append(_prop("DTSTAMP", _utc(stamp)))
    event.append(_prop("SEQUENCE", str(meeting.sequence)))
    event.append(_prop("DTSTART", _local(meeting.starts_at, zone), TZID=tzid))
    event.append(_prop("DTEND", _local(meeting.ends_at, zone), TZID=tzid))
    _append_text(event, "SUMMARY", meeting.title)
    _append_text(event, "LOCATION", _location(meeting))
    if meeting.url:
        event.append(_prop("URL", _uri(meeting.url)))
    _append_text(event, "DESCRIPTION", _full_description(meeting))
    event.append(_prop("STATUS", status.upper()))
    event.append(_person("ORGANIZER", meeting.organizer))
    if with_attendees:
        for attendee in meeting.attendees:
            if not attendee.email.strip():
                continue
            event.append(
                _person(
                    "ATTENDEE",
                    attendee,
                    CUTYPE="INDIVIDUAL",
                    ROLE=ROLE_PARAMETER[attendee.role],
                    PARTSTAT=attendee.partstat,
                    RSVP="TRUE",
                )
            )
    return event


def _deadline_event(deadline: CalendarDeadline, stamp: dt.datetime, organizer: CalendarOrganizer) -> Container:
    # All-day dates are written as given (ics would convert them to UTC first, which
    # moves them a day back east of UTC).
    event = Container("VEVENT", _prop("UID", deadline.uid))
    event.append(_prop("DTSTAMP", _utc(stamp)))
    event.append(_prop("SEQUENCE", str(deadline.sequence)))
    event.append(_prop("DTSTART", _date(deadline.date), VALUE="DATE"))
    event.append(_prop("DTEND", _date(deadline.date + dt.timedelta(days=1)), VALUE="DATE"))
    _append_text(event, "SUMMARY", deadline.title)
    if deadline.url:
        event.append(_prop("URL", _uri(deadline.url)))
    _append_text(event, "DESCRIPTION", _join_links(deadline.description, [(_("Page: {url}"), deadline.url)]))
    event.append(_person("ORGANIZER", organizer))
    # A deadline does not make anyone busy.
    event.append(_prop("TRANSP", "TRANSPARENT"))
    return event


def _append_text(event: Container, name: str, text: str) -> None:
    cleaned = _clean(text)
    if cleaned:
        event.append(_prop(name, escape_string(cleaned)))


def _alarm(trigger: dt.timedelta, title: str) -> Container:
    alarm = DisplayAlarm(trigger=trigger, display_text=_clean(title))
    container = Container("VALARM")
    for serialize in DisplayAlarmSerializer.get_serializers():  # ACTION, DESCRIPTION, TRIGGER
        serialize(alarm, container)
    return container


def _person(name: str, address: CalendarAddress, **params: str) -> str:
    # ics escapes CN with backslashes (readers then misread it) and cannot write
    # RSVP=TRUE; quoting happens in _write.
    all_params = {"CN": address.name, **params} if address.name.strip() else dict(params)
    return _prop(name, "mailto:" + address.email.strip(), **all_params)


def _vtimezone(tzid: str, zone: ZoneInfo, instants: Sequence[dt.datetime]) -> Container:
    """VTIMEZONE from the zone database, valid from a year before the first instant to
    a year after the last. A zone without changes in that window (Africa/Tunis since
    2009) gets one STANDARD observance; otherwise one observance per change, each a
    plain onset (no RRULE), which every reader understands."""
    first = min(instants).astimezone(dt.UTC)
    last = max(instants).astimezone(dt.UTC)
    timezone = Container("VTIMEZONE", _prop("TZID", tzid))
    for observance in _observances(tzid, zone, first.year - 1, last.year + 2):
        timezone.append(_observance(*observance))
    return timezone


@functools.lru_cache(maxsize=64)
def _observances(
    tzid: str, zone: ZoneInfo, first_year: int, end_year: int
) -> tuple[tuple[dt.timedelta, dt.datetime, dt.timedelta, dt.timedelta, str], ...]:
    """The observances of `zone` from 1 January `first_year` to 1 January `end_year`
    (UTC): found day by day, then to the second, so kept for the next file."""
    start = dt.datetime(first_year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(end_year, 1, 1, tzinfo=dt.UTC)

    def state(moment: dt.datetime) -> tuple[dt.timedelta, dt.timedelta, str]:
        local = moment.astimezone(zone)
        return local.utcoffset() or dt.timedelta(0), local.dst() or dt.timedelta(0), local.tzname() or tzid

    offset, dst, abbreviation = state(start)
    # An observance's DTSTART is a local time, naive by definition (RFC 5545 3.6.5).
    found = [(dst, dt.datetime(1970, 1, 1), offset, offset, abbreviation)]  # noqa: DTZ001
    day = dt.timedelta(days=1)
    moment = start
    while moment < end:
        if state(moment + day) != state(moment):
            low, high = moment, moment + day
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if state(middle) == state(low):
                    low = middle
                else:
                    high = middle
            before, (after, dst, abbreviation) = state(low)[0], state(high)
            # DTSTART of an observance is the local time in the offset before the change.
            onset = (high + before).replace(tzinfo=None)
            found.append((dst, onset, before, after, abbreviation))
        moment += day
    return tuple(found)


def _observance(
    dst: dt.timedelta, onset: dt.datetime, before: dt.timedelta, after: dt.timedelta, abbreviation: str
) -> Container:
    return Container(
        "DAYLIGHT" if dst else "STANDARD",
        _prop("DTSTART", onset.strftime("%Y%m%dT%H%M%S")),
        _prop("TZOFFSETFROM", _offset(before)),
        _prop("TZOFFSETTO", _offset(after)),
        _prop("TZNAME", _text(abbreviation)),
    )


def _location(meeting: CalendarMeeting) -> str:
    return meeting.location.strip() or (meeting.online_url or "").strip()


def _full_description(meeting: CalendarMeeting) -> str:
    """The agenda, then the online link and the meeting page."""
    links = [(_("Join online: {url}"), meeting.online_url or ""), (_("Meeting page: {url}"), meeting.url)]
    return _join_links(meeting.description, links)


def _join_links(text: str, links: list[tuple[str, str]]) -> str:
    lines = [label.format(url=url.strip()) for label, url in links if url.strip()]
    parts = [part for part in (text.strip(), "\n".join(lines)) if part]
    return "\n\n".join(parts)
