"""Each side's decision on a circulated version, adoption once every side approves, and addenda after."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import i18n
from dialogue.accounts.models import Account, Role
from dialogue.db import utcnow
from dialogue.errors import Forbidden, Invalid, Refused
from dialogue.i18n import _
from dialogue.minutes.compose import decision_lines
from dialogue.minutes.document import content_hash, from_json, to_json
from dialogue.minutes.drafting import ensure_not_adopted
from dialogue.minutes.models import (
    Decision,
    Minutes,
    MinutesAddendum,
    MinutesDecision,
    MinutesItemComment,
    MinutesStatus,
    MinutesVersion,
)
from dialogue.minutes.queries import comments_of, decisions_of, get_version
from dialogue.people.models import Side
from dialogue.text_input import text_problem

DECISION_TEXT_MAX = 10_000
ADDENDUM_MAX = 20_000


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
    ensure_not_adopted(minutes)
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
    problem = text_problem(text, DECISION_TEXT_MAX)
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
            elif text_problem(comment, DECISION_TEXT_MAX):
                errors[f"comment-{item_id}"] = text_problem(comment, DECISION_TEXT_MAX) or ""
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
    problem = text_problem(text, ADDENDUM_MAX, required=True)
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
