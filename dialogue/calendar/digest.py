"""The weekly digest: each side's delegates get, in their language, the side's commitments
due in the next 7 days and those overdue, with a link to each.

Run weekly by a scheduler (`dialogue reminders send`) or by the secretariat's button. The
emails go through the outbox (kind "digest"), in the caller's transaction. A delegate whose
side has nothing due gets nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from html import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import i18n
from dialogue.accounts.models import Account, Role
from dialogue.audit.models import AuditAction
from dialogue.audit.trail import record
from dialogue.commitments.models import Commitment, CommitmentStatus
from dialogue.i18n import _
from dialogue.mail.outbox import account_language, enqueue_to_account
from dialogue.people.models import Side
from dialogue.settings import Settings

DIGEST_KIND = "digest"
HORIZON = dt.timedelta(days=7)


@dataclass(frozen=True)
class Due:
    id: int
    title: str
    due_on: dt.date
    overdue: bool


async def due_by_side(db: AsyncSession, today: dt.date) -> dict[Side, list[Due]]:
    """Active commitments due on or before `today` + 7 days, per side (overdue first)."""
    rows = await db.execute(
        select(Commitment.id, Commitment.title, Commitment.due_on, Commitment.side)
        .where(
            Commitment.status.in_(CommitmentStatus.active()),
            Commitment.due_on.is_not(None),
            Commitment.due_on <= today + HORIZON,
        )
        .order_by(Commitment.due_on, Commitment.id)
    )
    found: dict[Side, list[Due]] = defaultdict(list)
    for id_, title, due_on, side in rows:
        found[side].append(Due(id_, title, due_on, due_on < today))
    return found


def compose(side: Side, items: list[Due], base_url: str) -> tuple[str, str, str]:
    """(subject, text, html) in the current language."""
    overdue = [d for d in items if d.overdue]
    soon = [d for d in items if not d.overdue]
    subject = _("Dialogue: commitments of the {side} side this week").format(side=side.label)
    text_parts = [_("Commitments of the {side} side that need attention:").format(side=side.label)]
    html_parts = [f"<p>{escape(text_parts[0])}</p>"]
    for heading, group in (
        (_("Overdue"), overdue),
        (_("Due in the next 7 days"), soon),
    ):
        if not group:
            continue
        lines = []
        html_items = []
        for due in group:
            url = f"{base_url}/commitments/{due.id}"
            when = _("due {date}").format(date=i18n.format_date(due.due_on))
            lines.append(f"- {i18n.isolate(due.title)} ({when})\n  {url}")
            html_items.append(f'<li><a href="{escape(url)}"><bdi>{escape(due.title)}</bdi></a> ({escape(when)})</li>')
        text_parts.append(f"{heading}\n" + "\n".join(lines))
        html_parts.append(f"<h2>{escape(heading)}</h2><ul>{''.join(html_items)}</ul>")
    footer = _("You receive this weekly summary as a delegate of your side in Dialogue.")
    text_parts.append(footer)
    html_parts.append(f"<p>{escape(footer)}</p>")
    return subject, "\n\n".join(text_parts) + "\n", "\n".join(html_parts)


async def queue_digests(db: AsyncSession, settings: Settings, today: dt.date | None = None) -> int:
    """Queue one digest per active delegate account whose side has something due; the number
    queued. The caller commits."""
    today = today or i18n.today()
    due = await due_by_side(db, today)
    if not due:
        await _record(db, 0)
        return 0
    accounts = await db.scalars(
        select(Account)
        .where(
            Account.role == Role.DELEGATE,
            Account.disabled_at.is_(None),
            Account.organisation_id.is_not(None),
        )
        .order_by(Account.id)
    )
    base_url = settings.public_url.rstrip("/")
    previous = i18n.current_language()
    queued = 0
    try:
        for account in accounts.unique():
            side = account.side
            if side is None or not due.get(side):
                continue
            i18n.set_language(account_language(account, settings))
            subject, text_body, html_body = compose(side, due[side], base_url)
            enqueue_to_account(
                db,
                account,
                subject=subject,
                text_body=text_body,
                html_body=html_body,
                language=i18n.current_language(),
                kind=DIGEST_KIND,
            )
            queued += 1
    finally:
        i18n.set_language(previous)
    await db.flush()
    await _record(db, queued)
    return queued


async def _record(db: AsyncSession, queued: int) -> None:
    """The digest in the audit trail (the button or `dialogue reminders send`)."""
    await record(db, AuditAction.CREATE, entity="digest", changes={"queued": [None, queued]})
