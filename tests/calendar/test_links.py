"""'Add to Google Calendar' and 'Add to Outlook' links."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from dialogue.calendar import google_calendar_link, outlook_calendar_link
from tests.calendar.samples import TITLE, expected_description, meeting


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query, strict_parsing=True).items()}


def test_google_link_has_utc_times_and_the_text() -> None:
    url = google_calendar_link(meeting())
    assert url.startswith("https://calendar.google.com/calendar/render?")
    params = query(url)
    assert params["action"] == "TEMPLATE"
    assert params["dates"] == "20250310T083000Z/20250310T110000Z"
    assert params["text"] == TITLE
    assert params["details"] == expected_description(meeting())
    assert params["location"] == "Salle des conférences, Tunis"
    assert " " not in url and "\n" not in url


def test_outlook_link_has_utc_times_and_the_text() -> None:
    url = outlook_calendar_link(meeting())
    assert url.startswith("https://outlook.office.com/calendar/0/deeplink/compose?")
    params = query(url)
    assert params["startdt"] == "2025-03-10T08:30:00Z"
    assert params["enddt"] == "2025-03-10T11:00:00Z"
    assert params["subject"] == TITLE
    assert params["body"] == expected_description(meeting())
    assert params["location"] == "Salle des conférences, Tunis"
    assert params["path"] == "/calendar/action/compose"
    assert params["rru"] == "addevent"


def test_links_use_the_online_link_when_there_is_no_venue() -> None:
    online = meeting(location="")
    assert query(google_calendar_link(online))["location"] == "https://meet.example/cnds?room=7,8"
    assert query(outlook_calendar_link(online))["location"] == "https://meet.example/cnds?room=7,8"
    assert "location" not in query(google_calendar_link(meeting(location="", online_url=None)))
