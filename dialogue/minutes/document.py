"""What the minutes say, as plain data: the contract between the record and the exports.

`MinutesDocument` is built from the record (dialogue/minutes/compose.py) and frozen as JSON
into each circulated version, so that a version renders the same bytes whatever happens
to the record later. Exports (dialogue/minutes/render.py) are pure functions of a document
and a language: they hold stored values (enum values, ISO dates), never translated text,
and translate labels when they render.

Nothing internal to one side (internal positions, internal notes) ever enters a document.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AttendeeLine:
    name: str
    organisation: str
    side: str  # people.models.Side value
    role: str  # meetings.models.InvitationRole value
    attendance: str  # meetings.models.Attendance value
    on_behalf_of: str | None = None  # the name of the person represented
    arrived_late: bool = False


@dataclass(frozen=True)
class QuorumLine:
    """One side's figures for the quorum and parity statement."""

    side: str
    present: int
    required: int
    counts: bool  # False for observers


@dataclass(frozen=True)
class PositionLine:
    side: str
    stance: str  # agenda.models.Stance value
    statement: str


@dataclass(frozen=True)
class CommitmentLine:
    id: int
    title: str
    side: str
    organisation: str
    responsible: str
    due_on: dt.date | None
    status: str  # commitments.models.CommitmentStatus value
    overdue: bool = False
    meetings_open: int = 0  # how many meetings of the body it has been open for
    last_update: str = ""  # the latest shared progress note (matters arising)


@dataclass(frozen=True)
class ItemLine:
    id: int
    rank: int
    title: str
    description: str
    summary: str  # the secretariat's narrative for this item
    positions: tuple[PositionLine, ...]  # shared positions only, in party order
    outcome_kind: str | None  # agenda.models.OutcomeKind value
    outcome_text: str
    outcome_sides: tuple[str, ...]
    commitments: tuple[CommitmentLine, ...]
    # The carry-over item ("Follow-up of commitments", AgendaItem.follow_up): its stored
    # title and text are in the scheduler's language, so exports print their own instead.
    follow_up: bool = False


@dataclass(frozen=True)
class DecisionLine:
    """A side's answer to a circulated version."""

    side: str
    decision: str  # minutes.models.Decision value: approved, reservations, changes_requested
    by: str
    at: dt.datetime
    text: str  # the reservation (goes into the minutes) or the general comment
    item_comments: tuple[tuple[str, str], ...] = ()  # (item title, comment)


@dataclass(frozen=True)
class PartnerLine:
    """An organisation with a role on the event (never counted, never approving)."""

    role: str  # meetings.models.PartnerRole value
    organisation: str


@dataclass(frozen=True)
class AddendumLine:
    written_on: dt.date
    text: str


@dataclass(frozen=True)
class AnnexLine:
    """A shared document of the meeting (dialogue/documents), as the annex lists it."""

    title: str
    version: int
    uploaded_on: dt.date
    item: str = ""  # "2. Item title" for an item's or a position's document
    side: str = ""  # people.models.Side value, for a position's document


@dataclass(frozen=True)
class MinutesDocument:
    meeting_id: int
    body: str
    title: str
    starts_at: dt.datetime  # timezone-aware
    ends_at: dt.datetime
    venue: str
    online_url: str | None
    chair: str | None
    attendees: tuple[AttendeeLine, ...]
    quorum_met: bool
    quorum: tuple[QuorumLine, ...]
    parity: bool  # the three parties are all represented
    introduction: str
    items: tuple[ItemLine, ...]
    matters_arising: tuple[CommitmentLine, ...]
    closing: str
    next_meeting: dt.datetime | None
    # Where this document stands: version 0 is the live draft, 1.. are circulated versions.
    version: int = 0
    status: str = "draft"  # minutes.models.MinutesStatus value
    decisions: tuple[DecisionLine, ...] = ()
    adopted_at: dt.datetime | None = None
    sha256: str | None = None  # of the adopted content (see `content_hash`)
    addenda: tuple[AddendumLine, ...] = field(default=())
    # Commitments made at the meeting but tied to no agenda item (after the items).
    commitments: tuple[CommitmentLine, ...] = ()
    # The annex: the meeting's shared documents (never an internal one).
    annex: tuple[AnnexLine, ...] = ()
    # The texts written in several languages (dialogue/bilingual.py): by key ("title",
    # "introduction", "closing", "item.<id>.title", "item.<id>.description",
    # "item.<id>.summary", "item.<id>.outcome_text", "commitment.<id>.title"), the versions
    # by language. The fields above hold the canonical text; an export in a language
    # takes that language's version (render.localized). Empty in versions circulated
    # before texts had versions.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    # The organisations with a role on the event, in their order.
    partners: tuple[PartnerLine, ...] = ()
    # The body's session (meetings.models.SessionKind value and number), if it is one.
    session_kind: str | None = None
    session_number: int | None = None

    @property
    def adopted(self) -> bool:
        return self.adopted_at is not None


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$datetime" in value:
            return dt.datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return tuple(_decode(item) for item in value)
    return value


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def to_json(document: MinutesDocument) -> str:
    """Canonical JSON (sorted keys, no spaces): what a version stores and what is hashed."""
    return _canonical(_encode(dataclasses.asdict(document)))


def _build(cls: type[Any], data: dict[str, Any]) -> Any:
    values: dict[str, Any] = {}
    nested = {
        "attendees": AttendeeLine,
        "quorum": QuorumLine,
        "positions": PositionLine,
        "commitments": CommitmentLine,
        "items": ItemLine,
        "matters_arising": CommitmentLine,
        "decisions": DecisionLine,
        "addenda": AddendumLine,
        "annex": AnnexLine,
        "partners": PartnerLine,
    }
    names = {f.name for f in dataclasses.fields(cls)}
    for key, value in data.items():
        if key not in names:
            continue
        if key in nested and isinstance(value, tuple):
            value = tuple(_build(nested[key], item) if isinstance(item, dict) else item for item in value)
        elif key == "outcome_sides" and isinstance(value, tuple):
            value = tuple(value)
        elif key == "item_comments" and isinstance(value, tuple):
            value = tuple(tuple(pair) for pair in value)
        values[key] = value
    return cls(**values)


def from_json(text: str) -> MinutesDocument:
    return _build(MinutesDocument, _decode(json.loads(text)))


def hashed_json(stored: str) -> str:
    """The canonical JSON that `content_hash` hashes, from a document's canonical JSON (what
    a version stores): the same, without the fields that describe the approval itself (the
    hash, the addenda). It is served as `minutes.json`, so anyone can check the hash.

    It works on the JSON text, not on a `MinutesDocument`: a version stored before a field
    was added to the document still gives the very bytes hashed when it was adopted."""
    data = json.loads(stored)
    data["sha256"] = None
    data["addenda"] = []
    return _canonical(data)


def content_hash(document: MinutesDocument) -> str:
    """SHA-256 of what was adopted: `hashed_json` of the document, so that it can be
    recomputed from `minutes.json` and checked (`sha256sum`)."""
    return hashlib.sha256(hashed_json(to_json(document)).encode("utf-8")).hexdigest()
