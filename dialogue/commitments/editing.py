"""One commitment: reading it, checking and saving its facts, progress updates, deleting it."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from dialogue import bilingual, i18n
from dialogue.agenda.models import AgendaItem
from dialogue.commitments.models import Commitment, CommitmentStatus, CommitmentUpdate
from dialogue.commitments.status import change_status
from dialogue.commitments.visibility import note_visible
from dialogue.errors import Invalid, Refused, check_version
from dialogue.i18n import _
from dialogue.meetings.models import Meeting
from dialogue.people.models import Organisation, Person, Side
from dialogue.people.service import found_one
from dialogue.projects.models import Project
from dialogue.text_input import text_problem

TITLE_MAX = 300
DESCRIPTION_MAX = 10_000
NOTE_MAX = 10_000
URL_MAX = 500
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)
# The texts of a commitment that may be written in several languages (dialogue/bilingual.py).
TEXTS = ("title", "description")


async def get_commitment(
    db: AsyncSession,
    commitment_id: int,
    *,
    with_updates: bool = True,
    refresh: bool = False,
    visible: Collection[Side] = frozenset(),
) -> Commitment:
    """The commitment with its origin (meeting, item, outcome), organisation, responsible
    person and (when asked) its progress updates, newest first; 404 if unknown.

    `commitment.updates` holds only the notes the reader may see (`visible`: the sides whose
    internal notes they read; by default none, so only shared notes).
    """
    options: list[Any] = [
        joinedload(Commitment.meeting),
        joinedload(Commitment.agenda_item).joinedload(AgendaItem.outcome),
        joinedload(Commitment.organisation),
        joinedload(Commitment.responsible).joinedload(Person.organisation),
        joinedload(Commitment.project),
    ]
    if with_updates:
        options.append(selectinload(Commitment.updates.and_(note_visible(visible))))
    statement = select(Commitment).where(Commitment.id == commitment_id).options(*options)
    if refresh:
        statement = statement.execution_options(populate_existing=True)
    return await found_one(db, statement)


@dataclass
class CommitmentDraft:
    """The facts of a commitment as typed in a form or sent to the API, before the checks."""

    title: str = ""
    side: Side | None = None
    description: str = ""
    organisation_id: int | None = None
    responsible_id: int | None = None
    due_on: dt.date | None = None
    status: CommitmentStatus | None = CommitmentStatus.OPEN
    meeting_id: int | None = None
    agenda_item_id: int | None = None
    from_outcome: bool = False
    # The title and the description in Arabic and English (`title` is the French one).
    title_ar: str = ""
    title_en: str = ""
    description_ar: str = ""
    description_en: str = ""
    project_id: int | None = None

    @classmethod
    def of(cls, commitment: Commitment) -> CommitmentDraft:
        return bilingual.draft_of(cls, commitment, *TEXTS)


def _check_text(errors: dict[str, str], name: str, value: str, *, required: bool, max_length: int) -> None:
    # A text of blanks only counts as empty.
    if problem := text_problem(value if value.strip() else "", max_length, required=required):
        errors.setdefault(name, problem)


def _check_date(errors: dict[str, str], name: str, value: dt.date | None) -> None:
    if value is not None and not EARLIEST <= value <= LATEST:
        errors.setdefault(name, _("Enter a date between 1900 and 2999."))


def _check_url(errors: dict[str, str], name: str, value: str | None) -> None:
    if not value:
        return
    _check_text(errors, name, value, required=False, max_length=URL_MAX)
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or any(c.isspace() for c in value):
        errors.setdefault(name, _("Enter a full web address starting with https://."))


async def check_draft(db: AsyncSession, draft: CommitmentDraft, current: Commitment | None = None) -> dict[str, str]:
    """Every rule a commitment must satisfy, as field errors (empty when it is valid).

    - a title (at most 300 characters), a side, a status;
    - the organisation, if any, is on the chosen side;
    - the responsible person, if any, belongs to that organisation (or, without one, to
      an organisation of that side);
    - the agenda item, if any, belongs to the meeting (the meeting is taken from the item
      when it is not given); "from the outcome" needs an item;
    - the due date, if any, is not before the day of the meeting that made it (Tunis time).
    """
    errors: dict[str, str] = {}
    for name, maximum, required in (("title", TITLE_MAX, True), ("description", DESCRIPTION_MAX, False)):
        problem = functools.partial(text_problem, maximum=maximum)
        for field, message in bilingual.draft_errors(draft, name, problem, required=required).items():
            errors.setdefault(field, message)
    if draft.side is None:
        errors.setdefault("side", _("This field is required."))
    if draft.status is None:
        errors.setdefault("status", _("This field is required."))
    _check_date(errors, "due_on", draft.due_on)

    organisation = None
    if draft.organisation_id is not None:
        organisation = await db.get(Organisation, draft.organisation_id)
        if organisation is None:
            errors.setdefault("organisation_id", _("Choose an organisation from the list."))
        elif draft.side is not None and organisation.side != draft.side:
            errors.setdefault(
                "organisation_id",
                _("This organisation is on another side ({side}).").format(side=organisation.side.label),
            )
    if draft.responsible_id is not None:
        responsible = await db.get(Person, draft.responsible_id)
        if responsible is None:
            errors.setdefault("responsible_id", _("Choose a person from the list."))
        elif organisation is not None:
            if responsible.organisation_id != organisation.id:
                errors.setdefault("responsible_id", _("This person does not belong to the chosen organisation."))
        elif draft.side is not None and draft.organisation_id is None:
            person_side = (
                await db.execute(select(Organisation.side).where(Organisation.id == responsible.organisation_id))
            ).scalar_one()
            if person_side != draft.side:
                errors.setdefault("responsible_id", _("This person does not belong to the chosen side."))

    if draft.agenda_item_id is not None:
        item = await db.get(AgendaItem, draft.agenda_item_id)
        if item is None:
            errors.setdefault("agenda_item_id", _("Choose an agenda item from the list."))
        elif draft.meeting_id is None:
            draft.meeting_id = item.meeting_id
        elif item.meeting_id != draft.meeting_id:
            errors.setdefault("agenda_item_id", _("This agenda item belongs to another meeting."))
    if draft.meeting_id is not None:
        meeting = await db.get(Meeting, draft.meeting_id)
        if meeting is None:
            errors.setdefault("meeting_id", _("Choose a meeting from the list."))
        elif draft.due_on is not None and draft.due_on < (held_on := i18n.local_date(meeting.starts_at)):
            errors.setdefault(
                "due_on",
                _("The due date cannot be before the meeting that made this commitment ({date}).").format(
                    date=i18n.format_date(held_on)
                ),
            )
    if draft.project_id is not None:
        project = await db.get(Project, draft.project_id)
        if project is None:
            errors.setdefault("project_id", _("This project does not exist."))
        elif project.archived_at is not None and (current is None or current.project_id != project.id):
            errors.setdefault("project_id", _("This project is archived: choose another one."))
    if draft.from_outcome and draft.agenda_item_id is None:
        errors.setdefault("from_outcome", _("A commitment from an outcome needs its agenda item."))
    return errors


def _apply(commitment: Commitment, draft: CommitmentDraft) -> None:
    bilingual.apply_draft(commitment, draft, *TEXTS)
    commitment.side = draft.side  # type: ignore[assignment]
    commitment.organisation_id = draft.organisation_id
    commitment.responsible_id = draft.responsible_id
    commitment.due_on = draft.due_on
    commitment.meeting_id = draft.meeting_id
    commitment.agenda_item_id = draft.agenda_item_id
    commitment.from_outcome = draft.from_outcome
    commitment.project_id = draft.project_id


async def create_commitment(
    db: AsyncSession, draft: CommitmentDraft, *, today: dt.date, known_errors: dict[str, str] | None = None
) -> Commitment:
    """A new commitment (closed today if created done or dropped); `Invalid` if a rule fails.

    `known_errors` are those found while reading the input (a date that is not a date...):
    they are reported together with the rules' errors, and take precedence.
    """
    errors = {**await check_draft(db, draft), **(known_errors or {})}
    if errors:
        raise Invalid(errors)
    commitment = Commitment(status=CommitmentStatus.OPEN, closed_on=None)
    _apply(commitment, draft)
    change_status(commitment, draft.status, today)  # type: ignore[arg-type]
    db.add(commitment)
    await db.flush()
    return commitment


async def update_commitment(
    db: AsyncSession,
    commitment: Commitment,
    draft: CommitmentDraft,
    *,
    version: int | None,
    today: dt.date,
    known_errors: dict[str, str] | None = None,
) -> Commitment:
    """Change a commitment read at `version`: `Stale` if it changed since, `Invalid` if a
    rule fails; nothing is changed in either case. A status change follows `change_status`."""
    check_version(commitment, version)
    errors = {**await check_draft(db, draft, commitment), **(known_errors or {})}
    if errors:
        raise Invalid(errors)
    _apply(commitment, draft)
    if draft.status != commitment.status:
        change_status(commitment, draft.status, today)  # type: ignore[arg-type]
    await db.flush()
    return commitment


@dataclass
class ProgressDraft:
    """A progress update as typed or sent: `written_on` defaults to today."""

    note: str = ""
    written_on: dt.date | None = None
    evidence_url: str | None = None
    status: CommitmentStatus | None = None
    # Kept inside the commitment's side as it is now (its delegates and the secretariat),
    # even if the commitment later moves to another side.
    internal: bool = False


def check_progress(draft: ProgressDraft, today: dt.date) -> dict[str, str]:
    """A note (required), a date that is not in the future, an http(s) evidence link."""
    errors: dict[str, str] = {}
    _check_text(errors, "note", draft.note, required=True, max_length=NOTE_MAX)
    _check_date(errors, "written_on", draft.written_on)
    if draft.written_on is not None and draft.written_on > today and "written_on" not in errors:
        errors["written_on"] = _("A progress update cannot be dated in the future.")
    _check_url(errors, "evidence_url", draft.evidence_url)
    return errors


async def add_progress(
    db: AsyncSession,
    commitment: Commitment,
    draft: ProgressDraft,
    *,
    today: dt.date,
    known_errors: dict[str, str] | None = None,
) -> CommitmentUpdate:
    """Record a dated progress update; with a new status, the commitment takes it on the
    update's date (closing sets `closed_on` to that date, reopening clears it)."""
    errors = {**check_progress(draft, today), **(known_errors or {})}
    if errors:
        raise Invalid(errors)
    written_on = draft.written_on or today
    update = CommitmentUpdate(
        commitment_id=commitment.id,
        written_on=written_on,
        note=draft.note.strip(),
        evidence_url=draft.evidence_url or None,
        status=draft.status,
        internal=draft.internal,
        side=commitment.side,
    )
    db.add(update)
    if draft.status is not None and draft.status != commitment.status:
        change_status(commitment, draft.status, written_on)
    await db.flush()
    return update


async def delete_commitment(db: AsyncSession, commitment: Commitment, *, version: int | None = None) -> None:
    """Delete a commitment that has no progress updates; one with a history is refused
    (drop it instead, so that its follow-up stays on record)."""
    if version is not None:
        check_version(commitment, version)
    count = (
        await db.execute(
            select(func.count()).select_from(CommitmentUpdate).where(CommitmentUpdate.commitment_id == commitment.id)
        )
    ).scalar_one()
    if count:
        raise Refused(
            _("This commitment has progress updates and cannot be deleted: set its status to dropped instead.")
        )
    await db.delete(commitment)
    await db.flush()
