"""Rules of people, and what the area shares (sides, filters, unique checks): list, add, edit, archive, delete."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from enum import Enum
from typing import Any, Generic, TypeVar

from advanced_alchemy.base import ModelProtocol
from advanced_alchemy.filters import LimitOffset
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue.agenda.models import AgendaItem
from dialogue.bodies.models import Body, Membership
from dialogue.commitments.models import Commitment
from dialogue.db import utcnow
from dialogue.errors import Invalid, NotFound, Refused, check_version
from dialogue.i18n import _, listed, ngettext
from dialogue.meetings.models import Invitation, Meeting, MeetingStatus
from dialogue.people.models import Language, Organisation, Person, Side
from dialogue.search import matches
from dialogue.sorting import EVERY_ROW, Window
from dialogue.text_input import text_problem

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


PHONE = re.compile(r"^\+?[0-9 ().\-/]{3,50}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_ID = 2**31 - 1

DESCRIPTION_MAX = 5000


def counts_for_quorum(side: Side) -> bool:
    """Observers attend but never count for quorum (nor hold positions, nor approve minutes)."""
    return side in Side.parties()


def parse_side(value: str | None) -> Side | None:
    """A side from a filter (query string); anything else means "every side"."""
    try:
        return Side(value) if value else None
    except ValueError:
        return None


def parse_id(value: str | None) -> int | None:
    """An id from a filter (query string); anything else means "no filter"."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and 0 < number < 2**31 else None


PEOPLE_SORTS = ("name", "organisation", "side", "title", "email")


def side_rank(column: Any) -> Any:
    """A side column in the order of the sides (government, workers, employers, observers)."""
    return case(*[(column == side, rank) for rank, side in enumerate(Side)])


async def counted_page(
    db: AsyncSession,
    query: Select[Any],
    columns: Mapping[str, tuple[Any, ...]],
    tiebreak: tuple[Any, ...],
    window: Window,
) -> tuple[list[Any], int]:
    """The `window` of `query`'s rows in the order its sort asks (by `columns`, then
    `tiebreak`), and the total. Our own, not the repository's get_many_and_count: these rows carry counts
    beside the record, which it would drop."""
    total = await db.scalar(query.with_only_columns(func.count(), maintain_column_froms=True))
    ordered = query.order_by(*window.order(columns, tiebreak))
    rows = await db.execute(ordered.limit(window.limit).offset(window.offset))
    return list(rows.all()), total or 0


async def flush_unique(db: AsyncSession, draft: Any, field_name: str, message: str, record: Any = None) -> None:
    """Flush; a unique constraint hit in between (two users at once) is a field error.

    The savepoint keeps the rest of the transaction; an edited `record` is reloaded as stored.
    """
    try:
        async with db.begin_nested():
            await db.flush()
    except IntegrityError as error:
        if record is not None:
            await db.refresh(record)
        raise Invalid({field_name: message}, asdict(draft)) from error


# What the drafts of this area and of bodies share ---------------------------------------


def text_errors(texts: Mapping[str, tuple[str, int, bool]]) -> dict[str, str]:
    """The problems of texts given as name -> (value, maximum length, required)."""
    problems = {name: text_problem(value, most, required=required) for name, (value, most, required) in texts.items()}
    return {name: problem for name, problem in problems.items() if problem}


def choice_problem(value: Any) -> str | None:
    """A choice left out (or not one of the options: the reader then gave None)."""
    return _("Choose one of the options.") if value is None else None


async def taken(db: AsyncSession, column: Any, value: Any, current: Any = None) -> bool:
    """Whether another record than `current` already has `value` in the unique `column`."""
    # Our own EXISTS, for any model: the repository's exists() is per model and counts rows.
    condition: ColumnElement[bool] = column == value
    if current is not None:
        condition &= column.class_.id != current.id
    return bool(await db.scalar(select(select(column.class_.id).where(condition).exists())))


D = TypeVar("D")
M = TypeVar("M", bound=ModelProtocol)


async def found(repository: SQLAlchemyAsyncRepository[M], *filters: Any, **options: Any) -> M:
    """The record `filters` select, through the model's repository; `NotFound` when none."""
    record = await repository.get_one_or_none(*filters, **options)
    if record is None:
        raise NotFound()
    return record


async def found_one(db: AsyncSession, statement: Select[tuple[M]]) -> M:
    """The one record `statement` selects (rows of joined loads made unique); `NotFound` when none."""
    record = (await db.scalars(statement)).unique().one_or_none()
    if record is None:
        raise NotFound()
    return record


def searched(query: Select[Any], model: Any, q: str | None, archived: bool) -> Select[Any]:
    """`query` kept to the records of `model` whose text matches `q`, and to active ones unless
    `archived` (bodies, organisations, people)."""
    if q:
        query = query.where(matches(model.search_text, q))
    if not archived:
        query = query.where(model.archived_at.is_(None))
    return query


def draft_of(draft_type: type[D], record: Any) -> D:
    """A draft (a dataclass whose fields are named as the record's columns) of `record` as stored."""
    names = [column.name for column in fields(draft_type)]  # type: ignore[arg-type]
    return draft_type(**{name: getattr(record, name) for name in names})


def form_values(draft_type: type[Any], record: Any) -> dict[str, Any]:
    """What the edit form of `record` shows: its draft's fields as stored (a choice as its
    value, nothing as an empty field) and the version it was read at."""
    stored = {column.name: getattr(record, column.name) for column in fields(draft_type)}
    shown = {
        name: value.value if isinstance(value, Enum) else "" if value is None else value
        for name, value in stored.items()
    }
    return {**shown, "version": record.version}


def set_archived(record: Any, archived: bool) -> None:
    """Archive `record` (hidden from pickers and default lists, kept in the record) or bring it back."""
    if archived and record.archived_at is None:
        record.archived_at = utcnow()
    elif not archived and record.archived_at is not None:
        record.archived_at = None


Apply = Callable[[AsyncSession, M, Any], Awaitable[None]]


def refuse(errors: Mapping[str, str], draft: Any) -> None:
    """`Invalid` with `errors` and the values of `draft`, when there is any error."""
    if errors:
        raise Invalid(dict(errors), asdict(draft))


@dataclass(frozen=True)
class Kept(Generic[M]):
    """The changes of one kind of record the secretariat keeps (bodies, organisations, people,
    projects): `apply(db, record, draft)` raises `Invalid` with every problem of `draft` (see
    `refuse`), else writes it into `record`; `unique` is the field a unique constraint keeps,
    `duplicate()` the message when two people save the same value at once; `draft` the type
    of the drafts, whose fields are named as the record's columns."""

    model: Callable[[], M]
    draft: type[Any]
    apply: Apply[M]
    unique: str
    duplicate: Callable[[], str]

    def values(self, record: M) -> dict[str, Any]:
        """The editable fields of `record`, as its form shows them (see `form_values`)."""
        return form_values(self.draft, record)

    async def create(self, db: AsyncSession, draft: Any) -> M:
        """Validate `draft` and add it as a new record."""
        record = self.model()
        await self.apply(db, record, draft)
        db.add(record)
        await flush_unique(db, draft, self.unique, self.duplicate())
        return record

    async def update(self, db: AsyncSession, record: M, draft: Any, version: int | None) -> M:
        """Change `record`, edited from `version` (`Stale` when someone saved in between), to `draft`."""
        check_version(record, version)
        await self.apply(db, record, draft)
        await flush_unique(db, draft, self.unique, self.duplicate(), record)
        return record

    async def set_archived(self, db: AsyncSession, record: M, archived: bool) -> M:
        """Archive `record` (hidden from pickers and default lists, kept in the record) or bring it back."""
        set_archived(record, archived)
        await db.flush()
        return record


async def counted(db: AsyncSession, counts: Mapping[str, Select[Any]]) -> dict[str, int]:
    """The number each of `counts` (COUNT queries, by name) gives, all read in one statement."""
    row = (await db.execute(select(*(count.scalar_subquery() for count in counts.values())))).one()
    return dict(zip(counts, row, strict=True))


async def references(db: AsyncSession, record_id: int, columns: Mapping[str, Any]) -> dict[str, int]:
    """How many rows point at `record_id` through each of `columns` (by name), in one statement."""
    counts = {name: select(func.count()).where(column == record_id) for name, column in columns.items()}
    return await counted(db, counts)


def reasons(refs: Mapping[str, int], phrases: Mapping[str, Callable[[int], str]]) -> list[str]:
    """Why a record cannot be deleted: the phrase of each kind of reference it has, by number
    (`phrases` of literal ngettext calls, so that the catalog extraction finds each)."""
    return [phrase(refs[key]) % {"num": refs[key]} for key, phrase in phrases.items() if refs[key]]


async def delete_record(db: AsyncSession, record: Any, why: Sequence[str], refusal: str) -> None:
    """Delete `record`, unless there is a reason `why` not: then `Refused` with `refusal`, a
    message naming the `{reasons}`."""
    if why:
        raise Refused(refusal.format(reasons=listed(why)))
    await db.delete(record)
    await db.flush()


# People --------------------------------------------------------------------------------


class PersonRepository(SQLAlchemyAsyncRepository[Person]):
    model_type = Person


async def active_people(db: AsyncSession, ids: Sequence[int] | None = None) -> list[Person]:
    """People that pickers may propose, with their organisation loaded, ordered by name.

    Archived people, and people of an archived organisation, are left out. With `ids`, only
    those of them (e.g. to check the people a form submitted).
    """
    query = (
        select(Person)
        .join(Person.organisation)
        .options(joinedload(Person.organisation))
        .where(Person.archived_at.is_(None), Organisation.archived_at.is_(None))
        .order_by(Person.full_name, Person.id)
    )
    if ids is not None:
        if not ids:
            return []
        query = query.where(Person.id.in_(list(ids)))
    return list(await db.scalars(query))


def _people_filters(
    query: Select[Any],
    side: Side | None,
    organisation_id: int | None,
    q: str | None,
    archived: bool,
) -> Select[Any]:
    if side is not None:
        query = query.where(Organisation.side == side)
    if organisation_id is not None:
        query = query.where(Person.organisation_id == organisation_id)
    return searched(query, Person, q, archived)


async def list_people(
    db: AsyncSession,
    *,
    side: Side | None = None,
    organisation_id: int | None = None,
    q: str | None = None,
    archived: bool = False,
    window: Window = EVERY_ROW,
) -> tuple[list[Person], int]:
    """One page of people (organisation loaded), ordered by name, and the total.

    `q` searches name, email and title; `archived=True` includes archived people.
    """
    columns = {
        "name": (func.lower(Person.full_name),),
        "organisation": (func.lower(func.coalesce(func.nullif(Organisation.acronym, ""), Organisation.name)),),
        "side": (side_rank(Organisation.side),),
        "title": (func.lower(func.nullif(Person.title, "")),),
        "email": (func.lower(Person.email),),
    }
    tiebreak = (Person.full_name, Person.id)
    query = _people_filters(select(Person).join(Person.organisation), side, organisation_id, q, archived)
    people, total = await PersonRepository(session=db).get_many_and_count(
        *([LimitOffset(window.limit, window.offset)] if window.limit is not None else []),
        statement=query.order_by(*window.order(columns, tiebreak)),
        load=[joinedload(Person.organisation)],
        # The total even for a page past the end (the window function would say 0).
        count_with_window_function=False,
    )
    return list(people), total


async def get_person(db: AsyncSession, person_id: int) -> Person:
    """A person with their organisation loaded; `NotFound` when unknown."""
    return await found(PersonRepository(session=db), Person.id == person_id, load=[joinedload(Person.organisation)])


@dataclass
class PersonDraft:
    """The fields of a person as typed (None where a field is missing or unreadable)."""

    full_name: str = ""
    organisation_id: int | None = None
    title: str = ""
    email: str | None = None
    phone: str = ""
    language: Language | None = Language.FR

    @classmethod
    def of(cls, person: Person) -> PersonDraft:
        return draft_of(cls, person)


def _duplicate_email() -> str:
    return _("Another person already has this email address.")


def _email(draft: PersonDraft) -> str | None:
    return (draft.email or "").strip().lower() or None


async def person_errors(db: AsyncSession, draft: PersonDraft, current: Person | None = None) -> dict[str, str]:
    """Every problem with `draft`, by field; empty when it can be saved. The organisation
    must exist (and be active, unless unchanged); the email be unused. `current` is the
    person being edited (None for a new one)."""
    email = _email(draft)
    errors = text_errors(
        {
            "phone": (draft.phone.strip(), 50, False),
            "full_name": (draft.full_name.strip(), 200, True),
            "title": (draft.title.strip(), 200, False),
            "email": (email or "", 254, False),
        }
    )
    if "phone" not in errors and draft.phone.strip() and not PHONE.match(draft.phone.strip()):
        errors["phone"] = _("Enter a phone number: digits, spaces and + - ( ) only.")
    if draft.organisation_id is None:
        errors["organisation_id"] = _("This field is required.")
    elif not 0 < draft.organisation_id <= MAX_ID or (org := await db.get(Organisation, draft.organisation_id)) is None:
        errors["organisation_id"] = _("This organisation does not exist.")
    elif org.archived_at is not None and (current is None or current.organisation_id != org.id):
        errors["organisation_id"] = _("This organisation is archived: choose another one.")
    if email and "email" not in errors:
        if not EMAIL.match(email):
            errors["email"] = _("Enter a valid email address.")
        elif await taken(db, Person.email, email, current):
            errors["email"] = _duplicate_email()
    if problem := choice_problem(draft.language):
        errors["language"] = problem
    return errors


async def _apply_person(db: AsyncSession, person: Person, draft: PersonDraft) -> None:
    refuse(await person_errors(db, draft, person if person.id else None), draft)
    assert draft.organisation_id is not None and draft.language is not None
    person.full_name = draft.full_name.strip()
    person.organisation_id = draft.organisation_id
    person.title = draft.title.strip()
    person.email = _email(draft)
    person.phone = draft.phone.strip()
    person.language = draft.language


PEOPLE = Kept(Person, PersonDraft, _apply_person, "email", _duplicate_email)
person_values = PEOPLE.values


async def create_person(db: AsyncSession, draft: PersonDraft) -> Person:
    """Validate and add a person (`Invalid` with every problem); the email (lowercased) must be unused."""
    return await get_person(db, (await PEOPLE.create(db, draft)).id)


async def update_person(db: AsyncSession, person: Person, draft: PersonDraft, version: int | None) -> Person:
    """Change a person edited from `version`; a stale version raises `Stale`."""
    await PEOPLE.update(db, person, draft, version)
    db.expire(person, ["organisation"])
    return await get_person(db, person.id)


set_person_archived = PEOPLE.set_archived


async def person_references(db: AsyncSession, person_id: int) -> dict[str, int]:
    """Where the record mentions a person (one statement)."""
    columns = {
        "invitations": Invitation.person_id,
        "on_behalf_of": Invitation.on_behalf_of_id,
        "memberships": Membership.person_id,
        "presented_items": AgendaItem.presenter_id,
        "commitments": Commitment.responsible_id,
    }
    return await references(db, person_id, columns)


def _person_reasons(refs: dict[str, int]) -> list[str]:
    phrases = {
        "invitations": lambda n: ngettext("invited to %(num)d meeting", "invited to %(num)d meetings", n),
        "on_behalf_of": lambda n: ngettext(
            "represented by someone else at %(num)d meeting",
            "represented by someone else at %(num)d meetings",
            n,
        ),
        "memberships": lambda n: ngettext("member of %(num)d body", "member of %(num)d bodies", n),
        "presented_items": lambda n: ngettext(
            "presenter of %(num)d agenda item", "presenter of %(num)d agenda items", n
        ),
        "commitments": lambda n: ngettext(
            "responsible for %(num)d commitment", "responsible for %(num)d commitments", n
        ),
    }
    return reasons(refs, phrases)


async def delete_person(db: AsyncSession, person: Person) -> None:
    """Delete a person the record never mentions; otherwise refuse and explain (archive them)."""
    refusal = _(
        "This person cannot be deleted: {reasons}. Archive them instead: they will no longer "
        "be proposed, and the record keeps them."
    )
    await delete_record(db, person, _person_reasons(await person_references(db, person.id)), refusal)


async def person_memberships(db: AsyncSession, person_id: int) -> list[Membership]:
    """The bodies a person sits on (membership with its body loaded), by body name."""
    result = await db.scalars(
        select(Membership)
        .join(Membership.body)
        .options(joinedload(Membership.body))
        .where(Membership.person_id == person_id)
        .order_by(Body.name, Membership.id)
    )
    return list(result)


async def person_invitations(
    db: AsyncSession, person_id: int, limit: int = 20, *, drafts: bool = True
) -> tuple[list[Invitation], int]:
    """The meetings a person was invited to, most recent first (at most `limit`), and the
    total; without `drafts`, draft meetings are left out."""
    shown = Invitation.meeting_id.not_in(select(Meeting.id).where(Meeting.status == MeetingStatus.DRAFT))
    condition = (Invitation.person_id == person_id) if drafts else (Invitation.person_id == person_id) & shown
    total = await db.scalar(select(func.count(Invitation.id)).where(condition))
    result = await db.scalars(
        select(Invitation)
        .join(Invitation.meeting)
        .options(
            joinedload(Invitation.meeting).joinedload(Meeting.body),
            joinedload(Invitation.on_behalf_of),
        )
        .where(condition)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(limit)
    )
    return list(result), total or 0
