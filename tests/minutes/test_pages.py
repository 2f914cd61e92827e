"""The minutes page, its exports and the draft built from the record: what they show, what
they never show (anything internal to a side), and how they answer bad input."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.i18n import _, using_language
from dialogue.meetings import service as meetings_service
from dialogue.meetings.models import Meeting, MeetingStatus
from dialogue.minutes import compose, drafting
from dialogue.minutes.models import Minutes, MinutesVersion
from dialogue.people.models import Side
from tests import factories
from tests.minutes.test_workflow import circulated, decide
from tests.minutes.world import SECRET_NOTE, SECRET_POSITION, SHARED_NOTE, held_meeting
from tests.security.conftest import signed_in

FORMATS_WITH_TEXT = ("md", "html")


async def test_the_draft_is_built_from_the_shared_record(db: AsyncSession) -> None:
    world = await held_meeting(db)
    await db.commit()
    meeting = await meetings_service.get_meeting(db, world["meeting"].id, with_invitations=True)
    document = await compose.build_document(db, meeting, None)

    assert document.chair == world["mas1"].full_name
    assert document.venue == "Tunis, siège du Conseil"
    attendance = {line.name: (line.side, line.attendance) for line in document.attendees}
    assert attendance[world["utica1"].full_name] == ("employers", "present")
    assert attendance[world["ilo1"].full_name] == ("observers", "present")
    assert document.quorum_met and document.parity
    observers = next(line for line in document.quorum if line.side == "observers")
    assert not observers.counts

    item = document.items[0]
    assert item.title == "Salaire minimum"
    assert [(p.side, p.statement) for p in item.positions] == [("workers", "Hausse de 10 %")]
    assert item.outcome_kind == "tripartite_agreement" and item.outcome_text == "Accord sur une hausse de 7 %"
    assert [(c.title, c.responsible) for c in item.commitments] == [
        ("Transmettre l'étude salariale", world["ugtt1"].full_name)
    ]

    [matter] = document.matters_arising
    assert matter.title == "Publier le décret" and matter.status == "in_progress"
    assert matter.last_update == SHARED_NOTE  # the later internal note is left out
    assert matter.overdue  # due on 1 February, still in progress at the March meeting
    assert matter.meetings_open == 1  # the March meeting itself, held (none in between)
    # The next meeting of the body: June (the cancelled May meeting does not count).
    assert document.next_meeting == world["next"].starts_at
    assert compose.approving_sides(meeting) == [Side.GOVERNMENT, Side.WORKERS, Side.EMPLOYERS]


async def test_nothing_internal_appears_in_the_page_or_any_export(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await circulated(english, db)
    meeting_id = world["meeting"].id
    urls = [f"/meetings/{meeting_id}/minutes"]
    urls += [
        f"/meetings/{meeting_id}/minutes.{fmt}?version={n}&lang={lang}"
        for fmt in FORMATS_WITH_TEXT
        for n in (0, 1)
        for lang in ("fr", "ar")
    ]
    # The secretariat (who may read internal drafts elsewhere) and the employers' approver
    # (whose side's draft it is) alike: minutes are for everyone.
    for response in [await english.get(url) for url in urls]:
        assert response.status_code == 200, response.url
        assert "SECRET" not in response.text, response.url
        assert "Hausse de 10 %" in response.text
    async with signed_in(english, world["approvers"][Side.EMPLOYERS].email) as employers:
        for url in urls:
            response = await employers.get(url)
            if "version=0" in url:  # the working draft is the secretariat's
                assert response.status_code == 403 and "SECRET" not in response.text
                continue
            assert response.status_code == 200 and "SECRET" not in response.text
    version = await db.scalar(select(MinutesVersion))
    assert SECRET_POSITION not in version.content and SECRET_NOTE not in version.content


async def test_an_approver_sees_the_decision_form_and_others_do_not(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await circulated(english, db)
    meeting_id = world["meeting"].id
    action = f"/meetings/{meeting_id}/minutes/decisions/workers"
    async with signed_in(english, world["approvers"][Side.WORKERS].email) as approver:
        page = await approver.get(f"/meetings/{meeting_id}/minutes")
        assert action in page.text and "/minutes/revise" not in page.text
    async with signed_in(english, world["plain_delegate"].email) as delegate:
        page = await delegate.get(f"/meetings/{meeting_id}/minutes")
        assert page.status_code == 200 and action not in page.text
    page = await english.get(f"/meetings/{meeting_id}/minutes")
    assert "/decisions/" not in page.text and "Circulate a revision" in page.text
    assert "Awaiting the side" in page.text


async def test_a_stale_narrative_edit_is_refused_with_the_current_texts(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await held_meeting(db)
    await db.commit()
    meeting_id = world["meeting"].id
    await english.post(f"/meetings/{meeting_id}/minutes")
    minutes = await db.scalar(select(Minutes))
    read_at = minutes.version
    first = await english.post(
        f"/meetings/{meeting_id}/minutes/narratives", data={"version": read_at, "introduction": "Première version"}
    )
    assert first.status_code == 200
    stale = await english.post(
        f"/meetings/{meeting_id}/minutes/narratives",
        data={"version": read_at, "introduction": "Écrasée ?"},
        headers={"HX-Request": "true"},
    )
    assert stale.status_code == 409
    assert "Someone else changed" in stale.text and 'id="minutes"' in stale.text
    # The field holds the current text; what was typed is beside it, not in it.
    assert ">Première version</textarea>" in stale.text and ">Écrasée ?</textarea>" not in stale.text
    assert 'id="f-introduction-yours"' in stale.text and "Écrasée ?" in stale.text
    minutes = await db.scalar(select(Minutes).execution_options(populate_existing=True))
    assert minutes.introduction == "Première version"

    too_long = await english.post(
        f"/meetings/{meeting_id}/minutes/narratives",
        data={"version": minutes.version, "introduction": "x" * (drafting.NARRATIVE_MAX + 1)},
    )
    assert too_long.status_code == 422
    other = await english.post(
        f"/meetings/{meeting_id}/minutes/narratives",
        data={"version": minutes.version, "summary-999999": "Ailleurs", "summary-abc": "?"},
    )
    assert other.status_code == 422
    minutes = await db.scalar(select(Minutes).execution_options(populate_existing=True))
    assert minutes.introduction == "Première version"


async def test_circulating_needs_a_party_present(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await held_meeting(db)
    meeting = world["meeting"]
    for invitation in await db.scalars(
        select(meetings_service.Invitation).where(meetings_service.Invitation.meeting_id == meeting.id)
    ):
        invitation.attendance = meetings_service.Attendance.ABSENT
    await db.commit()
    await english.post(f"/meetings/{meeting.id}/minutes")
    minutes = await db.scalar(select(Minutes))
    response = await english.post(f"/meetings/{meeting.id}/minutes/circulate", data={"version": minutes.version})
    assert response.status_code == 409 and "Record the attendance" in response.text
    assert (await db.execute(select(func.count()).select_from(MinutesVersion))).scalar_one() == 0


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("version=abc", 400),
        ("version=-1", 400),
        ("version=7", 404),
        ("lang=de", 400),
        ("version=99999999999999999999", 400),
    ],
)
async def test_bad_export_requests_are_answered_clearly(
    english: AsyncTestClient[Any], db: AsyncSession, query: str, status: int
) -> None:
    world = await circulated(english, db)
    response = await english.get(f"/meetings/{world['meeting'].id}/minutes.md?{query}")
    assert response.status_code == status
    assert "version" in response.text.lower() or "language" in response.text.lower()


async def test_exports_and_the_diff_of_a_meeting_without_minutes(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await held_meeting(db)
    await db.commit()
    scheduled = world["next"].id
    assert (await english.get(f"/meetings/{scheduled}/minutes.md")).status_code == 404
    page = await english.get(f"/meetings/{scheduled}/minutes")
    assert page.status_code == 200 and "once the meeting is held" in page.text
    assert (await english.get(f"/meetings/{scheduled}/minutes/diff?from=1&to=2")).status_code == 404
    assert (await english.get(f"/meetings/{scheduled}/minutes/diff?from=x")).status_code == 400
    # A held meeting without minutes: its live draft is readable and exportable.
    held = world["meeting"].id
    draft = await english.get(f"/meetings/{held}/minutes.html?lang=ar")
    assert draft.status_code == 200
    assert 'lang="ar"' in draft.text and 'dir="rtl"' in draft.text
    assert 'filename="minutes-' in draft.headers["content-disposition"]
    pdf = await english.get(f"/meetings/{held}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (await english.get(f"/meetings/{held}")).text.count(f"/meetings/{held}/minutes") >= 1


# Only the secretariat reads the working draft ---------------------------------------------------


async def test_observers_and_delegates_read_circulated_minutes_only(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await held_meeting(db)
    observer = await factories.account(db, Role.OBSERVER, email="observer-minutes@example.tn")
    await db.commit()
    meeting_id = world["meeting"].id
    readers = (observer.email, world["plain_delegate"].email)

    async def refused_everything(email: str) -> None:
        async with signed_in(english, email) as reader:
            page = await reader.get(f"/meetings/{meeting_id}/minutes")
            assert page.status_code == 200
            assert "The minutes of this meeting are not circulated yet." in page.text
            assert "Hausse de 10 %" not in page.text and "Texte de travail" not in page.text
            assert f"/meetings/{meeting_id}/minutes.md" not in page.text
            for fmt in ("md", "html", "pdf", "docx", "json"):
                response = await reader.get(f"/meetings/{meeting_id}/minutes.{fmt}")
                assert response.status_code == 404, fmt
                assert "not circulated yet" in response.text
                response = await reader.get(f"/meetings/{meeting_id}/minutes.{fmt}?version=0")
                assert response.status_code == 403, fmt
                assert "The working draft of the minutes is the secretariat" in response.text
            response = await reader.get(f"/meetings/{meeting_id}/minutes/diff?from=0&to=0")
            assert response.status_code == 403

    # A held meeting whose minutes are not started, then a draft with the secretariat's text.
    for email in readers:
        await refused_everything(email)
    assert (await english.post(f"/meetings/{meeting_id}/minutes")).status_code == 200
    minutes = await db.scalar(select(Minutes))
    response = await english.post(
        f"/meetings/{meeting_id}/minutes/narratives",
        data={"version": minutes.version, "introduction": "Texte de travail"},
    )
    assert response.status_code == 200
    for email in readers:
        await refused_everything(email)
    assert "Texte de travail" in (await english.get(f"/meetings/{meeting_id}/minutes.md")).text

    # Circulated: version 1 for everyone; the secretariat's later edits stay in the draft.
    minutes = await db.scalar(select(Minutes).execution_options(populate_existing=True))
    assert (
        await english.post(f"/meetings/{meeting_id}/minutes/circulate", data={"version": minutes.version})
    ).status_code == 200
    minutes = await db.scalar(select(Minutes).execution_options(populate_existing=True))
    response = await english.post(
        f"/meetings/{meeting_id}/minutes/narratives",
        data={"version": minutes.version, "introduction": "Révision en cours"},
    )
    assert response.status_code == 200
    assert "Révision en cours" in (await english.get(f"/meetings/{meeting_id}/minutes.md?version=0")).text
    for email in readers:
        async with signed_in(english, email) as reader:
            page = await reader.get(f"/meetings/{meeting_id}/minutes")
            assert "Texte de travail" in page.text and "Révision en cours" not in page.text
            assert "not circulated yet" not in page.text and "?version=0" not in page.text
            current = await reader.get(f"/meetings/{meeting_id}/minutes.md")
            assert current.status_code == 200
            assert current.text == (await reader.get(f"/meetings/{meeting_id}/minutes.md?version=1")).text
            assert "Texte de travail" in current.text and "Révision en cours" not in current.text
            assert (await reader.get(f"/meetings/{meeting_id}/minutes.md?version=0")).status_code == 403
            diff = await reader.get(f"/meetings/{meeting_id}/minutes/diff?from=1&to=0")
            assert diff.status_code == 403 and "Révision en cours" not in diff.text
            assert (await reader.get(f"/meetings/{meeting_id}/minutes/diff?from=1&to=1")).status_code == 200


# minutes.json: the content whose SHA-256 is stored -------------------------------------------------


async def test_the_sha256_of_minutes_json_is_the_stored_fingerprint(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await circulated(english, db)
    meeting_id = world["meeting"].id
    response = await english.get(f"/meetings/{meeting_id}/minutes.json?version=1")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.json()["version"] == 1 and response.json()["status"] == "circulated"
    assert "SECRET" not in response.text
    for side, approver in world["approvers"].items():
        answer = await decide(english, approver.email, meeting_id, side, {"decision": "approved"})
        assert answer.status_code == 200, answer.text
    minutes = await db.scalar(select(Minutes).execution_options(populate_existing=True))
    assert minutes.status.value == "adopted" and minutes.sha256
    response = await english.post(f"/meetings/{meeting_id}/minutes/addenda", data={"text": "Correction de date."})
    assert response.status_code == 200

    download = await english.get(f"/meetings/{meeting_id}/minutes.json?version=1")
    assert download.status_code == 200 and download.headers["content-type"] == "application/json"
    assert hashlib.sha256(download.content).hexdigest() == minutes.sha256
    data = json.loads(download.content)
    assert data["status"] == "adopted" and data["sha256"] is None and data["addenda"] == []
    assert {d["side"] for d in data["decisions"]} == {"government", "workers", "employers"}
    page = await english.get(f"/meetings/{meeting_id}/minutes")
    assert "It is the SHA-256 of minutes.json" in page.text
    assert f'href="/meetings/{meeting_id}/minutes.json?version=1"' in page.text
    # Any reader gets the same bytes; the default version is the adopted one.
    async with signed_in(english, world["coordinator"].email) as coordinator:
        assert (await coordinator.get(f"/meetings/{meeting_id}/minutes.json")).content == download.content
    assert (await english.get(f"/meetings/{meeting_id}/minutes.json?version=2")).status_code == 404
    assert (await english.get(f"/meetings/{meeting_id}/minutes.json?version=x")).status_code == 400


async def test_text_exports_state_their_charset_once(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await circulated(english, db)
    meeting_id = world["meeting"].id
    for fmt, media_type in (("md", "text/markdown"), ("html", "text/html")):
        response = await english.get(f"/meetings/{meeting_id}/minutes.{fmt}")
        assert response.status_code == 200
        assert response.headers["content-type"] == f"{media_type}; charset=utf-8"


# A meeting with minutes stays ------------------------------------------------------------------


async def test_a_meeting_with_minutes_cannot_be_deleted(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await factories.table(db)
    meeting = await factories.meeting(db, world["plenary"], title="Réunion sans présences", status=MeetingStatus.HELD)
    await db.commit()
    confirm = await english.get(f"/meetings/{meeting.id}/delete")
    assert "This cannot be undone." in confirm.text and "its minutes" not in confirm.text
    assert (await english.post(f"/meetings/{meeting.id}/minutes")).status_code == 200

    confirm = await english.get(f"/meetings/{meeting.id}/delete")
    assert confirm.status_code == 200
    assert "cannot be deleted" in confirm.text and "its minutes (the signed record of the meeting)" in confirm.text
    response = await english.post(f"/meetings/{meeting.id}/delete", follow_redirects=False)
    assert response.status_code == 409
    assert "its minutes have been started (they are the signed record of the meeting)" in response.text
    assert await db.scalar(select(func.count()).select_from(Meeting).where(Meeting.id == meeting.id)) == 1
    assert await db.scalar(select(func.count()).select_from(Minutes)) == 1


# The carry-over item on the minutes page ---------------------------------------------------------


async def test_the_follow_up_item_is_shown_in_the_reader_language(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await held_meeting(db)
    await factories.item(
        db,
        world["meeting"],
        rank=3,
        title="Suivi des engagements",
        description="- Publier le décret (en cours)",
        follow_up=True,
    )
    await db.commit()
    meeting_id = world["meeting"].id
    page = await english.get(f"/meetings/{meeting_id}/minutes")
    assert "3. Follow-up of commitments" in page.text
    assert "The commitments still open are listed, with their status, under “Matters arising”." in page.text
    assert "Suivi des engagements" not in page.text and "- Publier le décret (en cours)" not in page.text
    assert "Publier le décret" in page.text  # in the matters arising
    arabic = await english.get(f"/meetings/{meeting_id}/minutes.md?lang=ar")
    with using_language("ar"):
        assert f"### 3. {_('Follow-up of commitments')}" in arabic.text
    assert "Suivi des engagements" not in arabic.text
