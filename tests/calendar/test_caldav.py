"""A feed stored on a real CalDAV server (Radicale, on loopback) and read back."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import http.client
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote
from wsgiref.simple_server import WSGIRequestHandler, make_server

import icalendar
import pytest
import vobject

from dialogue.calendar import caldav_objects, feed, for_caldav
from tests.calendar.samples import (
    ORGANIZER,
    STAMP,
    TITLE,
    deadline,
    events,
    expected_description,
    meeting,
)

radicale = pytest.importorskip("radicale", reason="Radicale is not installed (pip install radicale)")
from radicale import config as radicale_config  # noqa: E402  (after the skip when Radicale is missing)

USER = "leila"
CALDAV = "urn:ietf:params:xml:ns:caldav"
QUERY = b"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter>
</C:calendar-query>"""


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class CalDAV:
    """A Radicale server on 127.0.0.1 with its storage in a temporary folder. Its
    authentication is "none": any user name is accepted, and owns /<user>/."""

    def __init__(self, storage: Path) -> None:
        configuration = radicale_config.load()
        configuration.update(
            {
                "storage": {"filesystem_folder": str(storage)},
                "auth": {"type": "none"},
                "rights": {"type": "owner_only"},
                "logging": {"level": "error"},
            },
            "test",
        )
        self.server = make_server("127.0.0.1", 0, radicale.Application(configuration), handler_class=_QuietHandler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.server.server_port, timeout=10)
        try:
            credentials = base64.b64encode(f"{USER}:any".encode()).decode()
            connection.request(method, path, body=body, headers={"Authorization": f"Basic {credentials}", **headers})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def put(self, path: str, body: bytes) -> int:
        return self.request("PUT", path, body, **{"Content-Type": "text/calendar; charset=utf-8"})[0]

    def query(self, collection: str) -> list[bytes]:
        """calendar-data of every event in the collection (CalDAV REPORT)."""
        status, body = self.request(
            "REPORT", collection, QUERY, Depth="1", **{"Content-Type": "application/xml; charset=utf-8"}
        )
        assert status == 207, body
        return [node.text.encode() for node in ET.fromstring(body).iter(f"{{{CALDAV}}}calendar-data") if node.text]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def caldav(tmp_path: Path) -> Iterator[CalDAV]:
    server = CalDAV(tmp_path / "radicale")
    try:
        yield server
    finally:
        server.close()


def sample_feed(first: Any = None) -> bytes:
    meetings = [
        first or meeting(),
        meeting(uid="meeting-8@dialogue.example", sequence=4, status="cancelled", title="Séance annulée – ملغاة"),
    ]
    return feed("Réunions – اجتماعات", meetings, [deadline()], organizer=ORGANIZER, dtstamp=STAMP)


def by_uid(documents: list[bytes]) -> dict[str, icalendar.Event]:
    found = {}
    for document in documents:
        vobject.readOne(document.decode(), validate=True)
        for event in events(icalendar.Calendar.from_ical(document)):
            found[str(event["UID"])] = event
    return found


def assert_events_as_sent(found: dict[str, icalendar.Event]) -> None:
    assert set(found) == {"meeting-7@dialogue.example", "meeting-8@dialogue.example", "commitment-3@dialogue.example"}
    first = found["meeting-7@dialogue.example"]
    assert first.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2025, 3, 10, 8, 30, tzinfo=dt.UTC)
    assert first.decoded("DTEND").astimezone(dt.UTC) == dt.datetime(2025, 3, 10, 11, 0, tzinfo=dt.UTC)
    assert first["DTSTART"].params["TZID"] == "Africa/Tunis"
    assert str(first["SUMMARY"]) == TITLE
    assert str(first["DESCRIPTION"]) == expected_description(meeting())
    assert first["ORGANIZER"].params["CN"] == "Secrétariat, Comité: national"
    cancelled = found["meeting-8@dialogue.example"]
    assert cancelled["STATUS"] == "CANCELLED" and cancelled["SEQUENCE"] == 4
    assert str(cancelled["SUMMARY"]) == "Séance annulée – ملغاة"
    due = found["commitment-3@dialogue.example"]
    assert due.decoded("DTSTART") == dt.date(2025, 3, 31)
    assert due.decoded("DTEND") == dt.date(2025, 4, 1)


def test_feed_stored_one_event_per_resource_reads_back(caldav: CalDAV) -> None:
    collection = f"/{USER}/dialogue/"
    assert caldav.request("MKCALENDAR", collection)[0] == 201
    objects = caldav_objects(sample_feed())
    for uid, document in objects.items():
        assert caldav.put(collection + quote(uid) + ".ics", document) == 201

    status, body = caldav.request("GET", collection + quote("meeting-7@dialogue.example") + ".ics")
    assert status == 200
    assert_events_as_sent(by_uid(caldav.query(collection)) | by_uid([body]))


def test_feed_uploaded_whole_to_the_collection_reads_back(caldav: CalDAV) -> None:
    collection = f"/{USER}/feed/"
    assert caldav.put(collection, for_caldav(sample_feed())) == 201
    stored = caldav.query(collection)
    assert len(stored) == 3
    assert_events_as_sent(by_uid(stored))


def test_moving_a_meeting_replaces_the_stored_event(caldav: CalDAV) -> None:
    collection = f"/{USER}/dialogue/"
    assert caldav.request("MKCALENDAR", collection)[0] == 201
    path = collection + quote("meeting-7@dialogue.example") + ".ics"
    assert caldav.put(path, caldav_objects(sample_feed())["meeting-7@dialogue.example"]) == 201
    moved = dataclasses.replace(
        meeting(),
        sequence=1,
        starts_at=meeting().starts_at + dt.timedelta(days=1),
        ends_at=meeting().ends_at + dt.timedelta(days=1),
    )
    assert caldav.put(path, caldav_objects(sample_feed(moved))["meeting-7@dialogue.example"]) == 204
    (event,) = by_uid(caldav.query(collection)).values()
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2025, 3, 11, 8, 30, tzinfo=dt.UTC)


def test_a_resource_holds_one_event_so_a_whole_feed_is_refused_as_one(caldav: CalDAV) -> None:
    collection = f"/{USER}/dialogue/"
    assert caldav.request("MKCALENDAR", collection)[0] == 201
    assert caldav.put(collection + "everything.ics", for_caldav(sample_feed())) == 400
