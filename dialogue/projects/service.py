"""Projects and programmes: list, add, edit, archive, delete, and what belongs to one
(its events, their outcomes, its commitments).

Like the bodies area, create and update take a typed draft and raise `Invalid` with field
errors; handlers commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from advanced_alchemy.filters import OrderBy
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from babel import Locale
from sqlalchemy import func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from dialogue.agenda.models import AgendaItem, Outcome
from dialogue.commitments.models import Commitment
from dialogue.db import count_per_row
from dialogue.i18n import _, format_locale, listed, ngettext
from dialogue.meetings.models import Meeting, MeetingStatus
from dialogue.people.models import Organisation
from dialogue.people.service import (
    DESCRIPTION_MAX,
    MAX_ID,
    SLUG,
    Kept,
    counted_page,
    delete_record,
    found,
    reasons,
    references,
    refuse,
    searched,
    taken,
    text_errors,
)
from dialogue.projects.models import Project, ProjectDonor
from dialogue.sorting import EVERY_ROW, Window

COUNTRIES_MAX = 20
# Two-letter territory codes Babel knows that are not countries.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})


class ProjectRepository(SQLAlchemyAsyncRepository[Project]):
    model_type = Project


def country_name(code: str, locale: Locale | None = None) -> str:
    """The country's name in the reader's language ("TN" → "Tunisie"), or the code when unknown."""
    return (locale or format_locale()).territories.get(code, code)


def country_names(project: Project) -> list[str]:
    locale = format_locale()
    return [country_name(code, locale) for code in project.country_codes]


def country_options() -> list[tuple[str, str]]:
    """Every country (ISO 3166-1 alpha-2 code) with its name in the reader's language, by name."""
    locale = format_locale()
    return sorted(((code, country_name(code, locale)) for code in _known_countries()), key=lambda pair: pair[1])


@cache
def _known_countries() -> frozenset[str]:
    """The two-letter codes of every country Babel names."""
    territories = Locale.parse("en").territories
    return frozenset(
        code for code in map(str, territories) if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    )


SORT_KEYS = ("name", "acronym", "starts_on", "meetings", "commitments")


@dataclass
class ProjectRow:
    project: Project
    meetings: int
    commitments: int


async def list_projects(
    db: AsyncSession, *, q: str | None = None, archived: bool = False, window: Window = EVERY_ROW
) -> tuple[list[ProjectRow], int]:
    """One page of projects with their numbers of events and commitments, and the total."""
    meetings = count_per_row(Meeting, Project, Meeting.project_id == Project.id)
    commitments = count_per_row(Commitment, Project, Commitment.project_id == Project.id)
    columns = {
        "name": (func.lower(Project.name),),
        "acronym": (func.lower(func.nullif(Project.acronym, "")),),
        "starts_on": (Project.starts_on,),
        "meetings": (meetings,),
        "commitments": (commitments,),
    }
    query = searched(select(Project, meetings, commitments), Project, q, archived)
    rows, total = await counted_page(db, query, columns, (Project.name, Project.id), window)
    return [ProjectRow(*row) for row in rows], total


async def active_projects(db: AsyncSession) -> list[Project]:
    """Projects that pickers may propose (not archived), by name."""
    return list(
        await ProjectRepository(session=db).get_many(Project.archived_at.is_(None), OrderBy("name"), OrderBy("id"))
    )


async def all_projects(db: AsyncSession) -> list[Project]:
    """Every project, archived ones included (for filters), by name."""
    return list(await ProjectRepository(session=db).get_many(OrderBy("name"), OrderBy("id")))


async def get_project(db: AsyncSession, project_id: int) -> Project:
    """A project with its lead organisation and donors loaded; `NotFound` when unknown."""
    return await found(
        ProjectRepository(session=db),
        Project.id == project_id,
        load=[
            joinedload(Project.lead_organisation),
            selectinload(Project.donors).joinedload(ProjectDonor.organisation),
        ],
    )


@dataclass
class ProjectDraft:
    """The fields of a project as typed (None where a field is missing or unreadable)."""

    name: str = ""
    acronym: str = ""
    slug: str = ""
    lead_organisation_id: int | None = None
    donor_ids: list[int] = field(default_factory=list)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    countries: list[str] = field(default_factory=list)
    description: str = ""


def project_values(project: Project) -> dict[str, Any]:
    """The editable fields of `project`, as a form shows them."""
    return {
        "name": project.name,
        "acronym": project.acronym,
        "slug": project.slug,
        "lead_organisation_id": project.lead_organisation_id or "",
        "donor_ids": [donor.organisation_id for donor in project.donors],
        "starts_on": project.starts_on.isoformat() if project.starts_on else "",
        "ends_on": project.ends_on.isoformat() if project.ends_on else "",
        "countries": project.country_codes,
        "description": project.description,
        "version": project.version,
    }


def _duplicate_slug() -> str:
    return _("Another project already uses this short identifier: choose another one.")


async def _organisation_problem(db: AsyncSession, organisation_id: int, current_ids: set[int]) -> str | None:
    org = await db.get(Organisation, organisation_id) if 0 < organisation_id <= MAX_ID else None
    if org is None:
        return _("This organisation does not exist.")
    if org.archived_at is not None and organisation_id not in current_ids:
        return _("This organisation is archived: choose another one.")
    return None


async def project_errors(db: AsyncSession, draft: ProjectDraft, current: Project | None = None) -> dict[str, str]:
    """Every problem with `draft`, by field; the short identifier must be unused."""
    slug = draft.slug.strip().lower()
    errors = text_errors(
        {
            "name": (draft.name.strip(), 300, True),
            "acronym": (draft.acronym.strip(), 30, False),
            "slug": (slug, 40, True),
            "description": (draft.description.strip(), DESCRIPTION_MAX, False),
        }
    )
    if "slug" not in errors:
        if not SLUG.match(slug):
            errors["slug"] = _("Use lowercase letters, digits and hyphens only (for example: amem).")
        elif await taken(db, Project.slug, slug, current):
            errors["slug"] = _duplicate_slug()
    if draft.lead_organisation_id is not None:
        kept = {current.lead_organisation_id} if current and current.lead_organisation_id else set()
        if problem := await _organisation_problem(db, draft.lead_organisation_id, kept):
            errors["lead_organisation_id"] = problem
    kept_donors = {donor.organisation_id for donor in current.donors} if current else set()
    for donor_id in draft.donor_ids:
        if problem := await _organisation_problem(db, donor_id, kept_donors):
            errors["donor_ids"] = problem
            break
    if draft.starts_on and draft.ends_on and draft.ends_on < draft.starts_on:
        errors["ends_on"] = _("The end date must be on or after the start date.")
    unknown = [code for code in draft.countries if code not in _known_countries()]
    if unknown:
        errors["countries"] = _("Unknown country code: {codes}.").format(codes=listed(unknown))
    elif len(draft.countries) > COUNTRIES_MAX:
        errors["countries"] = _("Choose at most {n} countries.").format(n=COUNTRIES_MAX)
    return errors


async def _apply_project(db: AsyncSession, project: Project, draft: ProjectDraft) -> None:
    refuse(await project_errors(db, draft, project if project.id else None), draft)
    project.name = draft.name.strip()
    project.acronym = draft.acronym.strip()
    project.slug = draft.slug.strip().lower()
    project.lead_organisation_id = draft.lead_organisation_id
    project.starts_on = draft.starts_on
    project.ends_on = draft.ends_on
    project.countries = ",".join(dict.fromkeys(draft.countries))
    project.description = draft.description.strip()
    wanted = list(dict.fromkeys(draft.donor_ids))
    if project.id:
        kept = {donor.organisation_id: donor for donor in project.donors}
        project.donors = [kept.get(org_id) or ProjectDonor(organisation_id=org_id) for org_id in wanted]
    else:
        project.donors = [ProjectDonor(organisation_id=org_id) for org_id in wanted]
    for rank, donor in enumerate(project.donors, start=1):
        donor.rank = rank


PROJECTS = Kept(Project, ProjectDraft, _apply_project, "slug", _duplicate_slug)
create_project, update_project, set_project_archived = PROJECTS.create, PROJECTS.update, PROJECTS.set_archived


async def project_references(db: AsyncSession, project_id: int) -> dict[str, int]:
    """What belongs to a project: its events and its commitments (one statement)."""
    return await references(db, project_id, {"meetings": Meeting.project_id, "commitments": Commitment.project_id})


async def delete_project(db: AsyncSession, project: Project) -> None:
    """Delete a project nothing belongs to; otherwise refuse and explain (archive it)."""
    why = reasons(
        await project_references(db, project.id),
        {
            "meetings": lambda n: ngettext("it has %(num)d event", "it has %(num)d events", n),
            "commitments": lambda n: ngettext("it has %(num)d commitment", "it has %(num)d commitments", n),
        },
    )
    refusal = _(
        "This project cannot be deleted: {reasons}. Archive it instead: it will no longer "
        "be proposed, and the record keeps it."
    )
    await delete_record(db, project, why, refusal)


async def project_meetings(db: AsyncSession, project_id: int, *, drafts: bool = True) -> list[Meeting]:
    """The project's events and meetings, latest first, body loaded."""
    result = await db.scalars(
        select(Meeting)
        .options(joinedload(Meeting.body))
        .where(Meeting.project_id == project_id)
        .where(true() if drafts else Meeting.status != MeetingStatus.DRAFT)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    return list(result)


async def project_outcomes(db: AsyncSession, meeting_ids: list[int]) -> dict[int, list[Outcome]]:
    """The outcomes recorded at these meetings, by meeting id, in agenda order."""
    if not meeting_ids:
        return {}
    result = await db.scalars(
        select(Outcome)
        .join(Outcome.item)
        .options(joinedload(Outcome.item))
        .where(AgendaItem.meeting_id.in_(meeting_ids))
        .order_by(AgendaItem.rank, Outcome.id)
    )
    outcomes: dict[int, list[Outcome]] = {}
    for outcome in result:
        outcomes.setdefault(outcome.item.meeting_id, []).append(outcome)
    return outcomes


async def project_commitments(db: AsyncSession, project_id: int) -> list[Commitment]:
    """The project's commitments, by due date, organisation loaded."""
    result = await db.scalars(
        select(Commitment)
        .options(joinedload(Commitment.organisation))
        .where(Commitment.project_id == project_id)
        .order_by(Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)
    )
    return list(result)
