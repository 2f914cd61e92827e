"""What the commitment form and the list's filters offer to choose from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, joinedload

from dialogue.agenda.models import AgendaItem
from dialogue.bodies.models import Body
from dialogue.commitments.editing import CommitmentDraft
from dialogue.commitments.listing import SIDE_ORDER
from dialogue.meetings.models import Meeting
from dialogue.people.models import Organisation, Person
from dialogue.projects.models import Project


async def filter_choices(db: AsyncSession) -> dict[str, Any]:
    """Organisations (grouped by side, archived ones too: old commitments name them) and
    bodies, for the filters of the commitments page. Two statements."""
    organisations = (await db.execute(select(Organisation).order_by(Organisation.acronym, Organisation.name))).scalars()
    bodies = (await db.execute(select(Body).order_by(Body.name))).scalars().all()
    projects = (await db.execute(select(Project).order_by(Project.name, Project.id))).scalars().all()
    return {
        "projects": projects,
        "organisation_groups": _grouped(
            sorted(organisations, key=lambda o: SIDE_ORDER[o.side]), lambda o: o.side.label
        ),
        "bodies": bodies,
    }


async def form_choices(db: AsyncSession, draft: CommitmentDraft) -> dict[str, Any]:
    """Organisations (grouped by side), people (grouped by organisation), meetings and the
    chosen meeting's agenda items, for the commitment form. Archived organisations and
    people are left out unless the commitment already names them. Four statements."""
    organisations = (
        (
            await db.execute(
                select(Organisation)
                .where(or_(Organisation.archived_at.is_(None), Organisation.id == (draft.organisation_id or 0)))
                .order_by(Organisation.acronym, Organisation.name)
            )
        )
        .scalars()
        .all()
    )
    organisations = sorted(organisations, key=lambda o: SIDE_ORDER[o.side])
    people = (
        (
            await db.execute(
                select(Person)
                .join(Person.organisation)
                .where(or_(Person.archived_at.is_(None), Person.id == (draft.responsible_id or 0)))
                .options(contains_eager(Person.organisation))
                .order_by(Organisation.acronym, Organisation.name, Person.full_name)
            )
        )
        .scalars()
        .all()
    )
    people = sorted(people, key=lambda p: SIDE_ORDER[p.organisation.side])
    meetings = (
        (await db.execute(select(Meeting).options(joinedload(Meeting.body)).order_by(Meeting.starts_at.desc())))
        .scalars()
        .all()
    )
    projects = (
        await db.execute(
            select(Project)
            .where(or_(Project.archived_at.is_(None), Project.id == (draft.project_id or 0)))
            .order_by(Project.name, Project.id)
        )
    ).scalars()
    return {
        "projects": [(str(project.id), project.display_name) for project in projects],
        "organisation_groups": _grouped(organisations, lambda o: o.side.label),
        "people_groups": _grouped(people, lambda p: p.organisation.display_name),
        "meetings": meetings,
        "items": await meeting_items(db, draft.meeting_id),
    }


async def meeting_items(db: AsyncSession, meeting_id: int | None) -> list[AgendaItem]:
    """The agenda items of a meeting, in order (none without a meeting)."""
    if meeting_id is None:
        return []
    return list(
        (
            await db.execute(
                select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.rank, AgendaItem.id)
            )
        ).scalars()
    )


def _grouped(records: Any, label: Any) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for record in records:
        groups.setdefault(label(record), []).append(record)
    return list(groups.items())
