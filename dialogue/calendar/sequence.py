"""The calendar SEQUENCE rule applied to every flush: a session listener raises it and stores it.

- SEQUENCE (`Meeting.calendar_sequence`) starts at 0 and is raised, and stored, by every
  flush that changes the meeting's time, place, title, description or status, or its agenda
  (items added, removed, reordered, retitled, durations). A `before_flush` hook applies the
  rule wherever the change comes from (pages, API, agenda); `meeting_changes_calendar` and
  `agenda_item_changes_calendar` (rules.py) are the rule itself.
- `listen` registers the listeners on a session class: `dialogue.session_factory` does, for
  every session the application opens.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session, attributes

from dialogue.agenda.models import AgendaItem
from dialogue.calendar.rules import (
    AGENDA_CALENDAR_FIELDS,
    MEETING_CALENDAR_FIELDS,
    agenda_item_changes_calendar,
    meeting_changes_calendar,
    next_sequence,
)
from dialogue.db import table_of
from dialogue.meetings.models import Meeting


def _history(obj: Any, names: Iterable[str]) -> dict[str, tuple[Any, Any]]:
    state = attributes.instance_state(obj)
    changes: dict[str, tuple[Any, Any]] = {}
    for name in names:
        history = state.attrs[name].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            changes[name] = (before, after)
    return changes


_BUMPED = "calendar_sequence_raised"  # session.info: meetings already raised in this transaction


def _raised(session: Session) -> set[int]:
    return session.info.setdefault(_BUMPED, set())


def _raise_in_database(session: Session, meeting_ids: Iterable[int]) -> None:
    """Raise the SEQUENCE of meetings whose agenda changed, once per transaction (calendars
    only ever see committed states), without touching the meeting's `version`: an agenda
    change must not make an open edit form of the meeting stale."""
    raised = _raised(session)
    table = table_of(Meeting)
    connection = session.connection()
    for meeting_id in sorted(set(meeting_ids) - raised):
        current = connection.execute(select(table.c.calendar_sequence).where(table.c.id == meeting_id)).scalar()
        if current is None:
            continue  # a meeting being deleted
        connection.execute(update(table).where(table.c.id == meeting_id).values(calendar_sequence=current + 1))
        raised.add(meeting_id)
        loaded = session.identity_map.get(session.identity_key(Meeting, meeting_id))
        if loaded is not None:
            attributes.set_committed_value(loaded, "calendar_sequence", current + 1)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Apply the SEQUENCE rule to the meetings this flush changes (see the module's doc)."""
    raised = _raised(session)
    for obj in list(session.dirty):
        if isinstance(obj, Meeting) and obj not in session.deleted and obj.id not in raised:
            changes = _history(obj, (*MEETING_CALENDAR_FIELDS, "calendar_sequence"))
            if "calendar_sequence" in changes:
                continue  # set explicitly by the caller
            if meeting_changes_calendar(changes):
                obj.calendar_sequence = next_sequence(obj.calendar_sequence or 0, True)
                raised.add(obj.id)
    touched: set[int] = set()
    for obj in session.new:
        if isinstance(obj, AgendaItem) and obj.meeting_id is not None:
            touched.add(obj.meeting_id)
    for obj in session.deleted:
        if isinstance(obj, AgendaItem) and obj.meeting_id is not None:
            touched.add(obj.meeting_id)
    for obj in session.dirty:
        if isinstance(obj, AgendaItem):
            changes = _history(obj, AGENDA_CALENDAR_FIELDS)
            if agenda_item_changes_calendar(changes):
                touched.update(v for v in changes.get("meeting_id", (None, None)) if v is not None)
                if obj.meeting_id is not None:
                    touched.add(obj.meeting_id)
    if touched - raised:
        _raise_in_database(session, touched)


def _on_execute(state: ORMExecuteState) -> None:
    """Agenda items renumbered by an UPDATE statement (not a flush) change the agenda too."""
    if not state.is_update:
        return
    statement: Any = state.statement
    if getattr(statement, "table", None) is not AgendaItem.__table__:
        return
    names = {getattr(key, "key", key) for key in (getattr(statement, "_values", None) or {})}
    if not names & set(AGENDA_CALENDAR_FIELDS) or statement.whereclause is None:
        return
    table = table_of(AgendaItem)
    connection = state.session.connection()
    meeting_ids = connection.execute(select(table.c.meeting_id).where(statement.whereclause).distinct()).scalars()
    _raise_in_database(state.session, [m for m in meeting_ids if m is not None])


def _transaction_over(session: Session, *_args: Any) -> None:
    session.info.pop(_BUMPED, None)


def listen(sessions: type[Session]) -> None:
    """Apply the SEQUENCE rule to every flush and statement of `sessions` (see
    session_factory.py)."""
    event.listen(sessions, "do_orm_execute", _on_execute)
    event.listen(sessions, "after_commit", _transaction_over)
    event.listen(sessions, "after_rollback", _transaction_over)
    event.listen(sessions, "before_flush", _before_flush)
