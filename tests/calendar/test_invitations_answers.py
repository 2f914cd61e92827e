"""Personal answer links: confirm, decline or name an alternate, without signing in."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.calendar.answers import answer_token
from dialogue.meetings.models import Invitation, InvitationResponse
from tests.calendar.invites_helpers import arrange, event_of
from tests.security.conftest import stranger

SECRET = "test-secret-key-" + "x" * 32  # the tests' settings.secret_key


def link(invitation_id: int) -> str:
    return f"/invitations/{invitation_id}/{answer_token(SECRET, invitation_id)}"


async def answer_of(db: AsyncSession, invitation_id: int) -> Invitation:
    query = select(Invitation).where(Invitation.id == invitation_id).execution_options(populate_existing=True)
    invitation = (await db.scalars(query)).one()
    await db.commit()
    return invitation


async def post_answer(browser: AsyncTestClient[Any], url: str, data: dict[str, Any]) -> Any:
    page = await browser.get(url)  # the page carries the CSRF token, as a browser has it
    assert page.status_code == 200
    browser.headers["x-csrftoken"] = browser.cookies.get("csrftoken") or ""
    return await browser.post(url, data=data, follow_redirects=False)


async def test_invited_person_confirms_then_declines_without_signing_in(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    amel = world["invitations"]["amel"]
    async with stranger(client) as browser:
        page = await browser.get(link(amel.id))
        assert page.status_code == 200
        assert "Amel Ben Salah" in page.text and "Salaire minimum" in page.text and "I will attend" in page.text
        response = await post_answer(browser, link(amel.id), {"answer": "accepted"})
        assert response.status_code == 303
        assert response.headers["location"] == link(amel.id) + "?saved=1"
        stored = await answer_of(db, amel.id)
        assert stored.response is InvitationResponse.ACCEPTED and stored.responded_at is not None
        ics = await client.get(f"/meetings/{world['meeting'].id}/invite.ics")
        partstats = {str(a).removeprefix("mailto:"): a.params["PARTSTAT"] for a in event_of(ics.content)[1]["ATTENDEE"]}
        assert partstats == {
            "amel@ugtt.tn": "ACCEPTED",
            "karim@utica.tn": "NEEDS-ACTION",
        }
        response = await post_answer(browser, link(amel.id), {"answer": "declined"})
        assert response.status_code == 303
    assert (await answer_of(db, amel.id)).response is InvitationResponse.DECLINED
    client.headers["accept-language"] = "en"
    page = await client.get(f"/meetings/{world['meeting'].id}")
    assert "Answer: Declined" in page.text


async def test_invited_person_names_an_alternate_of_their_side(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await arrange(db)
    amel = world["invitations"]["amel"]
    async with stranger(client) as browser:
        page = await browser.get(link(amel.id))
        assert "Sami Alterné" in page.text and "كريم الطرابلسي" not in page.text  # only her side
        refused = await post_answer(
            browser,
            link(amel.id),
            {"answer": "delegated", "alternate_id": world["karim"].id},
        )
        assert refused.status_code == 422 and "Choose someone of your side." in refused.text
        missing = await post_answer(browser, link(amel.id), {"answer": "delegated"})
        assert missing.status_code == 422
        response = await post_answer(
            browser,
            link(amel.id),
            {"answer": "delegated", "alternate_id": world["spare"].id},
        )
        assert response.status_code == 303
    stored = await answer_of(db, amel.id)
    assert stored.response is InvitationResponse.DELEGATED and stored.alternate_id == world["spare"].id
    ics = await client.get(f"/meetings/{world['meeting'].id}/invite.ics")
    partstats = {str(a).removeprefix("mailto:"): a.params["PARTSTAT"] for a in event_of(ics.content)[1]["ATTENDEE"]}
    assert partstats["amel@ugtt.tn"] == "DELEGATED"
    client.headers["accept-language"] = "en"
    page = await client.get(f"/meetings/{world['meeting'].id}")
    assert "Sends an alternate" in page.text and "Sami Alterné" in page.text


@pytest.mark.parametrize("answer", ["", "needs_action", "maybe"])
async def test_an_answer_must_be_one_of_the_options(
    client: AsyncTestClient[Any], db: AsyncSession, answer: str
) -> None:
    world = await arrange(db)
    amel = world["invitations"]["amel"]
    async with stranger(client) as browser:
        response = await post_answer(browser, link(amel.id), {"answer": answer})
        assert response.status_code == 422
    assert (await answer_of(db, amel.id)).response is InvitationResponse.NEEDS_ACTION


async def test_a_wrong_token_finds_nothing(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await arrange(db)
    amel, karim = world["invitations"]["amel"], world["invitations"]["karim"]
    async with stranger(client) as browser:
        assert (await browser.get(f"/invitations/{amel.id}/{answer_token(SECRET, karim.id)}")).status_code == 404
        assert (await browser.get(f"/invitations/{amel.id}/not-a-token")).status_code == 404
        assert (await browser.get(f"/invitations/999999/{answer_token(SECRET, 999999)}")).status_code == 404
        await browser.get(link(amel.id))
        browser.headers["x-csrftoken"] = browser.cookies.get("csrftoken") or ""
        wrong = await browser.post(f"/invitations/{amel.id}/forged", data={"answer": "declined"})
        assert wrong.status_code == 404
    assert (await answer_of(db, amel.id)).response is InvitationResponse.NEEDS_ACTION
