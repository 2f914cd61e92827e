"""JSON API (/api/v1) of the projects area: projects with their lead and donors (read only)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.params import FromPath, FromQuery
from litestar.router import Router

from dialogue.openapi import Page, named, out_of
from dialogue.people.api import OrganisationRef, organisation_ref
from dialogue.projects import service
from dialogue.projects.models import Project
from dialogue.sorting import Window
from dialogue.web import DB, page_window

DEFAULT_LIMIT = 50


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


class ProjectController(Controller):
    path = "/projects"
    tags = ["projects"]

    @get("/")
    async def list_projects(
        self,
        db: DB,
        q: FromQuery[str | None] = None,
        archived: FromQuery[bool] = False,
        limit: FromQuery[int | None] = None,
        offset: FromQuery[int | None] = None,
    ) -> ProjectList:
        """Projects by name; `archived=true` includes archived ones."""
        limit, offset = page_window(limit, offset, DEFAULT_LIMIT)
        rows, total = await service.list_projects(
            db, q=(q or "").strip(), archived=archived, window=Window(limit, offset)
        )
        items = [out_of(ProjectOut, row.project) for row in rows]
        return Page(items=items, total=total, limit=limit, offset=offset)

    @get("/{project_id:int}")
    async def get_project(self, db: DB, project_id: FromPath[int]) -> ProjectDetail:
        """A project with its lead organisation and its donors (in their order)."""
        project: Project = await service.get_project(db, project_id)
        lead = organisation_ref(project.lead_organisation) if project.lead_organisation else None
        donors = [organisation_ref(donor.organisation) for donor in project.donors]
        return out_of(ProjectDetail, project, lead_organisation=lead, donors=donors)


routes: list[Any] = [Router(path="/api/v1", route_handlers=[ProjectController])]
