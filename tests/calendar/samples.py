"""Records and checks shared by the calendar tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import vobject

from dialogue.calendar import (
    CalendarAttendee,
    CalendarDeadline,
    CalendarMeeting,
    CalendarOrganizer,
)

TUNIS = ZoneInfo("Africa/Tunis")
STAMP = dt.datetime(2025, 2, 1, 7, 0, tzinfo=dt.UTC)
# Long enough to fold in the middle of Arabic (two-octet) and the dash (three octets).
TITLE = "Réunion – المجلس الوطني للحوار الاجتماعي – session ordinaire de printemps, Tunis: 3e séance"
AGENDA = (
    "1. Ouverture de la séance; adoption de l'ordre du jour\n"
    "2. الزيادة في الأجور في القطاع الخاص, والمنحة الخصوصية\n"
    "3. Questions diverses: C:\\partage\\rapport.pdf"
)
ORGANIZER = CalendarOrganizer("Secrétariat, Comité: national", "secretariat@dialogue.example")
ATTENDEES = (
    CalendarAttendee("Ben Salah; Ali, UGTT: Tunis", "ali@ugtt.example", "chair", "ACCEPTED"),
    CalendarAttendee("Leïla Trabelsi", "leila@utica.example", "titular"),
    CalendarAttendee("سامي الحمامي", "sami@gov.example", "alternate", "TENTATIVE"),
    CalendarAttendee("Adviser, Expert", "expert@ugtt.example", "adviser", "DECLINED"),
    CalendarAttendee("OIT: bureau de Tunis", "ilo@ilo.example", "observer", "DELEGATED"),
    CalendarAttendee("Secrétariat", "staff@dialogue.example", "secretariat"),
)


def meeting(**changes: Any) -> CalendarMeeting:
    base = CalendarMeeting(
        uid="meeting-7@dialogue.example",
        sequence=0,
        starts_at=dt.datetime(2025, 3, 10, 9, 30, tzinfo=TUNIS),
        ends_at=dt.datetime(2025, 3, 10, 12, 0, tzinfo=TUNIS),
        title=TITLE,
        location="Salle des conférences, Tunis",
        online_url="https://meet.example/cnds?room=7,8",
        url="https://dialogue.example/meetings/7",
        description=AGENDA,
        organizer=ORGANIZER,
        attendees=ATTENDEES,
    )
    return dataclasses.replace(base, **changes)


def deadline(**changes: Any) -> CalendarDeadline:
    base = CalendarDeadline(
        uid="commitment-3@dialogue.example",
        date=dt.date(2025, 3, 31),
        title="Rapport sur les salaires – تقرير الأجور",
        description="Due by the government side",
        url="https://dialogue.example/commitments/3",
    )
    return dataclasses.replace(base, **changes)


def expected_description(m: CalendarMeeting) -> str:
    return f"{m.description}\n\nJoin online: {m.online_url}\nMeeting page: {m.url}"


def read(data: bytes) -> tuple[icalendar.Calendar, Any]:
    """Checks the file's lines, then reads it with two independent readers."""
    assert_well_formed(data)
    return icalendar.Calendar.from_ical(data), vobject.readOne(data.decode("utf-8"), validate=True)


def assert_well_formed(data: bytes) -> None:
    assert data.endswith(b"\r\n"), "CRLF after the last line"
    assert b"\n" not in data.replace(b"\r\n", b""), "a bare LF"
    assert b"\r" not in data.replace(b"\r\n", b""), "a bare CR"
    lines = data[:-2].split(b"\r\n")
    for line in lines:
        assert len(line) <= 75, f"{len(line)} octets: {line!r}"
        line.decode("utf-8")  # a fold never splits a character
        assert line, "an empty line"
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    first_component = next(i for i, line in enumerate(lines[1:], 1) if line.startswith(b"BEGIN:"))
    method = [i for i, line in enumerate(lines) if line.startswith(b"METHOD:")]
    assert all(i < first_component for i in method), "METHOD after a component"


def unfolded(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def events(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def attendees(event: icalendar.Event) -> list[Any]:
    value = event.get("ATTENDEE", [])
    return value if isinstance(value, list) else [value]
