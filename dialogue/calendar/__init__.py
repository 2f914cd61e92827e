"""Calendars: invitation files, subscription feeds and add-to-calendar links."""

from dialogue.calendar.caldav import caldav_objects, for_caldav
from dialogue.calendar.ics import (
    CalendarAttendee,
    CalendarDeadline,
    CalendarMeeting,
    CalendarOrganizer,
    feed,
    invitation,
)
from dialogue.calendar.links import google_calendar_link, outlook_calendar_link

__all__ = [
    "CalendarAttendee",
    "CalendarDeadline",
    "CalendarMeeting",
    "CalendarOrganizer",
    "caldav_objects",
    "feed",
    "for_caldav",
    "google_calendar_link",
    "invitation",
    "outlook_calendar_link",
]
