"""iCalendar's text format (RFC 5545 3.1-3.3): values escaped or quoted, lines folded, bytes.

Content lines are plain strings (`_prop`), put in `ics`' `Container` tree: building an
`ics` `ContentLine` or `Event` per property costs far more than the line itself, and a
feed has thousands of them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from ics.grammar.parse import Container
from ics.utils import escape_string

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # keeps TAB and LF
_NOT_IN_URI = re.compile(r"[\x00-\x20\x7f]")


def _prop(name: str, value: str, **params: str) -> str:
    """One content line, unfolded: `NAME;KEY=param:value`, parameter values quoted as
    `_param` says (a `_` in a key is written `-`)."""
    if not params:
        return f"{name}:{value}"
    written = "".join(f";{key.replace('_', '-')}={_param(str(value_))}" for key, value_ in params.items())
    return f"{name}{written}:{value}"


def _clean(text: str) -> str:
    """Text as TEXT values may hold it: line breaks as LF, no other control characters."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _text(text: str) -> str:
    """An escaped TEXT value (RFC 5545 3.3.11)."""
    return escape_string(_clean(text))


def _uri(value: str) -> str:
    # URI values are not TEXT: no escaping, but no spaces or control characters either.
    return _NOT_IN_URI.sub("", value)


def _param(value: str) -> str:
    """A parameter value: quoted when it contains , ; or : (RFC 5545 3.1). A double quote
    cannot appear in one at all, and neither can a line break."""
    value = _CONTROL.sub(" ", value.replace("\r", " ").replace("\n", " ")).replace('"', "'")
    return f'"{value}"' if any(c in value for c in ",;:") else value


def _require_aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _stamp(dtstamp: dt.datetime | None) -> dt.datetime:
    if dtstamp is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    _require_aware(dtstamp, "dtstamp")
    return dtstamp.astimezone(dt.UTC).replace(microsecond=0)


def _utc(moment: dt.datetime) -> str:
    return _basic(moment.astimezone(dt.UTC)) + "Z"


def _local(moment: dt.datetime, zone: ZoneInfo) -> str:
    return _basic(moment.astimezone(zone))


def _basic(moment: dt.datetime) -> str:
    """`YYYYMMDDTHHMMSS` (what strftime("%Y%m%dT%H%M%S") writes, at a fraction of its cost)."""
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"
    )


def _date(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _offset(offset: dt.timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")


# --- Writing -------------------------------------------------------------------------


def _write(calendar: Container) -> bytes:
    """The file's bytes: each content line folded at 75 octets, CRLF after every line."""
    out = bytearray()
    for line in _lines(calendar):
        out += _fold(line.encode("utf-8"))
    return bytes(out)


def _lines(component: Container) -> Iterable[str]:
    yield f"BEGIN:{component.name}"
    for item in component:
        if isinstance(item, str):  # a line from _prop
            yield item
        elif isinstance(item, Container):
            yield from _lines(item)
        else:  # an ics ContentLine (VALARM's)
            params = "".join(
                f";{name}=" + ",".join(_param(str(value)) for value in values) for name, values in item.params.items()
            )
            yield f"{item.name}{params}:{item.value}"
    yield f"END:{component.name}"


def _fold(line: bytes) -> bytes:
    """RFC 5545 3.1: at most 75 octets per line, the leading space of a continuation
    included, never splitting a UTF-8 sequence (its continuation bytes are 10xxxxxx)."""
    chunks = []
    limit = 75
    while len(line) > limit:
        cut = limit
        while line[cut] & 0xC0 == 0x80:
            cut -= 1
        chunks.append(line[:cut])
        line = line[cut:]
        limit = 74
    chunks.append(line)
    return b"\r\n ".join(chunks) + b"\r\n"
