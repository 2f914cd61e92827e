"""Bodies (plenary, committees, working groups), their members and their quorum rule.

Like the people area, create and update functions take the submitted values as a mapping
(a form or a JSON body) and raise `Invalid` with field errors; handlers commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from litestar.exceptions import NotFoundException
from sqlalchemy import Select, and_, case, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue.bodies.models import (
    Body,
    BodyKind,
    Membership,
    MembershipKind,
    QuorumRule,
)
from dialogue.db import utcnow
from dialogue.forms import Form
from dialogue.i18n import _, ngettext
from dialogue.listing import Sort
from dialogue.meetings.models import Meeting, MeetingStatus
from dialogue.people.models import Organisation, Person, Side
from dialogue.people.service import flush_unique
from dialogue.search import matches
from dialogue.web import Refused, check_version

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


async def active_bodies(db: AsyncSession) -> list[Body]:
    """Bodies that pickers may propose (not archived), ordered by name."""
    return list(await db.scalars(select(Body).where(Body.archived_at.is_(None)).order_by(Body.name, Body.id)))


def _body_filters(query: Select[Any], q: str | None, archived: bool) -> Select[Any]:
    if q:
        query = query.where(matches(Body.search_text, q))
    if not archived:
        query = query.where(Body.archived_at.is_(None))
    return query


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
    limit: int | None = 25,
    offset: int = 0,
    sort: Sort | None = None,
) -> tuple[list[BodyRow], int]:
    """One page of bodies with their member and meeting counts (one statement), and the total."""

    def members(kind: MembershipKind) -> Any:
        return (
            select(func.count(Membership.id))
            .where(Membership.body_id == Body.id, Membership.kind == kind)
            .correlate(Body)
            .scalar_subquery()
        )

    meetings = select(func.count(Meeting.id)).where(Meeting.body_id == Body.id).correlate(Body).scalar_subquery()
    titulars, alternates = members(MembershipKind.TITULAR), members(MembershipKind.ALTERNATE)
    columns = {
        "name": (func.lower(Body.name),),
        "kind": (case(*[(Body.kind == kind, rank) for rank, kind in enumerate(BodyKind)]),),
        "titulars": (titulars,),
        "alternates": (alternates,),
        "meetings": (meetings,),
    }
    total = await db.scalar(_body_filters(select(func.count(Body.id)), q, archived))
    rows = await db.execute(
        _body_filters(select(Body, titulars, alternates, meetings), q, archived)
        .order_by(*(sort.clauses(columns, (Body.name, Body.id)) if sort else (Body.name, Body.id)))
        .limit(limit)
        .offset(offset)
    )
    return [BodyRow(*row) for row in rows.all()], total or 0


async def get_body(db: AsyncSession, body_id: int) -> Body:
    body = await db.get(Body, body_id)
    if body is None:
        raise NotFoundException()
    return body


def body_values(body: Body) -> dict[str, Any]:
    """The editable fields of `body`, as a form shows them."""
    return {
        "name": body.name,
        "short_name": body.short_name,
        "kind": body.kind.value,
        "description": body.description,
        "quorum_rule": body.quorum_rule.value,
        "quorum_min_per_side": body.quorum_min_per_side,
        "version": body.version,
    }


def _read_body(values: Mapping[str, Any]) -> tuple[Form, dict[str, Any]]:
    form = Form(values)
    fields = {
        "name": form.text("name", required=True, max_length=200),
        "short_name": form.text("short_name", max_length=60),
        "kind": form.choice("kind", BodyKind, default=BodyKind.COMMITTEE),
        "description": form.text("description", max_length=DESCRIPTION_MAX),
        "quorum_rule": form.choice("quorum_rule", QuorumRule, default=QuorumRule.EACH_SIDE),
        "quorum_min_per_side": form.integer("quorum_min_per_side", minimum=1, maximum=QUORUM_MAX),
    }
    if fields["quorum_min_per_side"] is None:
        if fields["quorum_rule"] == QuorumRule.MIN_PER_SIDE and "quorum_min_per_side" not in form.errors:
            form.error("quorum_min_per_side", _("Give the minimum number of members present for each side."))
        fields["quorum_min_per_side"] = 1
    return form, fields


def _duplicate_name() -> str:
    return _("Another body already has this name.")


async def _check_name(db: AsyncSession, form: Form, name: str, except_id: int | None) -> None:
    if name and "name" not in form.errors:
        query = select(Body.id).where(Body.name == name)
        if except_id is not None:
            query = query.where(Body.id != except_id)
        if await db.scalar(query.limit(1)) is not None:
            form.error("name", _duplicate_name())
    form.check()


async def create_body(db: AsyncSession, values: Mapping[str, Any]) -> Body:
    """Validate and add a body; its name must be unused."""
    form, fields = _read_body(values)
    await _check_name(db, form, fields["name"], None)
    body = Body(**fields)
    db.add(body)
    await flush_unique(db, form, "name", _duplicate_name())
    return body


async def update_body(db: AsyncSession, body: Body, values: Mapping[str, Any], version: int | None) -> Body:
    """Change a body edited from `version`; a stale version raises `Stale`."""
    check_version(body, version)
    form, fields = _read_body(values)
    await _check_name(db, form, fields["name"], body.id)
    for name, value in fields.items():
        setattr(body, name, value)
    await flush_unique(db, form, "name", _duplicate_name(), body)
    return body


async def set_body_archived(db: AsyncSession, body: Body, archived: bool) -> Body:
    """Archive (hidden from pickers and default lists; its meetings stay) or bring back."""
    if archived and body.archived_at is None:
        body.archived_at = utcnow()
    elif not archived and body.archived_at is not None:
        body.archived_at = None
    await db.flush()
    return body


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


async def add_member(db: AsyncSession, body: Body, values: Mapping[str, Any]) -> Membership:
    """Make an active person a titular or alternate member of `body` (once)."""
    form = Form(values)
    person_id = form.integer("person_id", required=True, minimum=1, maximum=2**31 - 1)
    kind = form.choice("kind", MembershipKind, default=MembershipKind.TITULAR)
    if person_id is not None and "person_id" not in form.errors:
        person = await db.scalar(
            select(Person).options(joinedload(Person.organisation)).where(Person.id == person_id)
        )
        if person is None:
            form.error("person_id", _("This person does not exist."))
        elif person.archived_at is not None or person.organisation.archived_at is not None:
            form.error("person_id", _("This person is archived: bring them back before adding them."))
        else:
            existing = await db.scalar(
                select(Membership.id).where(Membership.body_id == body.id, Membership.person_id == person_id)
            )
            if existing is not None:
                form.error("person_id", _("This person is already a member of this body."))
    form.check()
    membership = Membership(body_id=body.id, person_id=person_id, kind=kind)
    db.add(membership)
    await flush_unique(db, form, "person_id", _("This person is already a member of this body."))
    return membership


async def get_membership(db: AsyncSession, body_id: int, membership_id: int) -> Membership:
    membership = await db.scalar(
        select(Membership).where(Membership.id == membership_id, Membership.body_id == body_id)
    )
    if membership is None:
        raise NotFoundException()
    return membership


async def change_member_kind(db: AsyncSession, membership: Membership, values: Mapping[str, Any]) -> Membership:
    """Make a member titular or alternate."""
    form = Form(values)
    kind = form.choice("kind", MembershipKind)
    form.check()
    membership.kind = kind  # type: ignore[assignment]
    await db.flush()
    return membership


async def remove_member(db: AsyncSession, membership: Membership) -> None:
    """End a membership; past invitations and attendance keep the person in the record."""
    await db.delete(membership)
    await db.flush()
