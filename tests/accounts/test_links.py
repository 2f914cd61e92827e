"""One-time links: an invitation or a password reset, used once, before it expires, to
choose a password; then the person is signed in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, update

from dialogue.accounts import links, tokens
from dialogue.accounts.models import (
    Account,
    LinkPurpose,
    OneTimeLink,
    Role,
    SignInSession,
)
from dialogue.accounts.passwords import password_problem
from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.people.models import Side
from dialogue.settings import Settings
from tests import factories as f
from tests.accounts.conftest import link_token, session_cookie
from tests.conftest import sign_in

GOOD = "la mer est calme ce matin"


async def _choose(browser: Any, token: str, password: str, repeat: str | None = None) -> Any:
    page = await browser.get(f"/welcome/{token}")
    browser.headers["x-csrftoken"] = browser.cookies.get("csrftoken") or ""
    return await browser.post(
        f"/welcome/{token}",
        data={"password": password, "repeat_password": password if repeat is None else repeat},
        follow_redirects=False,
    ), page


async def test_invitation_end_to_end(english: Any, browser: Any, db: Any) -> None:
    org = await f.organisation(db, Side.WORKERS, acronym="UGTT")
    await db.commit()

    invited = await english.post(
        "/accounts",
        data={"email": "Nour@Example.tn", "role": "delegate", "organisation": str(org.id), "is_approver": "1"},
    )

    assert invited.status_code == 201
    assert "http://127.0.0.1:8000/welcome/" in invited.text  # settings.public_url
    assert invited.headers["cache-control"] == "no-store"
    token = link_token(invited.text)
    account = await db.scalar(select(Account).where(Account.email == "nour@example.tn"))
    assert account.password_hash is None and account.is_approver and account.organisation_id == org.id
    link = await db.scalar(select(OneTimeLink))
    assert link.purpose is LinkPurpose.INVITE and link.token_hash == tokens.token_hash(token)
    assert dt.timedelta(days=6, hours=23) < link.expires_at - dt.datetime.now(dt.UTC) <= dt.timedelta(days=7)

    async with browser() as nour:
        response, page = await _choose(nour, token, GOOD)

        assert page.status_code == 200
        assert "Welcome to Dialogue" in page.text and "nour@example.tn" in page.text
        assert page.headers["referrer-policy"] == "no-referrer"
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        assert session_cookie(nour)
        me = await nour.get("/account")
        assert me.status_code == 200 and "nour@example.tn" in me.text and "UGTT" in me.text
        assert (await nour.get("/accounts", follow_redirects=False)).status_code == 403  # a delegate

    await db.refresh(account)
    await db.refresh(link)
    assert account.password_hash.startswith("$argon2id$")
    assert link.used_at is not None
    async with browser() as later:
        assert (await sign_in(later, "nour@example.tn", GOOD)).status_code == 303


async def test_used_link_is_refused(anonymous: Any, browser: Any, db: Any) -> None:
    account = await f.account(db, Role.OBSERVER, password_hash=None)
    token = await links.new_link(db, account, LinkPurpose.INVITE)
    await db.commit()
    async with browser() as first:
        assert (await _choose(first, token, GOOD))[0].status_code == 303
    async with browser() as second:
        response, page = await _choose(second, token, "another fine sentence")

        assert page.status_code == 404
        assert "This link does not work" in page.text
        assert response.status_code == 404
        assert session_cookie(second) is None
    async with browser() as check:
        assert (await sign_in(check, account.email, GOOD)).status_code == 303


async def test_expired_unknown_and_disabled_links_get_the_same_page(browser: Any, db: Any) -> None:
    expired_account = await f.account(db, Role.OBSERVER, password_hash=None)
    expired = await links.new_link(db, expired_account, LinkPurpose.INVITE)
    disabled_account = await f.account(db, Role.OBSERVER, password_hash=None)
    disabled = await links.new_link(db, disabled_account, LinkPurpose.INVITE)
    disabled_account.disabled_at = dt.datetime.now(dt.UTC)
    await db.execute(
        update(OneTimeLink)
        .where(OneTimeLink.account_id == expired_account.id)
        .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    )
    await db.commit()
    async with browser() as person:
        tokens = (expired, disabled, "made-up-token", "x" * 500)
        pages = [await person.get(f"/welcome/{token}") for token in tokens]
        assert {page.status_code for page in pages} == {404}
        # The same page, but for the address itself (the language switch returns to it).
        assert len({page.text.replace(token, "") for page, token in zip(pages, tokens, strict=True)}) == 1
        assert "Ask the secretariat for a new one." in pages[0].text
        response, _page = await _choose(person, expired, GOOD)
        assert response.status_code == 404
    for account in (expired_account, disabled_account):
        await db.refresh(account)
        assert account.password_hash is None


async def test_secretariat_sends_a_new_password_link_and_earlier_links_die(english: Any, browser: Any, db: Any) -> None:
    account = await f.account(db, Role.OBSERVER, email="forgetful@example.tn")
    first = await links.new_link(db, account, LinkPurpose.RESET)
    await db.commit()
    async with browser() as other_browser:
        await sign_in(other_browser, "forgetful@example.tn")

        response = await english.post(f"/accounts/{account.id}/password-link")

        assert response.status_code == 201
        assert "24 hours" in response.text and "The account was created." not in response.text
        second = link_token(response.text)
        assert second != first
        link = await db.scalar(select(OneTimeLink).where(OneTimeLink.token_hash == tokens.token_hash(second)))
        assert link.purpose is LinkPurpose.RESET
        assert dt.timedelta(hours=23) < link.expires_at - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=24)
        async with browser() as person:
            assert (await person.get(f"/welcome/{first}")).status_code == 404
            page = await person.get(f"/welcome/{second}")
            assert "Choose a new password" in page.text
            assert (await _choose(person, second, GOOD))[0].status_code == 303
            assert (await person.get("/account", follow_redirects=False)).status_code == 200
        # Choosing a password through a link ends the sessions the account had.
        assert (await other_browser.get("/account", follow_redirects=False)).status_code == 303
    async with browser() as check:
        assert (await sign_in(check, "forgetful@example.tn")).status_code == 401
        assert (await sign_in(check, "forgetful@example.tn", GOOD)).status_code == 303
    sessions = list(await db.scalars(select(SignInSession).where(SignInSession.account_id == account.id)))
    assert len(sessions) == 2  # the browser that used the link, and the check above
    used = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity == "one_time_link", AuditEvent.action == AuditAction.UPDATE, AuditEvent.summary == "reset"
        )
    )
    assert used.account_id == account.id and used.root_entity == "account"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Abcdefgh12!", "Use at least 12 characters."),
        ("Abcdefgh12!" * 11 + "Abcdefgh", "Use at most 128 characters."),  # 129
        ("password1234", "too common"),
    ],
)
async def test_password_rules_on_the_welcome_page(browser: Any, db: Any, password: str, message: str) -> None:
    account = await f.account(db, Role.OBSERVER, password_hash=None)
    token = await links.new_link(db, account, LinkPurpose.INVITE)
    await db.commit()
    async with browser() as person:
        response, _page = await _choose(person, token, password)

        assert response.status_code == 422
        assert message in response.text
        assert password not in response.text
        assert session_cookie(person) is None
    await db.refresh(account)
    assert account.password_hash is None
    assert (await db.scalar(select(OneTimeLink))).used_at is None  # the link still works


async def test_welcome_page_wants_the_password_twice(browser: Any, db: Any) -> None:
    account = await f.account(db, Role.OBSERVER, password_hash=None)
    token = await links.new_link(db, account, LinkPurpose.INVITE)
    await db.commit()
    async with browser() as person:
        response, _page = await _choose(person, token, GOOD, GOOD + "?")
        assert response.status_code == 422
        assert "The two passwords are not the same." in response.text


def test_password_rules() -> None:
    assert password_problem("Abcdefgh12!") == "Use at least 12 characters."  # 11
    assert password_problem("A" + "bcdefgh12!" * 12 + "xyzuvwvq") == "Use at most 128 characters."  # 129
    assert password_problem("x" * 128) is not None  # too easy
    assert "too common" in password_problem("password1234")
    assert "too common" in password_problem("someone@example.tn", email="Someone@example.tn")
    assert password_problem(GOOD) is None
    assert password_problem("Abcdefgh12!?") is None  # exactly 12
    assert len("A" + "bcdefgh12!" * 12 + "xyzuvwv") == 128
    assert password_problem("A" + "bcdefgh12!" * 12 + "xyzuvwv") is None


async def test_only_the_hash_of_a_link_is_stored(db: Any) -> None:
    account = await f.account(db, Role.OBSERVER, password_hash=None)
    token = await links.new_link(db, account, LinkPurpose.INVITE)
    link = await db.scalar(select(OneTimeLink))
    assert token not in (link.token_hash, str(link.id))
    assert link.token_hash == tokens.token_hash(token)
    assert links.link_url(Settings(public_url="https://dialogue.example.tn"), token) == (
        f"https://dialogue.example.tn/welcome/{token}"
    )


async def test_someone_who_never_chose_a_password_gets_a_new_invitation(english: Any, browser: Any, db: Any) -> None:
    account = await f.account(db, Role.OBSERVER, email="late@example.tn", password_hash=None)
    first = await links.new_link(db, account, LinkPurpose.INVITE)
    await db.commit()

    page = await english.get(f"/accounts/{account.id}")
    response = await english.post(f"/accounts/{account.id}/password-link")

    assert "New invitation link" in page.text and "valid for 7 days" in page.text
    assert response.status_code == 201
    assert "invitation link" in response.text and "The account was created." not in response.text
    second = link_token(response.text)
    link = await db.scalar(select(OneTimeLink).where(OneTimeLink.token_hash == tokens.token_hash(second)))
    assert link.purpose is LinkPurpose.INVITE
    assert link.expires_at - dt.datetime.now(dt.UTC) > dt.timedelta(days=6)
    async with browser() as person:
        assert (await person.get(f"/welcome/{first}")).status_code == 404
        assert "Welcome to Dialogue" in (await person.get(f"/welcome/{second}")).text
