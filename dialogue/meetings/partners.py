"""The organisations with a role on an event (lead, organiser, coordinator, donor, technical
partner, participant), in the order the secretariat gives them.

Partners are shown on the meeting page, in the minutes and in the reports; they never count
for quorum or parity and never approve minutes (that stays with the three sides' invitees).
Like attendance and the agenda, they are part of the record that adopted minutes close.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue.errors import Invalid, Refused
from dialogue.i18n import _, listed
from dialogue.meetings.models import Meeting, MeetingPartner, PartnerRole
from dialogue.minutes.lock import record_closed
from dialogue.people.models import Organisation
from dialogue.people.service import MAX_ID, choice_problem, found_one


@dataclass
class RoleGroup:
    """The partners of an event in one role ("Technical partners: OTE, ONM, INS")."""

    role: PartnerRole
    partners: list[MeetingPartner] = field(default_factory=list)

    @property
    def names(self) -> str:
        return listed(partner.organisation.acronym or partner.organisation.name for partner in self.partners)


async def _ensure_open(db: AsyncSession, meeting_id: int) -> None:
    """`Refused` once the minutes are adopted: the partners are part of the record they close."""
    if await record_closed(db, meeting_id):
        raise Refused(
            _(
                "The minutes of this event have been adopted: its partners can no longer be changed. "
                "Correct the record with an addendum to the minutes."
            )
        )


async def meeting_partners(db: AsyncSession, meeting_id: int) -> list[MeetingPartner]:
    """The event's partners, organisation loaded, in their order."""
    result = await db.scalars(
        select(MeetingPartner)
        .options(joinedload(MeetingPartner.organisation))
        .where(MeetingPartner.meeting_id == meeting_id)
        .order_by(MeetingPartner.rank, MeetingPartner.id)
    )
    return list(result)


def by_role(partners: list[MeetingPartner]) -> list[RoleGroup]:
    """The partners grouped by role, roles in their usual order (lead first), empty ones left out."""
    groups = {role: RoleGroup(role) for role in PartnerRole}
    for partner in partners:
        groups[partner.role].partners.append(partner)
    return [group for group in groups.values() if group.partners]


async def partner_candidates(db: AsyncSession) -> list[Organisation]:
    """Organisations that may take a role (not archived), by name."""
    result = await db.scalars(
        select(Organisation).where(Organisation.archived_at.is_(None)).order_by(Organisation.name, Organisation.id)
    )
    return list(result)


async def add_partner(
    db: AsyncSession, meeting: Meeting, organisation_id: int | None, role: PartnerRole | None
) -> MeetingPartner:
    """Give an organisation a role on the event, last in order; `Refused` once the minutes
    are adopted, `Invalid` for an unknown or archived organisation or a role it already has."""
    await _ensure_open(db, meeting.id)
    errors: dict[str, str] = {}
    if organisation_id is None:
        errors["organisation_id"] = _("This field is required.")
    else:
        org = await db.get(Organisation, organisation_id) if 0 < organisation_id <= MAX_ID else None
        if org is None:
            errors["organisation_id"] = _("This organisation does not exist.")
        elif org.archived_at is not None:
            errors["organisation_id"] = _("This organisation is archived: choose another one.")
    if problem := choice_problem(role):
        errors["role"] = problem
    if not errors:
        already = await db.scalar(
            select(MeetingPartner.id).where(
                MeetingPartner.meeting_id == meeting.id,
                MeetingPartner.organisation_id == organisation_id,
                MeetingPartner.role == role,
            )
        )
        if already is not None:
            errors["organisation_id"] = _("This organisation already has this role on this event.")
    if errors:
        raise Invalid(errors)
    assert organisation_id is not None and role is not None
    last = await db.scalar(select(func.max(MeetingPartner.rank)).where(MeetingPartner.meeting_id == meeting.id))
    partner = MeetingPartner(meeting_id=meeting.id, organisation_id=organisation_id, role=role, rank=(last or 0) + 1)
    db.add(partner)
    await db.flush()
    return partner


async def get_partner(db: AsyncSession, meeting_id: int, partner_id: int) -> MeetingPartner:
    """A partner of the meeting; `NotFound` when unknown or another meeting's."""
    query = select(MeetingPartner).where(MeetingPartner.id == partner_id, MeetingPartner.meeting_id == meeting_id)
    return await found_one(db, query)


async def remove_partner(db: AsyncSession, partner: MeetingPartner) -> None:
    """Take the role away; `Refused` once the minutes are adopted."""
    await _ensure_open(db, partner.meeting_id)
    await db.delete(partner)
    await db.flush()


async def move_partner(db: AsyncSession, partner: MeetingPartner, step: int) -> None:
    """Move a partner one place earlier (`step` -1) or later (+1); `Refused` once the minutes
    are adopted. The ranks are renumbered 1, 2, 3..."""
    await _ensure_open(db, partner.meeting_id)
    partners = await meeting_partners(db, partner.meeting_id)
    index = next(i for i, other in enumerate(partners) if other.id == partner.id)
    target = index + step
    if 0 <= target < len(partners):
        partners[index], partners[target] = partners[target], partners[index]
    for rank, other in enumerate(partners, start=1):
        if other.rank != rank:
            other.rank = rank
    await db.flush()


async def partners_section(db: AsyncSession, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    """What the partners section shows: the partners (in order and by role) and the form's choices."""
    shown = await meeting_partners(db, meeting.id)
    return {
        "partners": shown,
        "partner_groups": by_role(shown),
        "partner_candidates": await partner_candidates(db),
        "partner_roles": PartnerRole.options(),
        "partner_errors": {},
        "partner_values": {},
        "partners_refusal": "",
        **extra,
    }
