"""'Add to Google Calendar' and 'Add to Outlook' links of a meeting."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from dialogue.calendar.ics import CalendarMeeting, _full_description, _location
from dialogue.calendar.ics_format import _utc


def google_calendar_link(meeting: CalendarMeeting) -> str:
    """'Add to Google Calendar': a prefilled event form, times in UTC."""
    params = {
        "action": "TEMPLATE",
        "text": meeting.title,
        "dates": f"{_utc(meeting.starts_at)}/{_utc(meeting.ends_at)}",
        "details": _full_description(meeting),
        "location": _location(meeting),
    }
    return "https://calendar.google.com/calendar/render?" + _query(params)


def outlook_calendar_link(meeting: CalendarMeeting) -> str:
    """'Add to Outlook' (Outlook on the web / Microsoft 365), times in UTC."""
    params = {
        "subject": meeting.title,
        "startdt": _iso_utc(meeting.starts_at),
        "enddt": _iso_utc(meeting.ends_at),
        "body": _full_description(meeting),
        "location": _location(meeting),
        "path": "/calendar/action/compose",
        "rru": "addevent",
    }
    return "https://outlook.office.com/calendar/0/deeplink/compose?" + _query(params)


def _iso_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _query(params: dict[str, str]) -> str:
    return urlencode({k: v for k, v in params.items() if v}, quote_via=quote, safe="/")
