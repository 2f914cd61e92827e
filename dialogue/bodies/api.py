"""JSON API (/api/v1) of the bodies area: bodies and their members (read only)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.params import FromPath
from litestar.router import Router

from dialogue.bodies import service
from dialogue.bodies.models import (
    BodyKind,
    Membership,
    MembershipKind,
    QuorumRule,
)
from dialogue.listing import ListSearch, ListWindow, api_list, api_page
from dialogue.openapi import Page, named, out_of
from dialogue.people.api import OrganisationRef, organisation_ref
from dialogue.web import DB


class BodyOut(msgspec.Struct):
    id: int
    name: str
    short_name: str
    kind: BodyKind
    description: str
    quorum_rule: QuorumRule
    quorum_min_per_side: int
    archived_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


BodyList = Annotated[Page[BodyOut], named("BodyList")]


class MemberOut(msgspec.Struct):
    membership_id: int
    kind: MembershipKind
    person_id: int
    full_name: str
    archived: bool
    organisation: OrganisationRef


class BodyDetail(BodyOut):
    members: list[MemberOut] = []


def body_out(row: Any) -> BodyOut:
    """A row of the bodies' list (the body and its counts) as the API shows the body."""
    return out_of(BodyOut, row.body)


def member_out(membership: Membership) -> MemberOut:
    person = membership.person
    return MemberOut(
        membership_id=membership.id,
        kind=membership.kind,
        person_id=person.id,
        full_name=person.full_name,
        archived=person.archived_at is not None,
        organisation=organisation_ref(person.organisation),
    )


class BodyController(Controller):
    path = "/bodies"
    tags = ["bodies"]

    @get("/", dependencies=api_list(search=True))
    async def list_bodies(self, db: DB, search: ListSearch, window: ListWindow) -> BodyList:
        """Bodies by name; `archived=true` includes archived ones."""
        return await api_page(partial(service.list_bodies, db, q=search.q, archived=search.archived), body_out, window)

    @get("/{body_id:int}")
    async def get_body(self, db: DB, body_id: FromPath[int]) -> BodyDetail:
        """A body with its members (titular or alternate, archived people included and marked)."""
        body = await service.get_body(db, body_id)
        memberships = await service.body_members(db, body.id, include_archived=True)
        return out_of(BodyDetail, body, members=[member_out(m) for m in memberships])


routes: list[Any] = [Router(path="/api/v1", route_handlers=[BodyController])]
