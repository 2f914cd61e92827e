"""The list of commitments: filters, sort orders and the page of rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, not_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue.commitments.models import Commitment, CommitmentStatus, CommitmentUpdate
from dialogue.commitments.status import ACTIVE, due_soon_clause, overdue_clause
from dialogue.commitments.visibility import note_visible
from dialogue.i18n import _
from dialogue.meetings.models import Meeting
from dialogue.people.models import Organisation, Person, Side
from dialogue.search import matches
from dialogue.sorting import Sort

SIDE_ORDER = {side: rank for rank, side in enumerate(Side)}
# The status filter also accepts "active": open or in progress.
ACTIVE_FILTER = "active"


@dataclass(frozen=True)
class CommitmentFilters:
    """What the commitments page and `GET /api/v1/commitments` filter by."""

    side: Side | None = None
    organisation_id: int | None = None
    body_id: int | None = None
    project_id: int | None = None
    statuses: tuple[CommitmentStatus, ...] = ()
    overdue: bool | None = None
    due_soon: bool = False
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    q: str = ""


def parse_status_filter(value: str | None) -> tuple[CommitmentStatus, ...] | None:
    """`open`, `in_progress`, `done`, `dropped` or `active` -> statuses; None if unknown."""
    if not value:
        return ()
    if value == ACTIVE_FILTER:
        return ACTIVE
    try:
        return (CommitmentStatus(value),)
    except ValueError:
        return None


def status_filter_options() -> list[tuple[str, str]]:
    return [(ACTIVE_FILTER, _("Open or in progress")), *CommitmentStatus.options()]


def filter_clauses(filters: CommitmentFilters, today: dt.date) -> list[ColumnElement[bool]]:
    """The WHERE clauses of `filters` (the body is the body of the commitment's meeting)."""
    clauses: list[ColumnElement[bool]] = []
    if filters.side is not None:
        clauses.append(Commitment.side == filters.side)
    if filters.organisation_id is not None:
        clauses.append(Commitment.organisation_id == filters.organisation_id)
    if filters.project_id is not None:
        clauses.append(Commitment.project_id == filters.project_id)
    if filters.body_id is not None:
        clauses.append(Commitment.meeting_id.in_(select(Meeting.id).where(Meeting.body_id == filters.body_id)))
    if filters.statuses:
        clauses.append(Commitment.status.in_(filters.statuses))
    if filters.overdue is True:
        clauses.append(overdue_clause(today))
    elif filters.overdue is False:
        clauses.append(not_(overdue_clause(today)))
    if filters.due_soon:
        clauses.append(due_soon_clause(today))
    if filters.due_from is not None:
        clauses.append(Commitment.due_on >= filters.due_from)
    if filters.due_to is not None:
        clauses.append(Commitment.due_on <= filters.due_to)
    if filters.q.strip():
        clauses.append(matches(Commitment.search_text, filters.q))
    return clauses


@dataclass(frozen=True)
class CommitmentRow:
    """A commitment as a list shows it: with the date of its last progress update."""

    commitment: Commitment
    last_update_on: dt.date | None
    overdue: bool


def _last_update_on(visible: Collection[Side]) -> Any:
    """The date of the commitment's last progress note the reader may see."""
    return (
        select(func.max(CommitmentUpdate.written_on))
        .where(CommitmentUpdate.commitment_id == Commitment.id, note_visible(visible))
        .correlate(Commitment)
        .scalar_subquery()
    )


def due_order() -> tuple[Any, ...]:
    # Due date first, commitments without one last (portable: no NULLS LAST in SQLite < 3.30).
    return (Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)


SORT_KEYS = ("title", "side", "organisation", "responsible", "due", "status", "meeting", "last_update")
DEFAULT_SORT = "due"


def _sort_columns(visible: Collection[Side]) -> dict[str, tuple[Any, ...]]:
    """The columns the list may be sorted by (`SORT_KEYS`), as SQL expressions."""
    organisation = (
        select(func.lower(func.coalesce(func.nullif(Organisation.acronym, ""), Organisation.name)))
        .where(Organisation.id == Commitment.organisation_id)
        .correlate(Commitment)
        .scalar_subquery()
    )
    responsible = (
        select(func.lower(Person.full_name))
        .where(Person.id == Commitment.responsible_id)
        .correlate(Commitment)
        .scalar_subquery()
    )
    meeting = (
        select(Meeting.starts_at).where(Meeting.id == Commitment.meeting_id).correlate(Commitment).scalar_subquery()
    )
    return {
        "title": (func.lower(Commitment.title),),
        "side": (case(*[(Commitment.side == side, rank) for side, rank in SIDE_ORDER.items()], else_=len(SIDE_ORDER)),),
        "organisation": (organisation,),
        "responsible": (responsible,),
        "due": (Commitment.due_on,),
        "status": (case(*[(Commitment.status == status, rank) for rank, status in enumerate(CommitmentStatus)]),),
        "meeting": (meeting,),
        "last_update": (_last_update_on(visible),),
    }


async def list_commitments(
    db: AsyncSession,
    filters: CommitmentFilters,
    today: dt.date,
    *,
    limit: int | None,
    offset: int,
    visible: Collection[Side] = frozenset(),
    sort: Sort | None = None,
) -> tuple[list[CommitmentRow], int]:
    """One page of commitments matching `filters` (all of them with `limit=None`), in the
    order of `sort` (by default by due date, none last), and the total.

    Two statements whatever the number of rows: the count, and the rows with their meeting,
    organisation, responsible person and last update date (of the notes the reader may
    see: `visible` are the sides whose internal notes they read).
    """
    clauses = filter_clauses(filters, today)
    total = (await db.execute(select(func.count()).select_from(Commitment).where(*clauses))).scalar_one()
    order = sort.clauses(_sort_columns(visible), due_order()) if sort else due_order()
    statement = select(Commitment, _last_update_on(visible).label("last_update_on")).options(
        joinedload(Commitment.meeting),
        joinedload(Commitment.organisation),
        joinedload(Commitment.responsible),
    )
    if limit is None:
        statement = statement.where(*clauses).order_by(*order).offset(offset)
    else:
        # The page is chosen on the commitments alone, then only its rows are joined to
        # their meeting, organisation, person and last update: sorting the whole record
        # with all of that attached took ten times longer at ten years of commitments.
        page = select(Commitment.id).where(*clauses).order_by(*order).limit(limit).offset(offset)
        statement = statement.where(Commitment.id.in_(page)).order_by(*order)
    rows = [
        CommitmentRow(commitment, last_update_on, commitment.is_overdue(today))
        for commitment, last_update_on in (await db.execute(statement)).all()
    ]
    return rows, total
