"""Sessions: a new id at every sign-in, sign-out and password change; timeouts; cookie
flags; what an unauthenticated request gets; API tokens only on the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update

from dialogue.accounts.models import Role, SignInSession
from dialogue.app import create_app
from dialogue.settings import Settings
from tests import factories as f
from tests.accounts.conftest import plant_cookie, session_cookie
from tests.conftest import sign_in

NEW_PASSWORD = "a quite different sentence"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _is_signed_in(browser: AsyncTestClient[Any]) -> bool:
    response = await browser.get("/account", follow_redirects=False)
    assert response.status_code in (200, 303), response.status_code
    return response.status_code == 200


async def _sessions(db: Any, account_id: int) -> int:
    return await db.scalar(select(func.count(SignInSession.id)).where(SignInSession.account_id == account_id))


async def test_cookie_planted_before_sign_in_is_replaced_and_worthless(anonymous: Any, browser: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="victim@example.tn")
    await db.commit()
    plant_cookie(anonymous, "chosen-by-the-attacker")

    assert (await sign_in(anonymous, "victim@example.tn")).status_code == 303

    assert session_cookie(anonymous) not in (None, "chosen-by-the-attacker")
    async with browser() as attacker:
        plant_cookie(attacker, "chosen-by-the-attacker")
        assert not await _is_signed_in(attacker)


async def test_attackers_own_session_planted_in_a_victims_browser_ends_at_sign_in(browser: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="attacker@example.tn")
    victim = await f.account(db, Role.SECRETARIAT, email="victim@example.tn")
    await db.commit()
    async with browser() as attacker, browser() as victims_browser:
        await sign_in(attacker, "attacker@example.tn")
        planted = session_cookie(attacker)
        plant_cookie(victims_browser, planted)

        await sign_in(victims_browser, "victim@example.tn")

        assert session_cookie(victims_browser) != planted
        assert await _is_signed_in(victims_browser)
        assert not await _is_signed_in(attacker)  # the planted session ended, it is not the victim's
        assert await _sessions(db, victim.id) == 1


async def test_sign_out_deletes_the_session(client: Any, browser: Any, db: Any) -> None:
    old = session_cookie(client)
    assert old

    response = await client.post("/logout", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert session_cookie(client) is None
    assert await db.scalar(select(func.count(SignInSession.id))) == 0
    async with browser() as replay:
        plant_cookie(replay, old)
        assert not await _is_signed_in(replay)


async def test_password_change_issues_a_new_id_and_ends_the_other_sessions(browser: Any, db: Any) -> None:
    account = await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()
    async with browser() as laptop, browser() as phone:
        await sign_in(laptop, "observer@example.tn")
        await sign_in(phone, "observer@example.tn")
        before = session_cookie(laptop)

        response = await laptop.post(
            "/account/password",
            data={"current_password": f.PASSWORD, "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD},
            follow_redirects=False,
        )

        assert response.status_code == 303
        assert response.headers["location"] == "/account?done=password"
        after = session_cookie(laptop)
        assert after and after != before
        assert await _is_signed_in(laptop)
        assert not await _is_signed_in(phone)
        assert await _sessions(db, account.id) == 1
        async with browser() as replay:
            plant_cookie(replay, before)
            assert not await _is_signed_in(replay)
        page = await laptop.get("/account?done=password")
        assert "Your password was changed." in page.text


async def test_idle_session_ends_after_thirty_minutes(client: Any, db: Any) -> None:
    assert await _is_signed_in(client)
    await db.execute(update(SignInSession).values(last_seen_at=_now() - dt.timedelta(minutes=31)))
    await db.commit()

    response = await client.get("/meetings", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fmeetings"
    assert await db.scalar(select(func.count(SignInSession.id))) == 0


async def test_active_session_ends_after_twelve_hours(client: Any, db: Any) -> None:
    await db.execute(update(SignInSession).values(created_at=_now() - dt.timedelta(hours=13), last_seen_at=_now()))
    await db.commit()

    response = await client.get("/meetings", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_session_still_alive_after_twenty_nine_idle_minutes(client: Any, db: Any) -> None:
    await db.execute(update(SignInSession).values(last_seen_at=_now() - dt.timedelta(minutes=29)))
    await db.commit()

    assert await _is_signed_in(client)
    seen = await db.scalar(select(SignInSession.last_seen_at).execution_options(populate_existing=True))
    assert _now() - seen < dt.timedelta(minutes=1)  # the visit counts as activity


def _session_set_cookie(response: Any, name: str) -> str:
    cookies = [value for value in response.headers.get_list("set-cookie") if value.startswith(f"{name}=")]
    assert len(cookies) == 1, response.headers.get_list("set-cookie")
    return cookies[0]


async def test_session_cookie_is_httponly_and_samesite_lax(anonymous: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()

    response = await sign_in(anonymous, "observer@example.tn")

    cookie = _session_set_cookie(response, "dialogue_session").lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie
    assert "secure" not in cookie  # plain http in development
    assert "strict-transport-security" not in response.headers


async def test_over_https_the_cookie_is_host_bound_and_secure_and_hsts_is_sent(
    settings: Settings, engine: Any, db: Any
) -> None:
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()
    https = Settings(
        database_url=settings.database_url, secret_key=settings.secret_key, public_url="https://dialogue.example.tn"
    )
    async with AsyncTestClient(app=create_app(https), base_url="https://testserver.local") as browser:
        page = await browser.get("/login")
        assert page.headers["strict-transport-security"].startswith("max-age=")

        response = await sign_in(browser, "observer@example.tn")

        assert response.status_code == 303
        cookie = _session_set_cookie(response, "__Host-dialogue_session").lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
        assert "domain=" not in cookie
        assert "dialogue_session" not in [c.name for c in browser.cookies.jar]
        assert (await browser.get("/account", follow_redirects=False)).status_code == 200


async def test_htmx_request_without_session_is_told_where_to_sign_in(anonymous: Any) -> None:
    response = await anonymous.get("/meetings", headers={"HX-Request": "true"}, follow_redirects=False)

    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/login?next=%2Fmeetings"


async def test_api_without_token_answers_401_json(anonymous: Any) -> None:
    response = await anonymous.get("/api/v1/organisations")

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert "message" in response.json()
    assert response.headers["www-authenticate"] == "Bearer"


async def test_api_ignores_the_session_cookie(client: Any) -> None:
    del client.headers["authorization"]

    response = await client.get("/api/v1/organisations")

    assert response.status_code == 401


async def test_token_works_on_the_api_but_is_no_page_login(anonymous: Any, db: Any) -> None:
    account = await f.account(db, Role.OBSERVER)
    token = await f.api_token(db, account)
    await db.commit()
    headers = {"authorization": f"Bearer {token}"}

    assert (await anonymous.get("/api/v1/organisations", headers=headers)).status_code == 200
    page = await anonymous.get("/meetings", headers=headers, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


async def test_token_of_a_disabled_account_answers_401(anonymous: Any, db: Any) -> None:
    account = await f.account(db, Role.OBSERVER)
    token = await f.api_token(db, account)
    account.disabled_at = _now()
    await db.commit()

    response = await anonymous.get("/api/v1/organisations", headers={"authorization": f"Bearer {token}"})

    assert response.status_code == 401


async def test_unknown_or_malformed_token_answers_401(anonymous: Any) -> None:
    for value in ("Bearer nope", "Bearer ", "Basic abc", "Bearer " + "x" * 5000):
        response = await anonymous.get("/api/v1/organisations", headers={"authorization": value})
        assert response.status_code == 401, value
