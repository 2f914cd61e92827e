"""Every table, imported in one place so that the metadata is complete (migrations, tests)."""

from dialogue.agenda.models import AgendaDocument, AgendaItem, Outcome, Position
from dialogue.bodies.models import Body, Membership
from dialogue.commitments.models import Commitment, CommitmentUpdate
from dialogue.db import Base
from dialogue.meetings.models import Invitation, Meeting
from dialogue.people.models import Organisation, Person

__all__ = [
    "AgendaDocument",
    "AgendaItem",
    "Base",
    "Body",
    "Commitment",
    "CommitmentUpdate",
    "Invitation",
    "Meeting",
    "Membership",
    "Organisation",
    "Outcome",
    "Person",
    "Position",
]
