"""Who may use which route: the full matrix of routes x roles x sides.

`ROUTES` decides, for every route of the application, who may use it. The test fails when a
route has no entry (a new route cannot ship without that decision), when an entry names a
route that no longer exists, and when the permission a route declares differs from the table.
Then every route is called, with real ids of a small seeded world, by each kind of person:
  - anonymous: pages go to /login (303), the API answers 401 (except PUBLIC routes);
  - a role the route does not allow: 403, and nothing in the database changed;
  - a role it allows: neither 401 nor 403 nor a redirect to /login (an empty write may well
    be refused with 400/404/409/422: that is the route's own business).
SIDE routes are tried for the delegate's own side (allowed) and for another side (403).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import dialogue.models
from dialogue.accounts.models import Role
from dialogue.accounts.permissions import Permission, route_permission
from dialogue.agenda.models import AgendaDocument
from dialogue.app import create_app
from dialogue.bodies.models import Membership
from dialogue.commitments.models import CommitmentStatus
from dialogue.db import Base
from dialogue.meetings.models import MeetingPartner, PartnerRole
from dialogue.people.models import Side
from dialogue.projects.models import Project
from dialogue.settings import Settings
from tests import factories
from tests.conftest import open_session

PUBLIC = Permission.PUBLIC
SIGNED_IN = Permission.SIGNED_IN
READ = Permission.READ
SIDE = Permission.SIDE
EXPORT = Permission.EXPORT
SECRETARIAT = Permission.SECRETARIAT

# Every route ("METHOD /path", path parameters without their type) -> who may use it.
ROUTES: dict[str, Permission] = {
    # Public: sign-in, health and readiness, language, account invitations
    "GET /health": PUBLIC,
    "GET /ready": PUBLIC,
    "POST /language": PUBLIC,
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    "GET /welcome/{token}": PUBLIC,
    "POST /welcome/{token}": PUBLIC,
    # Any signed-in person: sign-out, their own account
    "POST /logout": SIGNED_IN,
    "POST /session/extend": SIGNED_IN,
    "GET /account": SIGNED_IN,
    "POST /account/password": SIGNED_IN,
    "POST /account/language": SIGNED_IN,
    "POST /account/tokens": SIGNED_IN,
    "POST /account/tokens/{token_id}/revoke": SIGNED_IN,
    # Calendar feeds: the feed itself is public (its token is the credential); one's own
    # feed addresses; the weekly digest of commitments (the secretariat)
    "GET /calendars/{token}": PUBLIC,
    "GET /account/calendars": SIGNED_IN,
    "POST /account/calendars": SIGNED_IN,
    "POST /account/calendars/{feed_id}/revoke": SIGNED_IN,
    "POST /reminders/digest": SECRETARIAT,
    # Accounts, audit trail, outbox: the secretariat
    "GET /accounts": SECRETARIAT,
    "GET /accounts.csv": SECRETARIAT,
    "GET /accounts.xlsx": SECRETARIAT,
    "POST /accounts": SECRETARIAT,
    "GET /accounts/new": SECRETARIAT,
    "GET /accounts/{account_id}": SECRETARIAT,
    "POST /accounts/{account_id}": SECRETARIAT,
    "POST /accounts/{account_id}/disable": SECRETARIAT,
    "POST /accounts/{account_id}/enable": SECRETARIAT,
    "POST /accounts/{account_id}/password-link": SECRETARIAT,
    "GET /audit": SECRETARIAT,
    "GET /audit.csv": SECRETARIAT,
    "GET /audit.xlsx": SECRETARIAT,
    # The whole record as one archive (dialogue/archive)
    "GET /export": SECRETARIAT,
    "GET /export/archive.zip": SECRETARIAT,
    "GET /outbox": SECRETARIAT,
    "GET /outbox.csv": SECRETARIAT,
    "GET /outbox.xlsx": SECRETARIAT,
    "POST /outbox/send": SECRETARIAT,
    "GET /outbox/{message_id}": SECRETARIAT,
    "GET /outbox/{message_id}/message.eml": SECRETARIAT,
    "POST /outbox/{message_id}/retry": SECRETARIAT,
    # Dashboard
    "GET /": READ,
    # History of a record (the audit trail of one meeting, commitment, person, body, organisation)
    "GET /meetings/{meeting_id}/history": READ,
    "GET /commitments/{commitment_id}/history": READ,
    "GET /people/{person_id}/history": READ,
    "GET /bodies/{body_id}/history": READ,
    "GET /organisations/{organisation_id}/history": READ,
    "GET /projects/{project_id}/history": READ,
    # Meetings and invitations
    "GET /meetings": READ,
    "GET /meetings.csv": READ,
    "GET /meetings.xlsx": READ,
    "POST /meetings": SECRETARIAT,
    "GET /meetings/new": SECRETARIAT,
    "GET /meetings/new/follow-up": SECRETARIAT,
    "GET /meetings/{meeting_id}": READ,
    "GET /meetings/{meeting_id}/edit": SECRETARIAT,
    "POST /meetings/{meeting_id}/edit": SECRETARIAT,
    "GET /meetings/{meeting_id}/cancel": SECRETARIAT,
    "POST /meetings/{meeting_id}/cancel": SECRETARIAT,
    "GET /meetings/{meeting_id}/delete": SECRETARIAT,
    "POST /meetings/{meeting_id}/delete": SECRETARIAT,
    "POST /meetings/{meeting_id}/invitations": SECRETARIAT,
    "POST /meetings/{meeting_id}/partners": SECRETARIAT,
    "POST /meetings/{meeting_id}/partners/{partner_id}/remove": SECRETARIAT,
    "POST /meetings/{meeting_id}/partners/{partner_id}/up": SECRETARIAT,
    "POST /meetings/{meeting_id}/partners/{partner_id}/down": SECRETARIAT,
    "POST /meetings/{meeting_id}/invitations/members": SECRETARIAT,
    "POST /meetings/{meeting_id}/invitations/{invitation_id}": SECRETARIAT,
    "POST /meetings/{meeting_id}/invitations/{invitation_id}/attendance": SECRETARIAT,
    "POST /meetings/{meeting_id}/invitations/{invitation_id}/remove": SECRETARIAT,
    "GET /meetings/{meeting_id}/invite.ics": READ,
    "POST /meetings/{meeting_id}/invitations/send": SECRETARIAT,
    "GET /meetings/{meeting_id}/invitations/send": SECRETARIAT,
    "GET /meetings/{meeting_id}/calendar": READ,
    "POST /meetings/{meeting_id}/invitations/bulk": SECRETARIAT,
    "POST /meetings/{meeting_id}/attendance/present": SECRETARIAT,
    "GET /meetings/{meeting_id}/attendance-sheet": READ,
    # The papers of the meeting day (exports) and the letterhead (the secretariat's)
    "GET /meetings/{meeting_id}/sign-in-sheet.pdf": EXPORT,
    "GET /meetings/{meeting_id}/convocation.pdf": EXPORT,
    "GET /meetings/{meeting_id}/convocations.pdf": EXPORT,
    "GET /settings/letterhead": SECRETARIAT,
    "POST /settings/letterhead": SECRETARIAT,
    "GET /calendar": READ,
    # Minutes: everyone reads them and their exports (no internal content ever enters them);
    # the secretariat writes them; each side's approver decides (checked in the service)
    "GET /meetings/{meeting_id}/minutes": READ,
    "POST /meetings/{meeting_id}/minutes": SECRETARIAT,
    "POST /meetings/{meeting_id}/minutes/narratives": SECRETARIAT,
    "POST /meetings/{meeting_id}/minutes/circulate": SECRETARIAT,
    "POST /meetings/{meeting_id}/minutes/revise": SECRETARIAT,
    "POST /meetings/{meeting_id}/minutes/addenda": SECRETARIAT,
    "POST /meetings/{meeting_id}/minutes/decisions/{side}": SIDE,
    "GET /meetings/{meeting_id}/minutes/diff": READ,
    "GET /meetings/{meeting_id}/minutes.pdf": READ,
    "GET /meetings/{meeting_id}/minutes.docx": READ,
    "GET /meetings/{meeting_id}/minutes.md": READ,
    "GET /meetings/{meeting_id}/minutes.html": READ,
    "GET /meetings/{meeting_id}/minutes.json": READ,
    # Press releases: the secretariat writes and publishes them, everyone reads a published
    # one; the public pages need no account
    "GET /meetings/{meeting_id}/press-release": READ,
    "POST /meetings/{meeting_id}/press-release": SECRETARIAT,
    "POST /meetings/{meeting_id}/press-release/edit": SECRETARIAT,
    "POST /meetings/{meeting_id}/press-release/publish": SECRETARIAT,
    "POST /meetings/{meeting_id}/press-release/unpublish": SECRETARIAT,
    "GET /meetings/{meeting_id}/press-release.pdf": READ,
    "GET /meetings/{meeting_id}/press-release.docx": READ,
    "GET /meetings/{meeting_id}/press-release.html": READ,
    "GET /public": PUBLIC,
    "GET /public/events.json": PUBLIC,
    "GET /public/events/{name}": PUBLIC,
    "GET /invitations/{invitation_id}/{token}": PUBLIC,
    "POST /invitations/{invitation_id}/{token}": PUBLIC,
    # Agenda: items, documents, outcomes (secretariat); positions (each side)
    "GET /meetings/{meeting_id}/agenda": READ,
    "POST /meetings/{meeting_id}/agenda": SECRETARIAT,
    "GET /agenda/{item_id}": READ,
    "GET /agenda/{item_id}/edit": SECRETARIAT,
    "POST /agenda/{item_id}/edit": SECRETARIAT,
    "POST /agenda/{item_id}/delete": SECRETARIAT,
    "POST /agenda/{item_id}/move": SECRETARIAT,
    "POST /agenda/{item_id}/documents": SECRETARIAT,
    "POST /agenda/{item_id}/documents/{document_id}/delete": SECRETARIAT,
    "POST /agenda/{item_id}/positions/{side}": SIDE,
    "POST /agenda/{item_id}/outcome": SECRETARIAT,
    "POST /agenda/{item_id}/outcome/delete": SECRETARIAT,
    # Commitments: the secretariat; progress updates by the commitment's side too
    "GET /commitments": READ,
    "GET /commitments.csv": READ,
    "GET /commitments.xlsx": READ,
    "POST /commitments": SECRETARIAT,
    "GET /commitments/new": SECRETARIAT,
    "GET /commitments/form/items": SECRETARIAT,
    "GET /commitments/{commitment_id}": READ,
    "GET /commitments/{commitment_id}/edit": SECRETARIAT,
    "POST /commitments/{commitment_id}/edit": SECRETARIAT,
    "POST /commitments/{commitment_id}/updates": SIDE,
    "POST /commitments/{commitment_id}/delete": SECRETARIAT,
    # Follow-up sheets (fiche de suivi): the secretariat and coordinators
    "GET /meetings/{meeting_id}/follow-up.pdf": EXPORT,
    "GET /meetings/{meeting_id}/follow-up.docx": EXPORT,
    "GET /meetings/{meeting_id}/follow-up.csv": EXPORT,
    "GET /bodies/{body_id}/follow-up.pdf": EXPORT,
    "GET /bodies/{body_id}/follow-up.docx": EXPORT,
    "GET /bodies/{body_id}/follow-up.csv": EXPORT,
    # Bodies and members
    "GET /bodies": READ,
    "GET /bodies.csv": READ,
    "GET /bodies.xlsx": READ,
    "POST /bodies": SECRETARIAT,
    "GET /bodies/new": SECRETARIAT,
    "GET /bodies/{body_id}": READ,
    "GET /bodies/{body_id}/edit": SECRETARIAT,
    "POST /bodies/{body_id}/edit": SECRETARIAT,
    "POST /bodies/{body_id}/archive": SECRETARIAT,
    "POST /bodies/{body_id}/unarchive": SECRETARIAT,
    "POST /bodies/{body_id}/delete": SECRETARIAT,
    "POST /bodies/{body_id}/members": SECRETARIAT,
    "POST /bodies/{body_id}/members/{membership_id}/kind": SECRETARIAT,
    "POST /bodies/{body_id}/members/{membership_id}/remove": SECRETARIAT,
    "GET /projects": READ,
    "GET /projects.csv": READ,
    "GET /projects.xlsx": READ,
    "POST /projects": SECRETARIAT,
    "GET /projects/new": SECRETARIAT,
    "GET /projects/{project_id}": READ,
    "GET /projects/{project_id}/edit": SECRETARIAT,
    "POST /projects/{project_id}/edit": SECRETARIAT,
    "POST /projects/{project_id}/archive": SECRETARIAT,
    "POST /projects/{project_id}/unarchive": SECRETARIAT,
    "POST /projects/{project_id}/delete": SECRETARIAT,
    # Sides, organisations, people
    "GET /sides": READ,
    "GET /organisations": READ,
    "GET /organisations.csv": READ,
    "GET /organisations.xlsx": READ,
    "POST /organisations": SECRETARIAT,
    "GET /organisations/new": SECRETARIAT,
    "GET /organisations/{organisation_id}": READ,
    "GET /organisations/{organisation_id}/edit": SECRETARIAT,
    "POST /organisations/{organisation_id}/edit": SECRETARIAT,
    "POST /organisations/{organisation_id}/archive": SECRETARIAT,
    "POST /organisations/{organisation_id}/unarchive": SECRETARIAT,
    "POST /organisations/{organisation_id}/delete": SECRETARIAT,
    "GET /reports": READ,
    "GET /reports/c144": READ,
    "GET /reports/c144.pdf": READ,
    "GET /reports/c144.docx": READ,
    "GET /reports/c144.csv": READ,
    "GET /reports/c144.xlsx": READ,
    "GET /reports/commitments": READ,
    "GET /reports/commitments.pdf": READ,
    "GET /reports/commitments.docx": READ,
    "GET /reports/commitments.csv": READ,
    "GET /reports/commitments.xlsx": READ,
    "GET /reports/participation": READ,
    "GET /reports/participation.pdf": READ,
    "GET /reports/participation.docx": READ,
    "GET /reports/participation.csv": READ,
    "GET /reports/participation.xlsx": READ,
    "GET /people": READ,
    # Imports from spreadsheets (the secretariat's)
    # Documents (files): read where their record is read (internal ones: their side only,
    # checked per document); uploaded by the secretariat, and by a side to its own positions
    # and progress notes
    "GET /meetings/{meeting_id}/documents": READ,
    "POST /meetings/{meeting_id}/documents": SECRETARIAT,
    "GET /agenda/{item_id}/files": READ,
    "POST /agenda/{item_id}/files": SECRETARIAT,
    "GET /agenda/{item_id}/positions/{side}/files": READ,
    "POST /agenda/{item_id}/positions/{side}/files": SIDE,
    "GET /commitments/{commitment_id}/updates/{update_id}/files": READ,
    "POST /commitments/{commitment_id}/updates/{update_id}/files": SIDE,
    "GET /documents/{document_id}": READ,
    "GET /documents/{document_id}/file": READ,
    "GET /documents/{document_id}/versions/{number}/file": READ,
    "GET /import": SECRETARIAT,
    "POST /import": SECRETARIAT,
    "GET /import/{upload_id}": SECRETARIAT,
    "POST /import/{upload_id}": SECRETARIAT,
    "GET /import/{kind}/template.csv": SECRETARIAT,
    "GET /people.csv": READ,
    "GET /people.xlsx": READ,
    "POST /people": SECRETARIAT,
    "GET /people/new": SECRETARIAT,
    "GET /people/{person_id}": READ,
    "GET /people/{person_id}/edit": SECRETARIAT,
    "POST /people/{person_id}/edit": SECRETARIAT,
    "POST /people/{person_id}/archive": SECRETARIAT,
    "POST /people/{person_id}/unarchive": SECRETARIAT,
    "POST /people/{person_id}/delete": SECRETARIAT,
    # API: meetings
    "GET /api/v1/meetings": READ,
    "POST /api/v1/meetings": SECRETARIAT,
    "GET /api/v1/meetings/{meeting_id}": READ,
    "PATCH /api/v1/meetings/{meeting_id}": SECRETARIAT,
    "DELETE /api/v1/meetings/{meeting_id}": SECRETARIAT,
    "POST /api/v1/meetings/{meeting_id}/cancel": SECRETARIAT,
    "POST /api/v1/meetings/{meeting_id}/invitations/send": SECRETARIAT,
    "GET /api/v1/meetings/{meeting_id}/invitations": READ,
    "POST /api/v1/meetings/{meeting_id}/invitations": SECRETARIAT,
    "PATCH /api/v1/meetings/{meeting_id}/invitations/{invitation_id}": SECRETARIAT,
    "DELETE /api/v1/meetings/{meeting_id}/invitations/{invitation_id}": SECRETARIAT,
    # API: agenda
    "GET /api/v1/meetings/{meeting_id}/agenda": READ,
    "POST /api/v1/meetings/{meeting_id}/agenda": SECRETARIAT,
    "POST /api/v1/meetings/{meeting_id}/agenda/order": SECRETARIAT,
    "GET /api/v1/agenda/{item_id}": READ,
    "PATCH /api/v1/agenda/{item_id}": SECRETARIAT,
    "DELETE /api/v1/agenda/{item_id}": SECRETARIAT,
    "PUT /api/v1/agenda/{item_id}/positions/{side}": SIDE,
    "PUT /api/v1/agenda/{item_id}/outcome": SECRETARIAT,
    "DELETE /api/v1/agenda/{item_id}/outcome": SECRETARIAT,
    # API: commitments
    "GET /api/v1/commitments": READ,
    "POST /api/v1/commitments": SECRETARIAT,
    "GET /api/v1/commitments/{commitment_id}": READ,
    "PATCH /api/v1/commitments/{commitment_id}": SECRETARIAT,
    "DELETE /api/v1/commitments/{commitment_id}": SECRETARIAT,
    "POST /api/v1/commitments/{commitment_id}/updates": SIDE,
    # API: bodies, organisations, people
    "GET /api/v1/bodies": READ,
    "GET /api/v1/bodies/{body_id}": READ,
    "GET /api/v1/projects": READ,
    "GET /api/v1/projects/{project_id}": READ,
    "GET /api/v1/organisations": READ,
    "POST /api/v1/organisations": SECRETARIAT,
    "GET /api/v1/organisations/{organisation_id}": READ,
    "PATCH /api/v1/organisations/{organisation_id}": SECRETARIAT,
    "GET /api/v1/people": READ,
    "POST /api/v1/people": SECRETARIAT,
    "GET /api/v1/people/{person_id}": READ,
    "PATCH /api/v1/people/{person_id}": SECRETARIAT,
}

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
SKIPPED_PREFIXES = (
    "/static",
    "/schema",
)  # files, and the OpenAPI description of the API


TYPED_PARAMETER = re.compile(r"\{(\w+):[^}]+\}")


def route_key(method: str, path: str) -> str:
    """`GET /meetings/{meeting_id:int}` -> `GET /meetings/{meeting_id}`."""
    return method + " " + TYPED_PARAMETER.sub(r"{\1}", path)


def app_routes(app: Litestar) -> dict[str, Permission]:
    """Every (method, path) the application answers, with the permission it declares."""
    found: dict[str, Permission] = {}
    for route in app.routes:
        if route.path.startswith(SKIPPED_PREFIXES):
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(getattr(handler, "http_methods", ())):
                if method not in SKIPPED_METHODS:
                    found[route_key(method, route.path)] = route_permission(handler, method)
    return found


def test_every_route_has_a_decided_permission(tmp_path: Any) -> None:
    app = create_app(
        Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path}/routes.db",
            secret_key="k" * 40,
        )
    )
    declared = app_routes(app)
    missing = sorted(set(declared) - set(ROUTES))
    gone = sorted(set(ROUTES) - set(declared))
    assert not missing, f"routes without an entry in ROUTES (decide who may use them): {missing}"
    assert not gone, f"ROUTES names routes that no longer exist: {gone}"
    differ = {key: (declared[key].value, ROUTES[key].value) for key in ROUTES if declared[key] is not ROUTES[key]}
    assert not differ, f"declared permission != table (declared, expected): {differ}"


# The seeded world and the people who knock ----------------------------------------------


@dataclass(frozen=True)
class Who:
    """A kind of person: `role` None is anonymous; a delegate speaks for `side`."""

    name: str
    role: Role | None = None
    side: Side | None = None

    def outcome(self, permission: Permission, own: bool) -> str:
        """'allowed', 'forbidden' or 'sign-in' for a route of `permission` (`own`: the object
        belongs to this person's side, for SIDE routes)."""
        if permission is PUBLIC:
            return "allowed"
        if self.role is None:
            return "sign-in"
        if permission in (SIGNED_IN, READ):
            return "allowed"
        if self.role is Role.SECRETARIAT:
            return "allowed"
        if permission is SIDE:
            return "allowed" if self.role is Role.DELEGATE and own else "forbidden"
        if permission is EXPORT:
            return "allowed" if self.role is Role.COORDINATOR else "forbidden"
        return "forbidden"


PEOPLE = [
    Who("anonymous"),
    Who("secretariat", Role.SECRETARIAT),
    Who("delegate-workers", Role.DELEGATE, Side.WORKERS),
    Who("delegate-employers", Role.DELEGATE, Side.EMPLOYERS),
    Who("coordinator", Role.COORDINATOR),
    Who("observer", Role.OBSERVER),
]

ORGANISATION_OF_SIDE = {
    Side.GOVERNMENT: "mas",
    Side.WORKERS: "ugtt",
    Side.EMPLOYERS: "utica",
}
OTHER_SIDE = {
    Side.WORKERS: Side.EMPLOYERS,
    Side.EMPLOYERS: Side.WORKERS,
    Side.GOVERNMENT: Side.WORKERS,
}


async def seed(db: AsyncSession) -> dict[str, Any]:
    """A council with a meeting, an item with a document, positions and an outcome, an
    invitation, and a commitment per side (the workers' one with a progress update)."""
    world = await factories.table(db)
    meeting = await factories.meeting(db, world["plenary"], title="Plénière")
    item = await factories.item(db, meeting, title="Salaire minimum")
    document = AgendaDocument(item_id=item.id, title="Note", url="https://example.tn/note.pdf")
    db.add(document)
    await factories.position(db, item, Side.WORKERS, statement="Position des travailleurs")
    await factories.position(db, item, Side.EMPLOYERS, statement="Position des employeurs")
    invitation = await factories.invite(db, meeting, world["ugtt1"])
    commitments = {
        side: await factories.commitment(db, side, CommitmentStatus.OPEN, title=f"Engagement {side.value}")
        for side in Side.parties()
    }
    note = await factories.progress(db, commitments[Side.WORKERS])
    spare = await factories.account(db, Role.OBSERVER, email="spare@example.tn")
    await factories.api_token(db, spare, name="spare")
    await db.flush()
    project = Project(slug="amem", name="Migration équitable")
    db.add(project)
    await db.flush()
    partner = MeetingPartner(meeting_id=meeting.id, organisation_id=world["ilo"].id, role=PartnerRole.COORDINATOR)
    db.add(partner)
    membership = await db.scalar(select(Membership).where(Membership.body_id == world["plenary"].id).limit(1))
    assert membership is not None
    world.update(
        meeting=meeting,
        item=item,
        document=document,
        invitation=invitation,
        commitments=commitments,
    )
    world["ids"] = {
        "meeting_id": meeting.id,
        "item_id": item.id,
        "document_id": document.id,
        "invitation_id": invitation.id,
        "body_id": world["plenary"].id,
        "membership_id": membership.id,
        "project_id": project.id,
        "partner_id": partner.id,
        "organisation_id": world["ugtt"].id,
        "person_id": world["ugtt1"].id,
        "account_id": spare.id,  # never the account making the requests
        "token_id": 999_999,  # nobody's token: revoking it cannot cut a client off
        "message_id": 999_999,
        "feed_id": 999_999,  # nobody's feed
        "upload_id": 999_999,  # nobody's upload
        "update_id": note.id,  # the workers' progress note (another commitment's: not found)
        "number": 1,  # a document's first version
        "kind": "people",
        "name": "no-such-release",
        "token": "not-a-real-token",
    }
    return world


@asynccontextmanager
async def browser(
    first: AsyncTestClient[Any], db: AsyncSession, who: Who, world: dict[str, Any]
) -> AsyncIterator[AsyncTestClient[Any]]:
    """Another browser on the app of `first` for `who`: signed in, with a
    personal API token for /api. It runs in `first`'s event loop (its blocking portal): the
    app's asyncpg connections belong to one loop."""
    client = AsyncTestClient(app=first.app, base_url="http://testserver.local")
    client.blocking_portal = first.blocking_portal
    try:
        if who.role is None:
            await client.get("/login")  # the CSRF cookie, as a browser would have it
            client.headers["x-csrftoken"] = client.cookies.get("csrftoken") or ""
        else:
            org = world[ORGANISATION_OF_SIDE[who.side]] if who.side else None
            account = await factories.account(db, who.role, org, email=f"{who.name}-matrix@example.tn")
            token = await factories.api_token(db, account)
            await db.commit()
            open_session(client, account.email)
            client.headers["authorization"] = f"Bearer {token}"
        yield client
    finally:
        del client.blocking_portal  # the portal stays `first`'s to close


def fill(key: str, ids: dict[str, Any], side: Side, commitment_id: int) -> str:
    """The URL of route `key` with real ids (`side`/`commitment_id`: the object under test)."""
    path = key.split(" ", 1)[1]
    values = {**ids, "side": side.value, "commitment_id": commitment_id}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"no id for path parameter {{{name}}} in {key}: add one to seed()"
        return str(values[name])

    return re.sub(r"\{(\w+)\}", value, path)


# SIDE routes get a well-formed body: the API decodes bodies before the handler checks the
# side, so an empty one would be refused as invalid (422, nothing changed) before the 403.
SIDE_BODIES: dict[str, dict[str, Any]] = {
    "POST /meetings/{meeting_id}/minutes/decisions/{side}": {"decision": "approved"},
    "POST /agenda/{item_id}/positions/{side}": {
        "stance": "oppose",
        "statement": "Matrice",
        "version": "1",
    },
    "PUT /api/v1/agenda/{item_id}/positions/{side}": {
        "stance": "oppose",
        "statement": "Matrice",
        "version": 1,
    },
    "POST /commitments/{commitment_id}/updates": {"note": "Matrice"},
    "POST /api/v1/commitments/{commitment_id}/updates": {"note": "Matrice"},
}


async def call(client: AsyncTestClient[Any], key: str, url: str) -> Any:
    """The request of route `key`: empty (a form for pages, a JSON object for the API)
    unless the route is in SIDE_BODIES."""
    method = key.split(" ", 1)[0]
    body = SIDE_BODIES.get(key, {})
    if method in ("GET", "DELETE"):
        return await client.request(method, url, follow_redirects=False)
    if url.startswith("/api/"):
        return await client.request(method, url, json=body, follow_redirects=False)
    return await client.request(method, url, data=body, follow_redirects=False)


def goes_to_login(response: Any) -> bool:
    location = response.headers.get("location", "") or response.headers.get("hx-redirect", "")
    return response.status_code in (302, 303, 401) and location.startswith("/login")


# The audit trail records each refusal, and so the record's version (dialogue/page_cache.py) moves.
SNAPSHOT_SKIPPED = {"audit_event", "data_version", "sign_in_session", "sign_in_throttle", "api_token"}


async def snapshot(db: AsyncSession) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the record (not the sessions, throttles or the audit trail, which a
    refused request rightly writes to)."""
    assert dialogue.models.__all__
    rows = {}
    for table in Base.metadata.sorted_tables:
        if table.name not in SNAPSHOT_SKIPPED:
            result = await db.execute(select(table).order_by(*table.primary_key.columns))
            rows[table.name] = [tuple(row) for row in result]
    await db.commit()  # end the read transaction (the app writes next); keeps loaded objects
    return rows


def order(key: str) -> tuple[int, str]:
    """Reads first, then writes; deletions late (they take ids away), sign-out last."""
    method, path = key.split(" ", 1)
    if path == "/logout":
        return (4, key)
    if method == "DELETE" or path.endswith(("/delete", "/remove")):
        return (3, key)
    return (1 if method == "GET" else 2, key)


@pytest.mark.parametrize("who", PEOPLE, ids=[who.name for who in PEOPLE])
async def test_route_matrix(client: AsyncTestClient[Any], db: AsyncSession, who: Who) -> None:
    world = await seed(db)
    await db.commit()
    own_side = who.side or Side.WORKERS
    commitments = world["commitments"]
    # (route, url, permission, own) for every request of the run
    plan: list[tuple[str, str, Permission, bool]] = []
    for key in sorted(ROUTES, key=order):
        permission = ROUTES[key]
        sides = [(own_side, True)]
        if permission is SIDE:
            sides.append((OTHER_SIDE[own_side], False))
        for side, own in sides:
            url = fill(key, world["ids"], side, commitments[side].id)
            plan.append((key, url, permission, own))

    problems: list[str] = []
    async with browser(client, db, who, world) as me:
        refused = [p for p in plan if who.outcome(p[2], p[3]) != "allowed"]
        allowed = [p for p in plan if who.outcome(p[2], p[3]) == "allowed"]
        before = await snapshot(db)
        for key, url, permission, own in refused:
            method = key.split(" ", 1)[0]
            response = await call(me, key, url)
            expected = who.outcome(permission, own)
            if expected == "forbidden" and response.status_code != 403:
                problems.append(f"{method} {url}: {response.status_code}, expected 403")
            elif expected == "sign-in":
                wanted = 401 if url.startswith("/api/") else 303
                if response.status_code != wanted or (wanted == 303 and not goes_to_login(response)):
                    problems.append(f"{method} {url}: {response.status_code}, expected {wanted} to sign in")
        after = await snapshot(db)
        changed = [name for name in before if before[name] != after[name]]
        assert not changed, f"{who.name}: refused requests changed {changed}"
        for key, url, _permission, _own in allowed:
            method = key.split(" ", 1)[0]
            response = await call(me, key, url)
            if key == "POST /login":
                continue  # an empty sign-in is refused with 401 by design; it is public
            if key == "GET /ready" and response.status_code == 503:
                continue  # the tests' schema is made from the models, not migrated: not ready, for anyone
            if key == "POST /logout":
                if response.status_code != 303:  # signed out, back to the sign-in page
                    problems.append(f"{method} {url}: {response.status_code}, expected 303")
                continue
            if response.status_code in (401, 403) or goes_to_login(response) or response.status_code >= 500:
                problems.append(f"{method} {url}: {response.status_code}, expected to be let through")
    assert not problems, f"{who.name}:\n" + "\n".join(problems)
