"""Finding meetings: the filters and sort orders of the meetings list, and the search behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue.bodies.models import Body
from dialogue.i18n import _, current_timezone, now
from dialogue.meetings.models import Invitation, Meeting, MeetingStatus
from dialogue.search import matches
from dialogue.sorting import Sort

# Search ---------------------------------------------------------------------------------


SORT_KEYS = ("date", "title", "body", "status", "invited")


class Order:
    RECENT = "recent"  # newest first (default)
    UPCOMING = "upcoming"  # next meetings first (soonest first), then past ones, newest first

    @staticmethod
    def options() -> list[tuple[str, str]]:
        return [(Order.RECENT, _("Most recent first")), (Order.UPCOMING, _("Upcoming first"))]


@dataclass(frozen=True)
class MeetingFilters:
    """What the search form and the API list can filter on. Dates are days in Africa/Tunis."""

    q: str = ""
    body_id: int | None = None
    status: MeetingStatus | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    order: str = Order.RECENT
    # Drafts are the secretariat's (see dialogue/meetings/visibility.py).
    drafts: bool = False


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    invited: int


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of `day` in the configured zone (Africa/Tunis), as an aware datetime."""
    return dt.datetime.combine(day, dt.time(), tzinfo=current_timezone())


def _filtered(query: Select[Any], filters: MeetingFilters) -> Select[Any]:
    if not filters.drafts:
        query = query.where(Meeting.status != MeetingStatus.DRAFT)
    if filters.q:
        query = query.where(matches(Meeting.search_text, filters.q))
    if filters.body_id is not None:
        query = query.where(Meeting.body_id == filters.body_id)
    if filters.status is not None:
        query = query.where(Meeting.status == filters.status)
    if filters.date_from is not None:
        query = query.where(Meeting.starts_at >= local_midnight(filters.date_from))
    if filters.date_to is not None:
        query = query.where(Meeting.starts_at < local_midnight(filters.date_to + dt.timedelta(days=1)))
    return query


async def search_meetings(
    db: AsyncSession, filters: MeetingFilters, limit: int | None, offset: int, *, sort: Sort | None = None
) -> tuple[list[MeetingRow], int]:
    """One page of meetings matching `filters` (all with `limit=None`), with each one's
    number of invitations, ordered by `sort` when given, else by `filters.order`.

    Two statements whatever the page size: the count, and the rows (body joined, the
    number of invitations as a correlated subquery).
    """
    total = await db.scalar(_filtered(select(func.count(Meeting.id)), filters)) or 0
    invited = (
        select(func.count(Invitation.id))
        .where(Invitation.meeting_id == Meeting.id)
        .correlate(Meeting)
        .scalar_subquery()
    )
    query = _filtered(select(Meeting, invited).options(joinedload(Meeting.body)), filters)
    if sort is not None:
        body = (
            select(func.lower(func.coalesce(func.nullif(Body.short_name, ""), Body.name)))
            .where(Body.id == Meeting.body_id)
            .scalar_subquery()
        )
        columns = {
            "date": (Meeting.starts_at,),
            "title": (func.lower(Meeting.title),),
            "body": (body,),
            "status": (case(*[(Meeting.status == status, rank) for rank, status in enumerate(MeetingStatus)]),),
            "invited": (invited,),
        }
        query = query.order_by(*sort.clauses(columns, (Meeting.starts_at.desc(), Meeting.id.desc())))
    elif filters.order == Order.UPCOMING:
        moment = now()
        query = query.order_by(
            case((Meeting.starts_at >= moment, 0), else_=1),
            case((Meeting.starts_at >= moment, Meeting.starts_at), else_=None).asc(),
            Meeting.starts_at.desc(),
            Meeting.id.desc(),
        )
    else:
        query = query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    rows = (await db.execute(query.limit(limit).offset(offset))).all()
    return [MeetingRow(meeting=row[0], invited=row[1] or 0) for row in rows], total
