"""Who is invited to a meeting: inviting one, many or all members, changing and withdrawing invitations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue.bodies.models import Membership, MembershipKind, QuorumRule
from dialogue.errors import Invalid, NotFound, Refused, check_version
from dialogue.i18n import _
from dialogue.meetings.attendance import attendance_problem
from dialogue.meetings.models import (
    Attendance,
    Invitation,
    InvitationRole,
    Meeting,
)
from dialogue.meetings.quorum import Attendee, QuorumReport, quorum
from dialogue.meetings.service import body_members
from dialogue.minutes.lock import ensure_record_open
from dialogue.people.models import Organisation, Person, Side
from dialogue.people.service import active_people

# Invitations ----------------------------------------------------------------------------


SIDE_ORDER = {side: rank for rank, side in enumerate(Side)}


def side_of(invitation: Invitation) -> Side:
    return invitation.person.organisation.side


def ordered_invitations(meeting: Meeting) -> list[Invitation]:
    """Invitations by side (government, workers, employers, observers), then as ranked."""
    return sorted(
        meeting.invitations,
        key=lambda inv: (SIDE_ORDER[side_of(inv)], inv.rank, inv.person.full_name.casefold(), inv.id),
    )


@dataclass(frozen=True)
class SideGroup:
    side: Side
    invitations: list[Invitation]


def invitations_by_side(meeting: Meeting) -> list[SideGroup]:
    """The three party sides always (an empty one shows who is missing), observers if any."""
    ordered = ordered_invitations(meeting)
    groups = []
    for side in Side:
        members = [inv for inv in ordered if side_of(inv) == side]
        if members or side in Side.parties():
            groups.append(SideGroup(side, members))
    return groups


def meeting_quorum(meeting: Meeting) -> QuorumReport:
    """The quorum and parity panel of a meeting loaded with its body and invitations."""
    # An event of its own has no body and no rule of its own: each side present.
    body = meeting.body
    return quorum(
        body.quorum_rule if body is not None else QuorumRule.EACH_SIDE,
        body.quorum_min_per_side if body is not None else 1,
        [Attendee(side_of(inv), inv.attendance, inv.role) for inv in meeting.invitations],
    )


ROLE_FOR_MEMBERSHIP = {
    MembershipKind.TITULAR: InvitationRole.TITULAR,
    MembershipKind.ALTERNATE: InvitationRole.ALTERNATE,
}


async def invitation_choices(db: AsyncSession, meeting: Meeting) -> dict[str, Any]:
    """What the invitation form proposes: people not yet invited (by side), the body's
    members not yet invited, and who someone may attend on behalf of."""
    invited_ids = {inv.person_id for inv in meeting.invitations}
    members = await body_members(db, meeting.body_id)
    people = await active_people(db)
    uninvited = [p for p in people if p.id not in invited_ids]
    by_side = [(side, [p for p in uninvited if p.organisation.side == side]) for side in Side]
    behalf: dict[int, Person] = {m.person_id: m.person for m in members}
    for inv in meeting.invitations:
        behalf.setdefault(inv.person_id, inv.person)
    return {
        "people_by_side": [(side, group) for side, group in by_side if group],
        "proposed_members": [m for m in members if m.person_id not in invited_ids],
        "behalf_options": sorted(behalf.values(), key=lambda p: (p.full_name.casefold(), p.id)),
    }


async def _behalf_problem(db: AsyncSession, meeting: Meeting, person_id: int, behalf_id: int | None) -> str | None:
    if behalf_id is None:
        return None
    if behalf_id == person_id:
        return _("Someone cannot attend on their own behalf.")
    is_member = await db.scalar(
        select(exists().where(Membership.body_id == meeting.body_id, Membership.person_id == behalf_id))
    )
    is_invited = await db.scalar(
        select(exists().where(Invitation.meeting_id == meeting.id, Invitation.person_id == behalf_id))
    )
    if not (is_member or is_invited):
        return _("Choose a member of the body or someone invited to this meeting.")
    return None


async def invite_person(
    db: AsyncSession,
    meeting: Meeting,
    person_id: int | None,
    role: InvitationRole | None = InvitationRole.TITULAR,
    on_behalf_of_id: int | None = None,
) -> Invitation:
    """Invite one person in a role (raises `Invalid` with field errors)."""
    await ensure_record_open(db, meeting.id)
    errors: dict[str, str] = {}
    if person_id is None:
        errors["person_id"] = _("Choose a person.")
    else:
        person = await db.get(Person, person_id)
        if person is None:
            errors["person_id"] = _("This person does not exist.")
        elif person.archived_at is not None:
            errors["person_id"] = _("This person is archived.")
        elif await db.scalar(
            select(exists().where(Invitation.meeting_id == meeting.id, Invitation.person_id == person_id))
        ):
            errors["person_id"] = _("This person is already invited.")
        else:
            problem = await _behalf_problem(db, meeting, person_id, on_behalf_of_id)
            if problem:
                errors["on_behalf_of_id"] = problem
    if role is None:
        errors["role"] = _("Choose one of the options.")
    if errors:
        raise Invalid(errors, {"person_id": person_id, "role": role, "on_behalf_of_id": on_behalf_of_id})
    assert person_id is not None and role is not None
    invitation = Invitation(
        meeting_id=meeting.id,
        person_id=person_id,
        role=role,
        on_behalf_of_id=on_behalf_of_id,
        rank=await _next_rank(db, meeting.id),
    )
    db.add(invitation)
    await db.flush()
    return invitation


async def _next_rank(db: AsyncSession, meeting_id: int) -> int:
    highest = await db.scalar(select(func.max(Invitation.rank)).where(Invitation.meeting_id == meeting_id))
    return (highest or 0) + 1


async def invite_all_members(db: AsyncSession, meeting: Meeting) -> list[Invitation]:
    """Invite every member of the body not invited yet: titular members as titular,
    alternates as alternate. Returns the new invitations."""
    await ensure_record_open(db, meeting.id)
    invited = set(await db.scalars(select(Invitation.person_id).where(Invitation.meeting_id == meeting.id)))
    rank = await _next_rank(db, meeting.id)
    added = []
    for membership in await body_members(db, meeting.body_id):
        if membership.person_id in invited:
            continue
        invitation = Invitation(
            meeting_id=meeting.id,
            person_id=membership.person_id,
            role=ROLE_FOR_MEMBERSHIP[membership.kind],
            rank=rank,
        )
        rank += 1
        db.add(invitation)
        added.append(invitation)
    await db.flush()
    return added


async def get_invitation(db: AsyncSession, meeting_id: int, invitation_id: int) -> Invitation:
    """One invitation of the meeting, with person and organisation loaded, or 404."""
    invitation = await db.scalar(
        select(Invitation)
        .options(
            joinedload(Invitation.person).joinedload(Person.organisation),
            joinedload(Invitation.on_behalf_of),
            joinedload(Invitation.alternate),
        )
        .where(Invitation.id == invitation_id, Invitation.meeting_id == meeting_id)
    )
    if invitation is None:
        raise NotFound()
    return invitation


_UNCHANGED: Any = object()


async def update_invitation(
    db: AsyncSession,
    meeting: Meeting,
    invitation: Invitation,
    version: int | None,
    *,
    role: InvitationRole | None = _UNCHANGED,
    on_behalf_of_id: int | None = _UNCHANGED,
    attendance: Attendance | None = _UNCHANGED,
    arrived_late: bool = _UNCHANGED,
) -> Invitation:
    """Change role, "on behalf of", attendance or lateness (only the arguments given).

    Refused as `Stale` when `version` is not the invitation's current one.
    """
    await ensure_record_open(db, meeting.id)
    check_version(invitation, version)
    errors: dict[str, str] = {}
    if role is None:
        errors["role"] = _("Choose one of the options.")
    if attendance is None:
        errors["attendance"] = _("Choose one of the options.")
    elif attendance is not _UNCHANGED and attendance != invitation.attendance:
        problem = attendance_problem(meeting, attendance, now=dt.datetime.now(dt.UTC))
        if problem:
            errors["attendance"] = problem
    if on_behalf_of_id is not _UNCHANGED and on_behalf_of_id != invitation.on_behalf_of_id:
        problem = await _behalf_problem(db, meeting, invitation.person_id, on_behalf_of_id)
        if problem:
            errors["on_behalf_of_id"] = problem
    if errors:
        raise Invalid(errors)
    if role is not _UNCHANGED and role is not None:  # None was refused above
        invitation.role = role
    if on_behalf_of_id is not _UNCHANGED:
        invitation.on_behalf_of_id = on_behalf_of_id
    if attendance is not _UNCHANGED and attendance is not None:  # None was refused above
        invitation.attendance = attendance
        if attendance != Attendance.PRESENT and arrived_late is _UNCHANGED:
            invitation.arrived_late = False
    if arrived_late is not _UNCHANGED:
        invitation.arrived_late = bool(arrived_late) and invitation.attendance == Attendance.PRESENT
    await db.flush()
    return invitation


async def remove_invitation(db: AsyncSession, invitation: Invitation) -> None:
    """Withdraw an invitation. Once attendance is recorded it is part of the record: refused."""
    await ensure_record_open(db, invitation.meeting_id)
    if invitation.attendance != Attendance.UNRECORDED:
        raise Refused(
            _(
                "The attendance of {name} is recorded: set it back to “Not recorded” before removing the invitation."
            ).format(name=invitation.person.full_name)
        )
    await db.delete(invitation)
    await db.flush()


async def invite_many(
    db: AsyncSession,
    meeting: Meeting,
    *,
    person_ids: set[int],
    organisation_ids: set[int],
    sides: set[Side],
    role: InvitationRole | None = InvitationRole.TITULAR,
) -> list[Invitation]:
    """Invite in one action the people chosen one by one, every active person of the
    organisations chosen and of the sides chosen, in one role. People already invited keep
    their invitation. Raises `Invalid` when nothing is chosen or a chosen person cannot be
    invited (unknown or archived): then nobody is invited. Returns the new invitations."""
    await ensure_record_open(db, meeting.id)
    errors: dict[str, str] = {}
    if not (person_ids or organisation_ids or sides):
        errors["bulk"] = _("Choose people, an organisation or a side.")
    if role is None:
        errors["role"] = _("Choose one of the options.")
    chosen = {
        p.id: p
        for p in await db.scalars(
            select(Person)
            .join(Organisation, Person.organisation_id == Organisation.id)
            .where(
                Person.archived_at.is_(None),
                Organisation.archived_at.is_(None),
                or_(
                    Person.id.in_(person_ids),
                    Person.organisation_id.in_(organisation_ids),
                    Organisation.side.in_(sides),
                ),
            )
        )
    }
    if person_ids - set(chosen):
        errors["bulk"] = _("Some of the people chosen no longer exist or are archived: nobody was invited.")
    if errors:
        raise Invalid(errors)
    assert role is not None
    invited = set(await db.scalars(select(Invitation.person_id).where(Invitation.meeting_id == meeting.id)))
    rank = await _next_rank(db, meeting.id)
    added = []
    for person in sorted(chosen.values(), key=lambda p: (p.full_name.casefold(), p.id)):
        if person.id in invited:
            continue
        invitation = Invitation(meeting_id=meeting.id, person_id=person.id, role=role, rank=rank)
        rank += 1
        db.add(invitation)
        added.append(invitation)
    await db.flush()
    return added
