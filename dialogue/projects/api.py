"""JSON API (/api/v1) of the projects area: projects with their lead and donors (read only)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.params import FromPath
from litestar.router import Router

from dialogue.listing import ListSearch, ListWindow, api_list, api_page
from dialogue.openapi import Page, named, out_of
from dialogue.people.api import OrganisationRef, organisation_ref
from dialogue.projects import service
from dialogue.projects.models import Project
from dialogue.web import DB


class ProjectOut(msgspec.Struct):
    id: int
    slug: str
    name: str
    acronym: str
    lead_organisation_id: int | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    country_codes: list[str]  # ISO 3166-1 alpha-2
    description: str
    archived_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


ProjectList = Annotated[Page[ProjectOut], named("ProjectList")]


class ProjectDetail(ProjectOut):
    lead_organisation: OrganisationRef | None = None
    donors: list[OrganisationRef] = []


def project_out(row: Any) -> ProjectOut:
    """A row of the projects' list (the project and its counts) as the API shows the project."""
    return out_of(ProjectOut, row.project)


class ProjectController(Controller):
    path = "/projects"
    tags = ["projects"]

    @get("/", dependencies=api_list(search=True))
    async def list_projects(self, db: DB, search: ListSearch, window: ListWindow) -> ProjectList:
        """Projects by name; `archived=true` includes archived ones."""
        load = partial(service.list_projects, db, q=search.q, archived=search.archived)
        return await api_page(load, project_out, window)

    @get("/{project_id:int}")
    async def get_project(self, db: DB, project_id: FromPath[int]) -> ProjectDetail:
        """A project with its lead organisation and its donors (in their order)."""
        project: Project = await service.get_project(db, project_id)
        lead = organisation_ref(project.lead_organisation) if project.lead_organisation else None
        donors = [organisation_ref(donor.organisation) for donor in project.donors]
        return out_of(ProjectDetail, project, lead_organisation=lead, donors=donors)


routes: list[Any] = [Router(path="/api/v1", route_handlers=[ProjectController])]
