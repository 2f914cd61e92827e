"""The minutes' workflow through the pages, as the secretariat and each side's approver
use it: draft, circulate, decide, adopt, revise, addenda; and who may approve."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.agenda.models import Outcome
from dialogue.mail.models import OutboxMessage
from dialogue.minutes.document import content_hash, from_json
from dialogue.minutes.models import Minutes, MinutesDecision, MinutesItemComment, MinutesVersion
from dialogue.people.models import Side
from tests.minutes.world import held_meeting
from tests.security.conftest import signed_in


async def _minutes(db: AsyncSession, meeting_id: int) -> Minutes | None:
    return await db.scalar(
        select(Minutes).where(Minutes.meeting_id == meeting_id).execution_options(populate_existing=True)
    )


async def _versions(db: AsyncSession, meeting_id: int) -> list[MinutesVersion]:
    return list(
        await db.scalars(
            select(MinutesVersion)
            .where(MinutesVersion.meeting_id == meeting_id)
            .order_by(MinutesVersion.number)
            .execution_options(populate_existing=True)
        )
    )


async def _count(db: AsyncSession, model: Any) -> int:
    return (await db.execute(select(func.count()).select_from(model))).scalar_one()


async def circulated(client: AsyncTestClient[Any], db: AsyncSession, **options: Any) -> dict[str, Any]:
    """A held meeting whose draft (with an introduction) was circulated as version 1."""
    world = await held_meeting(db, **options)
    await db.commit()
    meeting_id = world["meeting"].id
    assert (await client.post(f"/meetings/{meeting_id}/minutes")).status_code == 200
    minutes = await _minutes(db, meeting_id)
    assert minutes is not None
    response = await client.post(
        f"/meetings/{meeting_id}/minutes/narratives",
        data={
            "version": minutes.version,
            "introduction": "La séance est ouverte à 9 h.",
            f"summary-{world['item'].id}": "Débat nourri.",
        },
    )
    assert response.status_code == 200, response.text
    minutes = await _minutes(db, meeting_id)
    response = await client.post(f"/meetings/{meeting_id}/minutes/circulate", data={"version": minutes.version})
    assert response.status_code == 200, response.text
    return world


async def decide(client: AsyncTestClient[Any], email: str, meeting_id: int, side: Side, data: dict[str, Any]) -> Any:
    async with signed_in(client, email) as approver:
        return await approver.post(f"/meetings/{meeting_id}/minutes/decisions/{side.value}", data=data)


async def test_the_draft_is_only_for_a_held_meeting(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await held_meeting(db)
    await db.commit()
    response = await english.post(f"/meetings/{world['next'].id}/minutes")
    assert response.status_code == 409
    assert "held meeting" in response.text
    assert await _count(db, Minutes) == 0


async def test_circulating_freezes_version_one_and_emails_each_approver_in_their_language(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await circulated(english, db)
    meeting_id = world["meeting"].id
    versions = await _versions(db, meeting_id)
    assert [v.number for v in versions] == [1]
    assert versions[0].approving_sides == [Side.GOVERNMENT, Side.WORKERS, Side.EMPLOYERS]
    document = from_json(versions[0].content)
    assert document.version == 1 and document.status == "circulated"
    assert document.introduction == "La séance est ouverte à 9 h."
    assert document.items[0].summary == "Débat nourri."

    messages = list(await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "minutes")))
    to = {m.to_address: m for m in messages}
    # The three approvers; not the delegate who is no approver, nor the observers' delegate.
    assert set(to) == {world["mas1"].email, world["ugtt1"].email, "approver-employers@example.tn"}
    assert to[world["ugtt1"].email].language == "ar"
    assert to[world["mas1"].email].language == "fr"
    assert f"/meetings/{meeting_id}/minutes" in to[world["mas1"].email].text_body
    assert all(m.meeting_id == meeting_id for m in messages)


async def test_every_side_approving_adopts_the_minutes_with_a_stored_fingerprint(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await circulated(english, db)
    meeting_id, approvers = world["meeting"].id, world["approvers"]
    response = await decide(english, approvers[Side.WORKERS].email, meeting_id, Side.WORKERS, {"decision": "approved"})
    assert response.status_code == 200, response.text
    response = await decide(
        english,
        approvers[Side.GOVERNMENT].email,
        meeting_id,
        Side.GOVERNMENT,
        {"decision": "reservations", "text": "Le gouvernement réserve sa position sur le calendrier."},
    )
    assert response.status_code == 200, response.text
    minutes = await _minutes(db, meeting_id)
    assert minutes.status.value == "circulated"  # the employers have not answered yet

    response = await decide(
        english, approvers[Side.EMPLOYERS].email, meeting_id, Side.EMPLOYERS, {"decision": "approved"}
    )
    assert response.status_code == 200, response.text
    minutes = await _minutes(db, meeting_id)
    assert minutes.status.value == "adopted" and minutes.adopted_at is not None
    stored = from_json((await _versions(db, meeting_id))[0].content)
    assert stored.adopted and stored.status == "adopted"
    assert {d.side: d.decision for d in stored.decisions} == {
        "government": "reservations",
        "workers": "approved",
        "employers": "approved",
    }
    assert "calendrier" in next(d.text for d in stored.decisions if d.side == "government")
    assert minutes.sha256 == content_hash(stored) == stored.sha256
    page = await english.get(f"/meetings/{meeting_id}/minutes")
    assert minutes.sha256 in page.text
    assert (
        await english.get(f"/meetings/{meeting_id}/minutes")
        and minutes.sha256 in (await english.get(f"/meetings/{meeting_id}/minutes")).text
    )
    md = await english.get(f"/meetings/{meeting_id}/minutes.md?lang=fr")
    assert md.status_code == 200
    assert minutes.sha256 in md.text and "calendrier" in md.text


async def test_who_may_approve(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await circulated(english, db, employers_present=False)
    meeting_id = world["meeting"].id
    version = (await _versions(db, meeting_id))[0]
    assert version.approving_sides == [Side.GOVERNMENT, Side.WORKERS]  # nobody from the employers came
    approve = {"decision": "approved"}
    # The secretariat does not approve on a side's behalf.
    response = await english.post(f"/meetings/{meeting_id}/minutes/decisions/workers", data=approve)
    assert response.status_code == 403 and "secretariat" in response.text
    # A delegate of the side who is not its approver.
    response = await decide(english, world["plain_delegate"].email, meeting_id, Side.WORKERS, approve)
    assert response.status_code == 403 and "approver" in response.text
    # The observers' delegate, even marked approver.
    response = await decide(english, world["observer_delegate"].email, meeting_id, Side.OBSERVERS, approve)
    assert response.status_code == 403 and "Observers" in response.text
    # An approver for another side than their own.
    response = await decide(english, world["approvers"][Side.GOVERNMENT].email, meeting_id, Side.WORKERS, approve)
    assert response.status_code == 403
    # The approver of a side with nobody present.
    response = await decide(english, world["approvers"][Side.EMPLOYERS].email, meeting_id, Side.EMPLOYERS, approve)
    assert response.status_code == 403 and "nobody present" in response.text
    assert await _count(db, MinutesDecision) == 0

    # The two present sides approve: adopted without the absent one.
    for side in (Side.GOVERNMENT, Side.WORKERS):
        response = await decide(english, world["approvers"][side].email, meeting_id, side, approve)
        assert response.status_code == 200, response.text
    assert (await _minutes(db, meeting_id)).status.value == "adopted"


async def test_reservations_need_a_text_and_bad_answers_change_nothing(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await circulated(english, db)
    meeting_id, email = world["meeting"].id, world["approvers"][Side.WORKERS].email
    response = await decide(english, email, meeting_id, Side.WORKERS, {"decision": "reservations", "text": "  "})
    assert response.status_code == 422 and "reservations" in response.text
    response = await decide(english, email, meeting_id, Side.WORKERS, {"decision": "maybe"})
    assert response.status_code == 422
    response = await decide(english, email, meeting_id, Side.WORKERS, {"decision": "changes_requested"})
    assert response.status_code == 422
    response = await decide(
        english, email, meeting_id, Side.WORKERS, {"decision": "changes_requested", "comment-999999": "Ailleurs"}
    )
    assert response.status_code == 422
    async with signed_in(english, email) as approver:
        response = await approver.post(
            f"/meetings/{meeting_id}/minutes/decisions/nobody", data={"decision": "approved"}
        )
    assert response.status_code == 404
    assert await _count(db, MinutesDecision) == 0


async def test_changes_requested_then_a_revision_resets_the_decisions(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await circulated(english, db)
    meeting_id, approvers, item = world["meeting"].id, world["approvers"], world["item"]
    assert (
        await decide(english, approvers[Side.GOVERNMENT].email, meeting_id, Side.GOVERNMENT, {"decision": "approved"})
    ).status_code == 200
    response = await decide(
        english,
        approvers[Side.WORKERS].email,
        meeting_id,
        Side.WORKERS,
        {
            "decision": "changes_requested",
            "text": "Deux corrections.",
            f"comment-{item.id}": "Le taux convenu est 7 %, pas 6 %.",
        },
    )
    assert response.status_code == 200, response.text
    comment = await db.scalar(select(MinutesItemComment))
    assert comment.item_title == "Salaire minimum" and "7 %" in comment.comment
    page = await english.get(f"/meetings/{meeting_id}/minutes")
    assert "Le taux convenu est 7 %, pas 6 %." in page.text

    minutes = await _minutes(db, meeting_id)
    response = await english.post(
        f"/meetings/{meeting_id}/minutes/narratives",
        data={
            "version": minutes.version,
            "introduction": "La séance est ouverte à 9 h 30.",
            f"summary-{item.id}": "Accord à 7 %.",
        },
    )
    assert response.status_code == 200
    before = await _count(db, OutboxMessage)
    minutes = await _minutes(db, meeting_id)
    response = await english.post(f"/meetings/{meeting_id}/minutes/revise", data={"version": minutes.version})
    assert response.status_code == 200, response.text

    versions = await _versions(db, meeting_id)
    assert [v.number for v in versions] == [1, 2]
    decisions = list(await db.scalars(select(MinutesDecision)))
    assert {d.version_id for d in decisions} == {versions[0].id}  # history stays with version 1
    assert from_json(versions[1].content).items[0].summary == "Accord à 7 %."
    assert from_json(versions[0].content).items[0].summary == "Débat nourri."
    assert await _count(db, OutboxMessage) == before + 3  # the approvers are asked again

    diff = await english.get(f"/meetings/{meeting_id}/minutes/diff?from=1&to=2")
    assert diff.status_code == 200
    assert "<del>" in diff.text and "Débat nourri." in diff.text
    assert "<ins>" in diff.text and "Accord à 7 %." in diff.text

    # The earlier approval does not count for version 2.
    assert (
        await decide(english, approvers[Side.WORKERS].email, meeting_id, Side.WORKERS, {"decision": "approved"})
    ).status_code == 200
    assert (
        await decide(english, approvers[Side.EMPLOYERS].email, meeting_id, Side.EMPLOYERS, {"decision": "approved"})
    ).status_code == 200
    assert (await _minutes(db, meeting_id)).status.value == "circulated"
    assert (
        await decide(english, approvers[Side.GOVERNMENT].email, meeting_id, Side.GOVERNMENT, {"decision": "approved"})
    ).status_code == 200
    minutes = await _minutes(db, meeting_id)
    assert minutes.status.value == "adopted" and minutes.current_version == 2


async def adopted(english: AsyncTestClient[Any], db: AsyncSession) -> dict[str, Any]:
    world = await circulated(english, db)
    for side, account in world["approvers"].items():
        response = await decide(english, account.email, world["meeting"].id, side, {"decision": "approved"})
        assert response.status_code == 200, response.text
    return world


async def test_adopted_minutes_are_locked(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await adopted(english, db)
    meeting_id = world["meeting"].id
    minutes = await _minutes(db, meeting_id)
    version, sha, number = minutes.version, minutes.sha256, minutes.current_version
    content = (await _versions(db, meeting_id))[0].content
    for path, data in (
        ("narratives", {"version": version, "introduction": "Réécrite"}),
        ("revise", {"version": version}),
        ("circulate", {"version": version}),
    ):
        response = await english.post(f"/meetings/{meeting_id}/minutes/{path}", data=data)
        assert response.status_code == 409, path
        assert "locked" in response.text or "circulated already" in response.text
    response = await decide(
        english,
        world["approvers"][Side.WORKERS].email,
        meeting_id,
        Side.WORKERS,
        {"decision": "changes_requested", "text": "Trop tard"},
    )
    assert response.status_code == 409 and "locked" in response.text
    minutes = await _minutes(db, meeting_id)
    assert (minutes.version, minutes.sha256, minutes.current_version, minutes.introduction) == (
        version,
        sha,
        number,
        "La séance est ouverte à 9 h.",
    )
    assert (await _versions(db, meeting_id))[0].content == content


async def test_record_edits_after_adoption_do_not_change_the_adopted_minutes_and_addenda_are_dated(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await adopted(english, db)
    meeting_id = world["meeting"].id
    first = await english.get(f"/meetings/{meeting_id}/minutes.md?lang=fr")
    assert first.status_code == 200 and "Accord sur une hausse de 7 %" in first.text
    outcome = await db.scalar(select(Outcome).where(Outcome.item_id == world["item"].id))
    outcome.text = "Texte réécrit après l'adoption"
    await db.commit()
    again = await english.get(f"/meetings/{meeting_id}/minutes.md?lang=fr")
    assert again.content == first.content
    assert "réécrit" not in again.text

    sha = (await _minutes(db, meeting_id)).sha256
    response = await english.post(f"/meetings/{meeting_id}/minutes/addenda", data={"text": ""})
    assert response.status_code == 422
    response = await english.post(
        f"/meetings/{meeting_id}/minutes/addenda", data={"text": "Erratum : lire 7 % au point 1."}
    )
    assert response.status_code == 200
    minutes = await _minutes(db, meeting_id)
    assert minutes.sha256 == sha
    stored = from_json((await _versions(db, meeting_id))[0].content)
    assert content_hash(stored) == sha
    for fmt in ("md", "html"):
        export = await english.get(f"/meetings/{meeting_id}/minutes.{fmt}?lang=fr")
        assert "Erratum : lire 7 % au point 1." in export.text
        assert sha in export.text


async def test_an_addendum_before_adoption_is_refused(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await circulated(english, db)
    response = await english.post(f"/meetings/{world['meeting'].id}/minutes/addenda", data={"text": "Trop tôt"})
    assert response.status_code == 409
