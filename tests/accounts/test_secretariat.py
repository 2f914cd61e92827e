"""The secretariat's accounts pages: list, invite, change a role, disable and enable."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from dialogue.accounts import service
from dialogue.accounts.models import Account, OneTimeLink, Role, SignInSession
from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.errors import Invalid, Refused
from dialogue.people.models import Side
from tests import factories as f
from tests.conftest import count_queries, sign_in


async def _account(db: Any, email: str) -> Account:
    return await db.scalar(select(Account).where(Account.email == email).execution_options(populate_existing=True))


async def test_secretariat_lists_and_filters_accounts(english: Any, db: Any) -> None:
    ugtt = await f.organisation(db, Side.WORKERS, acronym="UGTT")
    utica = await f.organisation(db, Side.EMPLOYERS, acronym="UTICA")
    await f.account(db, Role.DELEGATE, ugtt, email="ugtt@example.tn", is_approver=True)
    await f.account(db, Role.DELEGATE, utica, email="utica@example.tn")
    await f.account(db, Role.OBSERVER, email="gone@example.tn", disabled_at=f.tunis(2026, 1, 1))
    await f.account(db, Role.COORDINATOR, email="new@example.tn", password_hash=None)
    await db.commit()

    everyone = await english.get("/accounts")
    delegates = await english.get("/accounts", params={"role": "delegate"})
    of_ugtt = await english.get("/accounts", params={"organisation": str(ugtt.id)})
    disabled = await english.get("/accounts", params={"status": "disabled"})
    active = await english.get("/accounts", params={"status": "active"})
    by_email = await english.get("/accounts", params={"q": "UTI"})
    nonsense = await english.get(
        "/accounts", params={"role": "king", "organisation": "x", "status": "?", "offset": "-3"}
    )

    assert everyone.status_code == 200
    for email in ("ugtt@", "utica@", "gone@", "new@", "secretariat@"):
        assert email in everyone.text
    assert "Invited" in everyone.text and "Disabled" in everyone.text and "Approver" in everyone.text
    assert "ugtt@" in delegates.text and "utica@" in delegates.text and "gone@" not in delegates.text
    assert "ugtt@" in of_ugtt.text and "utica@" not in of_ugtt.text
    assert "gone@" in disabled.text and "ugtt@" not in disabled.text
    assert "gone@" not in active.text and "new@" in active.text
    assert "utica@" in by_email.text and "ugtt@" not in by_email.text
    assert nonsense.status_code == 200 and "gone@" in nonsense.text

    fragment = await english.get("/accounts", params={"role": "observer"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "gone@" in fragment.text


async def test_accounts_list_is_paginated(english: Any, db: Any) -> None:
    for n in range(30):
        await f.account(db, Role.OBSERVER, email=f"observer{n:02d}@example.tn")
    await db.commit()

    first = await english.get("/accounts")
    second = await english.get("/accounts", params={"offset": "25"})

    assert "observer00@" in first.text and "observer24@" in first.text and "observer25@" not in first.text
    assert "1–25 of 31" in first.text
    assert 'href="?offset=25"' in first.text
    assert "observer29@" in second.text and "secretariat@" in second.text and "observer00@" not in second.text


async def test_accounts_list_statements_do_not_grow_with_its_rows(english: Any, db: Any, app_engine: Any) -> None:
    org = await f.organisation(db, Side.WORKERS)
    await f.account(db, Role.DELEGATE, org, person_id=(await f.person(db, org)).id)
    await db.commit()
    with count_queries(app_engine) as few:
        assert (await english.get("/accounts")).status_code == 200
    for _ in range(8):
        await f.account(db, Role.DELEGATE, org, person_id=(await f.person(db, org)).id)
    await db.commit()
    with count_queries(app_engine) as many:
        assert (await english.get("/accounts")).status_code == 200
    assert many.count == few.count


@pytest.mark.parametrize("role", [Role.DELEGATE, Role.COORDINATOR, Role.OBSERVER])
async def test_only_the_secretariat_manages_accounts(browser: Any, db: Any, role: Role) -> None:
    org = await f.organisation(db, Side.WORKERS)
    target = await f.account(db, Role.OBSERVER, email="target@example.tn")
    await f.account(db, role, org if role is Role.DELEGATE else None, email="someone@example.tn")
    await db.commit()
    async with browser() as person:
        await sign_in(person, "someone@example.tn")
        for path in ("/accounts", "/accounts/new", f"/accounts/{target.id}"):
            assert (await person.get(path)).status_code == 403, path
        for path in (
            "/accounts",
            f"/accounts/{target.id}",
            f"/accounts/{target.id}/disable",
            f"/accounts/{target.id}/enable",
            f"/accounts/{target.id}/password-link",
        ):
            response = await person.post(path, data={"email": "x@example.tn", "role": "secretariat", "version": "1"})
            assert response.status_code == 403, path
    assert await db.scalar(select(func.count(Account.id))) == 2
    assert await db.scalar(select(func.count(OneTimeLink.id))) == 0
    assert (await _account(db, "target@example.tn")).is_active
    refusals = await db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == AuditAction.REFUSED))
    assert refusals == 8


async def test_invitation_form_renders(english: Any, db: Any) -> None:
    org = await f.organisation(db, Side.GOVERNMENT, acronym="MAS")
    await f.person(db, org, full_name="Hédi Trabelsi")
    await db.commit()

    page = await english.get("/accounts/new")

    assert page.status_code == 200
    assert 'name="email"' in page.text and 'name="role"' in page.text
    assert "MAS" in page.text and "Hédi Trabelsi" in page.text


async def test_invitation_is_checked_and_keeps_what_was_typed(english: Any, db: Any) -> None:
    org = await f.organisation(db, Side.WORKERS)
    other = await f.organisation(db, Side.EMPLOYERS)
    person = await f.person(db, other, full_name="Someone Else")
    archived = await f.organisation(db, Side.WORKERS, archived_at=f.tunis(2025, 1, 1))
    taken = await f.person(db, org)
    await f.account(db, Role.OBSERVER, email="taken@example.tn", person_id=taken.id)
    await db.commit()
    cases = [
        ({"email": "", "role": "observer"}, "email", "This field is required."),
        ({"email": "not an email", "role": "observer"}, "email", "Enter a valid email address."),
        ({"email": "TAKEN@example.tn", "role": "observer"}, "email", "An account with this email already exists."),
        ({"email": "a@example.tn", "role": "king"}, "role", "Choose one of the options."),
        (
            {"email": "a@example.tn", "role": "delegate"},
            "organisation",
            "A delegate speaks for an organisation: choose one.",
        ),
        (
            {"email": "a@example.tn", "role": "delegate", "organisation": "999999"},
            "organisation",
            "This organisation does not exist.",
        ),
        ({"email": "a@example.tn", "role": "delegate", "organisation": "abc"}, "organisation", "Enter a whole number."),
        (
            {"email": "a@example.tn", "role": "delegate", "organisation": str(archived.id)},
            "organisation",
            "This organisation is archived.",
        ),
        (
            {"email": "a@example.tn", "role": "observer", "is_approver": "1"},
            "is_approver",
            "Only a delegate can approve minutes for a side.",
        ),
        (
            {"email": "a@example.tn", "role": "observer", "person": str(taken.id)},
            "person",
            "This person already has an account.",
        ),
        ({"email": "a@example.tn", "role": "observer", "person": "999999"}, "person", "This person does not exist."),
        (
            {"email": "a@example.tn", "role": "delegate", "organisation": str(org.id), "person": str(person.id)},
            "person",
            "This person belongs to another organisation.",
        ),
    ]
    for data, field, message in cases:
        response = await english.post("/accounts", data=data)
        assert response.status_code == 422, data
        assert message in response.text, data
        assert f'id="e-{field}"' in response.text, data
        if data["email"]:
            assert f'value="{data["email"]}"' in response.text
    assert await db.scalar(select(func.count(Account.id))) == 2
    assert await db.scalar(select(func.count(OneTimeLink.id))) == 0


async def test_delegate_invited_with_a_person_takes_the_persons_organisation(english: Any, db: Any) -> None:
    org = await f.organisation(db, Side.EMPLOYERS, acronym="UTICA")
    person = await f.person(db, org, full_name="Leila <b>Mansour</b>")
    await db.commit()

    response = await english.post(
        "/accounts", data={"email": "leila@example.tn", "role": "delegate", "person": str(person.id)}
    )

    assert response.status_code == 201
    assert "Leila &lt;b&gt;Mansour&lt;/b&gt;" in response.text
    account = await _account(db, "leila@example.tn")
    assert account.organisation_id == org.id and account.person_id == person.id
    assert account.side is Side.EMPLOYERS
    event = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity == "account", AuditEvent.entity_id == account.id, AuditEvent.action == AuditAction.CREATE
        )
    )
    assert event.actor == "secretariat@example.tn"
    assert event.changes["email"] == [None, "leila@example.tn"]


async def test_account_page_shows_the_account_without_any_link(english: Any, db: Any) -> None:
    account = await f.account(db, Role.OBSERVER, email="someone@example.tn")
    await db.commit()

    page = await english.get(f"/accounts/{account.id}")

    assert page.status_code == 200
    assert "<h1><bdi>someone@example.tn</bdi>" in page.text  # not the secretariat's own
    assert "<dd><bdi>someone@example.tn</bdi></dd>" in page.text
    assert f'action="/accounts/{account.id}/disable"' in page.text
    assert "/welcome/" not in page.text
    assert (await english.get("/accounts/999999")).status_code == 404
    assert (await english.get("/accounts/99999999999999999999")).status_code == 404


async def test_secretariat_changes_a_role_and_organisation(english: Any, browser: Any, db: Any) -> None:
    org = await f.organisation(db, Side.GOVERNMENT, acronym="MAS")
    account = await f.account(db, Role.OBSERVER, email="someone@example.tn")
    await db.commit()
    async with browser() as someone:
        await sign_in(someone, "someone@example.tn")
        assert (await someone.get("/account")).status_code == 200

        response = await english.post(
            f"/accounts/{account.id}",
            data={"version": str(account.version), "role": "delegate", "organisation": str(org.id), "is_approver": "1"},
            follow_redirects=False,
        )

        assert response.status_code == 303
        assert response.headers["location"] == f"/accounts/{account.id}?saved=1"
        changed = await _account(db, "someone@example.tn")
        assert (changed.role, changed.organisation_id, changed.is_approver) == (Role.DELEGATE, org.id, True)
        me = await someone.get("/account")  # the new role applies at once
        assert "Delegate" in me.text and "MAS" in me.text
    event = await db.scalar(
        select(AuditEvent).where(AuditEvent.entity == "account", AuditEvent.action == AuditAction.UPDATE)
    )
    assert event.changes["role"] == ["observer", "delegate"]
    assert event.actor == "secretariat@example.tn"


async def test_stale_account_edit_is_refused_with_the_current_values(english: Any, db: Any) -> None:
    org = await f.organisation(db, Side.WORKERS, acronym="UGTT")
    account = await f.account(db, Role.DELEGATE, org, email="someone@example.tn")
    await db.commit()
    stale_version = account.version
    account.is_approver = True
    await db.commit()

    response = await english.post(
        f"/accounts/{account.id}", data={"version": str(stale_version), "role": "observer", "organisation": ""}
    )

    assert response.status_code == 409
    assert "Someone else changed this record" in response.text
    assert f'name="version" value="{account.version}"' in response.text
    assert (await _account(db, "someone@example.tn")).role is Role.DELEGATE


async def test_account_edit_keeps_its_rules(english: Any, db: Any) -> None:
    account = await f.account(db, Role.OBSERVER, email="someone@example.tn")
    await db.commit()

    response = await english.post(f"/accounts/{account.id}", data={"version": str(account.version), "role": "delegate"})

    assert response.status_code == 422
    assert "A delegate speaks for an organisation: choose one." in response.text
    assert (await _account(db, "someone@example.tn")).role is Role.OBSERVER


async def test_last_active_secretariat_keeps_its_role_and_cannot_be_disabled(english: Any, db: Any) -> None:
    me = await _account(db, "secretariat@example.tn")

    demoted = await english.post(f"/accounts/{me.id}", data={"version": str(me.version), "role": "observer"})
    disabled = await english.post(f"/accounts/{me.id}/disable")

    assert demoted.status_code == 422
    assert "last active secretariat account" in demoted.text
    assert disabled.status_code == 409
    assert "cannot disable your own account" in disabled.text
    other = await f.account(db, Role.SECRETARIAT, email="other@example.tn")
    await db.commit()
    with pytest.raises(Refused):
        await service.disable_account(db, me, by=me)
    await service.disable_account(db, other)
    with pytest.raises(Refused, match="last active secretariat"):
        await service.disable_account(db, me)
    await db.rollback()


async def test_disabling_ends_the_sessions_and_tokens_at_once_and_enabling_lets_the_person_back(
    english: Any, browser: Any, db: Any
) -> None:
    org = await f.organisation(db, Side.WORKERS)
    account = await f.account(db, Role.DELEGATE, org, email="delegate@example.tn")
    token = await f.api_token(db, account)
    await db.commit()
    async with browser() as delegate:
        await sign_in(delegate, "delegate@example.tn")
        assert (await delegate.get("/meetings", follow_redirects=False)).status_code == 200

        response = await english.post(f"/accounts/{account.id}/disable", follow_redirects=False)

        assert response.status_code == 303
        next_request = await delegate.get("/meetings", follow_redirects=False)
        assert next_request.status_code == 303
        assert next_request.headers["location"].startswith("/login")
        assert await db.scalar(select(func.count(SignInSession.id)).where(SignInSession.account_id == account.id)) == 0
        api = await delegate.get("/api/v1/organisations", headers={"authorization": f"Bearer {token}"})
        assert api.status_code == 401
        assert (await sign_in(delegate, "delegate@example.tn")).status_code == 401
        page = await english.get(f"/accounts/{account.id}")
        assert "Disabled" in page.text and "Enable the account" in page.text
        refused = await english.post(f"/accounts/{account.id}/password-link")
        assert refused.status_code == 409 and "/welcome/" not in refused.text

        assert (await english.post(f"/accounts/{account.id}/enable", follow_redirects=False)).status_code == 303
        assert (await sign_in(delegate, "delegate@example.tn")).status_code == 303
        # The token ended with the disabling: enabling the account does not revive it.
        api = await delegate.get("/api/v1/organisations", headers={"authorization": f"Bearer {token}"})
        assert api.status_code == 401
    events = list(
        await db.scalars(select(AuditEvent).where(AuditEvent.entity == "account", AuditEvent.entity_id == account.id))
    )
    assert [list(event.changes) for event in events if event.action is AuditAction.UPDATE][:2] == [
        ["disabled_at", "tokens_ended_at"],
        ["disabled_at"],
    ]


async def test_invite_service_refuses_a_duplicate_email_case_insensitively(db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="someone@example.tn")
    with pytest.raises(Invalid) as refused:
        await service.invite(db, service.AccountDraft(role=Role.OBSERVER, email=" SomeOne@Example.TN "))
    assert refused.value.errors == {"email": "An account with this email already exists."}
    account, token = await service.invite(db, service.AccountDraft(role=Role.OBSERVER, email=" New@Example.TN "))
    assert account.email == "new@example.tn" and account.password_hash is None and token
