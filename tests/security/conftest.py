"""Helpers of the security tests: more signed-in people on the same app, and every GET
route of the app turned into a concrete URL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import i18n
from dialogue.accounts.links import new_link
from dialogue.accounts.models import LinkPurpose, Role
from dialogue.agenda.models import AgendaDocument
from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.bodies.models import Body, Membership
from dialogue.commitments.models import CommitmentUpdate
from dialogue.documents.tiny_pdf import tiny_pdf
from dialogue.people.models import Organisation
from tests import factories
from tests.conftest import open_session

PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")


@asynccontextmanager
async def stranger(client: AsyncTestClient[Any], language: str = "en") -> AsyncIterator[AsyncTestClient[Any]]:
    """Another browser on the app of `client`, signed in as nobody, with its own cookies.

    It shares `client`'s event loop (its blocking portal) instead of starting its own: the
    app's pooled asyncpg connections belong to one loop, and a second loop breaks them.
    """
    browser = AsyncTestClient(app=client.app, base_url="http://testserver.local")
    browser.blocking_portal = client.blocking_portal
    browser.headers["accept-language"] = language
    try:
        yield browser
    finally:
        del browser.blocking_portal  # the portal stays `client`'s to close


@asynccontextmanager
async def signed_in(
    client: AsyncTestClient[Any], email: str, *, token: str | None = None, language: str = "en"
) -> AsyncIterator[AsyncTestClient[Any]]:
    """Another browser on the app of `client`, signed in as `email` (with its personal API
    token for /api when given)."""
    async with stranger(client, language) as browser:
        open_session(browser, email)
        if token:
            browser.headers["authorization"] = f"Bearer {token}"
        yield browser


def get_routes(app: Litestar) -> list[str]:
    """The path template of every GET route of the app (e.g. "/meetings/{meeting_id:int}")."""
    return sorted({route.path for route in app.routes if "GET" in getattr(route, "methods", ())})


def concrete(path: str, values: Mapping[str, Any]) -> str:
    """`path` with each parameter filled from `values` (by name); unknown ones get 1 (ints)
    or "unknown" (strings), which should answer 404 rather than fail."""

    def fill(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2) or "str"
        if name in values:
            return str(values[name])
        return "1" if kind == "int" else "unknown"

    return PARAM.sub(fill, path)


def is_html(response: Any) -> bool:
    return response.headers.get("content-type", "").startswith("text/html")


async def audit_rows(db: AsyncSession) -> int:
    """Rows of the audit trail, sign-ins and sign-outs excluded, and downloads of the whole
    record (/export/archive.zip), which the trail records on purpose though they change nothing."""
    excluded = (AuditAction.SIGN_IN, AuditAction.SIGN_IN_FAILED, AuditAction.SIGN_OUT, AuditAction.EXPORT)
    return int(await db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.not_in(excluded))) or 0)


# A record full of hostile text ------------------------------------------------------------

SCRIPT = '<script>alert("x")</script>'
IMAGE = "<img src=x onerror=alert(1)>"
# Markup, both quotes (to break out of an attribute) and an event handler, in one text.
HOSTILE = f"{SCRIPT}' \" {IMAGE}"
# The unescaped pieces that must never reach a page.
RAW = ("<script>alert", "<img src=x onerror", 'alert("x")')


async def _json(client: AsyncTestClient[Any], method: str, url: str, body: Any, status: int = 201) -> Any:
    response = await client.request(method, url, json=body)
    assert response.status_code == status, (url, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


async def _form(client: AsyncTestClient[Any], url: str, data: dict[str, Any]) -> Any:
    response = await client.post(url, data=data, follow_redirects=False)
    assert response.status_code in (200, 303), (url, response.status_code, response.text[:2000])
    return response


@pytest.fixture
async def world(english: AsyncTestClient[Any], db: AsyncSession) -> dict[str, Any]:
    """Everything the secretariat can type, typed with `HOSTILE` in every free-text field
    through the app's own forms and API; returns the ids of the records (named like the
    path parameters of the routes)."""
    client = english
    today = i18n.today()
    org = await _json(
        client,
        "POST",
        "/api/v1/organisations",
        {
            "slug": "xss-org",
            "name": HOSTILE,
            "side": "workers",
            "acronym": IMAGE,
            "description": HOSTILE,
        },
    )
    person = await _json(
        client,
        "POST",
        "/api/v1/people",
        {
            "full_name": HOSTILE,
            "organisation_id": org["id"],
            "title": HOSTILE,
            "email": "xss@example.tn",
        },
    )
    await _form(
        client,
        "/bodies",
        {
            "name": HOSTILE,
            "short_name": IMAGE,
            "kind": "committee",
            "description": HOSTILE,
            "quorum_rule": "each_side",
            "quorum_min_per_side": "1",
        },
    )
    body_id = await db.scalar(select(Body.id).where(Body.name == HOSTILE))
    assert body_id is not None
    await _form(client, f"/bodies/{body_id}/members", {"person_id": str(person["id"]), "kind": "titular"})
    membership_id = await db.scalar(select(Membership.id).where(Membership.body_id == body_id))

    def at(days: int, hour: int) -> str:
        return f"{(today + dt.timedelta(days=days)).isoformat()}T{hour:02d}:00"

    meeting = await _json(
        client,
        "POST",
        "/api/v1/meetings",
        {
            "body_id": body_id,
            "title": HOSTILE,
            "starts_at": at(7, 9),
            "ends_at": at(7, 12),
            "venue": HOSTILE,
            "description": HOSTILE,
        },
    )
    # A later meeting of the same body: the commitments above come back as matters arising.
    later = await _json(
        client,
        "POST",
        "/api/v1/meetings",
        {
            "body_id": body_id,
            "title": HOSTILE,
            "starts_at": at(40, 9),
            "ends_at": at(40, 12),
            "venue": HOSTILE,
        },
    )
    invitation = await _json(
        client, "POST", f"/api/v1/meetings/{meeting['id']}/invitations", {"person_id": person["id"]}
    )
    item = await _json(
        client,
        "POST",
        f"/api/v1/meetings/{meeting['id']}/agenda",
        {
            "title": HOSTILE,
            "description": HOSTILE,
            "presenter_id": person["id"],
            "documents": [{"title": HOSTILE, "url": "https://example.org/document.pdf"}],
        },
    )
    await _json(
        client, "PUT", f"/api/v1/agenda/{item['id']}/positions/workers", {"stance": "support", "statement": HOSTILE}
    )
    await _json(
        client,
        "PUT",
        f"/api/v1/agenda/{item['id']}/positions/employers",
        {
            "stance": "oppose",
            "statement": HOSTILE,
            "internal": True,
        },
    )
    await _form(
        client,
        f"/agenda/{item['id']}/positions/government",
        {
            "stance": "reservation",
            "statement": HOSTILE,
            "visibility": "shared",
        },
    )
    await _json(
        client, "PUT", f"/api/v1/agenda/{item['id']}/outcome", {"kind": "tripartite_agreement", "text": HOSTILE}
    )
    commitment = await _json(
        client,
        "POST",
        "/api/v1/commitments",
        {
            "title": HOSTILE,
            "side": "workers",
            "description": HOSTILE,
            "organisation_id": org["id"],
            "responsible_id": person["id"],
            "meeting_id": meeting["id"],
            "agenda_item_id": item["id"],
            "from_outcome": True,
            "due_on": (today + dt.timedelta(days=8)).isoformat(),  # not before its meeting
        },
    )
    await _form(
        client,
        "/commitments",
        {
            "title": HOSTILE,
            "side": "workers",
            "description": HOSTILE,
            "status": "open",
            "meeting_id": str(meeting["id"]),
            "due_on": (today + dt.timedelta(days=9)).isoformat(),
        },
    )
    await _json(
        client,
        "POST",
        f"/api/v1/commitments/{commitment['id']}/updates",
        {
            "note": HOSTILE,
            "evidence_url": "https://example.org/evidence",
        },
    )
    await _form(client, f"/commitments/{commitment['id']}/updates", {"note": HOSTILE, "internal": "1"})
    # A delegate's account for that person (its pages show the person's name), with a
    # pending invitation link.
    account = await factories.account(
        db, Role.DELEGATE, await db.get(Organisation, org["id"]), person_id=person["id"], email="delegate@example.tn"
    )
    link = await new_link(db, account, LinkPurpose.INVITE)
    await db.commit()
    document_id = await db.scalar(select(AgendaDocument.id).where(AgendaDocument.item_id == item["id"]))
    # A spreadsheet waiting for its import, hostile in its headers and cells.
    sheet = io.StringIO()
    csv.writer(sheet).writerows(
        [["Name", "Email", "Organisation", HOSTILE], [HOSTILE, "x@example.tn", HOSTILE, HOSTILE]]
    )
    uploaded = await client.post(
        "/import",
        data={"kind": "people"},
        files={"file": ("people.csv", sheet.getvalue().encode(), "text/csv")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, uploaded.text
    # A project with hostile texts.
    project = await _form(
        client,
        "/projects",
        {"name": HOSTILE, "acronym": "PRJ", "slug": "hostile-project", "countries": "TN", "description": HOSTILE},
    )
    project_id = int(project.headers["location"].rsplit("/", 1)[1])
    # A document with a hostile title and file name, on the meeting and on a progress note.
    update_id = await db.scalar(select(CommitmentUpdate.id).where(CommitmentUpdate.commitment_id == commitment["id"]))
    for url in (f"/meetings/{meeting['id']}/documents", f"/commitments/{commitment['id']}/updates/{update_id}/files"):
        attached = await client.post(
            url,
            data={"title": HOSTILE},
            files={"file": (f"{HOSTILE}.pdf", tiny_pdf(["Note"]), "application/pdf")},
            follow_redirects=False,
        )
        assert attached.status_code == 303, attached.text
    return {
        "upload_id": int(uploaded.headers["location"].rsplit("/", 1)[1]),
        "kind": "people",
        "organisation_id": org["id"],
        "person_id": person["id"],
        "body_id": body_id,
        "membership_id": membership_id,
        "meeting_id": meeting["id"],
        "later_meeting_id": later["id"],
        "invitation_id": invitation["id"],
        "item_id": item["id"],
        "document_id": document_id,
        "commitment_id": commitment["id"],
        "account_id": account.id,
        "token": link,
        "side": "workers",
        "path": "openapi.json",
        "name": "no-such-release",  # a press release's public address (none published here)
        "update_id": update_id,
        "number": 1,
        "project_id": project_id,
    }


def world_urls(app: Litestar, ids: Mapping[str, Any]) -> list[str]:
    """Every GET route made concrete with the world's records, plus the pages that show
    them only with a query (searches, forms started from an item)."""
    urls = [concrete(path, ids) for path in get_routes(app)]
    urls += [
        f"/meetings/{ids['later_meeting_id']}",
        f"/commitments/new?item={ids['item_id']}&from_outcome=1",
        f"/commitments/form/items?meeting_id={ids['meeting_id']}",
        f"/api/v1/meetings/{ids['meeting_id']}/invitations",
        # Static files (one mounted handler, no GET route of its own), by both their names.
        "/static/dialogue.css",
        app.state.static_files.url("app.js"),
    ]
    return urls
