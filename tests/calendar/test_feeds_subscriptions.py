"""Subscription feeds through HTTP: a person's, a side's and a body's calendar, their secret
addresses (created, regenerated, revoked, stored hashed) and who may have which."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dialogue import i18n
from dialogue.accounts.models import Account, Role
from dialogue.calendar import feeds
from dialogue.calendar.models import FeedScope, FeedToken
from dialogue.commitments.models import CommitmentStatus
from dialogue.meetings.models import MeetingStatus
from dialogue.people.models import Language, Side
from tests import factories
from tests.calendar.samples import read
from tests.conftest import count_queries
from tests.security.conftest import signed_in, stranger

LINK = re.compile(r"webcal://[^/\s\"]+/calendars/([A-Za-z0-9_-]+)\.ics")


async def delegate_world(db: AsyncSession, language: Language = Language.FR) -> dict[str, Any]:
    """A council; a workers' delegate (person ugtt1) with an account; meetings they are and
    are not invited to; commitments of both sides."""
    world = await factories.table(db)
    ugtt1 = world["ugtt1"]
    ugtt1.language = language
    world["delegate"] = await factories.account(
        db,
        Role.DELEGATE,
        world["ugtt"],
        person_id=ugtt1.id,
        email="delegate@ugtt.example",
    )
    committee = await factories.body(db, name="Commission des salaires")
    world["committee"] = committee
    world["invited"] = await factories.meeting(db, world["plenary"], title="Plénière invitée")
    await factories.invite(db, world["invited"], ugtt1)
    world["cancelled"] = await factories.meeting(
        db, world["plenary"], title="Plénière annulée", status=MeetingStatus.CANCELLED
    )
    await factories.invite(db, world["cancelled"], ugtt1)
    world["draft"] = await factories.meeting(db, world["plenary"], title="Brouillon", status=MeetingStatus.DRAFT)
    await factories.invite(db, world["draft"], ugtt1)
    world["employers_only"] = await factories.meeting(db, committee, title="Réunion des employeurs")
    await factories.invite(db, world["employers_only"], world["utica1"])
    world["workers_due"] = await factories.commitment(
        db, Side.WORKERS, title="Rapport des travailleurs", due_on=dt.date(2026, 3, 31)
    )
    world["workers_done"] = await factories.commitment(
        db,
        Side.WORKERS,
        CommitmentStatus.DONE,
        title="Déjà fait",
        due_on=dt.date(2026, 3, 1),
    )
    world["employers_due"] = await factories.commitment(
        db, Side.EMPLOYERS, title="Rapport des employeurs", due_on=dt.date(2026, 4, 1)
    )
    await db.commit()
    return world


async def create(browser: AsyncTestClient[Any], scope: str, key: Any) -> str:
    response = await browser.post("/account/calendars", data={"scope": scope, "key": str(key)})
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    found = LINK.search(response.text)
    assert found, response.text
    public_url = browser.app.state.settings.public_url.rstrip("/")
    assert f'value="{public_url}/calendars/{found.group(1)}.ics"' in response.text
    return found.group(1)


async def fetch(client: AsyncTestClient[Any], token: str) -> Any:
    async with stranger(client) as nobody:  # no session: the token is the credential
        return await nobody.get(f"/calendars/{token}.ics")


def summaries(calendar: Any) -> dict[str, Any]:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


async def test_delegate_subscribes_to_their_meetings_and_side_deadlines(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await delegate_world(db)
    async with signed_in(client, "delegate@ugtt.example") as me:
        token = await create(me, "person", world["ugtt1"].id)
    response = await fetch(client, token)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar, card = read(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert b"ATTENDEE" not in response.content
    assert str(calendar["X-WR-CALNAME"]) == i18n.translations("fr").gettext("Dialogue – my meetings")
    found = summaries(calendar)
    due = i18n.translations("fr").gettext("Due: {title}").format(title="Rapport des travailleurs")
    assert set(found) == {"Plénière invitée", "Plénière annulée", due}
    assert found["Plénière annulée"]["STATUS"] == "CANCELLED"
    assert found["Plénière invitée"]["STATUS"] == "CONFIRMED"
    assert str(found["Plénière invitée"]["UID"]) == f"meeting-{world['invited'].id}@127.0.0.1"
    deadline = next(e for name, e in found.items() if "Rapport des travailleurs" in name)
    assert deadline.decoded("DTSTART") == dt.date(2026, 3, 31)
    assert deadline["DTSTART"].params["VALUE"] == "DATE"
    assert str(deadline["URL"]).endswith(f"/commitments/{world['workers_due'].id}")
    assert len(card.vevent_list) == 3


async def test_side_feed_holds_the_sides_meetings_and_deadlines_named_in_french(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    await delegate_world(db)
    async with signed_in(client, "delegate@ugtt.example") as me:
        token = await create(me, "side", "workers")
    calendar, _card = read((await fetch(client, token)).content)
    assert str(calendar["X-WR-CALNAME"]) == "Dialogue – Travailleurs"
    names = set(summaries(calendar))
    assert {"Plénière invitée", "Plénière annulée"} <= names
    assert "Réunion des employeurs" not in names and "Brouillon" not in names
    assert not any("employeurs" in name for name in names)
    assert any("Rapport des travailleurs" in name for name in names)


async def test_feed_is_named_in_the_owners_arabic(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    await delegate_world(db, Language.AR)
    async with signed_in(client, "delegate@ugtt.example") as me:
        token = await create(me, "side", "workers")
    calendar, card = read((await fetch(client, token)).content)
    # The app's name is translated too ("الحوار").
    assert str(calendar["X-WR-CALNAME"]) == "الحوار – العمال"
    assert card.contents["x-wr-calname"][0].value == "الحوار – العمال"


async def test_body_feed_from_the_body_page_holds_the_bodys_meetings(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await delegate_world(db)
    committee = world["committee"]
    async with signed_in(client, "delegate@ugtt.example") as me:
        page = await me.get(f"/bodies/{committee.id}")
        assert page.status_code == 200
        assert 'action="/account/calendars"' in page.text and f'name="key" value="{committee.id}"' in page.text
        token = await create(me, "body", committee.id)
    calendar, _card = read((await fetch(client, token)).content)
    assert str(calendar["X-WR-CALNAME"]) == "Dialogue – Commission des salaires"
    assert set(summaries(calendar)) == {"Réunion des employeurs"}


async def test_account_page_loads_the_feed_links(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    await delegate_world(db)
    async with signed_in(client, "delegate@ugtt.example") as me:
        account = await me.get("/account")
        assert 'hx-get="/account/calendars"' in account.text
        fragment = await me.get("/account/calendars", headers={"HX-Request": "true"})
        assert fragment.status_code == 200
        assert "<html" not in fragment.text
        assert 'value="person"' in fragment.text and 'value="workers"' in fragment.text
        assert 'value="employers"' not in fragment.text
        token = await create(
            me,
            "person",
            (await db.scalar(select(Account.person_id).where(Account.email == "delegate@ugtt.example"))),
        )
        # Afterwards the address is never shown again: only regenerate and revoke.
        again = await me.get("/account/calendars")
        assert token not in again.text and "webcal://" not in again.text
        assert "Regenerate" in again.text and "/revoke" in again.text


async def test_tokens_are_stored_hashed(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await delegate_world(db)
    async with signed_in(client, "delegate@ugtt.example") as me:
        token = await create(me, "person", world["ugtt1"].id)
    assert len(token) >= 43
    rows = list(await db.scalars(select(FeedToken)))
    assert len(rows) == 1
    assert rows[0].token_hash == feeds.hash_token(token) and token not in rows[0].token_hash


async def test_regenerated_and_revoked_addresses_stop_working(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await delegate_world(db)
    async with signed_in(client, "delegate@ugtt.example") as me:
        first = await create(me, "person", world["ugtt1"].id)
        second = await create(me, "person", world["ugtt1"].id)
        assert (await fetch(client, first)).status_code == 404
        assert (await fetch(client, second)).status_code == 200
        live = await db.scalar(select(FeedToken).where(FeedToken.revoked_at.is_(None)))
        assert live is not None
        response = await me.post(f"/account/calendars/{live.id}/revoke", follow_redirects=False)
        assert response.status_code == 303
    assert (await fetch(client, second)).status_code == 404
    assert (await fetch(client, "unknown-token")).status_code == 404
    async with stranger(client) as nobody:
        assert (await nobody.get(f"/calendars/{second}")).status_code == 404  # without .ics


async def test_disabled_account_feed_answers_404(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await delegate_world(db)
    async with signed_in(client, "delegate@ugtt.example") as me:
        token = await create(me, "person", world["ugtt1"].id)
    assert (await fetch(client, token)).status_code == 200
    response = await client.post(f"/accounts/{world['delegate'].id}/disable", follow_redirects=False)
    assert response.status_code == 303
    assert (await fetch(client, token)).status_code == 404


async def test_delegate_cannot_create_another_sides_feed(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await delegate_world(db)
    async with signed_in(client, "delegate@ugtt.example") as me:
        assert (await me.post("/account/calendars", data={"scope": "side", "key": "employers"})).status_code == 403
        other = world["utica1"].id
        assert (await me.post("/account/calendars", data={"scope": "person", "key": str(other)})).status_code == 403
        assert (await me.post("/account/calendars", data={"scope": "body", "key": "999999"})).status_code == 404
        assert (await me.post("/account/calendars", data={"scope": "nonsense", "key": "1"})).status_code == 404
    assert list(await db.scalars(select(FeedToken))) == []


async def test_delegate_cannot_revoke_someone_elses_feed(client: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await delegate_world(db)
    secretariat = await db.scalar(select(Account).where(Account.email == "secretariat@example.tn"))
    assert secretariat is not None
    row, token = await feeds.issue_token(db, secretariat, FeedScope.SIDE, "workers")
    await db.commit()
    async with signed_in(client, "delegate@ugtt.example") as me:
        assert (await me.post(f"/account/calendars/{row.id}/revoke", follow_redirects=False)).status_code == 404
    assert (await fetch(client, token)).status_code == 200
    assert world["delegate"].id != secretariat.id


async def test_secretariat_may_have_every_sides_feed(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    await delegate_world(db)
    page = await english.get("/account/calendars")
    assert page.status_code == 200
    for side in ("government", "workers", "employers", "observers"):
        assert f'value="{side}"' in page.text
    token = await create(english, "side", "employers")
    calendar, _card = read((await fetch(english, token)).content)
    assert set(summaries(calendar)) >= {"Réunion des employeurs"}


async def test_feed_statement_count_does_not_grow_with_meetings(
    client: AsyncTestClient[Any], db: AsyncSession, app_engine: AsyncEngine
) -> None:
    world = await delegate_world(db)
    row, token = await feeds.issue_token(db, world["delegate"], FeedScope.PERSON, str(world["ugtt1"].id))
    await db.commit()

    async def add(n: int) -> None:
        for i in range(n):
            meeting = await factories.meeting(db, world["plenary"], title=f"Réunion {i}")
            await factories.invite(db, meeting, world["ugtt1"])
            await factories.item(db, meeting, title=f"Point {i}")
            await factories.commitment(db, Side.WORKERS, due_on=dt.date(2026, 5, 1 + i % 28))
        await db.commit()

    async def statements() -> int:
        with count_queries(app_engine) as counter:
            response = await fetch(client, token)
        assert response.status_code == 200
        return counter.count

    await add(3)
    few = await statements()
    await add(27)
    many = await statements()
    assert many == few
    assert row.id
