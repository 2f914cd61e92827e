"""The meetings API's bodies of requests and answers (msgspec structs), and the records turned
into answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import UNSET, Meta, UnsetType

from dialogue import bilingual
from dialogue.i18n import current_timezone
from dialogue.meetings import invitations, service
from dialogue.meetings.models import (
    Attendance,
    Invitation,
    InvitationRole,
    Meeting,
    MeetingKind,
    MeetingStatus,
    SessionKind,
)
from dialogue.meetings.quorum import QuorumReport
from dialogue.openapi import Page, named, out_of
from dialogue.text_input import Input

LocalDateTime = Annotated[
    str,
    Meta(
        description="ISO 8601 date and time; without an offset it is a time in Africa/Tunis.",
        examples=["2026-12-10T09:00:00+01:00", "2026-12-10T09:00"],
    ),
]


# Bodies of requests and answers ---------------------------------------------------------


class InvitationOut(msgspec.Struct):
    id: int
    version: int
    person_id: int
    person_name: str
    organisation: str
    side: str
    role: InvitationRole
    on_behalf_of_id: int | None
    attendance: Attendance
    arrived_late: bool


class SideTallyOut(msgspec.Struct):
    side: str
    counts: bool
    invited: int
    present: int
    excused: int
    absent: int
    unrecorded: int
    counted: int
    required: int


class QuorumOut(msgspec.Struct):
    rule: str
    required_per_side: int
    met: bool
    every_side_represented: bool
    shortfalls: list[str]
    parity: str
    sides: list[SideTallyOut]


class MeetingOut(msgspec.Struct):
    id: int
    version: int
    body_id: int | None  # None: an event of its own
    body_name: str  # its body's name, or for an event of its own its kind
    title: str
    kind: MeetingKind
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str
    online_url: str | None
    status: MeetingStatus
    description: str
    invited: int
    project_id: int | None = None
    session_kind: SessionKind | None = None
    session_number: int | None = None
    # The title and description in each language written ({"title": {"fr": ..., "ar": ...}});
    # `title` and `description` are the first written in the order fr, ar, en.
    versions: dict[str, dict[str, str]] = {}


class MeetingDetailOut(MeetingOut):
    invitations: list[InvitationOut] = []
    quorum: QuorumOut | None = None


MeetingListOut = Annotated[Page[MeetingOut], named("MeetingListOut")]
InvitationListOut = Annotated[Page[InvitationOut], named("InvitationListOut")]


class MeetingIn(Input, forbid_unknown_fields=True):
    # None for an event of its own (a workshop, a seminar...); a council meeting needs one.
    body_id: int | None
    title: str
    starts_at: LocalDateTime
    ends_at: LocalDateTime
    kind: MeetingKind = MeetingKind.PLENARY
    venue: str = ""
    online_url: str | None = None
    status: MeetingStatus = MeetingStatus.SCHEDULED
    description: str = ""
    project_id: int | None = None
    session_kind: SessionKind | None = None
    session_number: int | None = None
    # `title` and `description` are the French versions; these the Arabic and English ones.
    # At least one version of the title is needed.
    title_ar: str = ""
    title_en: str = ""
    description_ar: str = ""
    description_en: str = ""
    # Start the agenda with "Follow-up of commitments" listing the body's open commitments.
    carry_over: bool = True
    # Unusual values (a start more than two years ahead, a meeting over 12 hours, a past
    # start still "scheduled") are refused with `warnings` until sent again with confirm.
    confirm: bool = False


class MeetingPatch(Input, forbid_unknown_fields=True):
    """The fields to change, and the `version` the change was made from."""

    version: int
    body_id: int | UnsetType | None = UNSET
    project_id: int | UnsetType | None = UNSET
    session_kind: SessionKind | UnsetType | None = UNSET
    session_number: int | UnsetType | None = UNSET
    title: str | UnsetType = UNSET
    starts_at: LocalDateTime | UnsetType = UNSET
    ends_at: LocalDateTime | UnsetType = UNSET
    kind: MeetingKind | UnsetType = UNSET
    venue: str | UnsetType = UNSET
    online_url: str | UnsetType | None = UNSET
    status: MeetingStatus | UnsetType = UNSET
    description: str | UnsetType = UNSET
    title_ar: str | UnsetType = UNSET
    title_en: str | UnsetType = UNSET
    description_ar: str | UnsetType = UNSET
    description_en: str | UnsetType = UNSET
    confirm: bool = False  # as for MeetingIn


class CancelIn(Input, forbid_unknown_fields=True):
    version: int | None = None


class SendIn(Input, forbid_unknown_fields=True):
    correction: Annotated[
        bool, Meta(description="Required true for a meeting that is over: the sending corrects the record.")
    ] = False
    dry_run: Annotated[bool, Meta(description="Only say what would be sent; send nothing.")] = False


class PlannedOut(msgspec.Struct):
    person_id: int
    person_name: str
    email: str
    kind: str  # invitation, update or cancellation


class SendOut(msgspec.Struct):
    sent: bool
    messages: list[PlannedOut]
    invitations: int
    updates: int
    cancellations: int
    up_to_date: int
    without_address: int


class InvitationIn(Input, forbid_unknown_fields=True):
    person_id: int
    role: InvitationRole = InvitationRole.TITULAR
    on_behalf_of_id: int | None = None


class InvitationPatch(Input, forbid_unknown_fields=True):
    version: int
    role: InvitationRole | UnsetType = UNSET
    on_behalf_of_id: int | UnsetType | None = UNSET
    attendance: Attendance | UnsetType = UNSET
    arrived_late: bool | UnsetType = UNSET


# From records to answers ----------------------------------------------------------------


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(current_timezone())


def invitation_out(invitation: Invitation) -> InvitationOut:
    org = invitation.person.organisation
    return out_of(
        InvitationOut,
        invitation,
        person_name=invitation.person.full_name,
        organisation=org.acronym or org.name,
        side=org.side.value,
    )


def quorum_out(report: QuorumReport) -> QuorumOut:
    return QuorumOut(
        rule=report.rule.value,
        required_per_side=report.min_per_side,
        met=report.quorum_met,
        every_side_represented=report.every_side_represented,
        shortfalls=[shortfall.message for shortfall in report.shortfalls],
        parity=report.parity.value,
        sides=[out_of(SideTallyOut, tally, side=tally.side.value) for tally in report.sides],
    )


M = TypeVar("M", bound=MeetingOut)


def meeting_out(kind: type[M], meeting: Meeting, invited: int, **more: Any) -> M:
    return out_of(
        kind,
        meeting,
        body_name=meeting.body_name,
        starts_at=_local(meeting.starts_at),
        ends_at=_local(meeting.ends_at),
        invited=invited,
        versions=bilingual.all_versions(meeting, *service.TEXTS),
        **more,
    )


def meeting_detail(meeting: Meeting) -> MeetingDetailOut:
    """A meeting loaded with its body and invitations, with the quorum panel."""
    return meeting_out(
        MeetingDetailOut,
        meeting,
        len(meeting.invitations),
        invitations=[invitation_out(inv) for inv in invitations.ordered_invitations(meeting)],
        quorum=quorum_out(invitations.meeting_quorum(meeting)),
    )
