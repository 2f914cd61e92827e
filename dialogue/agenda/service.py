"""Rules of the agenda: order, running schedule, positions and outcomes.

Handlers (HTML and JSON) parse their input into the plain values below and call these
functions; every rule (lengths, the duration range, who may hold a position, what a
bilateral agreement needs, what may be deleted) lives here. Functions flush but never
commit: the handler commits after a successful write.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from litestar.exceptions import NotFoundException
from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from dialogue.accounts.models import Account
from dialogue.accounts.permissions import ensure_side
from dialogue.agenda.models import (
    AgendaDocument,
    AgendaItem,
    C144Matter,
    Outcome,
    OutcomeKind,
    Position,
    Stance,
)
from dialogue.agenda.schedule import Schedule, Slot, duration_text, running_schedule
from dialogue.audit.trail import record_row_change
from dialogue.commitments.carry_over import follow_up_of
from dialogue.commitments.models import Commitment
from dialogue.commitments.at_meetings import MatterArising
from dialogue.forms import Invalid
from dialogue.i18n import _, ngettext
from dialogue.meetings.models import Meeting
from dialogue.minutes.lock import ensure_record_open, record_closed
from dialogue.people.models import Organisation, Person, Side
from dialogue.web import Refused, Stale, check_version

TITLE_MAX = 300
DESCRIPTION_MAX = 5000
DURATION_MIN = 1
DURATION_MAX = 600
STATEMENT_MAX = 10000
OUTCOME_TEXT_MAX = 10000
URL_MAX = 500

AGREEMENTS = (OutcomeKind.TRIPARTITE_AGREEMENT, OutcomeKind.BILATERAL_AGREEMENT)


# Input -----------------------------------------------------------------------------------


@dataclass
class ItemFields:
    """What the secretariat types for an agenda item (already parsed, not yet checked)."""

    title: str
    description: str = ""
    duration_minutes: int | None = 30
    presenter_id: int | None = None
    c144_matter: C144Matter | None = None


@dataclass
class DocumentFields:
    title: str
    url: str


def is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and not any(c.isspace() for c in url)


def item_errors(fields: ItemFields) -> dict[str, str]:
    """What is wrong with an item's fields, per field (empty when all is well)."""
    errors: dict[str, str] = {}
    title = fields.title.strip()
    if not title:
        errors["title"] = _("Give the item a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("At most {n} characters.").format(n=TITLE_MAX)
    if len(fields.description) > DESCRIPTION_MAX:
        errors["description"] = _("At most {n} characters.").format(n=DESCRIPTION_MAX)
    if fields.duration_minutes is None:
        errors["duration_minutes"] = _("This field is required.")
    elif not DURATION_MIN <= fields.duration_minutes <= DURATION_MAX:
        errors["duration_minutes"] = _("Enter a duration between {low} and {high} minutes.").format(
            low=DURATION_MIN, high=DURATION_MAX
        )
    return errors


def document_errors(fields: DocumentFields, prefix: str = "") -> dict[str, str]:
    """What is wrong with a document link; `prefix` names the fields (e.g. "documents.0.")."""
    errors: dict[str, str] = {}
    title = fields.title.strip()
    if not title:
        errors[prefix + "title"] = _("Give the document a title.")
    elif len(title) > TITLE_MAX:
        errors[prefix + "title"] = _("At most {n} characters.").format(n=TITLE_MAX)
    url = fields.url.strip()
    if not url:
        errors[prefix + "url"] = _("This field is required.")
    elif len(url) > URL_MAX:
        errors[prefix + "url"] = _("At most {n} characters.").format(n=URL_MAX)
    elif not is_web_address(url):
        errors[prefix + "url"] = _("Enter a full web address starting with https://.")
    return errors


async def presenter_error(db: AsyncSession, presenter_id: int | None, current_id: int | None = None) -> str | None:
    """A presenter must be a person on file who is not archived (the current one may stay)."""
    if presenter_id is None or presenter_id == current_id:
        return None
    person = await db.get(Person, presenter_id)
    if person is None or person.archived_at is not None:
        return _("Choose a person from the list.")
    return None


async def check_item(
    db: AsyncSession,
    fields: ItemFields,
    *,
    current: AgendaItem | None = None,
    documents: Sequence[DocumentFields] = (),
    known: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> None:
    """Raise `Invalid` with every problem of an item at once (`known`: errors found while parsing)."""
    errors = item_errors(fields)
    if "presenter_id" not in (known or {}):
        message = await presenter_error(db, fields.presenter_id, current.presenter_id if current else None)
        if message:
            errors["presenter_id"] = message
    for index, document in enumerate(documents):
        errors.update(document_errors(document, prefix=f"documents.{index}."))
    errors.update(known or {})
    if errors:
        raise Invalid(errors, values)


def outcome_errors(kind: OutcomeKind | None, sides: Sequence[str], text: str) -> tuple[dict[str, str], str]:
    """Check an outcome; return the errors and the agreeing sides as stored ("a,b" or "").

    A bilateral agreement names exactly two distinct party sides (observers never agree);
    other kinds name none. An agreement says what was agreed.
    """
    errors: dict[str, str] = {}
    stored = ""
    if kind is None:
        errors["kind"] = _("Choose one of the options.")
    elif kind is OutcomeKind.BILATERAL_AGREEMENT:
        chosen: set[Side] = set()
        for value in sides:
            try:
                side = Side(value)
            except ValueError:
                errors["sides"] = _("Choose one of the options.")
                break
            if side not in Side.parties():
                errors["sides"] = _("Observers are not party to an agreement.")
                break
            chosen.add(side)
        if "sides" not in errors and len(chosen) != 2:
            errors["sides"] = _("A bilateral agreement is between exactly two different sides: choose two.")
        stored = ",".join(side.value for side in Side.parties() if side in chosen)
    if kind in AGREEMENTS and not text.strip():
        errors["text"] = _("Write down what was agreed.")
    if len(text) > OUTCOME_TEXT_MAX:
        errors["text"] = _("At most {n} characters.").format(n=OUTCOME_TEXT_MAX)
    return errors, stored


# Visibility ------------------------------------------------------------------------------
#
# A side may keep its position internal (a draft) until it shares it: only that side's
# delegates and the secretariat see it. Every query that reads positions takes `visible`,
# the sides whose internal positions the reader may see (`internal_visible_sides(account)`),
# and filters with `position_visible(visible)`; everyone else sees no position at all.


def position_visible(visible: Collection[Side]) -> ColumnElement[bool]:
    """SQL: a position shared with all sides, or internal to one of the `visible` sides."""
    if not visible:
        return Position.internal.is_(False)
    return or_(Position.internal.is_(False), Position.side.in_(sorted(visible, key=lambda s: s.value)))


def is_position_visible(position: Position, visible: Collection[Side]) -> bool:
    """Python twin of `position_visible`."""
    return not position.internal or position.side in visible


# Reading ---------------------------------------------------------------------------------


async def get_meeting(db: AsyncSession, meeting_id: int) -> Meeting:
    meeting = await db.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFoundException()
    return meeting


async def get_item(db: AsyncSession, item_id: int) -> AgendaItem:
    item = await db.get(AgendaItem, item_id)
    if item is None:
        raise NotFoundException()
    return item


async def load_items(db: AsyncSession, meeting_id: int, *, visible: Collection[Side]) -> list[AgendaItem]:
    """The meeting's items in agenda order, with everything the agenda shows (4 statements).

    `item.positions` holds only the positions the reader may see (`visible`: the sides whose
    internal drafts they may read); a hidden draft is simply absent.
    """
    statement = (
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.rank, AgendaItem.id)
        .options(
            joinedload(AgendaItem.presenter).joinedload(Person.organisation),
            selectinload(AgendaItem.documents),
            selectinload(AgendaItem.positions.and_(position_visible(visible))),
            selectinload(AgendaItem.outcome),
        )
        .execution_options(populate_existing=True)
    )
    return list((await db.scalars(statement)).unique())


async def presenter_choices(db: AsyncSession) -> list[tuple[int, str]]:
    """(id, "Name (ORG)") of the people who can present an item: not archived, by name."""
    rows = await db.execute(
        select(Person.id, Person.full_name, Organisation.acronym, Organisation.name)
        .join(Organisation, Person.organisation_id == Organisation.id)
        .where(Person.archived_at.is_(None))
        .order_by(Person.full_name, Person.id)
    )
    return [(pid, f"{name} ({acronym or org_name})") for pid, name, acronym, org_name in rows]


def schedule_of(meeting: Meeting, items: Sequence[AgendaItem]) -> Schedule:
    return running_schedule(meeting.starts_at, [item.duration_minutes for item in items], meeting.ends_at)


@dataclass
class FormState:
    """A form of the agenda that came back with errors (or a stale copy), and what was typed.

    `key` says which form: "add", "edit-<item>", "item-<item>" (refusals shown in the item),
    "doc-<item>", "pos-<item>-<side>", "outcome-<item>", "agenda" (the whole agenda).
    """

    key: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    # A stale copy: what the person had typed, shown beside the current values.
    mine: dict[str, Any] = field(default_factory=dict)


NO_FORM = FormState()


@dataclass
class AgendaRow:
    item: AgendaItem
    number: int
    slot: Slot
    runs_over: bool
    first: bool
    last: bool
    positions: list[tuple[Side, Position | None]]


@dataclass
class AgendaView:
    """Everything `agenda/_agenda.html` shows, loaded in a constant number of statements."""

    meeting: Meeting
    rows: list[AgendaRow]
    schedule: Schedule
    presenters: list[tuple[int, str]]
    form: FormState = field(default_factory=FormState)
    notice: str = ""
    # The sides whose internal drafts the reader sees (and so may be shown as such).
    visible: frozenset[Side] = frozenset()
    # The live list under the follow-up item (empty when the agenda has none).
    follow_up: list[MatterArising] = field(default_factory=list)
    # Adopted minutes: the agenda, its order, positions and outcomes are read-only.
    closed: bool = False

    def state(self, key: str) -> FormState:
        """The failed form `key`, or an empty state when another form (or none) failed."""
        return self.form if self.form.key == key else NO_FORM

    def row(self, item_id: int) -> AgendaRow:
        for row in self.rows:
            if row.item.id == item_id:
                return row
        raise NotFoundException()

    @property
    def total_text(self) -> str:
        return duration_text(self.schedule.total_minutes)

    @property
    def overrun_text(self) -> str:
        return duration_text(self.schedule.overrun_minutes)

    @property
    def matters(self) -> list[tuple[str, str]]:
        return C144Matter.options()

    @property
    def stances(self) -> list[tuple[str, str]]:
        return Stance.options()

    @property
    def outcome_kinds(self) -> list[tuple[str, str]]:
        return OutcomeKind.options()

    @property
    def parties(self) -> tuple[Side, Side, Side]:
        return Side.parties()

    @staticmethod
    def duration(minutes: int) -> str:
        return duration_text(minutes)


async def agenda_view(db: AsyncSession, meeting: Meeting, *, visible: Collection[Side]) -> AgendaView:
    """The agenda as the reader may see it (`visible`: see `load_items`)."""
    items = await load_items(db, meeting.id, visible=visible)
    schedule = schedule_of(meeting, items)
    rows = []
    for index, item in enumerate(items):
        by_side = {position.side: position for position in item.positions}
        rows.append(
            AgendaRow(
                item=item,
                number=index + 1,
                slot=schedule.slots[index],
                runs_over=schedule.runs_over(index),
                first=index == 0,
                last=index == len(items) - 1,
                positions=[(side, by_side.get(side)) for side in Side.parties()],
            )
        )
    has_follow_up = any(item.follow_up for item in items)
    return AgendaView(
        meeting=meeting,
        rows=rows,
        schedule=schedule,
        presenters=await presenter_choices(db),
        visible=frozenset(visible),
        follow_up=await follow_up_of(db, meeting) if has_follow_up else [],
        closed=await record_closed(db, meeting.id),
    )


async def agenda_section(db: AsyncSession, meeting: Meeting, *, visible: Collection[Side]) -> dict[str, Any]:
    """Context for `agenda/_agenda.html` on the meeting page: `{"agenda": AgendaView}`, with
    only the positions the reader may see (`visible`: see `load_items`)."""
    return {"agenda": await agenda_view(db, meeting, visible=visible)}


# Items -----------------------------------------------------------------------------------


async def _ordered(db: AsyncSession, meeting_id: int) -> list[AgendaItem]:
    statement = select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.rank, AgendaItem.id)
    return list(await db.scalars(statement))


async def _renumber(db: AsyncSession, items: Sequence[AgendaItem]) -> None:
    """Give `items` the ranks 1..n in this order.

    The rank is the meeting's order, not the item's content: it is written without bumping
    the item's version, so moving one item does not make open edit forms of others stale.
    """
    table = AgendaItem.__table__
    for rank, item in enumerate(items, start=1):
        if item.rank != rank:
            await db.execute(update(table).where(table.c.id == item.id).values(rank=rank))
            await record_row_change(db, item, {"rank": [item.rank, rank]})
            set_committed_value(item, "rank", rank)


async def add_item(
    db: AsyncSession,
    meeting: Meeting,
    fields: ItemFields,
    documents: Sequence[DocumentFields] = (),
    *,
    known: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> AgendaItem:
    """Add an item at the end of the agenda (`known`: errors found while parsing the input)."""
    await ensure_record_open(db, meeting.id)
    await check_item(db, fields, documents=documents, known=known, values=values)
    last = await db.scalar(select(func.max(AgendaItem.rank)).where(AgendaItem.meeting_id == meeting.id))
    item = AgendaItem(
        meeting_id=meeting.id,
        rank=(last or 0) + 1,
        title=fields.title.strip(),
        description=fields.description.strip(),
        duration_minutes=fields.duration_minutes,
        presenter_id=fields.presenter_id,
        c144_matter=fields.c144_matter,
    )
    db.add(item)
    await db.flush()
    for document in documents:
        db.add(AgendaDocument(item_id=item.id, title=document.title.strip(), url=document.url.strip()))
    await db.flush()
    return item


async def update_item(
    db: AsyncSession,
    item: AgendaItem,
    fields: ItemFields,
    version: int | None,
    documents: Sequence[DocumentFields] | None = None,
    *,
    known: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> AgendaItem:
    """Change an item read at `version`; `documents`, when given, replace its documents."""
    await ensure_record_open(db, item.meeting_id)
    check_version(item, version)
    await check_item(db, fields, current=item, documents=documents or (), known=known, values=values)
    item.title = fields.title.strip()
    item.description = fields.description.strip()
    item.duration_minutes = fields.duration_minutes  # type: ignore[assignment]
    item.presenter_id = fields.presenter_id
    item.c144_matter = fields.c144_matter
    if documents is not None:
        existing = await db.scalars(select(AgendaDocument).where(AgendaDocument.item_id == item.id))
        for document in existing:
            await db.delete(document)
        for new in documents:
            db.add(AgendaDocument(item_id=item.id, title=new.title.strip(), url=new.url.strip()))
    await db.flush()
    return item


async def commitments_from(db: AsyncSession, item: AgendaItem, *, outcome_only: bool = False) -> int:
    statement = select(func.count(Commitment.id)).where(Commitment.agenda_item_id == item.id)
    if outcome_only:
        statement = statement.where(Commitment.from_outcome.is_(True))
    return int(await db.scalar(statement) or 0)


async def remove_item(db: AsyncSession, item: AgendaItem) -> None:
    """Remove an item with its documents, positions and outcome, unless commitments came from it."""
    await ensure_record_open(db, item.meeting_id)
    count = await commitments_from(db, item)
    if count:
        raise Refused(
            ngettext(
                "This item cannot be removed: %(num)d commitment was recorded from it. "
                "It stays on the record; remove or move that commitment first.",
                "This item cannot be removed: %(num)d commitments were recorded from it. "
                "It stays on the record; remove or move those commitments first.",
                count,
            )
            % {"num": count}
        )
    meeting_id = item.meeting_id
    await db.delete(item)
    await db.flush()
    await _renumber(db, await _ordered(db, meeting_id))


async def move_item(db: AsyncSession, item: AgendaItem, steps: int) -> None:
    """Move an item `steps` places (negative: earlier); it stops at either end."""
    await ensure_record_open(db, item.meeting_id)
    items = await _ordered(db, item.meeting_id)
    index = next(i for i, other in enumerate(items) if other.id == item.id)
    target = max(0, min(len(items) - 1, index + steps))
    items.insert(target, items.pop(index))
    await _renumber(db, items)


async def reorder_items(db: AsyncSession, meeting: Meeting, item_ids: Sequence[int]) -> list[AgendaItem]:
    """Put the meeting's items in the order of `item_ids`, which must list each exactly once."""
    await ensure_record_open(db, meeting.id)
    items = await _ordered(db, meeting.id)
    by_id = {item.id: item for item in items}
    if len(item_ids) != len(set(item_ids)):
        raise Invalid({"order": _("Each item may appear only once in the new order.")})
    if set(item_ids) != set(by_id):
        raise Invalid({"order": _("The new order must list exactly the items of this meeting.")})
    ordered = [by_id[item_id] for item_id in item_ids]
    await _renumber(db, ordered)
    return ordered


# Documents -------------------------------------------------------------------------------


async def add_document(
    db: AsyncSession, item: AgendaItem, fields: DocumentFields, *, values: dict[str, Any] | None = None
) -> AgendaDocument:
    """Link a document (title and web address) to an item."""
    errors = document_errors(fields)
    if errors:
        raise Invalid(errors, values)
    document = AgendaDocument(item_id=item.id, title=fields.title.strip(), url=fields.url.strip())
    db.add(document)
    await db.flush()
    return document


async def get_document(db: AsyncSession, item: AgendaItem, document_id: int) -> AgendaDocument:
    document = await db.get(AgendaDocument, document_id)
    if document is None or document.item_id != item.id:
        raise NotFoundException()
    return document


async def remove_document(db: AsyncSession, document: AgendaDocument) -> None:
    await db.delete(document)
    await db.flush()


# Positions -------------------------------------------------------------------------------


def party_side(value: str) -> Side:
    """A side that may hold a position; unknown sides are not found, observers refused."""
    try:
        side = Side(value)
    except ValueError:
        raise NotFoundException() from None
    if side not in Side.parties():
        raise Invalid({"side": _("Observers attend but hold no position on an item.")})
    return side


def writable_side(account: Account, value: str) -> Side:
    """The party side named in a URL, when `account` may record its position: the
    secretariat for every side, a delegate for their own side only (another side: 403).
    Unknown sides are not found; observers hold no position (422)."""
    try:
        side = Side(value)
    except ValueError:
        raise NotFoundException() from None
    ensure_side(account, side)
    return party_side(value)


async def get_position(
    db: AsyncSession, item: AgendaItem, side: Side, *, visible: Collection[Side] | None = None
) -> Position | None:
    """The side's position on the item; with `visible`, None when the reader may not see it.

    Without `visible` (writes only: the writer is that side or the secretariat), any position.
    """
    statement = select(Position).where(Position.item_id == item.id, Position.side == side)
    if visible is not None:
        statement = statement.where(position_visible(visible))
    return await db.scalar(statement)


async def record_position(
    db: AsyncSession,
    item: AgendaItem,
    side: Side,
    stance: Stance | None,
    statement: str,
    version: int | None,
    *,
    internal: bool | None = None,
    known: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Position:
    """Record or change one side's position on an item.

    Changing an existing position needs the `version` it was read at; a position recorded
    by someone else since the form was opened (no `version` sent) is stale too.
    `internal`: True keeps it a draft inside the side, False shares it with all sides, None
    keeps what it was (a new position is shared).
    """
    await ensure_record_open(db, item.meeting_id)
    if side not in Side.parties():
        raise Invalid({"side": _("Observers attend but hold no position on an item.")})
    position = await get_position(db, item, side)
    if position is not None:
        check_version(position, version)
    elif version is not None:
        raise Stale(None)
    statement = statement.strip()
    errors: dict[str, str] = {}
    if stance is None:
        errors["stance"] = _("Choose one of the options.")
    if len(statement) > STATEMENT_MAX:
        errors["statement"] = _("At most {n} characters.").format(n=STATEMENT_MAX)
    errors.update(known or {})
    if errors:
        raise Invalid(errors, values)
    assert stance is not None
    if position is None:
        position = Position(item_id=item.id, side=side, stance=stance, statement=statement, internal=bool(internal))
        db.add(position)
    else:
        position.stance = stance
        position.statement = statement
        if internal is not None:
            position.internal = internal
    await db.flush()
    return position


# Outcomes --------------------------------------------------------------------------------


async def get_outcome(db: AsyncSession, item: AgendaItem) -> Outcome | None:
    return await db.scalar(select(Outcome).where(Outcome.item_id == item.id))


async def record_outcome(
    db: AsyncSession,
    item: AgendaItem,
    kind: OutcomeKind | None,
    sides: Sequence[str],
    text: str,
    version: int | None,
    *,
    known: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Outcome:
    """Record or change what the meeting concluded on an item (`version` when changing)."""
    await ensure_record_open(db, item.meeting_id)
    outcome = await get_outcome(db, item)
    if outcome is not None:
        check_version(outcome, version)
    elif version is not None:
        raise Stale(None)
    errors, stored_sides = outcome_errors(kind, sides, text)
    errors.update(known or {})
    if errors:
        raise Invalid(errors, values)
    assert kind is not None
    if outcome is None:
        outcome = Outcome(item_id=item.id, kind=kind, sides=stored_sides, text=text.strip())
        db.add(outcome)
    else:
        outcome.kind = kind
        outcome.sides = stored_sides
        outcome.text = text.strip()
    await db.flush()
    return outcome


async def clear_outcome(db: AsyncSession, item: AgendaItem) -> None:
    """Remove an item's outcome, unless commitments were recorded as part of it."""
    await ensure_record_open(db, item.meeting_id)
    outcome = await get_outcome(db, item)
    if outcome is None:
        raise NotFoundException()
    count = await commitments_from(db, item, outcome_only=True)
    if count:
        raise Refused(
            ngettext(
                "This outcome cannot be removed: %(num)d commitment is part of it.",
                "This outcome cannot be removed: %(num)d commitments are part of it.",
                count,
            )
            % {"num": count}
        )
    await db.delete(outcome)
    await db.flush()

