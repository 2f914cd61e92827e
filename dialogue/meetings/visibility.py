"""Draft meetings are the secretariat's: until a meeting is scheduled, nobody else finds it
on any path (its pages and their sub-pages, lists, downloads, the dashboard, a body's or a
person's page, calendars, the API). Lists filter with `draft_condition`; every address
that names a meeting or one of its agenda items goes through the `hide_drafts` guard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, select, true

from dialogue.accounts.models import Account, Role
from dialogue.agenda.models import AgendaItem
from dialogue.errors import NotFound
from dialogue.meetings.models import Meeting, MeetingStatus

if TYPE_CHECKING:  # the guard's type only
    from litestar.connection import ASGIConnection


def sees_drafts(account: Account | None) -> bool:
    return account is not None and account.role == Role.SECRETARIAT


def draft_condition(account: Account | None) -> ColumnElement[bool]:
    """A WHERE clause on `Meeting`: everything for the secretariat, no drafts for others."""
    return true() if sees_drafts(account) else Meeting.status != MeetingStatus.DRAFT


async def hide_drafts(connection: ASGIConnection[Any, Any, Any, Any], _handler: Any) -> None:
    """A guard: an address naming a draft meeting (or an agenda item of one) does not exist
    for anyone but the secretariat."""
    account = connection.scope.get("user")
    if sees_drafts(account):
        return
    params = connection.path_params
    meeting_id, item_id = params.get("meeting_id"), params.get("item_id")
    if not isinstance(meeting_id, int) and not isinstance(item_id, int):
        return
    query = select(Meeting.status)
    if isinstance(meeting_id, int):
        query = query.where(Meeting.id == meeting_id)
    else:
        query = query.join(AgendaItem, AgendaItem.meeting_id == Meeting.id).where(AgendaItem.id == item_id)
    async with connection.app.state.sessions() as db:
        status = await db.scalar(query)
    if status == MeetingStatus.DRAFT:
        raise NotFound()
