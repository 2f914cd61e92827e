"""Pages of the projects area: the list, a project's page (its events, their outcomes and
its commitments), and its form."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from dialogue.accounts.permissions import Permission
from dialogue.crud import RecordList, RecordPages
from dialogue.forms import Form
from dialogue.i18n import _, listed
from dialogue.listing import Column
from dialogue.meetings.visibility import sees_drafts
from dialogue.people.organisations import active_organisations
from dialogue.people.service import MAX_ID
from dialogue.projects import service
from dialogue.projects.models import Project
from dialogue.projects.service import ProjectDraft
from dialogue.web import DB


def _project_columns() -> list[Column]:
    return [
        Column(_("Project"), lambda row: row.project.name),
        Column(_("Acronym"), lambda row: row.project.acronym),
        Column(_("Starts on"), lambda row: row.project.starts_on),
        Column(_("Ends on"), lambda row: row.project.ends_on),
        Column(_("Countries"), lambda row: listed(service.country_names(row.project))),
        Column(_("Events"), lambda row: row.meetings),
        Column(_("Commitments"), lambda row: row.commitments),
        Column(_("Archived"), lambda row: row.project.archived_at is not None),
    ]


async def _projects_context(db: DB) -> dict[str, Any]:
    return {"country_names": service.country_names}


PROJECT_LIST = RecordList.searched(
    "/projects", service.list_projects, service.SORT_KEYS, _project_columns, lambda: _("projects"), _projects_context
)


async def _project_form(db: DB, project: Project | None) -> dict[str, Any]:
    organisations = await active_organisations(db)
    if project is not None:
        # An archived lead or donor stays choosable on the project that has it.
        known = {org.id for org in organisations}
        current = [project.lead_organisation] + [donor.organisation for donor in project.donors]
        organisations += [org for org in current if org is not None and org.id not in known]
    return {
        "project": project,
        "organisations": [(str(org.id), org.display_name) for org in organisations],
        "countries": service.country_options(),
    }


def read_project_form(form: Form) -> ProjectDraft:
    donors = []
    for raw in form.all("donor_ids"):
        if raw.strip():
            if raw.strip().isdigit() and 0 < int(raw) <= MAX_ID:
                donors.append(int(raw))
            else:
                form.error("donor_ids", _("This organisation does not exist."))
    return ProjectDraft(
        name=form.text("name", required=True, max_length=300),
        acronym=form.text("acronym", max_length=30),
        slug=form.text("slug", required=True, max_length=40),
        lead_organisation_id=form.integer("lead_organisation_id", minimum=1, maximum=MAX_ID),
        donor_ids=donors,
        starts_on=form.date("starts_on"),
        ends_on=form.date("ends_on"),
        countries=[code.strip().upper() for code in form.all("countries") if code.strip()],
        description=form.text("description", max_length=service.DESCRIPTION_MAX),
    )


@get("/projects/new", opt={"permission": Permission.SECRETARIAT})
async def new_project(request: Request, db: DB) -> Response[Any]:
    return await PROJECT_PAGES.new(request, db, {"countries": ["TN"]})


async def _project_page(request: Request, db: DB, project: Project, **extra: Any) -> dict[str, Any]:
    meetings = await service.project_meetings(db, project.id, drafts=sees_drafts(request.scope.get("user")))
    return {
        "project": project,
        "countries": service.country_names(project),
        "meetings": meetings,
        "outcomes": await service.project_outcomes(db, [meeting.id for meeting in meetings]),
        "commitments": await service.project_commitments(db, project.id),
        **extra,
    }


PROJECT_PAGES = RecordPages.of(
    service,
    "project",
    path="/projects",
    templates="projects/project",
    page=_project_page,
    form=_project_form,
    read=read_project_form,
)

routes: list[Any] = [*PROJECT_LIST.handlers(), new_project, *PROJECT_PAGES.handlers()]
