"""Calendar files as a CalDAV server stores them: without METHOD, one resource per event."""

from __future__ import annotations

import re


def for_caldav(calendar_bytes: bytes) -> bytes:
    """The same calendar without its METHOD line: a calendar stored on a CalDAV server
    has none (RFC 4791 4.1). Folded continuation lines start with a space, so only the
    property itself can match."""
    lines = calendar_bytes.split(b"\r\n")
    kept = [line for line in lines if not re.match(rb"(?i)METHOD[:;]", line)]
    return b"\r\n".join(kept)


def caldav_objects(calendar_bytes: bytes) -> dict[str, bytes]:
    """One calendar object resource per UID (RFC 4791 4.1: a resource holds one event),
    each with the calendar's properties and time zones, without METHOD. Works on files
    written by ics.py (it splits lines, it does not parse iCalendar)."""
    header: list[bytes] = []
    timezones: list[bytes] = []
    events: dict[str, list[bytes]] = {}
    block: list[bytes] | None = None
    for line in for_caldav(calendar_bytes).split(b"\r\n"):
        if line in (b"BEGIN:VCALENDAR", b"END:VCALENDAR", b""):
            continue
        if block is None and line.startswith(b"BEGIN:"):
            block = []
        if block is None:
            header.append(line)
            continue
        block.append(line)
        if line in (b"END:VEVENT", b"END:VTIMEZONE"):
            if block[0] == b"BEGIN:VTIMEZONE":
                timezones.extend(block)
            else:
                uid = _unfolded_value(block, b"UID:")
                events.setdefault(uid, []).extend(block)
            block = None
    return {
        uid: b"\r\n".join([b"BEGIN:VCALENDAR", *header, *timezones, *lines, b"END:VCALENDAR", b""])
        for uid, lines in events.items()
    }


def _unfolded_value(lines: list[bytes], prefix: bytes) -> str:
    for index, line in enumerate(lines):
        if line.startswith(prefix):
            value = line[len(prefix) :]
            for continuation in lines[index + 1 :]:
                if not continuation.startswith(b" "):
                    break
                value += continuation[1:]
            return value.decode()
    raise ValueError("event without UID")
