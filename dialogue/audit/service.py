"""Reading the audit trail: a record's history, the whole trail for the secretariat, and
events put in words (who, what, which fields went from what to what).

The trail is only ever read here: nothing in the application updates or deletes an event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date, DateTime, Select, and_, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeDecorator

from dialogue import bilingual
from dialogue.accounts.models import Account, Role
from dialogue.accounts.permissions import internal_visible_sides
from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.audit.trail import NOT_SHOWN
from dialogue.bodies.models import Body
from dialogue.choices import ChoiceType
from dialogue.commitments.models import Commitment
from dialogue.db import Base
from dialogue.errors import NotFound
from dialogue.i18n import N_, current_timezone, format_date, format_datetime, gettext, listed
from dialogue.labels import field_label
from dialogue.meetings.models import Meeting
from dialogue.minutes.reading import reads_drafts
from dialogue.people.models import Organisation, Person, Side
from dialogue.projects.models import Project
from dialogue.search import matches
from dialogue.sorting import Sort

SHORT_TEXT = 120  # longer values are cut in the before/after table
SEARCH_MAX = 200

# Events about the session, not about a record: never part of a record's history.
SESSION_ACTIONS = (
    AuditAction.SIGN_IN,
    AuditAction.SIGN_IN_FAILED,
    AuditAction.SIGN_OUT,
    AuditAction.REFUSED,
)


@dataclass(frozen=True)
class RecordKind:
    """A record with a history page: its table, model, address and how it is named."""

    entity: str
    model: type[Any]
    path: str  # "/meetings": the record is at /meetings/{id}, its history at /meetings/{id}/history
    label: str


RECORDS: dict[str, RecordKind] = {
    kind.entity: kind
    for kind in (
        RecordKind("meeting", Meeting, "/meetings", N_("Meeting")),
        RecordKind("commitment", Commitment, "/commitments", N_("Commitment")),
        RecordKind("person", Person, "/people", N_("Person")),
        RecordKind("body", Body, "/bodies", N_("Body")),
        RecordKind("organisation", Organisation, "/organisations", N_("Organisation")),
        RecordKind("project", Project, "/projects", N_("Project")),
    )
}

# What each audited table is, in words.
ENTITY_LABELS: dict[str, str] = {
    "meeting": N_("Meeting"),
    "invitation": N_("Invitation"),
    "agenda_item": N_("Agenda item"),
    "agenda_document": N_("Document"),
    "document": N_("Document"),
    "position": N_("Position"),
    "outcome": N_("Outcome"),
    "commitment": N_("Commitment"),
    "commitment_update": N_("Progress update"),
    "person": N_("Person"),
    "organisation": N_("Organisation"),
    "body": N_("Body"),
    "membership": N_("Membership"),
    "account": N_("Account"),
    "api_token": N_("API token"),
    "one_time_link": N_("One-time link"),
    "minutes": N_("Minutes"),
    "minutes_version": N_("Version of the minutes"),
    "minutes_item_note": N_("Summary of an item"),
    "minutes_decision": N_("Decision on the minutes"),
    "minutes_item_comment": N_("Comment on an item"),
    "minutes_addendum": N_("Addendum"),
    "feed_token": N_("Calendar feed"),
    "outbox_message": N_("Outbox message"),
    "digest": N_("Weekly digest"),
    "csrf": N_("Form check (CSRF)"),
    "import_upload": N_("Import from a spreadsheet"),
    "press_release": N_("Press release"),
    "letterhead": N_("Letterhead"),
    "project": N_("Project"),
    "project_donor": N_("Donor of a project"),
    "meeting_partner": N_("Partner of an event"),
}


def entity_label(entity: str, side: str | None = None) -> str:
    """The kind of row in words: "Agenda item", "Position (Workers)"."""
    label = gettext(ENTITY_LABELS[entity]) if entity in ENTITY_LABELS else entity.replace("_", " ").capitalize()
    if entity == "position" and side in Side.values():
        return f"{label} ({Side(side).label})"
    return label


def shorten(text: str, limit: int = SHORT_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# Another record named in a change (a meeting's body, an invitation's person...): shown by
# its current name, read from these columns ("UGTT", not "#31").
NAME_COLUMNS: dict[str, tuple[str, ...]] = {
    "meeting": ("title",),
    "person": ("full_name",),
    "organisation": ("acronym", "name"),
    "body": ("name",),
    "project": ("name",),
    "agenda_item": ("title",),
    "commitment": ("title",),
    "account": ("email",),
    "api_token": ("name",),
    "minutes_version": ("number",),
}
# (table, id) -> the referenced record's name now; missing: it was deleted since.
Names = dict[tuple[str, int], str]


def referenced_table(entity: str, name: str) -> str | None:
    """The table the column `entity.name` points to (its foreign key), if any."""
    table = Base.metadata.tables.get(entity)
    if table is None or name not in table.columns:
        return None
    for key in table.columns[name].foreign_keys:
        return key.column.table.name
    return None


async def referenced_names(db: AsyncSession, events: list[AuditEvent]) -> Names:
    """The current names of every record the changes of `events` point to: one statement
    per kind of record pointed to, whatever the number of events."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        for name, pair in (event.changes or {}).items():
            target = referenced_table(event.entity, name)
            if target is None or not isinstance(pair, list | tuple):
                continue
            wanted.setdefault(target, set()).update(v for v in pair if isinstance(v, int) and not isinstance(v, bool))
    names: Names = {}
    for target, ids in wanted.items():
        table = Base.metadata.tables[target]
        columns = [table.columns[column] for column in NAME_COLUMNS.get(target, ())]
        rows = await db.execute(select(table.columns["id"], *columns).where(table.columns["id"].in_(sorted(ids))))
        for record_id, *parts in rows:
            if target == "minutes_version":
                names[(target, record_id)] = gettext("Version %(number)s") % {"number": parts[0]}
            else:
                named = next((str(part) for part in parts if part not in (None, "")), "")
                names[(target, record_id)] = named or entity_label(target)
    return names


def value_text(entity: str, name: str, value: Any, names: Names | None = None) -> str:
    """A stored before/after value as a person reads it: the current name of a record it
    points to ("(deleted)" if gone), labels for choices, dates and times in Tunis in the
    reader's language, Yes/No, and long texts shortened (`full_text` has them whole).
    Secrets stay hidden."""
    if value is None or value == "":
        return "—"
    if value == NOT_SHOWN:
        return NOT_SHOWN
    column = None
    table = Base.metadata.tables.get(entity)
    if table is not None and name in table.columns:
        column = table.columns[name]
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    target = referenced_table(entity, name)
    if target is not None and isinstance(value, int):
        return shorten((names or {}).get((target, value)) or gettext("(deleted)"))
    if column is not None and isinstance(value, str):
        column_type = column.type
        if isinstance(column_type, ChoiceType):
            try:
                return column_type.choice(value).label
            except ValueError:
                return shorten(value)
        if isinstance(column_type, TypeDecorator):
            column_type = column_type.impl_instance
        if isinstance(column_type, DateTime):
            return _moment(value, with_time=True)
        if isinstance(column_type, Date):
            return _moment(value, with_time=False)
    if name == "translations" and isinstance(value, dict):
        return shorten(bilingual.versions_text(entity, value)) or "—"
    if name == "sides" and isinstance(value, str):
        labels = [Side(part).label for part in value.split(",") if part in Side.values()]
        return listed(labels) if labels else shorten(value)
    return shorten(str(value))


def full_text(shown: str, value: Any) -> str:
    """The whole text of a value that `value_text` shortened, else "" (nothing more to show)."""
    if isinstance(value, str) and shown.endswith("…") and shown != value:
        return value
    return ""


def _moment(value: str, *, with_time: bool) -> str:
    try:
        if with_time:
            moment = dt.datetime.fromisoformat(value)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            return format_datetime(moment)
        return format_date(dt.date.fromisoformat(value[:10]))
    except ValueError:
        return shorten(value)


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str
    before_full: str = ""  # the whole text when `before` is shortened
    after_full: str = ""


@dataclass
class EventView:
    """One event as the pages show it."""

    event: AuditEvent
    what: str
    entity: str
    changes: list[Change] = field(default_factory=list)

    @property
    def history_url(self) -> str | None:
        kind = RECORDS.get(self.event.root_entity)
        if kind is None or self.event.root_id is None:
            return None
        return f"{kind.path}/{self.event.root_id}/history"


def _change(entity: str, name: str, pair: Any, names: Names) -> Change:
    before = pair[0] if isinstance(pair, list | tuple) and pair else None
    after = pair[1] if isinstance(pair, list | tuple) and len(pair) > 1 else None
    before_text = value_text(entity, name, before, names)
    after_text = value_text(entity, name, after, names)
    return Change(
        name,
        field_label(entity, name),
        before_text,
        after_text,
        full_text(before_text, before),
        full_text(after_text, after),
    )


def describe(
    event: AuditEvent, names: Names | None = None, hidden: Mapping[str, frozenset[str]] | None = None
) -> EventView:
    """`event` in words: its action, the kind of row, and the table of changed fields
    (`names`: from `referenced_names`, the records its changes point to; `hidden`: fields
    left out, per table, for a reader who may not see them)."""
    left_out = (hidden or {}).get(event.entity, frozenset())
    return EventView(
        event=event,
        what=event.action.label,
        entity=entity_label(event.entity, event.side) if event.entity else "",
        changes=[
            _change(event.entity, name, pair, names or {})
            for name, pair in (event.changes or {}).items()
            if name not in left_out
        ],
    )


async def describe_all(
    db: AsyncSession, events: Any, *, hidden: Mapping[str, frozenset[str]] | None = None
) -> list[EventView]:
    """`describe` for a page of events, the records they point to named in bulk."""
    events = list(events)
    names = await referenced_names(db, events)
    return [describe(event, names, hidden) for event in events]


# What only the secretariat reads on the record itself: the working draft of the minutes
# (their narratives, until a version is circulated; dialogue/minutes). Its rows stay out
# of a history for everyone else, and so do these fields of the events that do show.
DRAFT_ENTITIES = ("minutes_item_note",)
DRAFT_FIELDS: dict[str, frozenset[str]] = {"minutes": frozenset({"introduction", "closing"})}
# A person's account (email, role, password, tokens, links): seen by the secretariat and by
# that person only.
ACCOUNT_ENTITIES = ("account", "api_token", "one_time_link", "feed_token")


def hidden_fields(account: Account | None) -> dict[str, frozenset[str]]:
    """The fields of events `account` may see whose values it may not (drafts only)."""
    return {} if reads_drafts(account) else DRAFT_FIELDS


def visible_to(account: Account | None) -> Any:
    """Events `account` may see: every shared event, and internal ones of the sides whose
    internal content it may see (all for the secretariat, its own side for a delegate)."""
    sides = [side.value for side in internal_visible_sides(account)]
    if not sides:
        return AuditEvent.internal.is_(false())
    if set(sides) == set(Side.values()):
        return true()  # the secretariat sees everything, events without a side included
    return or_(AuditEvent.internal.is_(false()), AuditEvent.side.in_(sides))


# A record's history ---------------------------------------------------------------------


async def get_record(db: AsyncSession, entity: str, record_id: int) -> Any:
    """The meeting, commitment, person, body or organisation whose history is asked; 404."""
    kind = RECORDS[entity]
    record = await db.get(kind.model, record_id)
    if record is None:
        raise NotFound()
    return record


def record_name(entity: str, record: Any) -> str:
    if entity in ("organisation", "project"):
        return record.display_name
    if entity == "person":
        return record.full_name
    if entity == "body":
        return record.name
    return record.title


def _history_query(entity: str, record_id: int, account: Account | None) -> Select[Any]:
    """A record's events that `account` may see: as on the record itself, no other side's
    internal content, no working draft of the minutes (an update of the minutes is always
    a change of their narratives: circulating and adopting change their status), and a
    person's account events only for the secretariat and that person."""
    clauses = [
        AuditEvent.root_entity == entity,
        AuditEvent.root_id == record_id,
        AuditEvent.action.not_in(SESSION_ACTIONS),
        visible_to(account),
    ]
    if not reads_drafts(account):
        clauses.append(AuditEvent.entity.not_in(DRAFT_ENTITIES))
        clauses.append(~and_(AuditEvent.entity == "minutes", AuditEvent.action == AuditAction.UPDATE))
    own_person = account is not None and entity == "person" and account.person_id == record_id
    if not (own_person or (account is not None and account.role is Role.SECRETARIAT)):
        clauses.append(AuditEvent.entity.not_in(ACCOUNT_ENTITIES))
    return select(AuditEvent).where(*clauses)


async def record_history(
    db: AsyncSession,
    entity: str,
    record_id: int,
    account: Account | None,
    limit: int,
    offset: int,
) -> tuple[list[EventView], int]:
    """The events filed under one record, newest first, that `account` may see, and how many
    there are (internal events of other sides are neither shown nor counted)."""
    query = _history_query(entity, record_id, account)
    total = await db.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = await db.scalars(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit).offset(offset)
    )
    return await describe_all(db, events, hidden=hidden_fields(account)), total


# The whole trail ------------------------------------------------------------------------


@dataclass(frozen=True)
class TrailFilters:
    actor: str = ""
    action: AuditAction | None = None
    entity: str = ""  # a kind of row ("position") or of record ("meeting": all under meetings)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""


def entity_options() -> list[tuple[str, str]]:
    return [(name, entity_label(name)) for name in ENTITY_LABELS]


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of `day` in Tunis, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(), tzinfo=current_timezone())


def _trail_query(filters: TrailFilters) -> Select[Any]:
    query = select(AuditEvent)
    if filters.actor:
        query = query.where(func.lower(AuditEvent.actor).contains(filters.actor.strip().lower(), autoescape=True))
    if filters.action is not None:
        query = query.where(AuditEvent.action == filters.action)
    if filters.entity:
        query = query.where(
            or_(
                AuditEvent.entity == filters.entity,
                AuditEvent.root_entity == filters.entity,
            )
        )
    if filters.date_from is not None:
        query = query.where(AuditEvent.created_at >= local_midnight(filters.date_from))
    if filters.date_to is not None:
        query = query.where(AuditEvent.created_at < local_midnight(filters.date_to + dt.timedelta(days=1)))
    if filters.q:
        query = query.where(matches(AuditEvent.search_text, filters.q))
    return query


TRAIL_SORTS = ("when", "who", "ip", "what", "summary")


async def search_trail(
    db: AsyncSession, filters: TrailFilters, limit: int | None, offset: int, *, sort: Sort | None = None
) -> tuple[list[EventView], int]:
    """Every event (sign-ins, failures and refusals included) matching `filters`, newest
    first (or in the order of `sort`), and their number. For the secretariat only, who
    may see all of it."""
    query = _trail_query(filters)
    total = await db.scalar(select(func.count()).select_from(query.subquery())) or 0
    newest = (AuditEvent.created_at.desc(), AuditEvent.id.desc())
    columns = {
        "when": (AuditEvent.created_at,),
        "who": (func.lower(AuditEvent.actor),),
        "ip": (AuditEvent.ip,),
        "what": (AuditEvent.action, AuditEvent.entity),
        "summary": (func.lower(AuditEvent.summary),),
    }
    events = await db.scalars(
        query.order_by(*(sort.clauses(columns, newest) if sort else newest)).limit(limit).offset(offset)
    )
    return await describe_all(db, events), total
