"""Reading the agenda: the items with the positions a reader may see, the schedule, the agenda view."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from dialogue.agenda.models import AgendaItem, C144Matter, OutcomeKind, Position, Stance
from dialogue.agenda.schedule import Schedule, Slot, duration_text, running_schedule
from dialogue.commitments.at_meetings import MatterArising
from dialogue.commitments.carry_over import follow_up_of
from dialogue.errors import NotFound
from dialogue.meetings.models import Meeting
from dialogue.minutes.lock import record_closed
from dialogue.people.models import Organisation, Person, Side

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


async def get_meeting(db: AsyncSession, meeting_id: int) -> Meeting:
    meeting = await db.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound()
    return meeting


async def get_item(db: AsyncSession, item_id: int) -> AgendaItem:
    item = await db.get(AgendaItem, item_id)
    if item is None:
        raise NotFound()
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
        raise NotFound()

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
