"""Writing the audit trail, in the same transaction as the change it describes.

Every flush of a session opened by `dialogue.session_factory` is watched: rows created, changed or deleted in the audited
tables become `AuditEvent` rows inserted by the same flush, with who (the actor of the
current request or command), from where, and the before/after values of changed fields.
Events that are not row changes (sign-in, refusals, approvals) go through `record`.
A change made of many rows at once (an import) is gathered by `one_entry` and written as
one event that lists them.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.db import table_of
from dialogue.search import fold


@dataclass(frozen=True)
class Actor:
    account_id: int | None = None
    label: str = "system"
    ip: str = ""


_actor: ContextVar[Actor] = ContextVar("actor", default=Actor())

NOT_SHOWN = "•••"  # stands for a secret's value in the trail
_SECRET_FIELDS = {"password_hash", "token_hash"}
_NOT_TRACKED = {"id", "version", "created_at", "updated_at", "calendar_sequence", "search_text"}
# Bookkeeping written by signing in and using a token: the sign-in is an event of its own,
# and these would otherwise fill a person's history with "changed" entries.
_BOOKKEEPING = {"last_sign_in_at", "last_used_at"}


def set_actor(actor: Actor) -> None:
    _actor.set(actor)


def current_actor() -> Actor:
    return _actor.get()


def _json(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# Which record each audited row belongs to: `(table, id)` of its meeting, commitment, person...
# A resolver gets the row and a function to look up an agenda item's meeting.
RootResolver = Callable[[Any, Callable[[int], int | None]], tuple[str, int | None]]
_roots: dict[str, RootResolver] = {}
# Columns too bulky for the trail (a frozen copy of the minutes), per table.
_untracked: dict[str, frozenset[str]] = {}


def audited(root: RootResolver, *, untracked: tuple[str, ...] = ()) -> Callable[[type], type]:
    """Class decorator: changes to this model go to the trail, under the record `root` names."""

    def register(model: type) -> type:
        _roots[model.__tablename__] = root  # type: ignore[attr-defined]
        _untracked[model.__tablename__] = frozenset(untracked)  # type: ignore[attr-defined]
        return model

    return register


def _columns(obj: Any) -> list[str]:
    untracked = _untracked.get(obj.__tablename__, frozenset())
    return [
        column.key
        for column in inspect(obj).mapper.column_attrs
        if column.key not in _NOT_TRACKED and column.key not in _BOOKKEEPING and column.key not in untracked
    ]


def _value(field: str, value: Any) -> Any:
    return NOT_SHOWN if field in _SECRET_FIELDS and value is not None else _json(value)


def _changes(obj: Any, action: AuditAction) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for field in _columns(obj):
        if action is AuditAction.CREATE:
            value = getattr(obj, field)
            if value not in (None, "", False):
                changes[field] = [None, _value(field, value)]
        elif action is AuditAction.DELETE:
            changes[field] = [_value(field, state.attrs[field].loaded_value), None]
        else:
            history = state.attrs[field].history
            if history.has_changes():
                before = history.deleted[0] if history.deleted else None
                after = history.added[0] if history.added else None
                if _json(before) != _json(after):
                    changes[field] = [_value(field, before), _value(field, after)]
    return changes


def _audited_tables() -> dict[str, RootResolver]:
    """The registrations of `dialogue.models`, imported here if nobody did yet: without it
    (the served app never imported it) the trail silently recorded no change at all."""
    if not _roots:
        import dialogue.models  # noqa: F401
    return _roots


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    _audited_tables()
    pending: list[tuple[Any, AuditAction, dict[str, list[Any]]]] = session.info.setdefault("audit_pending", [])
    for obj in session.new:
        if getattr(obj, "__tablename__", None) in _roots:
            pending.append((obj, AuditAction.CREATE, {}))
    for obj in session.dirty:
        if getattr(obj, "__tablename__", None) in _roots and session.is_modified(obj, include_collections=False):
            changes = _changes(obj, AuditAction.UPDATE)
            if changes:
                action = AuditAction.STATUS if "status" in changes else AuditAction.UPDATE
                pending.append((obj, action, changes))
    for obj in session.deleted:
        if getattr(obj, "__tablename__", None) in _roots:
            pending.append((obj, AuditAction.DELETE, _changes(obj, AuditAction.DELETE)))


@dataclass(frozen=True)
class RowChange:
    """A row change gathered by `one_entry` instead of being an event of its own."""

    entity: str
    entity_id: int
    action: AuditAction
    summary: str
    changes: dict[str, list[Any]]


_ONE_ENTRY = "audit_one_entry"


@asynccontextmanager
async def one_entry(db: AsyncSession) -> AsyncIterator[list[RowChange]]:
    """The rows flushed inside are not written to the trail one event each: they are
    gathered in the list it gives, for the caller to write one event that lists them
    (`record`, in the same transaction)."""
    gathered: list[RowChange] = []
    db.info[_ONE_ENTRY] = gathered
    try:
        yield gathered
        await db.flush()
    finally:
        db.info.pop(_ONE_ENTRY, None)


def _after_flush(session: Session, _context: Any) -> None:
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    gathered = session.info.get(_ONE_ENTRY)
    if gathered is not None:
        for obj, action, changes in pending:
            found = _changes(obj, action) if action is AuditAction.CREATE else changes
            gathered.append(RowChange(obj.__tablename__, obj.id, action, _summary(obj)[:300], found))
        return
    connection = session.connection()
    item_meetings: dict[int, int | None] = {}
    # The meetings of the agenda items the pending rows hang on, in one statement (a row
    # whose item is gone is looked up alone below, and finds none).
    item_ids = {obj.item_id for obj, _action, _changes in pending if isinstance(getattr(obj, "item_id", None), int)}
    if item_ids:
        from dialogue.agenda.models import AgendaItem

        found = connection.execute(
            select(AgendaItem.id, AgendaItem.meeting_id).where(AgendaItem.id.in_(sorted(item_ids)))
        )
        item_meetings.update((item_id, meeting_id) for item_id, meeting_id in found)

    def meeting_of_item(item_id: int) -> int | None:
        if item_id not in item_meetings:
            from dialogue.agenda.models import AgendaItem

            item_meetings[item_id] = connection.execute(
                select(AgendaItem.meeting_id).where(AgendaItem.id == item_id)
            ).scalar()
        return item_meetings[item_id]

    commitment_sides: dict[int, str | None] = {}

    def side_of(obj: Any) -> str | None:
        side = getattr(obj, "side", None)
        if side is None and getattr(obj, "commitment_id", None) is not None:
            from dialogue.commitments.models import Commitment

            if obj.commitment_id not in commitment_sides:
                commitment_sides[obj.commitment_id] = connection.execute(
                    select(Commitment.side).where(Commitment.id == obj.commitment_id)
                ).scalar()
            side = commitment_sides[obj.commitment_id]
        return _json(side)

    actor = current_actor()
    now = dt.datetime.now(dt.UTC)
    rows = []
    for obj, action, changes in pending:
        table = obj.__tablename__
        if action is AuditAction.CREATE:
            changes = _changes(obj, action)
        root_entity, root_id = _roots[table](obj, meeting_of_item)
        rows.append(
            {
                "account_id": actor.account_id,
                "actor": actor.label,
                "ip": actor.ip,
                "action": action.value,
                "entity": table,
                "entity_id": obj.id,
                "root_entity": root_entity,
                "root_id": root_id,
                "side": side_of(obj),
                "internal": _was_or_is_internal(obj, changes),
                "summary": _summary(obj)[:300],
                "search_text": fold(f"{actor.label} {_summary(obj)[:300]}"),
                "changes": changes,
                "created_at": now,
                "updated_at": now,
            }
        )
    connection.execute(insert(table_of(AuditEvent)), rows)


def _was_or_is_internal(obj: Any, changes: dict[str, list[Any]]) -> bool:
    """Internal if the row is internal now or was before this change: sharing a draft must
    not show the draft's earlier values to the other sides."""
    before = changes.get("internal", [False, False])[0]
    return bool(getattr(obj, "internal", False)) or before is True


def _summary(obj: Any) -> str:
    for field in ("title", "full_name", "name", "email", "note", "statement", "text"):
        value = getattr(obj, field, None)
        if isinstance(value, str) and value:
            return value
    return f"{obj.__tablename__} {obj.id}"


def listen(sessions: type[Session]) -> None:
    """Write the trail of every flush of `sessions` (see session_factory.py)."""
    event.listen(sessions, "before_flush", _before_flush)
    event.listen(sessions, "after_flush", _after_flush)


async def record(
    db: AsyncSession,
    action: AuditAction,
    *,
    summary: str = "",
    entity: str = "",
    entity_id: int | None = None,
    root: tuple[str, int | None] = ("", None),
    changes: dict[str, Any] | None = None,
    actor: Actor | None = None,
    side: str | None = None,
    internal: bool = False,
) -> None:
    """An event that is not a row change (sign-in, refusal, approval), in `db`'s transaction."""
    actor = actor or current_actor()
    db.add(
        AuditEvent(
            account_id=actor.account_id,
            actor=actor.label,
            ip=actor.ip,
            action=action,
            entity=entity,
            entity_id=entity_id,
            root_entity=root[0],
            root_id=root[1],
            side=side,
            internal=internal,
            summary=summary[:300],
            changes=changes or {},
        )
    )
    await db.flush()


async def record_row_change(
    db: AsyncSession, obj: Any, changes: dict[str, list[Any]], action: AuditAction = AuditAction.UPDATE
) -> None:
    """A change to an audited row written with a plain UPDATE or DELETE, which the flush
    never sees (the order of agenda items, a bulk deletion): filed like a flushed change."""
    _audited_tables()
    table = obj.__tablename__
    await record(
        db,
        action,
        summary=_summary(obj),
        entity=table,
        entity_id=obj.id,
        root=_roots[table](obj, lambda _item_id: None),
        changes={field: [_json(before), _json(after)] for field, (before, after) in changes.items()},
        side=_json(getattr(obj, "side", None)),
        internal=bool(getattr(obj, "internal", False)),
    )
