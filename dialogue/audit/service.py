"""Reading the audit trail: a record's history, the whole trail for the secretariat, and
events put in words (who, what, which fields went from what to what).

The trail is only ever read here: nothing in the application updates or deletes an event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from litestar.exceptions import NotFoundException
from sqlalchemy import Date, DateTime, Select, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeDecorator

from dialogue.accounts.models import Account
from dialogue.accounts.permissions import internal_visible_sides
from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.audit.trail import NOT_SHOWN
from dialogue.bodies.models import Body
from dialogue.choices import ChoiceType
from dialogue.commitments.models import Commitment
from dialogue.db import Base
from dialogue.i18n import N_, current_timezone, format_date, format_datetime, gettext
from dialogue.meetings.models import Meeting
from dialogue.people.models import Organisation, Person, Side

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
    )
}

# What each audited table is, in words.
ENTITY_LABELS: dict[str, str] = {
    "meeting": N_("Meeting"),
    "invitation": N_("Invitation"),
    "agenda_item": N_("Agenda item"),
    "agenda_document": N_("Document"),
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
}

# Field names in words; others are shown as "Field name" from their column name.
FIELD_LABELS: dict[str, str] = {
    "title": N_("Title"),
    "description": N_("Description"),
    "status": N_("Status"),
    "kind": N_("Kind"),
    "starts_at": N_("Start"),
    "ends_at": N_("End"),
    "venue": N_("Venue"),
    "online_url": N_("Online link"),
    "body_id": N_("Body"),
    "meeting_id": N_("Meeting"),
    "person_id": N_("Person"),
    "role": N_("Role"),
    "on_behalf_of_id": N_("On behalf of"),
    "attendance": N_("Attendance"),
    "arrived_late": N_("Arrived late"),
    "rank": N_("Order"),
    "duration_minutes": N_("Duration (minutes)"),
    "presenter_id": N_("Presenter"),
    "c144_matter": N_("C144 matter"),
    "item_id": N_("Agenda item"),
    "agenda_item_id": N_("Agenda item"),
    "url": N_("Link"),
    "side": N_("Side"),
    "sides": N_("Sides"),
    "stance": N_("Stance"),
    "statement": N_("Statement"),
    "internal": N_("Internal"),
    "text": N_("Text"),
    "from_outcome": N_("From an outcome"),
    "organisation_id": N_("Organisation"),
    "responsible_id": N_("Responsible person"),
    "due_on": N_("Due date"),
    "closed_on": N_("Closed on"),
    "written_on": N_("Written on"),
    "note": N_("Note"),
    "evidence_url": N_("Evidence"),
    "full_name": N_("Full name"),
    "email": N_("Email"),
    "phone": N_("Phone"),
    "language": N_("Preferred language"),
    "archived_at": N_("Archived"),
    "slug": N_("Short identifier"),
    "name": N_("Name"),
    "acronym": N_("Acronym"),
    "short_name": N_("Short name"),
    "quorum_rule": N_("Quorum rule"),
    "quorum_min_per_side": N_("Minimum per side"),
    "password_hash": N_("Password"),
    "token_hash": N_("Token"),
    "prefix": N_("Token prefix"),
    "is_approver": N_("Approver"),
    "disabled_at": N_("Disabled"),
    "password_changed_at": N_("Password changed"),
    "revoked_at": N_("Revoked"),
    "purpose": N_("Purpose"),
    "expires_at": N_("Expires"),
    "used_at": N_("Used"),
}


def entity_label(entity: str, side: str | None = None) -> str:
    """The kind of row in words: "Agenda item", "Position (Workers)"."""
    label = (
        gettext(ENTITY_LABELS[entity])
        if entity in ENTITY_LABELS
        else entity.replace("_", " ").capitalize()
    )
    if entity == "position" and side in Side.values():
        return f"{label} ({Side(side).label})"
    return label


def field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return gettext(FIELD_LABELS[name])
    return name.replace("_", " ").capitalize()


def shorten(text: str, limit: int = SHORT_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def value_text(entity: str, name: str, value: Any) -> str:
    """A stored before/after value as a person reads it: labels for choices, Tunis time for
    datetimes, Yes/No, and long texts shortened. Secrets stay hidden."""
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
    if name.endswith("_id") and isinstance(value, int):
        return f"#{value}"  # another record, by its number
    if column is not None and isinstance(value, str):
        column_type = column.type
        if isinstance(column_type, ChoiceType):
            try:
                return column_type.choice(value).label
            except ValueError:
                return shorten(value)
        if isinstance(column_type, TypeDecorator):
            column_type = column_type.impl
        if isinstance(column_type, DateTime):
            return _moment(value, with_time=True)
        if isinstance(column_type, Date):
            return _moment(value, with_time=False)
    if name == "sides" and isinstance(value, str):
        labels = [
            Side(part).label for part in value.split(",") if part in Side.values()
        ]
        return ", ".join(labels) if labels else shorten(value)
    return shorten(str(value))


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


def describe(event: AuditEvent) -> EventView:
    """`event` in words: its action, the kind of row, and the table of changed fields."""
    changes = [
        Change(
            name,
            field_label(name),
            value_text(
                event.entity,
                name,
                pair[0] if isinstance(pair, list | tuple) and pair else None,
            ),
            value_text(
                event.entity,
                name,
                pair[1] if isinstance(pair, list | tuple) and len(pair) > 1 else None,
            ),
        )
        for name, pair in (event.changes or {}).items()
    ]
    return EventView(
        event=event,
        what=event.action.label,
        entity=entity_label(event.entity, event.side) if event.entity else "",
        changes=changes,
    )


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
        raise NotFoundException()
    return record


def record_name(entity: str, record: Any) -> str:
    if entity == "organisation":
        return record.display_name
    if entity == "person":
        return record.full_name
    if entity == "body":
        return record.name
    return record.title


def _history_query(entity: str, record_id: int, account: Account | None) -> Select[Any]:
    return select(AuditEvent).where(
        AuditEvent.root_entity == entity,
        AuditEvent.root_id == record_id,
        AuditEvent.action.not_in(SESSION_ACTIONS),
        visible_to(account),
    )


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
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [describe(event) for event in events], total


# The whole trail ------------------------------------------------------------------------


@dataclass(frozen=True)
class TrailFilters:
    actor: str = ""
    action: AuditAction | None = None
    entity: str = (
        ""  # a kind of row ("position") or of record ("meeting": all under meetings)
    )
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""


def entity_options() -> list[tuple[str, str]]:
    return [(name, entity_label(name)) for name in ENTITY_LABELS]


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of `day` in Tunis, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(), tzinfo=current_timezone())


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _trail_query(filters: TrailFilters) -> Select[Any]:
    query = select(AuditEvent)
    if filters.actor:
        query = query.where(
            AuditEvent.actor.ilike(_like(filters.actor.strip().lower()), escape="\\")
        )
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
        query = query.where(
            AuditEvent.created_at
            < local_midnight(filters.date_to + dt.timedelta(days=1))
        )
    if filters.q:
        query = query.where(
            AuditEvent.summary.ilike(_like(filters.q.strip()), escape="\\")
        )
    return query


async def search_trail(
    db: AsyncSession, filters: TrailFilters, limit: int, offset: int
) -> tuple[list[EventView], int]:
    """Every event (sign-ins, failures and refusals included) matching `filters`, newest
    first, and their number. For the secretariat only, who may see all of it."""
    query = _trail_query(filters)
    total = await db.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = await db.scalars(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [describe(event) for event in events], total
