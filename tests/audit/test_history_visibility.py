"""A history shows each reader no more than the record it describes: the working draft of
the minutes stays with the secretariat, and a person's account events with the secretariat
and that person."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Account, Role
from dialogue.minutes.models import Minutes
from tests import factories as f
from tests.audit.conftest import SECRETARIAT, act_as
from tests.conftest import sign_in
from tests.minutes.world import held_meeting

DRAFT_INTRODUCTION = "BROUILLON introduction non circulée"
DRAFT_SUMMARY = "BROUILLON résumé du point"
DRAFT_CLOSING = "BROUILLON clôture"
REVISED = "BROUILLON révision non circulée"


async def _minutes_version(db: AsyncSession, meeting_id: int) -> int:
    await db.commit()
    minutes = await db.scalar(
        select(Minutes).where(Minutes.meeting_id == meeting_id).execution_options(populate_existing=True)
    )
    assert minutes is not None
    return minutes.version


async def _save_narratives(client: Any, db: AsyncSession, world: dict[str, Any], introduction: str) -> None:
    meeting_id = world["meeting"].id
    response = await client.post(
        f"/meetings/{meeting_id}/minutes/narratives",
        data={
            "version": await _minutes_version(db, meeting_id),
            "introduction": introduction,
            "closing": DRAFT_CLOSING,
            f"summary-{world['item'].id}": DRAFT_SUMMARY,
        },
    )
    assert response.status_code in (200, 303), response.text


READERS = (
    "approver-gov@example.tn",
    "approver-workers@example.tn",
    "approver-employers@example.tn",
    "delegate-ilo@example.tn",
    "coordinator@example.tn",
    "observer@example.tn",
)


async def test_the_minutes_draft_stays_out_of_the_meeting_history_for_all_but_the_secretariat(
    english: Any, db: AsyncSession
) -> None:
    world = await held_meeting(db)
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()
    meeting_id = world["meeting"].id
    url = f"/meetings/{meeting_id}/history"
    assert (await english.post(f"/meetings/{meeting_id}/minutes")).status_code in (200, 303)
    await _save_narratives(english, db, world, DRAFT_INTRODUCTION)

    secretariat = await english.get(url)
    assert DRAFT_INTRODUCTION in secretariat.text and DRAFT_SUMMARY in secretariat.text
    assert DRAFT_CLOSING in secretariat.text
    for email in READERS:
        page = await (await act_as(english, email)).get(url)
        assert page.status_code == 200, email
        for text in (DRAFT_INTRODUCTION, DRAFT_SUMMARY, DRAFT_CLOSING, "BROUILLON"):
            assert text not in page.text, (email, text)
        # The record itself says as much: nothing circulated yet.
        minutes = await english.get(f"/meetings/{meeting_id}/minutes")
        assert "BROUILLON" not in minutes.text, email
        # The history still tells that the minutes were started.
        assert "Minutes" in page.text, email

    # Circulated, revised, rewritten: the new draft is again the secretariat's alone.
    await act_as(english, SECRETARIAT)
    response = await english.post(
        f"/meetings/{meeting_id}/minutes/circulate", data={"version": await _minutes_version(db, meeting_id)}
    )
    assert response.status_code in (200, 303), response.text
    response = await english.post(
        f"/meetings/{meeting_id}/minutes/revise", data={"version": await _minutes_version(db, meeting_id)}
    )
    assert response.status_code in (200, 303), response.text
    await _save_narratives(english, db, world, REVISED)
    assert REVISED in (await english.get(url)).text
    for email in READERS:
        page = await (await act_as(english, email)).get(url)
        assert REVISED not in page.text, email
        assert "Circulated" in page.text, email  # what was circulated is on record for all
        # The fragment HTMX asks for (next pages) filters the same way.
        fragment = await english.get(url, headers={"HX-Request": "true"})
        assert "BROUILLON" not in fragment.text, email


ACCOUNT_EMAIL = "compte.personnel@example.tn"


async def test_account_events_are_seen_in_a_person_history_only_by_the_secretariat_and_the_person(
    english: Any, db: AsyncSession
) -> None:
    world = await f.table(db)
    person = world["ugtt1"]
    await f.account(db, Role.DELEGATE, world["ugtt"], email=ACCOUNT_EMAIL, person_id=person.id)
    await f.account(db, Role.DELEGATE, world["ugtt"], email="colleague@example.tn", person_id=world["ugtt2"].id)
    await f.account(db, Role.DELEGATE, world["utica"], email="utica@example.tn")
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await f.account(db, Role.COORDINATOR, email="coordination@example.tn")
    await db.commit()
    # The person changes their password: a change of the account, with its time.
    me = await act_as(english, ACCOUNT_EMAIL)
    response = await me.post(
        "/account/password",
        data={
            "current_password": f.PASSWORD,
            "new_password": "an entirely new passphrase 42",
            "repeat_password": "an entirely new passphrase 42",
        },
    )
    assert response.status_code == 303, response.text
    # The secretariat makes the account an approver.
    await act_as(english, SECRETARIAT)
    await db.commit()
    account = await db.scalar(select(Account).where(Account.email == ACCOUNT_EMAIL))
    assert account is not None
    response = await english.post(
        f"/accounts/{account.id}",
        data={
            "version": account.version,
            "role": "delegate",
            "organisation": world["ugtt"].id,
            "person": person.id,
            "is_approver": "1",
        },
    )
    assert response.status_code == 303, response.text
    url = f"/people/{person.id}/history"

    secretariat = await english.get(url)
    assert ACCOUNT_EMAIL in secretariat.text
    assert "Account" in secretariat.text and "Password changed" in secretariat.text

    for email in ("observer@example.tn", "coordination@example.tn", "utica@example.tn", "colleague@example.tn"):
        page = await (await act_as(english, email)).get(url)
        assert page.status_code == 200, email
        assert world["ugtt1"].full_name in page.text, email  # the person's own history stays
        for text in (ACCOUNT_EMAIL, "Account", "Password changed", "Approver", "Role"):
            assert text not in page.text, (email, text)
        fragment = await english.get(url, headers={"HX-Request": "true"})
        assert ACCOUNT_EMAIL not in fragment.text, email

    assert (await sign_in(english, ACCOUNT_EMAIL, "an entirely new passphrase 42")).status_code == 303
    mine = await english.get(url)
    assert ACCOUNT_EMAIL in mine.text and "Password changed" in mine.text
