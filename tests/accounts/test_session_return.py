"""A session that ends while a form is open: the form sent afterwards leads to the sign-in
page in the person's language, and signing in brings them back to the page that had the
form (where their browser gives the typed text back), never to the address that only takes
forms (which answered an English "405 Method Not Allowed")."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select, update

from dialogue.accounts.models import Role, SignInSession
from dialogue.people.models import Language
from tests import factories as f
from tests.conftest import sign_in

BASE = "http://testserver.local"


async def expire_sessions(db: Any) -> None:
    """Everyone's session has been idle for an hour (the default timeout is 30 minutes)."""
    await db.execute(update(SignInSession).values(last_seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)))
    await db.commit()


def next_of(location: str) -> str:
    return parse_qs(urlsplit(location).query)["next"][0]


async def test_a_form_sent_after_the_session_ended_leads_back_to_the_page_of_the_form(client: Any, db: Any) -> None:
    meeting = await f.meeting(db)
    await db.commit()
    page = f"/meetings/{meeting.id}"
    await expire_sessions(db)

    sent = await client.post(
        f"/meetings/{meeting.id}/agenda",
        data={"title": "Un long texte"},
        headers={"referer": BASE + page},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert urlsplit(sent.headers["location"]).path == "/login"
    assert next_of(sent.headers["location"]) == page  # not the POST-only address

    # HTMX says which page it is on; the browser is sent to the sign-in page.
    htmx = await client.post(
        f"/meetings/{meeting.id}/agenda",
        data={"title": "x"},
        headers={"HX-Request": "true", "HX-Current-URL": f"{BASE}{page}/edit?tab=2", "referer": BASE + "/"},
    )
    assert htmx.status_code == 401
    assert next_of(htmx.headers["HX-Redirect"]) == f"{page}/edit?tab=2"

    # Signing in again goes back there.
    again = await sign_in(client, "secretariat@example.tn")
    assert again.status_code == 303
    login = await client.post(
        "/login",
        data={"email": "secretariat@example.tn", "password": f.PASSWORD, "next": next_of(sent.headers["location"])},
        follow_redirects=False,
    )
    assert login.headers["location"] == page


async def test_a_page_of_another_site_is_never_where_signing_in_leads(client: Any, db: Any) -> None:
    await expire_sessions(db)
    for referer in ("https://evil.example/meetings/1", "//evil.example/x", "javascript:alert(1)"):
        sent = await client.post(
            "/organisations", data={"name": "x"}, headers={"referer": referer}, follow_redirects=False
        )
        assert next_of(sent.headers["location"]) == "/", referer
    login = await client.post(
        "/login",
        data={"email": "secretariat@example.tn", "password": f.PASSWORD, "next": "//evil.example"},
        follow_redirects=False,
    )
    assert login.headers["location"] == "/"


async def test_a_page_asked_for_after_the_session_ended_is_where_signing_in_leads(client: Any, db: Any) -> None:
    await expire_sessions(db)
    asked = await client.get("/commitments?status=open", follow_redirects=False)
    assert next_of(asked.headers["location"]) == "/commitments?status=open"


async def test_the_sign_in_page_speaks_the_accounts_language_after_the_session_ended(anonymous: Any, db: Any) -> None:
    await f.account(db, Role.SECRETARIAT, email="amal@example.tn", language=Language.AR)
    await db.commit()
    anonymous.headers["accept-language"] = "en"
    signed_in = await sign_in(anonymous, "amal@example.tn")
    assert signed_in.status_code == 303
    assert anonymous.cookies.get("dialogue_lang") == "ar"
    await expire_sessions(db)

    sent = await anonymous.post("/organisations", data={"name": "x"}, headers={"referer": BASE + "/organisations/new"})
    assert sent.status_code == 200 and str(sent.url).startswith(BASE + "/login")
    assert '<html lang="ar" dir="rtl">' in sent.text


async def test_stay_signed_in_starts_the_idle_time_again(client: Any, db: Any) -> None:
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=25)
    await db.execute(update(SignInSession).values(last_seen_at=long_ago))
    await db.commit()
    answer = await client.post("/session/extend", headers={"HX-Request": "true"})
    assert answer.status_code == 204
    db.expire_all()
    session = await db.scalar(select(SignInSession))
    assert dt.datetime.now(dt.UTC) - session.last_seen_at < dt.timedelta(minutes=1)


async def test_stay_signed_in_cannot_bring_an_ended_session_back(client: Any, db: Any) -> None:
    await expire_sessions(db)
    answer = await client.post("/session/extend", headers={"HX-Request": "true"})
    assert answer.status_code == 401


async def test_signed_in_pages_describe_the_idle_timeout_for_the_warning(client: Any) -> None:
    page = await client.get("/")
    assert 'data-idle-minutes="30"' in page.text
    assert 'id="session-warning"' in page.text and 'hx-post="/session/extend"' in page.text
    bundle = client.app.state.static_files.url("app.js")  # drafts.js is in the page's one script
    assert f'<script src="{bundle}" defer></script>' in page.text
    assert "dialogue-draft" in (await client.get(bundle)).text


async def test_an_address_that_only_takes_forms_says_so_in_the_users_language(client: Any) -> None:
    answer = await client.get("/language")
    assert answer.status_code == 405
    assert "Cette adresse ne reçoit que des formulaires." in answer.text
    assert "Method Not Allowed" not in answer.text
