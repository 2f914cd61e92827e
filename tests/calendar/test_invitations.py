"""Invitations (METHOD:REQUEST) and cancellations (METHOD:CANCEL), read back by icalendar
and vobject."""

from __future__ import annotations

import dataclasses
import datetime as dt

import icalendar
import pytest

from dialogue.calendar import CalendarAttendee, invitation
from tests.calendar.samples import (
    AGENDA,
    ATTENDEES,
    ORGANIZER,
    STAMP,
    TITLE,
    attendees,
    events,
    expected_description,
    meeting,
    read,
    unfolded,
)


def test_invitation_is_a_request_both_readers_accept() -> None:
    data = invitation(meeting(), dtstamp=STAMP)
    calendar, card = read(data)
    assert calendar["METHOD"] == "REQUEST"
    assert card.method.value == "REQUEST"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    (event,) = events(calendar)
    assert str(event["UID"]) == "meeting-7@dialogue.example"
    assert event.decoded("DTSTAMP") == STAMP
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert str(event["URL"]) == "https://dialogue.example/meetings/7"
    assert card.vevent.uid.value == "meeting-7@dialogue.example"


def test_meeting_at_half_past_nine_in_tunis_is_half_past_eight_utc() -> None:
    data = invitation(meeting(), dtstamp=STAMP)
    lines = unfolded(data)
    assert "DTSTART;TZID=Africa/Tunis:20250310T093000" in lines
    assert "DTEND;TZID=Africa/Tunis:20250310T120000" in lines
    calendar, card = read(data)
    (event,) = events(calendar)
    assert event["DTSTART"].params["TZID"] == "Africa/Tunis"
    assert event.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2025, 3, 10, 8, 30, tzinfo=dt.UTC)
    assert event.decoded("DTEND").astimezone(dt.UTC) == dt.datetime(2025, 3, 10, 11, 0, tzinfo=dt.UTC)
    assert card.vevent.dtstart.value.astimezone(dt.UTC) == dt.datetime(2025, 3, 10, 8, 30, tzinfo=dt.UTC)
    assert card.vevent.dtend.value.astimezone(dt.UTC) == dt.datetime(2025, 3, 10, 11, 0, tzinfo=dt.UTC)


def test_the_time_zone_is_described_by_a_matching_vtimezone() -> None:
    calendar, card = read(invitation(meeting(), dtstamp=STAMP))
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Africa/Tunis"
    (standard,) = zone.walk("STANDARD")
    assert standard["TZOFFSETFROM"].td == dt.timedelta(hours=1)
    assert standard["TZOFFSETTO"].td == dt.timedelta(hours=1)
    assert standard["TZNAME"] == "CET"
    assert not zone.walk("DAYLIGHT")
    # The definition alone, without looking the name up, gives the right offset.
    tz = zone.to_tz(lookup_tzid=False)
    assert dt.datetime(2025, 3, 10, 9, 30, tzinfo=tz).utcoffset() == dt.timedelta(hours=1)
    assert card.vtimezone.tzid.value == "Africa/Tunis"


@pytest.mark.parametrize(
    ("zone_name", "local", "utc"),
    [
        ("Europe/Paris", dt.datetime(2025, 7, 1, 9, 30), dt.datetime(2025, 7, 1, 7, 30)),
        ("Europe/Paris", dt.datetime(2025, 12, 1, 9, 30), dt.datetime(2025, 12, 1, 8, 30)),
        ("America/New_York", dt.datetime(2025, 11, 3, 9, 0), dt.datetime(2025, 11, 3, 14, 0)),
        ("Asia/Kolkata", dt.datetime(2025, 1, 6, 10, 0), dt.datetime(2025, 1, 6, 4, 30)),
    ],
)
def test_a_zone_with_daylight_saving_gets_its_changes(zone_name: str, local: dt.datetime, utc: dt.datetime) -> None:
    from zoneinfo import ZoneInfo

    zone_info = ZoneInfo(zone_name)
    starts = local.replace(tzinfo=zone_info)
    data = invitation(meeting(starts_at=starts, ends_at=starts + dt.timedelta(hours=2)), tz=zone_name, dtstamp=STAMP)
    assert f"DTSTART;TZID={zone_name}:{local:%Y%m%dT%H%M%S}" in unfolded(data)
    calendar, card = read(data)
    (zone,) = calendar.walk("VTIMEZONE")
    tz = zone.to_tz(lookup_tzid=False)  # our VTIMEZONE, not the zone database
    for month in range(1, 13):
        for day in (1, 15, 28):
            moment = dt.datetime(2025, month, day, 12, tzinfo=dt.UTC)
            assert moment.astimezone(tz).utcoffset() == moment.astimezone(zone_info).utcoffset()
    assert card.vevent.dtstart.value.astimezone(dt.UTC) == utc.replace(tzinfo=dt.UTC)


def test_french_and_arabic_text_round_trips_exactly() -> None:
    data = invitation(meeting(), dtstamp=STAMP)
    # The title is folded inside multi-octet text, and each line still decodes (see read).
    lines = data.split(b"\r\n")
    assert any(line.startswith(b" ") and line[1] >= 0x80 for line in lines)
    calendar, card = read(data)
    (event,) = events(calendar)
    assert str(event["SUMMARY"]) == TITLE
    assert str(event["DESCRIPTION"]) == expected_description(meeting())
    assert str(event["LOCATION"]) == "Salle des conférences, Tunis"
    assert card.vevent.summary.value == TITLE
    assert card.vevent.description.value == expected_description(meeting())
    assert card.vevent.location.value == "Salle des conférences, Tunis"
    assert AGENDA in card.vevent.description.value


def test_text_is_escaped_and_line_breaks_are_normalised() -> None:
    tricky = "a\\b, c; d\r\ne\rf\ng\x00h\x07\ti"
    m = meeting(title=tricky, description=tricky, online_url=None, url="")
    data = invitation(m, dtstamp=STAMP)
    assert "SUMMARY:a\\\\b\\, c\\; d\\ne\\nf\\ng" + "h\ti" in unfolded(data)
    calendar, card = read(data)
    expected = "a\\b, c; d\ne\nf\ngh\ti"
    assert str(events(calendar)[0]["SUMMARY"]) == expected
    assert str(events(calendar)[0]["DESCRIPTION"]) == expected
    assert card.vevent.summary.value == expected


def test_names_with_commas_and_colons_are_quoted_and_read_back_exactly() -> None:
    data = invitation(meeting(), dtstamp=STAMP)
    lines = unfolded(data)
    assert 'ORGANIZER;CN="Secrétariat, Comité: national":mailto:secretariat@dialogue.example' in lines
    assert any(line.startswith('ATTENDEE;CN="Ben Salah; Ali, UGTT: Tunis";') for line in lines)
    assert any(line.startswith("ATTENDEE;CN=Leïla Trabelsi;") for line in lines)  # nothing to quote
    assert not any("\\," in line or "\\:" in line for line in lines if line.startswith(("ORGANIZER", "ATTENDEE")))
    calendar, card = read(data)
    (event,) = events(calendar)
    assert event["ORGANIZER"].params["CN"] == ORGANIZER.name
    assert [a.params["CN"] for a in attendees(event)] == [a.name for a in ATTENDEES]
    assert card.vevent.organizer.params["CN"] == [ORGANIZER.name]
    assert [a.params["CN"] for a in card.vevent.attendee_list] == [[a.name] for a in ATTENDEES]


def test_a_double_quote_in_a_name_cannot_break_the_parameter() -> None:
    m = meeting(attendees=(CalendarAttendee('Dr "Sami", UGTT', "sami@ugtt.example"),))
    calendar, card = read(invitation(m, dtstamp=STAMP))
    assert attendees(events(calendar)[0])[0].params["CN"] == "Dr 'Sami', UGTT"
    assert card.vevent.attendee.params["CN"] == ["Dr 'Sami', UGTT"]


def test_every_invitee_is_an_attendee_in_the_given_order_with_role_and_answer() -> None:
    calendar, card = read(invitation(meeting(), dtstamp=STAMP))
    found = attendees(events(calendar)[0])
    assert [str(a) for a in found] == [f"mailto:{a.email}" for a in ATTENDEES]
    assert [a.params["ROLE"] for a in found] == [
        "REQ-PARTICIPANT",  # chair
        "REQ-PARTICIPANT",  # titular
        "OPT-PARTICIPANT",  # alternate
        "OPT-PARTICIPANT",  # adviser
        "NON-PARTICIPANT",  # observer
        "NON-PARTICIPANT",  # secretariat
    ]
    assert [a.params["PARTSTAT"] for a in found] == [a.partstat for a in ATTENDEES]
    assert all(a.params["RSVP"] == "TRUE" and a.params["CUTYPE"] == "INDIVIDUAL" for a in found)
    assert [a.value for a in card.vevent.attendee_list] == [f"mailto:{a.email}" for a in ATTENDEES]


def test_attendee_order_follows_the_list_not_a_set() -> None:
    reversed_list = meeting(attendees=tuple(reversed(ATTENDEES)))
    calendar, _ = read(invitation(reversed_list, dtstamp=STAMP))
    assert [str(a) for a in attendees(events(calendar)[0])] == [f"mailto:{a.email}" for a in reversed(ATTENDEES)]


def test_an_invitee_without_email_is_left_out() -> None:
    m = meeting(attendees=(ATTENDEES[0], CalendarAttendee("No Mail", "", "titular")))
    calendar, _ = read(invitation(m, dtstamp=STAMP))
    assert [str(a) for a in attendees(events(calendar)[0])] == ["mailto:ali@ugtt.example"]


def test_unknown_role_or_answer_is_refused() -> None:
    with pytest.raises(ValueError):
        CalendarAttendee("X", "x@example.org", "president")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        CalendarAttendee("X", "x@example.org", "titular", "MAYBE")  # type: ignore[arg-type]


def test_request_reminds_a_day_and_an_hour_before() -> None:
    calendar, card = read(invitation(meeting(), dtstamp=STAMP))
    alarms = events(calendar)[0].walk("VALARM")
    assert [a["ACTION"] for a in alarms] == ["DISPLAY", "DISPLAY"]
    assert [a.decoded("TRIGGER") for a in alarms] == [dt.timedelta(days=-1), dt.timedelta(hours=-1)]
    assert [str(a["DESCRIPTION"]) for a in alarms] == [TITLE, TITLE]
    assert len(card.vevent.valarm_list) == 2
    assert "TRIGGER:-P1D" in unfolded(invitation(meeting(), dtstamp=STAMP))
    assert "TRIGGER:-PT1H" in unfolded(invitation(meeting(), dtstamp=STAMP))


def test_reminders_can_be_turned_off() -> None:
    calendar, _ = read(invitation(meeting(alarms=False), dtstamp=STAMP))
    assert events(calendar)[0].walk("VALARM") == []


def test_location_is_the_venue_or_else_the_online_link() -> None:
    calendar, _ = read(invitation(meeting(location=""), dtstamp=STAMP))
    assert str(events(calendar)[0]["LOCATION"]) == "https://meet.example/cnds?room=7,8"
    calendar, _ = read(invitation(meeting(location="", online_url=None), dtstamp=STAMP))
    assert "LOCATION" not in events(calendar)[0]


def test_update_keeps_the_uid_and_raises_the_sequence_and_cancel_raises_it_again() -> None:
    first = invitation(meeting(), dtstamp=STAMP)
    moved = meeting(
        sequence=1,
        starts_at=meeting().starts_at + dt.timedelta(days=1),
        ends_at=meeting().ends_at + dt.timedelta(days=1),
    )
    update = invitation(moved, dtstamp=STAMP + dt.timedelta(hours=1))
    cancel = invitation(dataclasses.replace(moved, sequence=2), "CANCEL", dtstamp=STAMP + dt.timedelta(hours=2))
    parsed = [events(read(data)[0])[0] for data in (first, update, cancel)]
    assert {str(e["UID"]) for e in parsed} == {"meeting-7@dialogue.example"}
    assert [e["SEQUENCE"] for e in parsed] == [0, 1, 2]
    assert [e["STATUS"] for e in parsed] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert parsed[1].decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2025, 3, 11, 8, 30, tzinfo=dt.UTC)


def test_cancellation_has_method_cancel_status_cancelled_and_the_attendees() -> None:
    data = invitation(meeting(sequence=3), "CANCEL", dtstamp=STAMP)
    calendar, card = read(data)
    assert calendar["METHOD"] == "CANCEL"
    (event,) = events(calendar)
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 3
    assert len(attendees(event)) == len(ATTENDEES)
    assert event.walk("VALARM") == []
    assert card.vevent.status.value == "CANCELLED"


def test_a_cancelled_meeting_is_not_sent_as_a_request() -> None:
    with pytest.raises(ValueError):
        invitation(meeting(status="cancelled"), "REQUEST", dtstamp=STAMP)
    with pytest.raises(ValueError):
        invitation(meeting(), "PUBLISH", dtstamp=STAMP)  # type: ignore[arg-type]


def test_meeting_times_must_be_aware_and_in_order() -> None:
    with pytest.raises(ValueError):
        meeting(starts_at=dt.datetime(2025, 3, 10, 9, 30))
    with pytest.raises(ValueError):
        meeting(ends_at=meeting().starts_at)
    with pytest.raises(ValueError):
        invitation(meeting(), dtstamp=dt.datetime(2025, 1, 1))


def test_same_meeting_same_bytes() -> None:
    assert invitation(meeting(), dtstamp=STAMP) == invitation(meeting(), dtstamp=STAMP)
    assert invitation(meeting(), "CANCEL", dtstamp=STAMP) == invitation(meeting(), "CANCEL", dtstamp=STAMP)
    # A stamp given in another zone is written in UTC, so it is the same file.
    in_tunis = STAMP.astimezone(dt.timezone(dt.timedelta(hours=1)))
    assert invitation(meeting(), dtstamp=in_tunis) == invitation(meeting(), dtstamp=STAMP)


def test_without_a_stamp_dtstamp_is_now_in_utc() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    calendar, _ = read(invitation(meeting()))
    after = dt.datetime.now(dt.UTC)
    stamp = events(calendar)[0].decoded("DTSTAMP")
    assert stamp.tzinfo is not None and before <= stamp <= after
    assert events(calendar)[0]["DTSTAMP"].to_ical().endswith(b"Z")


def test_calendar_fits_rfc5546_request_requirements() -> None:
    calendar = icalendar.Calendar.from_ical(invitation(meeting(), dtstamp=STAMP))
    (event,) = events(calendar)
    for required in ("ORGANIZER", "ATTENDEE", "DTSTAMP", "DTSTART", "UID", "SEQUENCE", "SUMMARY"):
        assert required in event
