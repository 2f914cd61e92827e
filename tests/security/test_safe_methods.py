"""State changes never happen on GET: every write is audited, so reading every GET route of
the app as the secretariat must leave the audit trail as it was."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import OneTimeLink
from tests.security.conftest import (
    audit_rows,
    concrete,
    get_routes,
    stranger,
    world_urls,
)


async def test_no_get_route_changes_anything(
    english: AsyncTestClient[Any], db: AsyncSession, world: dict[str, Any]
) -> None:
    await db.commit()
    before = await audit_rows(db)
    assert before > 20  # the world was written through the app: each write left a row
    statuses: dict[str, int] = {}
    for url in world_urls(english.app, world):
        for headers in ({}, {"HX-Request": "true"}):
            response = await english.get(url, headers=headers, follow_redirects=False)
            assert response.status_code < 500, (url, response.status_code)
            statuses[url] = response.status_code
    # Public GETs too: opening an invitation link does not use it up.
    async with stranger(english) as nobody:
        assert (await nobody.get(f"/welcome/{world['token']}")).status_code == 200
    await db.commit()
    assert await audit_rows(db) == before
    link = await db.scalar(select(OneTimeLink).order_by(OneTimeLink.id.desc()))
    assert link is not None and link.used_at is None
    # Every route was really reached (not a wall of 404s and redirects).
    reached = [url for url, status in statuses.items() if status == 200]
    assert len(reached) > 40, statuses


def test_every_get_route_gets_a_concrete_address(client: AsyncTestClient[Any]) -> None:
    """A new route with a path parameter the test does not know fails here: give it a value
    in `world` (tests/security/conftest.py) so that the test above reaches it."""
    known = {
        "organisation_id",
        "person_id",
        "body_id",
        "membership_id",
        "meeting_id",
        "invitation_id",
        "item_id",
        "document_id",
        "commitment_id",
        "account_id",
        "token",
        "side",
        "path",
        "upload_id",
        "kind",
        "name",
        "update_id",
        "number",
        "project_id",
        # Not seeded: these answer 404, which is enough to prove they change nothing.
        "message_id",
    }
    unknown = set()
    for path in get_routes(client.app):
        unknown |= set(re.findall(r"\{(\w+)", path)) - known
    assert not unknown, unknown
    assert concrete("/meetings/{meeting_id:int}/agenda", {"meeting_id": 7}) == "/meetings/7/agenda"
