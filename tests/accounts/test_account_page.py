"""My account: who I am, my password, my personal API tokens."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from dialogue.accounts.models import Account, ApiToken, Role
from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.people.models import Side
from tests import factories as f
from tests.conftest import sign_in

NEW_PASSWORD = "a quite different sentence"
TOKEN = re.compile(r'<code class="secret" dir="ltr">([A-Za-z0-9_\-]+)</code>')


async def test_delegate_sees_who_they_are(browser: Any, db: Any) -> None:
    org = await f.organisation(db, Side.WORKERS, acronym="UGTT", name="Union Générale Tunisienne du Travail")
    person = await f.person(db, org, full_name="Samia <Ben> Salah")
    await f.account(db, Role.DELEGATE, org, email="samia@example.tn", person_id=person.id, is_approver=True)
    await db.commit()
    async with browser() as samia:
        await sign_in(samia, "samia@example.tn")

        page = await samia.get("/account")

    assert page.status_code == 200
    assert "Samia &lt;Ben&gt; Salah" in page.text
    assert "samia@example.tn" in page.text
    assert "Delegate" in page.text
    assert "Union Générale Tunisienne du Travail" in page.text
    assert "Workers" in page.text
    assert "you approve minutes for your side" in page.text


async def test_every_role_may_open_their_own_account_page(browser: Any, db: Any) -> None:
    org = await f.organisation(db, Side.EMPLOYERS)
    for role in Role:
        await f.account(db, role, org if role is Role.DELEGATE else None, email=f"{role.value}@example.tn")
    await db.commit()
    for role in Role:
        async with browser() as person:
            await sign_in(person, f"{role.value}@example.tn")
            page = await person.get("/account")
            assert page.status_code == 200, role
            assert role.label in page.text


async def test_person_creates_a_token_shown_once_that_works_on_the_api(browser: Any, db: Any) -> None:
    account = await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()
    async with browser() as person:
        await sign_in(person, "observer@example.tn")

        created = await person.post("/account/tokens", data={"name": "Monthly report"})

        assert created.status_code == 201
        assert created.headers["cache-control"] == "no-store"
        token = TOKEN.search(created.text).group(1)
        assert "it will not be shown again" in created.text
        reloaded = await person.get("/account")
        assert token not in reloaded.text
        assert "Monthly report" in reloaded.text
        assert token[:8] in reloaded.text  # the prefix tells tokens apart
        api = await person.get("/api/v1/organisations", headers={"authorization": f"Bearer {token}"})
        assert api.status_code == 200

    row = await db.scalar(select(ApiToken).where(ApiToken.account_id == account.id))
    assert row.token_hash != token and len(row.token_hash) == 64
    assert row.last_used_at is not None
    event = await db.scalar(select(AuditEvent).where(AuditEvent.entity == "api_token"))
    assert event.action is AuditAction.CREATE
    assert event.changes["token_hash"] == [None, "•••"]
    assert event.root_entity == "account" and event.root_id == account.id


async def test_person_revokes_a_token_and_it_stops_working(browser: Any, db: Any) -> None:
    account = await f.account(db, Role.OBSERVER, email="observer@example.tn")
    token = await f.api_token(db, account, name="old script")
    await db.commit()
    row = await db.scalar(select(ApiToken))
    async with browser() as person:
        await sign_in(person, "observer@example.tn")

        response = await person.post(f"/account/tokens/{row.id}/revoke", follow_redirects=False)

        assert response.status_code == 303
        page = await person.get(response.headers["location"])
        assert "The token was revoked" in page.text
        assert "old script" not in page.text
        api = await person.get("/api/v1/organisations", headers={"authorization": f"Bearer {token}"})
        assert api.status_code == 401
    await db.refresh(row)
    assert row.revoked_at is not None


async def test_person_cannot_revoke_someone_elses_token(browser: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    other = await f.account(db, Role.SECRETARIAT)
    token = await f.api_token(db, other)
    await db.commit()
    row = await db.scalar(select(ApiToken))
    async with browser() as person:
        await sign_in(person, "observer@example.tn")

        response = await person.post(f"/account/tokens/{row.id}/revoke")

        assert response.status_code == 404
        assert (
            await person.get("/api/v1/organisations", headers={"authorization": f"Bearer {token}"})
        ).status_code == 200
    await db.refresh(row)
    assert row.revoked_at is None


async def test_token_needs_a_name(client: Any, db: Any) -> None:
    client.headers["accept-language"] = "en"
    for name, message in (("", "This field is required."), ("x" * 101, "At most 100 characters.")):
        response = await client.post("/account/tokens", data={"name": name})
        assert response.status_code == 422
        assert message in response.text
    assert len(list(await db.scalars(select(ApiToken)))) == 1  # only the fixture's


async def test_password_change_needs_the_current_password_and_the_new_one_twice(client: Any, db: Any) -> None:
    client.headers["accept-language"] = "en"
    cases = [
        (
            {"current_password": "wrong one entirely", "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD},
            "This is not your current password.",
        ),
        (
            {"current_password": f.PASSWORD, "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD + "!"},
            "The two new passwords are not the same.",
        ),
        (
            {"current_password": f.PASSWORD, "new_password": "short", "repeat_password": "short"},
            "Use at least 12 characters.",
        ),
        (
            {"current_password": f.PASSWORD, "new_password": f.PASSWORD, "repeat_password": f.PASSWORD},
            "Choose a password different from the current one.",
        ),
    ]
    before = (await db.scalar(select(Account))).password_hash
    for data, message in cases:
        response = await client.post("/account/password", data=data)
        assert response.status_code == 422, data
        assert message in response.text
        assert data["current_password"] not in response.text  # passwords are never echoed
    account = await db.scalar(select(Account).execution_options(populate_existing=True))
    assert account.password_hash == before


async def test_new_password_signs_in_and_the_old_one_no_longer_does(client: Any, browser: Any, db: Any) -> None:
    response = await client.post(
        "/account/password",
        data={"current_password": f.PASSWORD, "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303
    account = await db.scalar(select(Account).execution_options(populate_existing=True))
    assert account.password_hash.startswith("$argon2id$")
    assert account.password_changed_at is not None
    async with browser() as other:
        assert (await sign_in(other, "secretariat@example.tn")).status_code == 401
        assert (await sign_in(other, "secretariat@example.tn", NEW_PASSWORD)).status_code == 303
    event = await db.scalar(
        select(AuditEvent).where(AuditEvent.entity == "account", AuditEvent.action == AuditAction.UPDATE)
    )
    assert event.changes["password_hash"] == ["•••", "•••"]
    assert event.actor == "secretariat@example.tn"


async def test_account_page_needs_a_signed_in_person(anonymous: Any) -> None:
    response = await anonymous.get("/account", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Faccount"
