"""A small record with one commitment per side, in different states, for the commitments tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.commitments.models import CommitmentStatus
from dialogue.i18n import today
from dialogue.people.models import Side
from tests import factories as f


@pytest.fixture
async def record(db: AsyncSession) -> dict[str, Any]:
    """The council's plenary and a committee, a meeting of each, and four commitments:
    government overdue, workers due soon, employers done, observers dropped without a date."""
    world = await f.table(db)
    now = today()
    world["today"] = now
    world["committee"] = await f.body(db, name="Commission migration de main-d'oeuvre", short_name="Migration")
    world["march"] = await f.meeting(db, world["plenary"], title="Plénière de mars", starts_at=f.tunis(2026, 3, 5))
    world["april"] = await f.meeting(db, world["committee"], title="Commission d'avril", starts_at=f.tunis(2026, 4, 5))
    world["item"] = await f.item(db, world["march"], title="Salaire minimum")
    world["outcome"] = await f.outcome(db, world["item"], text="Les trois parties conviennent de réviser le SMIG.")
    world["gov"] = await f.commitment(
        db,
        Side.GOVERNMENT,
        CommitmentStatus.OPEN,
        title="Publier le décret d'application",
        organisation_id=world["mas"].id,
        responsible_id=world["mas1"].id,
        due_on=now - dt.timedelta(days=10),
        meeting_id=world["march"].id,
        agenda_item_id=world["item"].id,
        from_outcome=True,
    )
    world["workers"] = await f.commitment(
        db,
        Side.WORKERS,
        CommitmentStatus.IN_PROGRESS,
        title="Consulter les fédérations régionales",
        description="Y compris les travailleurs saisonniers.",
        organisation_id=world["ugtt"].id,
        responsible_id=world["ugtt1"].id,
        due_on=now + dt.timedelta(days=5),
        meeting_id=world["april"].id,
    )
    world["employers"] = await f.commitment(
        db,
        Side.EMPLOYERS,
        CommitmentStatus.DONE,
        title="Transmettre la liste des entreprises",
        organisation_id=world["utica"].id,
        responsible_id=world["utica1"].id,
        due_on=now - dt.timedelta(days=3),
        closed_on=now - dt.timedelta(days=4),
        meeting_id=world["march"].id,
    )
    world["observers"] = await f.commitment(
        db,
        Side.OBSERVERS,
        CommitmentStatus.DROPPED,
        title="Financer l'étude",
        organisation_id=world["ilo"].id,
    )
    await f.progress(db, world["workers"], "Deux fédérations consultées", written_on=now - dt.timedelta(days=2))
    await f.progress(db, world["workers"], "Réunion planifiée", written_on=now - dt.timedelta(days=20))
    await db.commit()
    return world
