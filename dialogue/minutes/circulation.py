"""Circulating the minutes: freezing a numbered version and emailing each side's approvers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import i18n
from dialogue.accounts.models import Account, Role
from dialogue.db import utcnow
from dialogue.errors import Refused, check_version
from dialogue.i18n import _
from dialogue.mail.outbox import account_language, enqueue_to_account
from dialogue.meetings import service as meetings_service
from dialogue.meetings.models import Meeting
from dialogue.minutes.compose import approving_sides, build_document
from dialogue.minutes.document import to_json
from dialogue.minutes.drafting import ensure_held, ensure_not_adopted
from dialogue.minutes.models import Minutes, MinutesStatus, MinutesVersion
from dialogue.people.models import Organisation, Side
from dialogue.settings import Settings

MAIL_KIND = "minutes"


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
        subject = _("Revised minutes (version {number}) to approve: {title}").format(
            number=number, title=i18n.isolate(meeting.title)
        )
    lines = [
        _(
            "The minutes of the meeting “{title}” of {date} are circulated for your side's approval (version {number})."
        ).format(title=i18n.isolate(meeting.title), date=i18n.format_datetime(meeting.starts_at), number=number),
        _("Read them, then approve them, approve them with reservations, or ask for changes:"),
    ]
    text = "\n\n".join([*lines, url, _("The Secretariat")]) + "\n"
    html = (
        "".join(f"<p>{escape(line)}</p>" for line in lines)
        + f'<p><a href="{escape(url)}">{escape(url)}</a></p><p>{escape(_("The Secretariat"))}</p>'
    )
    return subject, text, html


async def _send_for_approval(db: AsyncSession, meeting: Meeting, version: MinutesVersion, settings: Settings) -> int:
    """One email per approver of the sides that must approve, in the approver's language,
    into the outbox (same transaction). The number queued."""
    url = minutes_url(meeting.id, settings)
    queued = 0
    for account in await approvers(db, version.approving_sides):
        language = account_language(account, settings)
        with i18n.using_language(language):
            subject, text, html = _letter(meeting, version.number, url)
        enqueue_to_account(
            db,
            account,
            subject=subject,
            text_body=text,
            html_body=html,
            language=language,
            kind=MAIL_KIND,
            meeting_id=meeting.id,
        )
        queued += 1
    await db.flush()
    return queued


async def _freeze(
    db: AsyncSession, minutes: Minutes, account: Account, settings: Settings, now: dt.datetime
) -> MinutesVersion:
    meeting = await meetings_service.get_meeting(db, minutes.meeting_id, with_invitations=True)
    ensure_held(meeting)
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
    revision: bool = False,
    now: dt.datetime | None = None,
) -> MinutesVersion:
    """Freeze the draft as version 1 and send it to the approvers of each side that must
    approve. Refused unless the minutes are a draft of a held meeting with a party present.

    With `revision`, circulate a revision of circulated minutes: the narratives as edited
    since, and the record as it is now, become version N+1, sent again to the approvers.
    Decisions given on version N stay with it (history); version N+1 starts with none."""
    ensure_not_adopted(minutes)
    check_version(minutes, version)
    if revision and minutes.status is not MinutesStatus.CIRCULATED:
        raise Refused(_("Only circulated minutes can be revised: circulate the draft first."))
    if not revision and minutes.status is not MinutesStatus.DRAFT:
        raise Refused(_("These minutes are circulated already: circulate a revision instead."))
    return await _freeze(db, minutes, account, settings, now or utcnow())
