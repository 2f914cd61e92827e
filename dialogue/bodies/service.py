"""Bodies (plenary, committees, working groups), their members and their quorum rule.

Like the people area, create and update functions take a typed draft (read from a form or
a JSON body by the handler) and raise `Invalid` with field errors; handlers commit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from advanced_alchemy.filters import OrderBy
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import and_, case, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue.bodies.models import (
    Body,
    BodyKind,
    Membership,
    MembershipKind,
    QuorumRule,
)
from dialogue.db import count_per_row, utcnow
from dialogue.errors import Invalid, Refused
from dialogue.i18n import _, ngettext
from dialogue.meetings.models import Meeting, MeetingStatus
from dialogue.people.models import Organisation, Person, Side
from dialogue.people.service import (
    MAX_ID,
    Kept,
    choice_problem,
    counted_page,
    flush_unique,
    found,
    found_one,
    refuse,
    searched,
    taken,
    text_errors,
)
from dialogue.sorting import EVERY_ROW, Window

QUORUM_MAX = 99
DESCRIPTION_MAX = 5000


def quorum_text(body: Body) -> str:
    """The body's quorum rule in a sentence."""
    if body.quorum_rule == QuorumRule.MIN_PER_SIDE:
        return ngettext(
            "At least %(num)d member present for each side",
            "At least %(num)d members present for each side",
            body.quorum_min_per_side,
        ) % {"num": body.quorum_min_per_side}
    return _("Each side (government, workers, employers) present")


# Bodies --------------------------------------------------------------------------------


class BodyRepository(SQLAlchemyAsyncRepository[Body]):
    model_type = Body


async def active_bodies(db: AsyncSession) -> list[Body]:
    """Bodies that pickers may propose (not archived), ordered by name."""
    return list(await BodyRepository(session=db).get_many(Body.archived_at.is_(None), OrderBy("name"), OrderBy("id")))


SORT_KEYS = ("name", "kind", "titulars", "alternates", "meetings")


@dataclass
class BodyRow:
    body: Body
    titulars: int
    alternates: int
    meetings: int


async def list_bodies(
    db: AsyncSession,
    *,
    q: str | None = None,
    archived: bool = False,
    window: Window = EVERY_ROW,
) -> tuple[list[BodyRow], int]:
    """One page of bodies with their member and meeting counts (one statement), and the total."""

    def members(kind: MembershipKind) -> Any:
        return count_per_row(Membership, Body, Membership.body_id == Body.id, Membership.kind == kind)

    meetings = count_per_row(Meeting, Body, Meeting.body_id == Body.id)
    titulars, alternates = members(MembershipKind.TITULAR), members(MembershipKind.ALTERNATE)
    columns = {
        "name": (func.lower(Body.name),),
        "kind": (case(*[(Body.kind == kind, rank) for rank, kind in enumerate(BodyKind)]),),
        "titulars": (titulars,),
        "alternates": (alternates,),
        "meetings": (meetings,),
    }
    query = searched(select(Body, titulars, alternates, meetings), Body, q, archived)
    rows, total = await counted_page(db, query, columns, (Body.name, Body.id), window)
    return [BodyRow(*row) for row in rows], total


async def get_body(db: AsyncSession, body_id: int) -> Body:
    return await found(BodyRepository(session=db), Body.id == body_id)


@dataclass
class BodyDraft:
    """The fields of a body as typed (None where a field is missing or unreadable)."""

    name: str = ""
    short_name: str = ""
    kind: BodyKind | None = BodyKind.COMMITTEE
    description: str = ""
    quorum_rule: QuorumRule | None = QuorumRule.EACH_SIDE
    quorum_min_per_side: int | None = None


def _duplicate_name() -> str:
    return _("Another body already has this name.")


async def body_errors(db: AsyncSession, draft: BodyDraft, current: Body | None = None) -> dict[str, str]:
    """Every problem with `draft`, by field; the name must be unused (`current`: the body edited)."""
    errors = text_errors(
        {
            "name": (draft.name.strip(), 200, True),
            "short_name": (draft.short_name.strip(), 60, False),
            "description": (draft.description.strip(), DESCRIPTION_MAX, False),
        }
    )
    for name in ("kind", "quorum_rule"):
        if problem := choice_problem(getattr(draft, name)):
            errors[name] = problem
    minimum = draft.quorum_min_per_side
    if minimum is None:
        if draft.quorum_rule == QuorumRule.MIN_PER_SIDE:
            errors["quorum_min_per_side"] = _("Give the minimum number of members present for each side.")
    elif minimum < 1:
        errors["quorum_min_per_side"] = _("Enter a number of at least {n}.").format(n=1)
    elif minimum > QUORUM_MAX:
        errors["quorum_min_per_side"] = _("Enter a number of at most {n}.").format(n=QUORUM_MAX)
    if "name" not in errors and await taken(db, Body.name, draft.name.strip(), current):
        errors["name"] = _duplicate_name()
    return errors


async def _apply_body(db: AsyncSession, body: Body, draft: BodyDraft) -> None:
    refuse(await body_errors(db, draft, body if body.id else None), draft)
    assert draft.kind is not None and draft.quorum_rule is not None
    body.name = draft.name.strip()
    body.short_name = draft.short_name.strip()
    body.kind = draft.kind
    body.description = draft.description.strip()
    body.quorum_rule = draft.quorum_rule
    body.quorum_min_per_side = draft.quorum_min_per_side or 1


BODIES = Kept(Body, BodyDraft, _apply_body, "name", _duplicate_name)
body_values = BODIES.values
create_body, update_body, set_body_archived = BODIES.create, BODIES.update, BODIES.set_archived


async def delete_body(db: AsyncSession, body: Body) -> None:
    """Delete a body that never met (its memberships go with it); otherwise refuse: archive it."""
    meetings = await db.scalar(select(func.count(Meeting.id)).where(Meeting.body_id == body.id)) or 0
    if meetings:
        raise Refused(
            ngettext(
                "This body cannot be deleted: it has %(num)d meeting. "
                "Archive it instead: its meetings stay in the record.",
                "This body cannot be deleted: it has %(num)d meetings. "
                "Archive it instead: its meetings stay in the record.",
                meetings,
            )
            % {"num": meetings}
        )
    await db.refresh(body, ["memberships"])  # the ORM cascades the delete to them
    await db.delete(body)
    await db.flush()


async def body_meetings(
    db: AsyncSession, body_id: int, limit: int = 10, *, drafts: bool = True
) -> tuple[list[Meeting], list[Meeting]]:
    """The body's next meetings (soonest first) and its recent ones (latest first)."""
    now = utcnow()
    upcoming = await db.scalars(
        select(Meeting)
        .where(Meeting.body_id == body_id, Meeting.starts_at >= now)
        .where(true() if drafts else Meeting.status != MeetingStatus.DRAFT)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
    )
    recent = await db.scalars(
        select(Meeting)
        .where(Meeting.body_id == body_id, Meeting.starts_at < now)
        .where(true() if drafts else Meeting.status != MeetingStatus.DRAFT)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(limit)
    )
    return list(upcoming), list(recent)


# Members -------------------------------------------------------------------------------


async def body_members(db: AsyncSession, body_id: int, *, include_archived: bool = False) -> list[Membership]:
    """The memberships of a body, person and organisation loaded, by person name.

    Archived people (or people of an archived organisation) are left out unless
    `include_archived`: what is proposed as invitees stays on the active table.
    """
    query = (
        select(Membership)
        .join(Membership.person)
        .join(Person.organisation)
        .options(joinedload(Membership.person).joinedload(Person.organisation))
        .where(Membership.body_id == body_id)
        .order_by(Person.full_name, Membership.id)
    )
    if not include_archived:
        query = query.where(and_(Person.archived_at.is_(None), Organisation.archived_at.is_(None)))
    return list(await db.scalars(query))


@dataclass
class SideMembers:
    side: Side
    titulars: list[Membership] = field(default_factory=list)
    alternates: list[Membership] = field(default_factory=list)

    @property
    def counts_for_quorum(self) -> bool:
        return self.side in Side.parties()

    @property
    def count(self) -> int:
        return len(self.titulars) + len(self.alternates)


def members_by_side(memberships: list[Membership]) -> list[SideMembers]:
    """Memberships (person and organisation loaded) grouped by side, then titular/alternate."""
    groups = {side: SideMembers(side) for side in Side}
    for membership in memberships:
        group = groups[membership.person.organisation.side]
        if membership.kind == MembershipKind.ALTERNATE:
            group.alternates.append(membership)
        else:
            group.titulars.append(membership)
    return list(groups.values())


async def member_candidates(db: AsyncSession, body_id: int) -> list[Person]:
    """Active people who are not yet members of the body, organisation loaded, by name."""
    already = select(Membership.person_id).where(Membership.body_id == body_id)
    result = await db.scalars(
        select(Person)
        .join(Person.organisation)
        .options(joinedload(Person.organisation))
        .where(Person.archived_at.is_(None), Organisation.archived_at.is_(None), Person.id.not_in(already))
        .order_by(Person.full_name, Person.id)
    )
    return list(result)


@dataclass
class MemberDraft:
    """A membership as typed: who, and titular or alternate (None where missing or unreadable)."""

    person_id: int | None = None
    kind: MembershipKind | None = MembershipKind.TITULAR


def _already_member() -> str:
    return _("This person is already a member of this body.")


async def member_errors(db: AsyncSession, body: Body, draft: MemberDraft) -> dict[str, str]:
    """Every problem with `draft`: the person must exist, be active, and not be a member yet."""
    errors: dict[str, str] = {}
    if draft.person_id is None:
        errors["person_id"] = _("This field is required.")
    else:
        person = (
            await db.scalar(select(Person).options(joinedload(Person.organisation)).where(Person.id == draft.person_id))
            if 0 < draft.person_id <= MAX_ID
            else None
        )
        if person is None:
            errors["person_id"] = _("This person does not exist.")
        elif person.archived_at is not None or person.organisation.archived_at is not None:
            errors["person_id"] = _("This person is archived: bring them back before adding them.")
        elif (
            await db.scalar(
                select(Membership.id).where(Membership.body_id == body.id, Membership.person_id == person.id)
            )
            is not None
        ):
            errors["person_id"] = _already_member()
    if problem := choice_problem(draft.kind):
        errors["kind"] = problem
    return errors


async def add_member(db: AsyncSession, body: Body, draft: MemberDraft) -> Membership:
    """Make an active person a titular or alternate member of `body` (once)."""
    errors = await member_errors(db, body, draft)
    if errors:
        raise Invalid(errors, asdict(draft))
    assert draft.person_id is not None and draft.kind is not None
    membership = Membership(body_id=body.id, person_id=draft.person_id, kind=draft.kind)
    db.add(membership)
    await flush_unique(db, draft, "person_id", _already_member())
    return membership


async def get_membership(db: AsyncSession, body_id: int, membership_id: int) -> Membership:
    """A membership of the body; `NotFound` when unknown or another body's."""
    return await found_one(db, select(Membership).where(Membership.id == membership_id, Membership.body_id == body_id))


async def change_member_kind(db: AsyncSession, membership: Membership, kind: MembershipKind | None) -> Membership:
    """Make a member titular or alternate."""
    if problem := choice_problem(kind):
        raise Invalid({"kind": problem})
    assert kind is not None
    membership.kind = kind
    await db.flush()
    return membership


async def remove_member(db: AsyncSession, membership: Membership) -> None:
    """End a membership; past invitations and attendance keep the person in the record."""
    await db.delete(membership)
    await db.flush()
