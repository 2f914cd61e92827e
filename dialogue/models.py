"""Every table, imported in one place so that the metadata is complete (migrations, tests),
and which of them the audit trail follows, under which record."""

from dialogue.accounts.models import Account, ApiToken, OneTimeLink, SignInSession, SignInThrottle
from dialogue.agenda.models import AgendaDocument, AgendaItem, Outcome, Position
from dialogue.audit.models import AuditEvent
from dialogue.audit.trail import audited
from dialogue.bodies.models import Body, Membership
from dialogue.calendar.models import FeedToken
from dialogue.commitments.models import Commitment, CommitmentUpdate
from dialogue.db import Base
from dialogue.documents.models import Document, DocumentVersion
from dialogue.idempotency import FormSubmission
from dialogue.imports.models import ImportUpload
from dialogue.mail.models import OutboxMessage
from dialogue.meetings.models import Invitation, Meeting, MeetingPartner
from dialogue.minutes import models as minutes
from dialogue.page_cache import DataVersion
from dialogue.papers.models import Letterhead
from dialogue.people.models import Organisation, Person
from dialogue.press.models import PressRelease
from dialogue.projects.models import Project, ProjectDonor
from dialogue.schedule import ScheduledRun
from dialogue.search import enable_trigrams

# Each audited row is filed under the record whose history shows it.
audited(lambda row, _: ("organisation", row.id))(Organisation)
audited(lambda row, _: ("person", row.id))(Person)
audited(lambda row, _: ("body", row.id))(Body)
audited(lambda row, _: ("body", row.body_id))(Membership)
audited(lambda row, _: ("meeting", row.id))(Meeting)
audited(lambda row, _: ("meeting", row.meeting_id))(Invitation)
audited(lambda row, _: ("meeting", row.meeting_id))(MeetingPartner)
audited(lambda row, _: ("project", row.id))(Project)
audited(lambda row, _: ("project", row.project_id))(ProjectDonor)
audited(lambda row, _: ("meeting", row.meeting_id))(AgendaItem)
audited(lambda row, meeting_of_item: ("meeting", meeting_of_item(row.item_id)))(AgendaDocument)
audited(lambda row, meeting_of_item: ("meeting", meeting_of_item(row.item_id)))(Position)
audited(lambda row, meeting_of_item: ("meeting", meeting_of_item(row.item_id)))(Outcome)
audited(lambda row, _: ("commitment", row.id))(Commitment)
# A document under its meeting, or under its commitment (a progress note's evidence); a new
# version shows as the document's `current_version` changing.
audited(lambda row, _: ("meeting", row.meeting_id) if row.meeting_id else ("commitment", row.commitment_id))(Document)
audited(lambda row, _: ("commitment", row.commitment_id))(CommitmentUpdate)
audited(lambda row, _: ("person", row.person_id) if row.person_id else ("account", row.id))(Account)
audited(lambda row, _: ("account", row.account_id))(ApiToken)
audited(lambda row, _: ("account", row.account_id))(OneTimeLink)
audited(lambda row, _: ("account", row.account_id))(FeedToken)
for _minutes_table in (
    minutes.Minutes,
    minutes.MinutesItemNote,
    minutes.MinutesDecision,
    minutes.MinutesItemComment,
    minutes.MinutesAddendum,
):
    audited(lambda row, _: ("meeting", row.meeting_id))(_minutes_table)
# A circulated version is recorded, not its frozen text (the whole document, as JSON).
audited(lambda row, _: ("meeting", row.meeting_id), untracked=("content",))(minutes.MinutesVersion)
audited(lambda row, _: ("meeting", row.meeting_id))(PressRelease)
audited(lambda row, _: ("letterhead", row.id), untracked=("logo",))(Letterhead)

__all__ = [
    "Account",
    "AgendaDocument",
    "AgendaItem",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Body",
    "Commitment",
    "CommitmentUpdate",
    "DataVersion",
    "Document",
    "DocumentVersion",
    "FeedToken",
    "FormSubmission",
    "ImportUpload",
    "Invitation",
    "Letterhead",
    "Meeting",
    "MeetingPartner",
    "Membership",
    "OneTimeLink",
    "Organisation",
    "OutboxMessage",
    "Outcome",
    "Person",
    "Position",
    "PressRelease",
    "Project",
    "ProjectDonor",
    "ScheduledRun",
    "SignInSession",
    "SignInThrottle",
    "minutes",
]

# Search indexes on PostgreSQL are trigram indexes (dialogue/search.py).
enable_trigrams(Base.metadata)
