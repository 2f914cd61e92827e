"""A held plenary with a record to write minutes from, and the people of the workflow:
an approver per party side (the workers' one reads Arabic), a delegate who is not an
approver, an observer's delegate, a coordinator. Internal texts carry the marker SECRET so
that a test can look for them in every page and export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.agenda.models import OutcomeKind, Stance
from dialogue.commitments.models import CommitmentStatus
from dialogue.meetings.models import Attendance, InvitationRole, MeetingStatus
from dialogue.people.models import Language, Side
from tests import factories

SECRET_POSITION = "SECRET position interne des employeurs"
SECRET_NOTE = "SECRET note interne du gouvernement"
SHARED_NOTE = "Note partagée : le projet de décret est rédigé"


async def held_meeting(db: AsyncSession, *, employers_present: bool = True) -> dict[str, Any]:
    """The world (see the module's docstring); `world["meeting"]` is held on 2026-03-10."""
    w = await factories.table(db)
    plenary = w["plenary"]
    earlier = await factories.meeting(
        db, plenary, title="Plénière de janvier", starts_at=factories.tunis(2026, 1, 12), status=MeetingStatus.HELD
    )
    old = await factories.commitment(
        db,
        Side.GOVERNMENT,
        CommitmentStatus.IN_PROGRESS,
        title="Publier le décret",
        meeting_id=earlier.id,
        due_on=dt.date(2026, 2, 1),
    )
    await factories.progress(db, old, SHARED_NOTE, written_on=dt.date(2026, 2, 1))
    await factories.progress(db, old, SECRET_NOTE, written_on=dt.date(2026, 3, 1), internal=True)

    meeting = await factories.meeting(
        db,
        plenary,
        title="Plénière de mars",
        starts_at=factories.tunis(2026, 3, 10),
        status=MeetingStatus.HELD,
        venue="Tunis, siège du Conseil",
    )
    await factories.invite(db, meeting, w["mas1"], InvitationRole.CHAIR, Attendance.PRESENT)
    await factories.invite(db, meeting, w["ugtt1"], InvitationRole.TITULAR, Attendance.PRESENT)
    await factories.invite(
        db,
        meeting,
        w["utica1"],
        InvitationRole.TITULAR,
        Attendance.PRESENT if employers_present else Attendance.EXCUSED,
    )
    await factories.invite(db, meeting, w["ilo1"], InvitationRole.OBSERVER, Attendance.PRESENT)
    item = await factories.item(db, meeting, title="Salaire minimum", description="Révision du SMIG")
    await factories.position(db, item, Side.WORKERS, Stance.SUPPORT, statement="Hausse de 10 %")
    await factories.position(db, item, Side.EMPLOYERS, Stance.RESERVATION, statement=SECRET_POSITION, internal=True)
    await factories.outcome(db, item, OutcomeKind.TRIPARTITE_AGREEMENT, text="Accord sur une hausse de 7 %")
    await factories.commitment(
        db,
        Side.WORKERS,
        title="Transmettre l'étude salariale",
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        responsible_id=w["ugtt1"].id,
        due_on=dt.date(2026, 4, 30),
    )
    second = await factories.item(db, meeting, rank=2, title="Questions diverses")
    nextone = await factories.meeting(db, plenary, title="Plénière de juin", starts_at=factories.tunis(2026, 6, 2))
    await factories.meeting(
        db, plenary, title="Annulée", starts_at=factories.tunis(2026, 5, 2), status=MeetingStatus.CANCELLED
    )

    w["ugtt1"].language = Language.AR
    w.update(meeting=meeting, item=item, second=second, earlier=earlier, old=old, next=nextone)
    w["approvers"] = {
        Side.GOVERNMENT: await factories.account(
            db, Role.DELEGATE, w["mas"], email="approver-gov@example.tn", is_approver=True, person_id=w["mas1"].id
        ),
        Side.WORKERS: await factories.account(
            db, Role.DELEGATE, w["ugtt"], email="approver-workers@example.tn", is_approver=True, person_id=w["ugtt1"].id
        ),
        Side.EMPLOYERS: await factories.account(
            db, Role.DELEGATE, w["utica"], email="approver-employers@example.tn", is_approver=True
        ),
    }
    w["plain_delegate"] = await factories.account(db, Role.DELEGATE, w["ugtt"], email="delegate-workers@example.tn")
    w["observer_delegate"] = await factories.account(
        db, Role.DELEGATE, w["ilo"], email="delegate-ilo@example.tn", is_approver=True
    )
    w["coordinator"] = await factories.account(db, Role.COORDINATOR, email="coordinator@example.tn")
    await db.flush()
    return w
