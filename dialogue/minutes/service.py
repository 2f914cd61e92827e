"""Rules of minutes: the draft built from the record, circulation, each side's decision,
adoption, revisions, addenda, and the difference between two versions.

The life of minutes:

    draft --circulate--> circulated (version 1) --every side approves--> adopted (locked)
                             |  a side asks for changes
                             +--revise--> circulated (version 2, no decision yet) ...

- Only a held meeting has minutes. While they are a draft, the structured parts
  (attendance, quorum, positions, outcomes, commitments) are rebuilt from the record on every
  view; the secretariat writes the narratives (introduction, a summary per item, closing).
- Circulating freezes the document into a numbered version and emails each approver of the
  sides that must approve: the party sides with members present (as the quorum counts them).
- An approver of such a side approves, approves with reservations (a text that goes into the
  minutes) or asks for changes (a general comment and a comment per item). One decision per
  side and version; the side may change it while the version is circulated.
- When every side that must approve has approved, the minutes are adopted: the version gets
  the decisions and the adoption date, its SHA-256 is stored, and nothing changes any more
  except dated addenda.

Functions change the session and flush; the caller commits. Refusals are `Refused` (409),
bad input `Invalid` (422), a stale form `Stale` (409), a person who may not `Forbidden` (403).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from dialogue import i18n
from dialogue.accounts.models import Account, Role
from dialogue.accounts.permissions import Forbidden
from dialogue.agenda.models import AgendaItem
from dialogue.agenda.service import load_items
from dialogue.commitments import service as commitments_service
from dialogue.commitments.models import Commitment, CommitmentUpdate
from dialogue.db import utcnow
from dialogue.forms import Invalid
from dialogue.i18n import _
from dialogue.mail.outbox import enqueue
from dialogue.meetings import service as meetings_service
from dialogue.meetings import invitations as meetings_invitations
from dialogue.meetings.models import InvitationRole, Meeting, MeetingStatus
from dialogue.minutes.document import (
    AddendumLine,
    AttendeeLine,
    CommitmentLine,
    DecisionLine,
    ItemLine,
    MinutesDocument,
    PositionLine,
    QuorumLine,
    content_hash,
    from_json,
    hashed_json,
    to_json,
)
from dialogue.minutes.models import (
    Decision,
    Minutes,
    MinutesAddendum,
    MinutesDecision,
    MinutesItemComment,
    MinutesItemNote,
    MinutesStatus,
    MinutesVersion,
)
from dialogue.people.models import Organisation, Person, Side
from dialogue.settings import Settings
from dialogue.web import Refused, check_version

NARRATIVE_MAX = 50_000
DECISION_TEXT_MAX = 10_000
ADDENDUM_MAX = 20_000
MAIL_KIND = "minutes"
PARTY_ORDER = {side: rank for rank, side in enumerate(Side)}


# Reading ----------------------------------------------------------------------------------


async def get_minutes(db: AsyncSession, meeting_id: int, *, for_update: bool = False) -> Minutes | None:
    """The minutes of the meeting, or None. `for_update` locks the row (PostgreSQL) so that
    two decisions arriving together see each other before deciding on adoption."""
    statement = select(Minutes).where(Minutes.meeting_id == meeting_id)
    if for_update:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return await db.scalar(statement)


async def require_minutes(db: AsyncSession, meeting_id: int, *, for_update: bool = False) -> Minutes:
    """The minutes of the meeting, or a refusal that says there are none yet."""
    minutes = await get_minutes(db, meeting_id, for_update=for_update)
    if minutes is None:
        raise Refused(_("This meeting has no minutes yet."))
    return minutes


async def versions_of(db: AsyncSession, minutes: Minutes) -> list[MinutesVersion]:
    """The circulated versions, oldest first."""
    statement = select(MinutesVersion).where(MinutesVersion.minutes_id == minutes.id).order_by(MinutesVersion.number)
    return list(await db.scalars(statement))


async def get_version(db: AsyncSession, minutes: Minutes, number: int) -> MinutesVersion | None:
    return await db.scalar(
        select(MinutesVersion).where(MinutesVersion.minutes_id == minutes.id, MinutesVersion.number == number)
    )


async def decisions_of(db: AsyncSession, version_ids: Sequence[int]) -> dict[int, list[MinutesDecision]]:
    """Decisions by version id, in party order."""
    found: dict[int, list[MinutesDecision]] = {version_id: [] for version_id in version_ids}
    if not version_ids:
        return found
    rows = await db.scalars(select(MinutesDecision).where(MinutesDecision.version_id.in_(list(version_ids))))
    for decision in sorted(rows, key=lambda d: (PARTY_ORDER[d.side], d.id)):
        found[decision.version_id].append(decision)
    return found


async def comments_of(db: AsyncSession, decision_ids: Sequence[int]) -> dict[int, list[MinutesItemComment]]:
    """Per-item comments by decision id."""
    found: dict[int, list[MinutesItemComment]] = {decision_id: [] for decision_id in decision_ids}
    if not decision_ids:
        return found
    rows = await db.scalars(
        select(MinutesItemComment)
        .where(MinutesItemComment.decision_id.in_(list(decision_ids)))
        .order_by(MinutesItemComment.id)
    )
    for comment in rows:
        found[comment.decision_id].append(comment)
    return found


async def addenda_of(db: AsyncSession, minutes: Minutes) -> list[MinutesAddendum]:
    statement = (
        select(MinutesAddendum)
        .where(MinutesAddendum.minutes_id == minutes.id)
        .order_by(MinutesAddendum.written_on, MinutesAddendum.id)
    )
    return list(await db.scalars(statement))


async def item_summaries(db: AsyncSession, minutes: Minutes | None) -> dict[int, str]:
    """The secretariat's summary of each agenda item, by item id."""
    if minutes is None:
        return {}
    rows = await db.execute(
        select(MinutesItemNote.agenda_item_id, MinutesItemNote.summary).where(MinutesItemNote.minutes_id == minutes.id)
    )
    return {item_id: summary for item_id, summary in rows.all()}


# The document built from the record --------------------------------------------------------


def _organisation_name(organisation: Organisation | None) -> str:
    if organisation is None:
        return ""
    return organisation.acronym or organisation.name


def _local_day(moment: dt.datetime) -> dt.date:
    return i18n.local(moment).date()


def _commitment_line(
    commitment: Commitment, day: dt.date, *, meetings_open: int = 0, last_update: str = ""
) -> CommitmentLine:
    responsible: Person | None = commitment.responsible
    return CommitmentLine(
        id=commitment.id,
        title=commitment.title,
        side=commitment.side.value,
        organisation=_organisation_name(commitment.organisation),
        responsible=responsible.full_name if responsible is not None else "",
        due_on=commitment.due_on,
        status=commitment.status.value,
        overdue=commitment.is_overdue(day),
        meetings_open=meetings_open,
        last_update=last_update,
    )


async def _last_shared_notes(db: AsyncSession, commitment_ids: Sequence[int]) -> dict[int, str]:
    """The latest progress note shared with every side, per commitment (internal notes never
    enter minutes)."""
    if not commitment_ids:
        return {}
    rows = await db.execute(
        select(CommitmentUpdate.commitment_id, CommitmentUpdate.note)
        .where(CommitmentUpdate.commitment_id.in_(list(commitment_ids)), CommitmentUpdate.internal.is_(False))
        .order_by(CommitmentUpdate.written_on.desc(), CommitmentUpdate.id.desc())
    )
    latest: dict[int, str] = {}
    for commitment_id, note in rows.all():
        latest.setdefault(commitment_id, note)
    return latest


async def _next_meeting(db: AsyncSession, meeting: Meeting) -> dt.datetime | None:
    return await db.scalar(
        select(Meeting.starts_at)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.starts_at > meeting.starts_at,
            # A draft is not announced yet (the minutes go to every side).
            Meeting.status.not_in((MeetingStatus.CANCELLED, MeetingStatus.DRAFT)),
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    )


def approving_sides(meeting: Meeting) -> list[Side]:
    """The party sides that must approve the minutes: those with at least one member present
    who counts for the quorum (observers, and people invited as observers or secretariat,
    never count). `meeting` is loaded with its body and invitations."""
    report = meetings_invitations.meeting_quorum(meeting)
    return [tally.side for tally in report.sides if tally.counts and tally.counted > 0]


async def build_document(
    db: AsyncSession, meeting: Meeting, minutes: Minutes | None, version: int = 0
) -> MinutesDocument:
    """The minutes as the record says them now, with the secretariat's narratives.

    `meeting` must be loaded with its body and invitations (`meetings.service.get_meeting(...,
    with_invitations=True)`). Only what every side may read enters the document: shared
    positions, shared progress notes; never an internal draft. `version` 0 is the live draft;
    a number is the version about to be circulated.
    """
    day = _local_day(meeting.starts_at)
    attendees = []
    chair = None
    for invitation in meetings_invitations.ordered_invitations(meeting):
        person = invitation.person
        if invitation.role is InvitationRole.CHAIR and chair is None:
            chair = person.full_name
        attendees.append(
            AttendeeLine(
                name=person.full_name,
                organisation=_organisation_name(person.organisation),
                side=meetings_invitations.side_of(invitation).value,
                role=invitation.role.value,
                attendance=invitation.attendance.value,
                on_behalf_of=invitation.on_behalf_of.full_name if invitation.on_behalf_of is not None else None,
                arrived_late=invitation.arrived_late,
            )
        )
    report = meetings_invitations.meeting_quorum(meeting)
    quorum_lines = tuple(
        QuorumLine(
            side=tally.side.value,
            present=tally.counted if tally.counts else tally.present,
            required=tally.required,
            counts=tally.counts,
        )
        for tally in report.sides
        if tally.counts or tally.invited
    )

    summaries = await item_summaries(db, minutes)
    made = await commitments_service.made_at(db, meeting)
    made_by_item = {group.item.id: group.commitments for group in made if group.item is not None}
    loose = next((group.commitments for group in made if group.item is None), [])
    items = []
    for item in await load_items(db, meeting.id, visible=frozenset()):
        shared = sorted(
            (p for p in item.positions if not p.internal and p.side in Side.parties()),
            key=lambda p: PARTY_ORDER[p.side],
        )
        outcome = item.outcome
        items.append(
            ItemLine(
                id=item.id,
                rank=item.rank,
                title=item.title,
                description=item.description,
                summary=summaries.get(item.id, ""),
                positions=tuple(PositionLine(p.side.value, p.stance.value, p.statement) for p in shared),
                outcome_kind=outcome.kind.value if outcome is not None else None,
                outcome_text=outcome.text if outcome is not None else "",
                outcome_sides=tuple(side.value for side in outcome.agreeing_sides) if outcome is not None else (),
                commitments=tuple(_commitment_line(c, day) for c in made_by_item.get(item.id, [])),
                follow_up=item.follow_up,
            )
        )

    arising = await commitments_service.matters_arising(db, meeting, today=day)
    ids = [matter.commitment.id for matter in arising]
    notes = await _last_shared_notes(db, ids)
    matters = tuple(
        _commitment_line(
            matter.commitment,
            day,
            meetings_open=matter.meetings_open,
            last_update=notes.get(matter.commitment.id, ""),
        )
        for matter in arising
    )
    return MinutesDocument(
        meeting_id=meeting.id,
        body=meeting.body.name,
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        venue=meeting.venue,
        online_url=meeting.online_url,
        chair=chair,
        attendees=tuple(attendees),
        quorum_met=report.quorum_met,
        quorum=quorum_lines,
        parity=report.every_side_represented,
        introduction=minutes.introduction if minutes is not None else "",
        items=tuple(items),
        matters_arising=matters,
        closing=minutes.closing if minutes is not None else "",
        next_meeting=await _next_meeting(db, meeting),
        version=version,
        status=MinutesStatus.DRAFT.value if version == 0 else MinutesStatus.CIRCULATED.value,
        commitments=tuple(_commitment_line(c, day) for c in loose),
    )


async def live_document(db: AsyncSession, meeting_id: int, minutes: Minutes | None) -> MinutesDocument:
    meeting = await meetings_service.get_meeting(db, meeting_id, with_invitations=True)
    return await build_document(db, meeting, minutes)


def decision_lines(decisions: Sequence[MinutesDecision], comments: Mapping[int, list[MinutesItemComment]]) -> tuple[DecisionLine, ...]:
    return tuple(
        DecisionLine(
            side=decision.side.value,
            decision=decision.decision.value,
            by=decision.decided_by,
            at=decision.decided_at,
            text=decision.text,
            item_comments=tuple((c.item_title, c.comment) for c in comments.get(decision.id, [])),
        )
        for decision in decisions
    )


async def stored_document(db: AsyncSession, minutes: Minutes, version: MinutesVersion) -> MinutesDocument:
    """A circulated version as it was frozen, with the decisions given on it so far; the
    adopted version as adopted (decisions, date, SHA-256), with the addenda at the end."""
    document = from_json(version.content)
    if document.adopted:
        addenda = await addenda_of(db, minutes)
        return dataclasses.replace(
            document, addenda=tuple(AddendumLine(a.written_on, a.text) for a in addenda)
        )
    decisions = (await decisions_of(db, [version.id]))[version.id]
    comments = await comments_of(db, [d.id for d in decisions])
    return dataclasses.replace(document, decisions=decision_lines(decisions, comments))


class VersionNotFound(NotFoundException):
    """No such version of these minutes (or none the reader may read), with the reason."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(detail=message or _("This version of the minutes does not exist."))


def reads_drafts(account: Account | None) -> bool:
    """Whether `account` reads the working draft (version 0) and minutes not circulated
    yet: only the secretariat, whose work in progress they are. Everyone else reads the
    circulated and adopted versions."""
    return account is not None and account.role is Role.SECRETARIAT


def not_circulated_message() -> str:
    return _("The minutes of this meeting are not circulated yet.")


async def _version_to_read(
    db: AsyncSession, meeting_id: int, version: int | None, *, drafts: bool
) -> tuple[Minutes | None, MinutesVersion | None]:
    """(minutes, stored version) that `version` names; no stored version means the live
    draft. Without a number: the current version (the live draft while the minutes are a
    draft, for a reader of `drafts`; the latest circulated version for anyone else).

    `Forbidden` for the working draft asked by someone who does not read drafts;
    `VersionNotFound` for a version that does not exist (and for the live draft of a
    meeting that has no minutes and is not held, or whose minutes are adopted).
    """
    minutes = await get_minutes(db, meeting_id)
    if not drafts:
        if version == 0:
            raise Forbidden(
                _("The working draft of the minutes is the secretariat's: read a circulated version instead.")
            )
        if minutes is None or minutes.current_version == 0:
            raise VersionNotFound(not_circulated_message())
    if version is None:
        version = minutes.current_version if minutes is not None else 0
    if version == 0:
        if minutes is not None and minutes.status is MinutesStatus.ADOPTED:
            raise VersionNotFound()
        return minutes, None
    if minutes is None:
        raise VersionNotFound()
    row = await get_version(db, minutes, version)
    if row is None:
        raise VersionNotFound()
    return minutes, row


async def _live_draft(db: AsyncSession, meeting_id: int, minutes: Minutes | None) -> MinutesDocument:
    meeting = await meetings_service.get_meeting(db, meeting_id, with_invitations=True)
    if minutes is None and meeting.status is not MeetingStatus.HELD:
        raise VersionNotFound()
    return await build_document(db, meeting, minutes)


async def document_for(db: AsyncSession, meeting_id: int, version: int | None, *, drafts: bool) -> MinutesDocument:
    """What an export shows: version `version` as stored (0: the live draft); without a
    number, the current version (see `_version_to_read`). `drafts`: the reader reads the
    working draft (`reads_drafts`)."""
    minutes, row = await _version_to_read(db, meeting_id, version, drafts=drafts)
    if row is None:
        return await _live_draft(db, meeting_id, minutes)
    assert minutes is not None
    return await stored_document(db, minutes, row)


async def json_for(db: AsyncSession, meeting_id: int, version: int | None, *, drafts: bool) -> str:
    """The canonical JSON of a version that `content_hash` hashes (`hashed_json`): for
    adopted minutes, its SHA-256 is the stored one. Same choice of version as
    `document_for`."""
    minutes, row = await _version_to_read(db, meeting_id, version, drafts=drafts)
    if row is None:
        return hashed_json(to_json(await _live_draft(db, meeting_id, minutes)))
    return hashed_json(row.content)


# The draft ---------------------------------------------------------------------------------


def _ensure_held(meeting: Meeting) -> None:
    if meeting.status is not MeetingStatus.HELD:
        raise Refused(_("Minutes are written for a held meeting: set the meeting's status to “Held” first."))


def _ensure_not_adopted(minutes: Minutes) -> None:
    if minutes.status is MinutesStatus.ADOPTED:
        raise Refused(
            _("These minutes are adopted and locked: nothing in them can change. Add a dated addendum instead.")
        )


async def start_draft(db: AsyncSession, meeting: Meeting) -> Minutes:
    """Start the minutes of a held meeting (refused for any other meeting, and when the
    meeting has minutes already)."""
    _ensure_held(meeting)
    if await get_minutes(db, meeting.id) is not None:
        raise Refused(_("This meeting has minutes already."))
    minutes = Minutes(meeting_id=meeting.id, status=MinutesStatus.DRAFT, current_version=0)
    db.add(minutes)
    await db.flush()
    return minutes


@dataclass
class Narratives:
    """What the secretariat writes: an introduction, a summary per agenda item (by item id)
    and a closing."""

    introduction: str = ""
    closing: str = ""
    summaries: dict[int, str] = dataclasses.field(default_factory=dict)


def _text_error(value: str, maximum: int) -> str | None:
    if len(value) > maximum:
        return _("At most {n} characters.").format(n=maximum)
    if "\x00" in value:
        return _("This text contains a character that is not allowed.")
    return None


async def save_narratives(
    db: AsyncSession, minutes: Minutes, narratives: Narratives, version: int | None
) -> Minutes:
    """Save the narratives read at `version` of the minutes. Refused once adopted; `Stale`
    when someone saved in between; `Invalid` for a text too long or an item of another
    meeting. While circulated, the texts go into the next revision."""
    _ensure_not_adopted(minutes)
    check_version(minutes, version)
    errors: dict[str, str] = {}
    for name, value in (("introduction", narratives.introduction), ("closing", narratives.closing)):
        problem = _text_error(value, NARRATIVE_MAX)
        if problem:
            errors[name] = problem
    meeting_items = set(await db.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id == minutes.meeting_id)))
    for item_id, summary in narratives.summaries.items():
        if item_id not in meeting_items:
            errors["summaries"] = _("An agenda item of another meeting cannot be summarised here.")
            continue
        problem = _text_error(summary, NARRATIVE_MAX)
        if problem:
            errors[f"summary-{item_id}"] = problem
    if errors:
        raise Invalid(errors)
    minutes.introduction = narratives.introduction.strip()
    minutes.closing = narratives.closing.strip()
    # The narratives are one text under one version: a change to a summary alone also
    # bumps the minutes' version, so that a stale copy of any part is refused.
    flag_modified(minutes, "introduction")
    notes = {
        note.agenda_item_id: note
        for note in await db.scalars(select(MinutesItemNote).where(MinutesItemNote.minutes_id == minutes.id))
    }
    for item_id, summary in narratives.summaries.items():
        text = summary.strip()
        note = notes.get(item_id)
        if note is None:
            if text:
                db.add(MinutesItemNote(minutes_id=minutes.id, meeting_id=minutes.meeting_id, agenda_item_id=item_id, summary=text))
        elif note.summary != text:
            note.summary = text
    await db.flush()
    return minutes


# Circulation --------------------------------------------------------------------------------


def account_language(account: Account, settings: Settings) -> str:
    """The language of an account's emails: its person's, else the app's default."""
    if account.person is not None and account.person.language is not None:
        return account.person.language.value
    return settings.default_language


def account_address(account: Account) -> tuple[str, str]:
    """(address, name): the person's email when there is one, else the account's."""
    person = account.person
    if person is not None and person.email:
        return person.email, person.full_name
    return account.email, person.full_name if person is not None else ""


async def approvers(db: AsyncSession, sides: Sequence[Side]) -> list[Account]:
    """The active approver accounts (delegates with `is_approver`) of `sides`."""
    if not sides:
        return []
    rows = await db.scalars(
        select(Account)
        .join(Organisation, Account.organisation_id == Organisation.id)
        .where(
            Account.role == Role.DELEGATE,
            Account.is_approver.is_(True),
            Account.disabled_at.is_(None),
            Organisation.side.in_(list(sides)),
        )
        .order_by(Account.id)
    )
    return list(rows.unique())


def minutes_url(meeting_id: int, settings: Settings) -> str:
    return f"{settings.public_url.rstrip('/')}/meetings/{meeting_id}/minutes"


def _letter(meeting: Meeting, number: int, url: str) -> tuple[str, str, str]:
    """(subject, text, html) of the request to approve, in the current language."""
    from markupsafe import escape

    if number == 1:
        subject = _("Minutes to approve: {title}").format(title=i18n.isolate(meeting.title))
    else:
        subject = _("Revised minutes (version {number}) to approve: {title}").format(number=number, title=i18n.isolate(meeting.title))
    lines = [
        _("The minutes of the meeting “{title}” of {date} are circulated for your side's approval (version {number}).").format(
            title=i18n.isolate(meeting.title), date=i18n.format_datetime(meeting.starts_at), number=number
        ),
        _("Read them, then approve them, approve them with reservations, or ask for changes:"),
    ]
    text = "\n\n".join([*lines, url, _("The Secretariat")]) + "\n"
    html = (
        "".join(f"<p>{escape(line)}</p>" for line in lines)
        + f'<p><a href="{escape(url)}">{escape(url)}</a></p><p>{escape(_("The Secretariat"))}</p>'
    )
    return subject, text, html


async def _send_for_approval(
    db: AsyncSession, meeting: Meeting, version: MinutesVersion, settings: Settings
) -> int:
    """One email per approver of the sides that must approve, in the approver's language,
    into the outbox (same transaction). The number queued."""
    url = minutes_url(meeting.id, settings)
    queued = 0
    for account in await approvers(db, version.approving_sides):
        language = account_language(account, settings)
        with i18n.using_language(language):
            subject, text, html = _letter(meeting, version.number, url)
        address, name = account_address(account)
        enqueue(
            db,
            to_address=address,
            to_name=name,
            subject=subject,
            text_body=text,
            html_body=html,
            language=language,
            kind=MAIL_KIND,
            meeting_id=meeting.id,
            person_id=account.person_id,
        )
        queued += 1
    await db.flush()
    return queued


async def _freeze(
    db: AsyncSession, minutes: Minutes, account: Account, settings: Settings, now: dt.datetime
) -> MinutesVersion:
    meeting = await meetings_service.get_meeting(db, minutes.meeting_id, with_invitations=True)
    _ensure_held(meeting)
    sides = approving_sides(meeting)
    if not sides:
        raise Refused(
            _(
                "Nobody from the government, workers or employers is recorded as present: "
                "no side could approve these minutes. Record the attendance first."
            )
        )
    number = minutes.current_version + 1
    document = await build_document(db, meeting, minutes, version=number)
    version = MinutesVersion(
        minutes_id=minutes.id,
        meeting_id=minutes.meeting_id,
        number=number,
        circulated_at=now,
        circulated_by_id=account.id,
        circulated_by=account.display_name,
        sides=",".join(side.value for side in sides),
        content=to_json(document),
    )
    db.add(version)
    minutes.current_version = number
    minutes.status = MinutesStatus.CIRCULATED
    await db.flush()
    await _send_for_approval(db, meeting, version, settings)
    return version


async def circulate(
    db: AsyncSession,
    minutes: Minutes,
    account: Account,
    settings: Settings,
    version: int | None,
    *,
    now: dt.datetime | None = None,
) -> MinutesVersion:
    """Freeze the draft as version 1 and send it to the approvers of each side that must
    approve. Refused unless the minutes are a draft of a held meeting with a party present."""
    _ensure_not_adopted(minutes)
    check_version(minutes, version)
    if minutes.status is not MinutesStatus.DRAFT:
        raise Refused(_("These minutes are circulated already: circulate a revision instead."))
    return await _freeze(db, minutes, account, settings, now or utcnow())


async def revise(
    db: AsyncSession,
    minutes: Minutes,
    account: Account,
    settings: Settings,
    version: int | None,
    *,
    now: dt.datetime | None = None,
) -> MinutesVersion:
    """Circulate a revision: the narratives as edited since, and the record as it is now,
    become version N+1, sent again to the approvers. Decisions given on version N stay with
    it (history); version N+1 starts with none."""
    _ensure_not_adopted(minutes)
    check_version(minutes, version)
    if minutes.status is not MinutesStatus.CIRCULATED:
        raise Refused(_("Only circulated minutes can be revised: circulate the draft first."))
    return await _freeze(db, minutes, account, settings, now or utcnow())


# Decisions ---------------------------------------------------------------------------------


def ensure_may_decide(account: Account, side: Side, version: MinutesVersion) -> None:
    """Only an approver of `side` decides for it, and only for a side that must approve.

    The secretariat does not decide on a side's behalf; observers never approve; a party
    side with nobody present at the meeting does not approve these minutes.
    """
    if account.role is Role.SECRETARIAT:
        raise Forbidden(_("The secretariat does not approve minutes on a side's behalf: the side's approver does."))
    if account.role is not Role.DELEGATE or account.side != side:
        raise Forbidden(_("Only the delegates of this side can change this."))
    if side not in Side.parties():
        raise Forbidden(_("Observers attend meetings but never approve minutes."))
    if not account.is_approver:
        raise Forbidden(_("Only your side's approver can approve minutes: ask the secretariat if that should be you."))
    if side not in version.approving_sides:
        raise Forbidden(_("Your side had nobody present at this meeting: it does not approve these minutes."))


@dataclass
class DecisionDraft:
    decision: Decision | None
    text: str = ""
    item_comments: dict[int, str] = dataclasses.field(default_factory=dict)


async def decide(
    db: AsyncSession,
    minutes: Minutes,
    account: Account,
    side: Side,
    draft: DecisionDraft,
    *,
    now: dt.datetime | None = None,
) -> MinutesDecision:
    """Record `side`'s decision on the current version (replacing the side's earlier answer
    to it), then adopt the minutes if every side that must approve has approved.

    "Reservations" needs a text (it goes into the minutes); "changes requested" needs a
    general comment or a comment on an item. Item comments are kept only with "changes
    requested". `minutes` should be read `for_update`.
    """
    _ensure_not_adopted(minutes)
    if minutes.status is not MinutesStatus.CIRCULATED:
        raise Refused(_("These minutes are not circulated: there is nothing to approve yet."))
    version = await get_version(db, minutes, minutes.current_version)
    assert version is not None
    ensure_may_decide(account, side, version)

    text = draft.text.strip()
    comments = {item_id: c.strip() for item_id, c in draft.item_comments.items() if c.strip()}
    errors: dict[str, str] = {}
    if draft.decision is None:
        errors["decision"] = _("Choose one of the options.")
    problem = _text_error(text, DECISION_TEXT_MAX)
    if problem:
        errors["text"] = problem
    if draft.decision is Decision.RESERVATIONS and not text:
        errors["text"] = _("Write your side's reservations: they go into the minutes.")
    document = from_json(version.content)
    titles = {item.id: item.title for item in document.items}
    if draft.decision is Decision.CHANGES_REQUESTED:
        for item_id, comment in comments.items():
            if item_id not in titles:
                errors["comments"] = _("This agenda item is not in this version of the minutes.")
            elif _text_error(comment, DECISION_TEXT_MAX):
                errors[f"comment-{item_id}"] = _text_error(comment, DECISION_TEXT_MAX) or ""
        if not text and not comments:
            errors["text"] = _("Say which changes your side asks for: a general comment or a comment on an item.")
    else:
        comments = {}
    if errors:
        raise Invalid(errors)
    assert draft.decision is not None

    decision = await db.scalar(
        select(MinutesDecision).where(MinutesDecision.version_id == version.id, MinutesDecision.side == side)
    )
    if decision is None:
        decision = MinutesDecision(version_id=version.id, meeting_id=minutes.meeting_id, side=side)
        db.add(decision)
    else:
        for old in await db.scalars(select(MinutesItemComment).where(MinutesItemComment.decision_id == decision.id)):
            await db.delete(old)
    decision.account_id = account.id
    decision.decided_by = account.display_name
    decision.decision = draft.decision
    decision.text = text
    decision.decided_at = now or utcnow()
    await db.flush()
    for item_id, comment in sorted(comments.items()):
        db.add(
            MinutesItemComment(
                decision_id=decision.id,
                meeting_id=minutes.meeting_id,
                agenda_item_id=item_id,
                item_title=titles[item_id],
                comment=comment,
            )
        )
    await db.flush()
    await _adopt_if_approved(db, minutes, version, decision.decided_at)
    return decision


async def _adopt_if_approved(db: AsyncSession, minutes: Minutes, version: MinutesVersion, now: dt.datetime) -> bool:
    """Adopt the minutes once every side that must approve has approved `version`: the
    stored document gets the decisions and the adoption date, and its SHA-256 is kept."""
    decisions = (await decisions_of(db, [version.id]))[version.id]
    approved = {d.side for d in decisions if d.decision.approves}
    if not set(version.approving_sides) <= approved:
        return False
    comments = await comments_of(db, [d.id for d in decisions])
    document = dataclasses.replace(
        from_json(version.content),
        status=MinutesStatus.ADOPTED.value,
        decisions=decision_lines(decisions, comments),
        adopted_at=now,
        addenda=(),
    )
    digest = content_hash(document)
    version.content = to_json(dataclasses.replace(document, sha256=digest))
    minutes.status = MinutesStatus.ADOPTED
    minutes.adopted_at = now
    minutes.sha256 = digest
    await db.flush()
    return True


# Addenda -----------------------------------------------------------------------------------


async def add_addendum(
    db: AsyncSession, minutes: Minutes, account: Account, text: str, *, today: dt.date | None = None
) -> MinutesAddendum:
    """A dated correction to adopted minutes (refused before adoption: edit the draft then).
    The adopted document and its SHA-256 do not change."""
    if minutes.status is not MinutesStatus.ADOPTED:
        raise Refused(_("An addendum corrects adopted minutes: until they are adopted, edit the minutes themselves."))
    text = text.strip()
    problem = _text_error(text, ADDENDUM_MAX) if text else _("This field is required.")
    if problem:
        raise Invalid({"text": problem}, {"text": text})
    addendum = MinutesAddendum(
        minutes_id=minutes.id,
        meeting_id=minutes.meeting_id,
        written_on=today or i18n.today(),
        text=text,
        account_id=account.id,
        written_by=account.display_name,
    )
    db.add(addendum)
    await db.flush()
    return addendum


# Differences between versions ---------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added" or "removed"
    text: str


def diff_lines(before: str, after: str) -> list[DiffLine]:
    """The lines of `after` compared with `before` (two Markdown renders): unchanged lines,
    lines removed and lines added, in reading order."""
    old, new = before.splitlines(), after.splitlines()
    lines: list[DiffLine] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            lines += [DiffLine("same", text) for text in old[i1:i2]]
            continue
        lines += [DiffLine("removed", text) for text in old[i1:i2]]
        lines += [DiffLine("added", text) for text in new[j1:j2]]
    return lines
