"""What a browser is told to protect: signed-in pages are never cached, the CSRF and
language cookies are bound to https when Dialogue is served over it, a state change sent
by another site is refused even with a valid token, and a draft meeting is the
secretariat's alone, on every path."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.app import create_app
from dialogue.meetings.models import MeetingStatus
from dialogue.people.models import Organisation
from dialogue.settings import Settings
from tests import factories as f
from tests.conftest import sign_in
from tests.security.conftest import signed_in

NEW_ORGANISATION = {"slug": "forged", "name": "Organisation forgée", "side": "employers"}


async def organisations(db: AsyncSession) -> int:
    await db.commit()
    return int(await db.scalar(select(func.count(Organisation.id))) or 0)


# Caching ------------------------------------------------------------------------------------


async def test_signed_in_pages_downloads_and_the_api_are_never_stored(client: Any, db: AsyncSession) -> None:
    meeting = await f.meeting(db)
    await db.commit()
    for path in ("/", "/meetings", f"/meetings/{meeting.id}", "/meetings.csv", "/account", "/api/v1/meetings"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.headers.get("cache-control") == "no-store", path
    static = await client.get("/static/dialogue.css")
    assert static.headers.get("cache-control") != "no-store"


# Cookies over https ---------------------------------------------------------------------------


async def test_over_https_the_csrf_cookie_is_host_bound_and_the_language_cookie_secure(
    settings: Settings, engine: Any, db: AsyncSession
) -> None:
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()
    https = Settings(
        database_url=settings.database_url, secret_key=settings.secret_key, public_url="https://dialogue.example.tn"
    )
    async with AsyncTestClient(app=create_app(https), base_url="https://testserver.local") as browser:
        page = await browser.get("/login")
        csrf = [value for name, value in page.headers.multi_items() if name == "set-cookie" and "csrftoken" in value]
        assert csrf and csrf[0].startswith("__Host-csrftoken="), csrf
        assert "secure" in csrf[0].lower() and "path=/" in csrf[0].lower() and "domain=" not in csrf[0].lower()
        assert (await sign_in(browser, "observer@example.tn")).status_code == 303
        chosen = await browser.post("/language", data={"language": "ar", "next": "/"}, follow_redirects=False)
        assert chosen.status_code == 303
        language = [v for n, v in chosen.headers.multi_items() if n == "set-cookie" and v.startswith("dialogue_lang=")]
        assert language and "secure" in language[0].lower()
        device = [v for n, v in chosen.request.headers.multi_items() if n == "cookie"]
        assert device and "__Host-dialogue_device=" in device[0]


async def test_over_http_the_cookies_keep_their_plain_names(anonymous: Any) -> None:
    page = await anonymous.get("/login")
    assert anonymous.cookies.get("csrftoken")
    chosen = await anonymous.post(
        "/language",
        data={"language": "ar", "next": "/"},
        headers={"x-csrftoken": anonymous.cookies.get("csrftoken")},
        follow_redirects=False,
    )
    assert chosen.status_code == 303, page.text
    assert "secure" not in chosen.headers["set-cookie"].lower()


# Another site's requests ------------------------------------------------------------------------


async def test_a_state_change_from_another_site_is_refused_even_with_the_token(client: Any, db: AsyncSession) -> None:
    async with signed_in(client, "secretariat@example.tn") as browser:
        before = await organisations(db)
        for headers in (
            {"origin": "https://evil.example"},
            {"origin": "null", "sec-fetch-site": "cross-site"},
            {"origin": "http://testserver.local.evil.example"},
            {"sec-fetch-site": "cross-site"},
            {"sec-fetch-site": "same-site"},
        ):
            response = await browser.post(
                "/organisations", data=NEW_ORGANISATION, headers=headers, follow_redirects=False
            )
            assert response.status_code == 403, headers
            assert "another site" in response.text
        assert await organisations(db) == before
        same = await browser.post(
            "/organisations",
            data=NEW_ORGANISATION,
            headers={"origin": "http://testserver.local", "sec-fetch-site": "same-origin"},
            follow_redirects=False,
        )
        assert same.status_code == 303, same.text
        assert await organisations(db) == before + 1
        # A page of ours with Referrer-Policy: no-referrer (the password-link pages): Chromium
        # sends `Origin: null`, and says the request is same-origin.
        private = await browser.post(
            "/organisations",
            data={**NEW_ORGANISATION, "slug": "sans-referent", "name": "Sans référent"},
            headers={"origin": "null", "sec-fetch-site": "same-origin"},
            follow_redirects=False,
        )
        assert private.status_code == 303, private.text
        assert await organisations(db) == before + 2


async def test_the_api_refuses_another_sites_page_but_not_a_script(client: Any, db: AsyncSession) -> None:
    body = {"slug": "script", "name": "Par script", "side": "employers"}
    refused = await client.post("/api/v1/organisations", json=body, headers={"origin": "https://evil.example"})
    assert refused.status_code == 403
    assert refused.json()["message"]
    accepted = await client.post("/api/v1/organisations", json=body)  # no Origin: a script with its token
    assert accepted.status_code == 201, accepted.text


# Draft meetings ----------------------------------------------------------------------------------


async def test_a_draft_meeting_is_found_by_the_secretariat_only(client: Any, db: AsyncSession) -> None:
    world = await f.table(db)
    draft = await f.meeting(
        db,
        world["plenary"],
        title="Projet confidentiel de réunion",
        status=MeetingStatus.DRAFT,
        starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=20),
        ends_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=20, hours=2),
    )
    item = await f.item(db, draft, title="Point secret")
    await f.invite(db, draft, world["ugtt1"])
    delegate = await f.account(db, Role.DELEGATE, world["ugtt"], email="ugtt@example.tn", person_id=world["ugtt1"].id)
    observer = await f.account(db, Role.OBSERVER, email="observer@example.tn")
    coordinator = await f.account(db, Role.COORDINATOR, email="coordinator@example.tn")
    tokens = {a.email: await f.api_token(db, a) for a in (delegate, observer, coordinator)}
    await db.commit()

    pages = [
        f"/meetings/{draft.id}",
        f"/meetings/{draft.id}/agenda",
        f"/meetings/{draft.id}/invite.ics",
        f"/meetings/{draft.id}/history",
        f"/meetings/{draft.id}/minutes",
        f"/meetings/{draft.id}/attendance-sheet",
        f"/agenda/{item.id}",
        f"/api/v1/meetings/{draft.id}",
        f"/api/v1/meetings/{draft.id}/invitations",
        f"/api/v1/agenda/{item.id}",
    ]
    lists = [
        "/",
        "/meetings",
        "/meetings?q=confidentiel",
        "/meetings?status=draft",
        "/meetings.csv",
        f"/bodies/{world['plenary'].id}",
        f"/people/{world['ugtt1'].id}",
        "/api/v1/meetings?q=confidentiel",
        "/api/v1/meetings?status=draft",
    ]
    for email, token in tokens.items():
        async with signed_in(client, email, token=token) as browser:
            for path in pages:
                response = await browser.get(path)
                assert response.status_code == 404, (email, path, response.status_code)
            for path in lists:
                response = await browser.get(path)
                assert response.status_code == 200, (email, path)
                assert "Projet confidentiel" not in response.text, (email, path)
    # The secretariat finds it everywhere.
    for path in [
        *pages[:3],
        "/meetings?q=confidentiel",
        "/",
        f"/bodies/{world['plenary'].id}",
        "/api/v1/meetings?status=draft",
    ]:
        response = await client.get(path)
        assert response.status_code == 200, path
    assert "Projet confidentiel" in (await client.get("/meetings?q=confidentiel")).text
    assert "Projet confidentiel" in (await client.get("/")).text
