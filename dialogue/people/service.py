"""Rules of people, and what the area shares (sides, filters, unique checks): list, add, edit, archive, delete."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from litestar.exceptions import NotFoundException
from sqlalchemy import Select, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue.agenda.models import AgendaItem
from dialogue.bodies.models import Body, Membership
from dialogue.commitments.models import Commitment
from dialogue.db import utcnow
from dialogue.forms import Form, Invalid
from dialogue.i18n import _, listed, ngettext
from dialogue.listing import Sort
from dialogue.meetings.models import Invitation, Meeting, MeetingStatus
from dialogue.people.models import Language, Organisation, Person, Side
from dialogue.search import matches
from dialogue.web import Refused, check_version



SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


PHONE = re.compile(r"^\+?[0-9 ().\-/]{3,50}$")


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


async def flush_unique(
    db: AsyncSession, form: Form, field_name: str, message: str, record: Any = None
) -> None:
    """Flush; a unique constraint hit in between (two users at once) is a field error.

    The savepoint keeps the rest of the transaction; an edited `record` is reloaded as stored.
    """
    try:
        async with db.begin_nested():
            await db.flush()
    except IntegrityError as error:
        if record is not None:
            await db.refresh(record)
        raise Invalid({field_name: message}, form.values) from error


# People --------------------------------------------------------------------------------


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
    if q:
        query = query.where(matches(Person.search_text, q))
    if not archived:
        query = query.where(Person.archived_at.is_(None))
    return query


async def list_people(
    db: AsyncSession,
    *,
    side: Side | None = None,
    organisation_id: int | None = None,
    q: str | None = None,
    archived: bool = False,
    limit: int | None = 25,
    offset: int = 0,
    sort: Sort | None = None,
) -> tuple[list[Person], int]:
    """One page of people (organisation loaded), ordered by name, and the total.

    `q` searches name, email and title; `archived=True` includes archived people.
    """
    base = select(func.count(Person.id)).select_from(Person).join(Person.organisation)
    total = await db.scalar(_people_filters(base, side, organisation_id, q, archived))
    query = select(Person).join(Person.organisation).options(joinedload(Person.organisation))
    columns = {
        "name": (func.lower(Person.full_name),),
        "organisation": (func.lower(func.coalesce(func.nullif(Organisation.acronym, ""), Organisation.name)),),
        "side": (side_rank(Organisation.side),),
        "title": (func.lower(func.nullif(Person.title, "")),),
        "email": (func.lower(Person.email),),
    }
    tiebreak = (Person.full_name, Person.id)
    result = await db.scalars(
        _people_filters(query, side, organisation_id, q, archived)
        .order_by(*(sort.clauses(columns, tiebreak) if sort else tiebreak))
        .limit(limit)
        .offset(offset)
    )
    return list(result), total or 0


async def get_person(db: AsyncSession, person_id: int) -> Person:
    """A person with their organisation loaded; 404 when unknown."""
    person = await db.scalar(
        select(Person).options(joinedload(Person.organisation)).where(Person.id == person_id)
    )
    if person is None:
        raise NotFoundException()
    return person


def person_values(person: Person) -> dict[str, Any]:
    """The editable fields of `person`, as a form shows them."""
    return {
        "full_name": person.full_name,
        "organisation_id": person.organisation_id,
        "title": person.title,
        "email": person.email or "",
        "phone": person.phone,
        "language": person.language.value,
        "version": person.version,
    }


def _read_person(values: Mapping[str, Any]) -> tuple[Form, dict[str, Any]]:
    form = Form(values)
    phone = form.text("phone", max_length=50)
    if phone and "phone" not in form.errors and not PHONE.match(phone):
        form.error("phone", _("Enter a phone number: digits, spaces and + - ( ) only."))
    fields = {
        "full_name": form.text("full_name", required=True, max_length=200),
        "organisation_id": form.integer("organisation_id", required=True, minimum=1, maximum=2**31 - 1),
        "title": form.text("title", max_length=200),
        "email": form.email("email"),
        "phone": phone,
        "language": form.choice("language", Language, default=Language.FR),
    }
    return form, fields


def _duplicate_email() -> str:
    return _("Another person already has this email address.")


async def _check_person(db: AsyncSession, form: Form, fields: dict[str, Any], person: Person | None) -> None:
    """The organisation must exist (and be active, unless unchanged); the email unused."""
    organisation_id = fields["organisation_id"]
    if organisation_id is not None and "organisation_id" not in form.errors:
        org = await db.get(Organisation, organisation_id)
        unchanged = person is not None and person.organisation_id == organisation_id
        if org is None:
            form.error("organisation_id", _("This organisation does not exist."))
        elif org.archived_at is not None and not unchanged:
            form.error("organisation_id", _("This organisation is archived: choose another one."))
    email = fields["email"]
    if email and "email" not in form.errors:
        query = select(Person.id).where(Person.email == email)
        if person is not None:
            query = query.where(Person.id != person.id)
        if await db.scalar(query.limit(1)) is not None:
            form.error("email", _duplicate_email())
    form.check()


async def create_person(db: AsyncSession, values: Mapping[str, Any]) -> Person:
    """Validate and add a person; the email (lowercased) must be unused."""
    form, fields = _read_person(values)
    await _check_person(db, form, fields, None)
    person = Person(**fields)
    db.add(person)
    await flush_unique(db, form, "email", _duplicate_email())
    return await get_person(db, person.id)


async def update_person(db: AsyncSession, person: Person, values: Mapping[str, Any], version: int | None) -> Person:
    """Change a person edited from `version`; a stale version raises `Stale`."""
    check_version(person, version)
    form, fields = _read_person(values)
    await _check_person(db, form, fields, person)
    for name, value in fields.items():
        setattr(person, name, value)
    await flush_unique(db, form, "email", _duplicate_email(), person)
    db.expire(person, ["organisation"])
    return await get_person(db, person.id)


async def set_person_archived(db: AsyncSession, person: Person, archived: bool) -> Person:
    """Archive (no longer proposed in pickers) or bring back a person; the record keeps them."""
    if archived and person.archived_at is None:
        person.archived_at = utcnow()
    elif not archived and person.archived_at is not None:
        person.archived_at = None
    await db.flush()
    return person


async def person_references(db: AsyncSession, person_id: int) -> dict[str, int]:
    """Where the record mentions a person (one statement)."""
    def count(column: Any) -> Any:
        return select(func.count()).where(column == person_id).scalar_subquery()

    row = (
        await db.execute(
            select(
                count(Invitation.person_id),
                count(Invitation.on_behalf_of_id),
                count(Membership.person_id),
                count(AgendaItem.presenter_id),
                count(Commitment.responsible_id),
            )
        )
    ).one()
    keys = ("invitations", "on_behalf_of", "memberships", "presented_items", "commitments")
    return dict(zip(keys, row, strict=True))


def _person_reasons(refs: dict[str, int]) -> list[str]:
    # Literal ngettext calls, so that the catalog extraction finds every phrase.
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
    return [phrase(refs[key]) % {"num": refs[key]} for key, phrase in phrases.items() if refs[key]]


async def delete_person(db: AsyncSession, person: Person) -> None:
    """Delete a person the record never mentions; otherwise refuse and explain (archive them)."""
    reasons = _person_reasons(await person_references(db, person.id))
    if reasons:
        raise Refused(
            _(
                "This person cannot be deleted: {reasons}. Archive them instead: they will no longer "
                "be proposed, and the record keeps them."
            ).format(reasons=listed(reasons))
        )
    await db.delete(person)
    await db.flush()


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
