"""Signing in: the right answer for the right password, nothing that tells a guesser
whether an email exists, a throttle on failures, and only local pages after sign-in."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update

from dialogue.accounts.models import Account, Role, SignInThrottle
from dialogue.audit.models import AuditAction, AuditEvent
from tests import factories as f
from tests.accounts.conftest import session_cookie
from tests.conftest import sign_in

WRONG = "not the right password"


async def test_person_signs_in_and_reaches_the_dashboard(anonymous: Any, db: Any) -> None:
    account = await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()

    response = await sign_in(anonymous, "Observer@Example.tn ")

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert session_cookie(anonymous)
    assert (await anonymous.get("/account")).status_code == 200
    await db.refresh(account)
    assert account.last_sign_in_at is not None
    events = await db.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.SIGN_IN))
    assert [event.account_id for event in events] == [account.id]


async def test_unknown_email_and_wrong_password_get_the_same_answer(anonymous: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()
    anonymous.headers["accept-language"] = "en"

    wrong_password = await sign_in(anonymous, "observer@example.tn", WRONG)
    unknown_email = await sign_in(anonymous, "nobody@example.tn", WRONG)

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert "The email or the password is not right." in wrong_password.text
    assert wrong_password.text.replace("observer@example.tn", "X") == unknown_email.text.replace(
        "nobody@example.tn", "X"
    )
    assert session_cookie(anonymous) is None
    assert (await anonymous.get("/account", follow_redirects=False)).status_code == 303


async def test_disabled_account_cannot_sign_in(anonymous: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="gone@example.tn", disabled_at=f.tunis(2026, 1, 1))
    await db.commit()

    response = await sign_in(anonymous, "gone@example.tn")

    assert response.status_code == 401
    assert session_cookie(anonymous) is None


async def test_invited_account_without_password_cannot_sign_in(anonymous: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="invited@example.tn", password_hash=None)
    await db.commit()

    assert (await sign_in(anonymous, "invited@example.tn", "")).status_code == 401
    assert (await sign_in(anonymous, "invited@example.tn", f.PASSWORD)).status_code == 401


@pytest.mark.parametrize(
    ("next_path", "expected"),
    [
        ("/meetings", "/meetings"),
        ("/meetings?status=held", "/meetings?status=held"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("", "/"),
    ],
)
async def test_sign_in_follows_next_only_to_a_local_page(
    anonymous: Any, db: Any, next_path: str, expected: str
) -> None:
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()

    page = await anonymous.get("/login", params={"next": next_path})
    assert page.status_code == 200
    # The sign-in form keeps only a local next (the language buttons come back to this very
    # address, query included, and the sign-in form cleans it again then).
    login_form = page.text.split('action="/login"', 1)[1].split("</form>", 1)[0]
    assert "evil.example" not in login_form
    anonymous.headers["x-csrftoken"] = anonymous.cookies.get("csrftoken")
    response = await anonymous.post(
        "/login",
        data={"email": "observer@example.tn", "password": f.PASSWORD, "next": next_path},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == expected


async def test_unauthenticated_page_goes_to_sign_in_and_comes_back(anonymous: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()

    response = await anonymous.get("/meetings", params={"status": "held"}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fmeetings%3Fstatus%3Dheld"
    form = await anonymous.get(response.headers["location"])
    assert 'name="next" value="/meetings?status=held"' in form.text
    anonymous.headers["x-csrftoken"] = anonymous.cookies.get("csrftoken")
    signed_in = await anonymous.post(
        "/login",
        data={"email": "observer@example.tn", "password": f.PASSWORD, "next": "/meetings?status=held"},
        follow_redirects=False,
    )
    assert signed_in.headers["location"] == "/meetings?status=held"


async def test_five_failures_for_one_email_then_a_wait(anonymous: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()
    anonymous.headers["accept-language"] = "en"

    answers = [(await sign_in(anonymous, "observer@example.tn", WRONG)).status_code for _ in range(5)]
    throttled = await sign_in(anonymous, "observer@example.tn", f.PASSWORD)  # even the right password waits

    assert answers == [401] * 5
    assert throttled.status_code == 429
    assert "Too many failed attempts. Try again in 1 minute." in throttled.text
    assert session_cookie(anonymous) is None
    failures = await db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == AuditAction.SIGN_IN_FAILED))
    assert failures == 6  # five wrong passwords, and the attempt made while blocked


async def test_ten_failures_from_one_address_block_other_emails_too(anonymous: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()
    anonymous.headers["accept-language"] = "en"

    answers = [(await sign_in(anonymous, f"guess{n}@example.tn", WRONG)).status_code for n in range(10)]
    throttled = await sign_in(anonymous, "observer@example.tn", f.PASSWORD)

    assert answers == [401] * 10
    assert throttled.status_code == 429
    assert "Try again in" in throttled.text
    events = list(await db.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.SIGN_IN_FAILED)))
    assert {event.actor for event in events} >= {f"guess{n}@example.tn" for n in range(10)}
    assert all(event.ip == "testclient" for event in events)


async def test_the_wait_grows_and_ends(anonymous: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()
    for _ in range(5):
        await sign_in(anonymous, "observer@example.tn", WRONG)
    # The wait is over (moved into the past), one more failure: a longer wait than the first.
    await db.execute(update(SignInThrottle).values(blocked_until=f.tunis(2020, 1, 1)))
    await db.commit()
    assert (await sign_in(anonymous, "observer@example.tn", WRONG)).status_code == 401
    rows = {row.key: row for row in await db.scalars(select(SignInThrottle).execution_options(populate_existing=True))}
    email_row = rows["account-address:testclient|observer@example.tn"]
    assert email_row.failures == 6
    assert email_row.blocked_until is not None
    assert (email_row.blocked_until - email_row.updated_at).total_seconds() > 50  # 60 s after 30 s


async def test_success_resets_the_accounts_counters_but_not_the_address(anonymous: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()

    for _ in range(4):
        assert (await sign_in(anonymous, "observer@example.tn", WRONG)).status_code == 401
    assert (await sign_in(anonymous, "observer@example.tn")).status_code == 303

    rows = {row.key: row.failures for row in await db.scalars(select(SignInThrottle))}
    assert rows["account-address:testclient|observer@example.tn"] == 0
    assert rows["account:observer@example.tn"] == 0
    assert rows["address:testclient"] == 4  # one good account does not wipe the address's count


async def test_sign_in_form_renders_in_every_language(anonymous: Any) -> None:
    for language in ("fr", "ar", "en"):
        response = await anonymous.get("/login", headers={"accept-language": language})
        assert response.status_code == 200
        assert 'name="email"' in response.text and 'name="password"' in response.text
        assert 'autocomplete="current-password"' in response.text


async def test_sign_in_rejects_a_missing_csrf_token(anonymous: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()
    await anonymous.get("/login")

    response = await anonymous.post("/login", data={"email": "observer@example.tn", "password": f.PASSWORD})

    assert response.status_code == 403
    assert session_cookie(anonymous) is None
    assert await db.scalar(select(func.count(Account.id))) == 1
