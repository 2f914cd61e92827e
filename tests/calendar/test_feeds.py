"""Subscription feeds (METHOD:PUBLISH), all-day deadlines, and the CalDAV form of a file."""

from __future__ import annotations

import datetime as dt

import pytest

from dialogue.calendar import caldav_objects, feed, for_caldav, invitation
from tests.calendar.samples import (
    ORGANIZER,
    STAMP,
    TITLE,
    deadline,
    events,
    meeting,
    read,
    unfolded,
)

NAME = "Réunions de Leïla – اجتماعات ليلى"


def sample_feed(**kwargs: object) -> bytes:
    meetings = [
        meeting(),
        meeting(uid="meeting-8@dialogue.example", sequence=4, status="cancelled", title="Annulée"),
    ]
    return feed(NAME, meetings, [deadline()], organizer=ORGANIZER, dtstamp=STAMP, **kwargs)  # type: ignore[arg-type]


def test_feed_is_published_named_and_in_the_right_zone() -> None:
    data = sample_feed()
    calendar, card = read(data)
    assert calendar["METHOD"] == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == NAME
    assert card.contents["x-wr-calname"][0].value == NAME
    assert str(calendar["X-WR-TIMEZONE"]) == "Africa/Tunis"
    assert [z["TZID"] for z in calendar.walk("VTIMEZONE")] == ["Africa/Tunis"]


def test_feed_has_no_attendees_and_asks_no_answer() -> None:
    data = sample_feed()
    calendar, card = read(data)
    assert not any("ATTENDEE" in event for event in events(calendar))
    assert b"ATTENDEE" not in data and b"RSVP" not in data and b"VALARM" not in data
    assert not any(hasattr(event, "attendee") for event in card.vevent_list)


def test_feed_meetings_keep_uid_sequence_times_and_text() -> None:
    calendar, card = read(sample_feed())
    first, cancelled, _ = events(calendar)
    assert str(first["UID"]) == "meeting-7@dialogue.example"
    assert first["SEQUENCE"] == 0
    assert str(first["SUMMARY"]) == TITLE
    assert first.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2025, 3, 10, 8, 30, tzinfo=dt.UTC)
    assert first["DTSTART"].params["TZID"] == "Africa/Tunis"
    assert first.decoded("DTSTAMP") == STAMP
    assert cancelled["STATUS"] == "CANCELLED" and cancelled["SEQUENCE"] == 4
    assert card.vevent_list[0].summary.value == TITLE


@pytest.mark.parametrize("zone", ["Africa/Tunis", "Pacific/Auckland", "Pacific/Honolulu"])
def test_deadlines_are_all_day_events_on_their_own_date(zone: str) -> None:
    data = feed(NAME, [], [deadline()], organizer=ORGANIZER, tz=zone, dtstamp=STAMP)
    assert "DTSTART;VALUE=DATE:20250331" in unfolded(data)
    assert "DTEND;VALUE=DATE:20250401" in unfolded(data)
    calendar, card = read(data)
    (event,) = events(calendar)
    assert event.decoded("DTSTART") == dt.date(2025, 3, 31)
    assert event.decoded("DTEND") == dt.date(2025, 4, 1)
    assert not isinstance(event.decoded("DTSTART"), dt.datetime)
    assert str(event["SUMMARY"]) == "Rapport sur les salaires – تقرير الأجور"
    assert str(event["DESCRIPTION"]) == "Due by the government side\n\nPage: https://dialogue.example/commitments/3"
    assert event["TRANSP"] == "TRANSPARENT"
    assert card.vevent.dtstart.value == dt.date(2025, 3, 31)


def test_a_deadline_is_a_date_not_a_datetime() -> None:
    with pytest.raises(TypeError):
        deadline(date=dt.datetime(2025, 3, 31, 12, tzinfo=dt.UTC))


def test_an_empty_feed_is_still_a_valid_calendar() -> None:
    calendar, _ = read(feed(NAME, [], [], organizer=ORGANIZER, dtstamp=STAMP))
    assert events(calendar) == []
    assert calendar["METHOD"] == "PUBLISH"


def test_same_feed_same_bytes() -> None:
    assert sample_feed() == sample_feed()
    assert sample_feed() != feed(NAME, [meeting()], [], organizer=ORGANIZER, dtstamp=STAMP)


def test_caldav_copy_drops_only_the_method() -> None:
    data = sample_feed()
    stored = for_caldav(data)
    assert b"METHOD" not in stored
    assert stored.split(b"\r\n") == [line for line in data.split(b"\r\n") if line != b"METHOD:PUBLISH"]
    calendar, _ = read(stored)
    assert "METHOD" not in calendar
    assert len(events(calendar)) == 3
    invite = for_caldav(invitation(meeting(), dtstamp=STAMP))
    assert b"METHOD" not in invite
    read(invite)


def test_a_description_line_starting_with_method_is_kept() -> None:
    m = meeting(description="x" * 62 + "\nMETHOD:CANCEL is a word here")
    stored = for_caldav(invitation(m, dtstamp=STAMP))
    calendar, _ = read(stored)
    assert "METHOD:CANCEL is a word here" in str(events(calendar)[0]["DESCRIPTION"])


def test_caldav_objects_hold_one_event_each_with_its_zone() -> None:
    objects = caldav_objects(sample_feed())
    assert list(objects) == [
        "meeting-7@dialogue.example",
        "meeting-8@dialogue.example",
        "commitment-3@dialogue.example",
    ]
    for uid, data in objects.items():
        calendar, _ = read(data)
        assert "METHOD" not in calendar
        assert [str(e["UID"]) for e in events(calendar)] == [uid]
        assert [z["TZID"] for z in calendar.walk("VTIMEZONE")] == ["Africa/Tunis"]
