"""`dialogue users ...`: the same rules as the pages, errors with a non-zero exit, and the
trail says the command line did it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from dialogue.accounts import links, tokens
from dialogue.accounts.models import (
    Account,
    LinkPurpose,
    OneTimeLink,
    Role,
    SignInSession,
)
from dialogue.audit.models import AuditAction, AuditEvent
from dialogue.cli import main
from dialogue.people.models import Side
from tests import factories as f
from tests.accounts.conftest import link_token
from tests.conftest import sign_in


@pytest.fixture
def users(database_url: str, monkeypatch: pytest.MonkeyPatch, engine: Any) -> Any:
    """Run `dialogue users ARGS` on the test database (in a thread: the command runs its
    own event loop)."""
    monkeypatch.setenv("DIALOGUE_DATABASE_URL", database_url)
    monkeypatch.setenv("DIALOGUE_SECRET_KEY", "test-secret-key-" + "x" * 32)
    monkeypatch.setenv("DIALOGUE_PUBLIC_URL", "https://dialogue.example.tn")
    monkeypatch.setenv("DIALOGUE_LANGUAGE", "en")  # the assertions read English

    async def run(*args: str) -> Result:
        return await asyncio.to_thread(CliRunner().invoke, main, ["users", *args])

    return run


async def _account(db: Any, email: str) -> Account | None:
    return await db.scalar(select(Account).where(Account.email == email).execution_options(populate_existing=True))


async def test_cli_creates_a_delegate_and_prints_the_invitation_link(users: Any, db: Any, browser: Any) -> None:
    org = await f.organisation(db, Side.WORKERS, slug="ugtt")
    await db.commit()

    result = await users("create", "Nour@Example.tn", "--role", "delegate", "--organisation", "ugtt", "--approver")

    assert result.exit_code == 0, result.output
    assert "https://dialogue.example.tn/welcome/" in result.output
    account = await _account(db, "nour@example.tn")
    assert (account.role, account.organisation_id, account.is_approver) == (Role.DELEGATE, org.id, True)
    assert account.password_hash is None
    token = link_token(result.output)
    link = await db.scalar(select(OneTimeLink).where(OneTimeLink.account_id == account.id))
    assert link.purpose is LinkPurpose.INVITE and link.token_hash == tokens.token_hash(token)
    event = await db.scalar(
        select(AuditEvent).where(AuditEvent.entity == "account", AuditEvent.entity_id == account.id)
    )
    assert (event.action, event.actor, event.account_id) == (AuditAction.CREATE, "cli", None)
    async with browser() as nour:
        assert (await nour.get(f"/welcome/{token}")).status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("x@example.tn", "--role", "king"), "Invalid value for '--role'"),
        (("x@example.tn", "--role", "delegate"), "A delegate speaks for an organisation"),
        (
            ("x@example.tn", "--role", "delegate", "--organisation", "nope"),
            "no organisation has the short identifier 'nope'",
        ),
        (("x@example.tn", "--role", "observer", "--approver"), "Only a delegate can approve"),
        (("taken@example.tn", "--role", "observer"), "An account with this email already exists."),
        (("not-an-email", "--role", "observer"), "Enter a valid email address."),
        (("x@example.tn",), "Missing option '--role'"),
    ],
)
async def test_cli_create_explains_what_is_wrong(users: Any, db: Any, args: tuple[str, ...], message: str) -> None:
    await f.account(db, Role.OBSERVER, email="taken@example.tn")
    await db.commit()

    result = await users("create", *args)

    assert result.exit_code != 0
    assert message in result.output
    assert await _account(db, "x@example.tn") is None
    assert (await db.scalar(select(OneTimeLink))) is None


async def test_cli_disables_an_account_and_its_sessions_end(users: Any, db: Any, browser: Any) -> None:
    account = await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()
    async with browser() as observer:
        await sign_in(observer, "observer@example.tn")

        result = await users("disable", "Observer@example.tn")

        assert result.exit_code == 0, result.output
        assert "disabled" in result.output
        assert (await observer.get("/account", follow_redirects=False)).status_code == 303
    assert not (await _account(db, "observer@example.tn")).is_active
    assert await db.scalar(select(SignInSession).where(SignInSession.account_id == account.id)) is None
    event = await db.scalar(
        select(AuditEvent).where(AuditEvent.entity == "account", AuditEvent.action == AuditAction.UPDATE)
    )
    assert event.actor == "cli" and "disabled_at" in event.changes
    again = await users("disable", "observer@example.tn")
    assert again.exit_code == 0 and "already disabled" in again.output


async def test_cli_refuses_to_disable_an_unknown_email_or_the_last_secretariat(users: Any, db: Any) -> None:
    await f.account(db, Role.SECRETARIAT, email="secretariat@example.tn")
    await db.commit()

    unknown = await users("disable", "nobody@example.tn")
    last = await users("disable", "secretariat@example.tn")

    assert unknown.exit_code == 1 and "No account has the email nobody@example.tn." in unknown.output
    assert last.exit_code == 1 and "last active secretariat" in last.output
    assert (await _account(db, "secretariat@example.tn")).is_active


async def test_cli_prints_a_password_link_that_replaces_earlier_ones(users: Any, db: Any, browser: Any) -> None:
    account = await f.account(db, Role.OBSERVER, email="observer@example.tn")
    earlier = await links.new_link(db, account, LinkPurpose.INVITE)
    await db.commit()

    result = await users("reset-password", "observer@example.tn")

    assert result.exit_code == 0, result.output
    token = link_token(result.output)
    async with browser() as person:
        assert (await person.get(f"/welcome/{earlier}")).status_code == 404
        assert (await person.get(f"/welcome/{token}")).status_code == 200
    link = await db.scalar(select(OneTimeLink).where(OneTimeLink.token_hash == tokens.token_hash(token)))
    assert link.purpose is LinkPurpose.RESET


async def test_cli_reset_password_explains_unknown_or_disabled_accounts(users: Any, db: Any) -> None:
    await f.account(db, Role.OBSERVER, email="gone@example.tn", disabled_at=f.tunis(2026, 1, 1))
    await db.commit()

    unknown = await users("reset-password", "nobody@example.tn")
    disabled = await users("reset-password", "gone@example.tn")

    assert unknown.exit_code == 1 and "No account has the email" in unknown.output
    assert disabled.exit_code == 1 and "This account is disabled" in disabled.output
    assert await db.scalar(select(OneTimeLink)) is None
