"""Meetings and invitations (with attendance)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.bilingual import Translated
from dialogue.bodies.models import Body
from dialogue.choices import Choice, ChoiceType
from dialogue.db import Base, FreeText, Moment, Versioned, foreign_key
from dialogue.i18n import N_
from dialogue.people.models import Organisation, Person
from dialogue.projects.models import Project
from dialogue.search import Searchable, search_index


class MeetingKind(Choice):
    """A meeting of one of the council's bodies, or an event (a workshop, a seminar...)
    which may stand on its own, without a body."""

    PLENARY = "plenary", N_("Plenary")
    COMMITTEE = "committee", N_("Committee")
    WORKING_GROUP = "working_group", N_("Working group")
    BILATERAL = "bilateral", N_("Bilateral")
    WORKSHOP = "workshop", N_("Workshop")
    SEMINAR = "seminar", N_("Seminar")
    VALIDATION_WORKSHOP = "validation_workshop", N_("Validation workshop")
    CLOSING_WORKSHOP = "closing_workshop", N_("Closing workshop")
    CONSULTATION = "consultation", N_("Consultation")
    FIELD_VISIT = "field_visit", N_("Field visit")

    @classmethod
    def council(cls) -> tuple[MeetingKind, ...]:
        """The kinds of the council's own meetings: each belongs to a body."""
        return (cls.PLENARY, cls.COMMITTEE, cls.WORKING_GROUP, cls.BILATERAL)

    @classmethod
    def events(cls) -> tuple[MeetingKind, ...]:
        """Events: a body is optional."""
        return tuple(kind for kind in cls if kind not in cls.council())


class SessionKind(Choice):
    """A council body's session: the ordinary ones are numbered in the year."""

    ORDINARY = "ordinary", N_("Ordinary session")
    EXTRAORDINARY = "extraordinary", N_("Extraordinary session")


class PartnerRole(Choice):
    """What an organisation does for an event. Partners never count toward quorum or
    parity and never approve minutes: that stays with the three sides' invitees."""

    LEAD = "lead", N_("Lead")
    ORGANISER = "organiser", N_("Organiser")
    COORDINATOR = "coordinator", N_("Coordinator")
    DONOR = "donor", N_("Donor")
    TECHNICAL_PARTNER = "technical_partner", N_("Technical partner")
    PARTICIPANT = "participant", N_("Participant")


class MeetingStatus(Choice):
    DRAFT = "draft", N_("Draft")
    SCHEDULED = "scheduled", N_("Scheduled")
    HELD = "held", N_("Held")
    POSTPONED = "postponed", N_("Postponed")
    CANCELLED = "cancelled", N_("Cancelled")


class InvitationRole(Choice):
    CHAIR = "chair", N_("Chair")
    TITULAR = "titular", N_("Titular")
    ALTERNATE = "alternate", N_("Alternate")
    ADVISER = "adviser", N_("Adviser")
    OBSERVER = "observer", N_("Observer")
    SECRETARIAT = "secretariat", N_("Secretariat")


class Attendance(Choice):
    UNRECORDED = "unrecorded", N_("Not recorded")
    PRESENT = "present", N_("Present")
    EXCUSED = "excused", N_("Excused")
    ABSENT = "absent", N_("Absent")


class InvitationResponse(Choice):
    """The invited person's answer (PARTSTAT in calendar files)."""

    NEEDS_ACTION = "needs_action", N_("No answer yet")
    ACCEPTED = "accepted", N_("Will attend")
    DECLINED = "declined", N_("Declined")
    DELEGATED = "delegated", N_("Sends an alternate")


class Meeting(Translated, Searchable, Versioned, Base):
    __table_args__ = (
        Index("ix_meeting_body_starts", "body_id", "starts_at"),
        # Held (or scheduled) meetings in a period: the dashboard and the reports read the index alone.
        Index("ix_meeting_status_starts", "status", "starts_at"),
        search_index("meeting"),
    )

    # None for an event that stands on its own (MeetingKind.events()).
    body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id", ondelete="RESTRICT"), default=None)
    project_id: Mapped[int | None] = foreign_key("project", ondelete="RESTRICT", default=None)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[MeetingKind] = mapped_column(ChoiceType(MeetingKind, 20), default=MeetingKind.PLENARY)
    starts_at: Mapped[Moment] = mapped_column(index=True)
    ends_at: Mapped[Moment]
    venue: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str | None] = mapped_column(String(500), default=None)
    status: Mapped[MeetingStatus] = mapped_column(ChoiceType(MeetingStatus, 20), default=MeetingStatus.DRAFT)
    description: Mapped[FreeText]
    # "2nd ordinary session of 2026": the number within the body's year (ordinary sessions);
    # an extraordinary session has no number. Both None when not a numbered session.
    session_kind: Mapped[SessionKind | None] = mapped_column(ChoiceType(SessionKind, 20), default=None)
    session_number: Mapped[int | None] = mapped_column(Integer, default=None)
    # SEQUENCE of its calendar invitations (RFC 5545): raised whenever time, place, title,
    # status or agenda change (dialogue/calendar/sequence.py).
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    body: Mapped[Body | None] = relationship(lazy="raise")
    project: Mapped[Project | None] = relationship(lazy="raise")
    partners: Mapped[list[MeetingPartner]] = relationship(
        back_populates="meeting", lazy="raise", cascade="all, delete-orphan", order_by="MeetingPartner.rank"
    )
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="meeting", lazy="raise", cascade="all, delete-orphan"
    )

    @property
    def body_name(self) -> str:
        """Its body's name, or for an event of its own its kind ("Workshop"). The body must
        have been loaded."""
        return self.body.name if self.body is not None else self.kind.label

    @property
    def body_short_name(self) -> str:
        return (self.body.short_name or self.body.name) if self.body is not None else self.kind.label

    @property
    def has_started(self) -> bool:
        """Present or absent can be recorded once the meeting has started (see
        meetings.attendance.attendance_problem)."""
        return self.starts_at <= dt.datetime.now(dt.UTC)


class MeetingPartner(Base):
    """An organisation with a role on an event: lead, organiser, donor... Any organisation
    may have one (the ministry leads, the ILO coordinates, a donor funds)."""

    __table_args__ = (UniqueConstraint("meeting_id", "organisation_id", "role"),)

    meeting_id: Mapped[int] = foreign_key("meeting", ondelete="CASCADE")
    organisation_id: Mapped[int] = foreign_key("organisation", ondelete="RESTRICT")
    role: Mapped[PartnerRole] = mapped_column(ChoiceType(PartnerRole, 20))
    rank: Mapped[int] = mapped_column(Integer, default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="partners", lazy="raise")
    organisation: Mapped[Organisation] = relationship(lazy="raise")


class Invitation(Versioned, Base):
    """A person invited to a meeting, in a role, and whether they attended."""

    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    meeting_id: Mapped[int] = foreign_key("meeting", ondelete="CASCADE")
    person_id: Mapped[int] = foreign_key("person", ondelete="RESTRICT")
    role: Mapped[InvitationRole] = mapped_column(ChoiceType(InvitationRole, 20), default=InvitationRole.TITULAR)
    on_behalf_of_id: Mapped[int | None] = foreign_key("person", ondelete="RESTRICT", default=None)
    attendance: Mapped[Attendance] = mapped_column(ChoiceType(Attendance, 20), default=Attendance.UNRECORDED)
    arrived_late: Mapped[bool] = mapped_column(Boolean, default=False)
    # Position in the list as the secretariat ordered it; keeps exports stable.
    rank: Mapped[int] = mapped_column(Integer, default=0)
    # The person's own answer (personal links of the invitation email).
    response: Mapped[InvitationResponse] = mapped_column(
        ChoiceType(InvitationResponse, 20), default=InvitationResponse.NEEDS_ACTION, server_default="needs_action"
    )
    responded_at: Mapped[Moment | None] = mapped_column(default=None)
    # Who the person named to attend instead (a person of the same side), when delegated.
    alternate_id: Mapped[int | None] = foreign_key("person", ondelete="SET NULL", default=None)

    meeting: Mapped[Meeting] = relationship(back_populates="invitations", lazy="raise")
    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="raise")
    on_behalf_of: Mapped[Person | None] = relationship(foreign_keys=[on_behalf_of_id], lazy="raise")
    alternate: Mapped[Person | None] = relationship(foreign_keys=[alternate_id], lazy="raise")


class CalendarDelivery(Base):
    """What each person was last sent about a meeting's calendar event (one row per
    meeting and person): the address, SEQUENCE and METHOD of the last invitation or
    cancellation. It decides who gets a cancellation and whether a sending is an update."""

    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    meeting_id: Mapped[int] = foreign_key("meeting", ondelete="CASCADE")
    person_id: Mapped[int] = foreign_key("person", ondelete="CASCADE")
    email: Mapped[str] = mapped_column(String(254))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    method: Mapped[str] = mapped_column(String(10))  # REQUEST or CANCEL
    # The role they were invited in (InvitationRole value): a cancellation sent once they
    # are off the list names them in that role. None for rows older than this column.
    role: Mapped[str | None] = mapped_column(String(20), default=None)
    sent_at: Mapped[Moment]
