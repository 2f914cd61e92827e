"""Changing the agenda: adding, editing, moving and removing items, and their document links."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from dialogue import bilingual
from dialogue.agenda.checks import DocumentFields, ItemFields, check_item, document_errors
from dialogue.agenda.models import AgendaDocument, AgendaItem
from dialogue.audit.trail import record_row_change
from dialogue.commitments.models import Commitment
from dialogue.db import table_of
from dialogue.errors import Invalid, NotFound, Refused, check_version
from dialogue.i18n import _, ngettext
from dialogue.meetings.models import Meeting
from dialogue.minutes.lock import ensure_record_open

# The texts of an item that may be written in several languages (dialogue/bilingual.py).
ITEM_TEXTS = ("title", "description")


async def _ordered(db: AsyncSession, meeting_id: int) -> list[AgendaItem]:
    statement = select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.rank, AgendaItem.id)
    return list(await db.scalars(statement))


async def _renumber(db: AsyncSession, items: Sequence[AgendaItem]) -> None:
    """Give `items` the ranks 1..n in this order.

    The rank is the meeting's order, not the item's content: it is written without bumping
    the item's version, so moving one item does not make open edit forms of others stale.
    """
    table = table_of(AgendaItem)
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
) -> AgendaItem:
    """Add an item at the end of the agenda (`known`: errors found while parsing the input)."""
    await ensure_record_open(db, meeting.id)
    await check_item(db, fields, documents=documents, known=known)
    last = await db.scalar(select(func.max(AgendaItem.rank)).where(AgendaItem.meeting_id == meeting.id))
    item = AgendaItem(
        meeting_id=meeting.id,
        rank=(last or 0) + 1,
        duration_minutes=fields.duration_minutes,
        presenter_id=fields.presenter_id,
        c144_matter=fields.c144_matter,
    )
    bilingual.apply_draft(item, fields, *ITEM_TEXTS)
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
) -> AgendaItem:
    """Change an item read at `version`; `documents`, when given, replace its documents."""
    await ensure_record_open(db, item.meeting_id)
    check_version(item, version)
    await check_item(db, fields, current=item, documents=documents or (), known=known)
    bilingual.apply_draft(item, fields, *ITEM_TEXTS)
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


async def add_document(db: AsyncSession, item: AgendaItem, fields: DocumentFields) -> AgendaDocument:
    """Link a document (title and web address) to an item."""
    errors = document_errors(fields)
    if errors:
        raise Invalid(errors, dataclasses.asdict(fields))
    document = AgendaDocument(item_id=item.id, title=fields.title.strip(), url=fields.url.strip())
    db.add(document)
    await db.flush()
    return document


async def get_document(db: AsyncSession, item: AgendaItem, document_id: int) -> AgendaDocument:
    document = await db.get(AgendaDocument, document_id)
    if document is None or document.item_id != item.id:
        raise NotFound()
    return document


async def remove_document(db: AsyncSession, document: AgendaDocument) -> None:
    await db.delete(document)
    await db.flush()
