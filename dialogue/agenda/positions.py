"""Each side's position on an agenda item, and the item's outcome."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import bilingual
from dialogue.accounts.models import Account
from dialogue.accounts.permissions import ensure_side
from dialogue.agenda.checks import OUTCOME_TEXT_MAX, STATEMENT_MAX, OutcomeDraft, PositionDraft, outcome_errors
from dialogue.agenda.editing import commitments_from
from dialogue.agenda.models import AgendaItem, Outcome, Position
from dialogue.agenda.reading import position_visible
from dialogue.errors import Invalid, NotFound, Refused, Stale, check_version
from dialogue.i18n import _, ngettext
from dialogue.minutes.lock import ensure_record_open
from dialogue.people.models import Side


def party_side(value: str) -> Side:
    """A side that may hold a position; unknown sides are not found, observers refused."""
    try:
        side = Side(value)
    except ValueError:
        raise NotFound() from None
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
        raise NotFound() from None
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
    draft: PositionDraft,
    version: int | None,
    *,
    known: dict[str, str] | None = None,
) -> Position:
    """Record or change one side's position on an item (`known`: errors found while
    reading the input).

    Changing an existing position needs the `version` it was read at; a position recorded
    by someone else since the form was opened (no `version` sent) is stale too.
    """
    await ensure_record_open(db, item.meeting_id)
    if side not in Side.parties():
        raise Invalid({"side": _("Observers attend but hold no position on an item.")})
    position = await get_position(db, item, side)
    if position is not None:
        check_version(position, version)
    elif version is not None:
        raise Stale(None)
    stance, statement, internal = draft.stance, draft.statement.strip(), draft.internal
    errors: dict[str, str] = {}
    if stance is None:
        errors["stance"] = _("Choose one of the options.")
    if len(statement) > STATEMENT_MAX:
        errors["statement"] = _("At most {n} characters.").format(n=STATEMENT_MAX)
    errors.update(known or {})
    if errors:
        raise Invalid(errors, dataclasses.asdict(draft))
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


async def get_outcome(db: AsyncSession, item: AgendaItem) -> Outcome | None:
    return await db.scalar(select(Outcome).where(Outcome.item_id == item.id))


async def record_outcome(
    db: AsyncSession,
    item: AgendaItem,
    draft: OutcomeDraft,
    version: int | None,
    *,
    known: dict[str, str] | None = None,
) -> Outcome:
    """Record or change what the meeting concluded on an item (`version` when changing;
    `known`: errors found while reading the input)."""
    await ensure_record_open(db, item.meeting_id)
    outcome = await get_outcome(db, item)
    if outcome is not None:
        check_version(outcome, version)
    elif version is not None:
        raise Stale(None)
    kind = draft.kind
    # The rules on the text (an agreement says what was agreed) hold for its versions together.
    text = bilingual.canonical(bilingual.draft_versions(draft, "text"))
    errors, stored_sides = outcome_errors(kind, draft.sides, text)
    for language in bilingual.LANGUAGES[1:]:
        if len(getattr(draft, "text" + bilingual.suffix(language))) > OUTCOME_TEXT_MAX:
            errors["text" + bilingual.suffix(language)] = _("At most {n} characters.").format(n=OUTCOME_TEXT_MAX)
    errors.update(known or {})
    if errors:
        raise Invalid(errors, dataclasses.asdict(draft))
    assert kind is not None
    if outcome is None:
        outcome = Outcome(item_id=item.id, kind=kind, sides=stored_sides)
        db.add(outcome)
    else:
        outcome.kind = kind
        outcome.sides = stored_sides
    bilingual.apply_draft(outcome, draft, "text")
    await db.flush()
    return outcome


async def clear_outcome(db: AsyncSession, item: AgendaItem) -> None:
    """Remove an item's outcome, unless commitments were recorded as part of it."""
    await ensure_record_open(db, item.meeting_id)
    outcome = await get_outcome(db, item)
    if outcome is None:
        raise NotFound()
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
