"""The outbox: every email Dialogue sends is first a row here, written in the same
transaction as the action that causes it, then sent by a worker (dialogue/mail/delivery.py)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dialogue.choices import Choice, ChoiceType
from dialogue.db import Base, FreeText, Moment, foreign_key
from dialogue.i18n import N_
from dialogue.search import Searchable, search_index


class OutboxStatus(Choice):
    PENDING = "pending", N_("Waiting")
    SENDING = "sending", N_("Being sent")
    SENT = "sent", N_("Sent")
    FAILED = "failed", N_("Failed")


class CalendarMethod(Choice):
    """The iTIP method (RFC 5546) of the calendar part; the MIME part says the same."""

    REQUEST = "REQUEST", N_("Invitation")
    CANCEL = "CANCEL", N_("Cancellation")
    PUBLISH = "PUBLISH", N_("Publication")


class OutboxMessage(Searchable, Base):
    """One email to one recipient, kept after it is sent (the record of who was sent what)."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        # The worker's claim: due rows in status pending (or sending with an expired lease).
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        # "Who was sent what" on the meeting page.
        Index("ix_outbox_message_meeting", "meeting_id", "person_id"),
        search_index("outbox_message"),
    )

    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(5), default="fr")
    subject: Mapped[str] = mapped_column(String(998))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[FreeText]
    calendar: Mapped[str | None] = mapped_column(Text, default=None)
    calendar_method: Mapped[CalendarMethod | None] = mapped_column(ChoiceType(CalendarMethod, 10), default=None)

    status: Mapped[OutboxStatus] = mapped_column(ChoiceType(OutboxStatus, 10), default=OutboxStatus.PENDING)
    # Counted when a worker claims the row, so that a crash mid-send counts too.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[Moment]
    # The lease of the worker sending it; an expired lease means the worker died.
    claimed_until: Mapped[Moment | None] = mapped_column(default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(100), default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    sent_at: Mapped[Moment | None] = mapped_column(default=None)

    # What the message is about, for the pages that show it (all optional).
    kind: Mapped[str | None] = mapped_column(String(30), default=None, index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), default=None)
    person_id: Mapped[int | None] = foreign_key("person", ondelete="SET NULL", default=None)
