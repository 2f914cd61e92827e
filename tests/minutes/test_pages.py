"""The minutes page, its exports and the draft built from the record: what they show, what
they never show (anything internal to a side), and how they answer bad input."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.meetings import service as meetings_service
from dialogue.minutes import service
from dialogue.minutes.models import Minutes, MinutesVersion
from dialogue.people.models import Side
from tests.minutes.test_workflow import circulated
from tests.minutes.world import SECRET_NOTE, SECRET_POSITION, SHARED_NOTE, held_meeting
from tests.security.conftest import signed_in

FORMATS_WITH_TEXT = ("md", "html")


async def test_the_draft_is_built_from_the_shared_record(db: AsyncSession) -> None:
    world = await held_meeting(db)
    await db.commit()
    meeting = await meetings_service.get_meeting(db, world["meeting"].id, with_invitations=True)
    document = await service.build_document(db, meeting, None)

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
    assert [(c.title, c.responsible) for c in item.commitments] == [("Transmettre l'étude salariale", world["ugtt1"].full_name)]

    [matter] = document.matters_arising
    assert matter.title == "Publier le décret" and matter.status == "in_progress"
    assert matter.last_update == SHARED_NOTE  # the later internal note is left out
    assert matter.overdue  # due on 1 February, still in progress at the March meeting
    assert matter.meetings_open == 1  # open across the March meeting itself (none in between)
    # The next meeting of the body: June (the cancelled May meeting does not count).
    assert document.next_meeting == world["next"].starts_at
    assert service.approving_sides(meeting) == [Side.GOVERNMENT, Side.WORKERS, Side.EMPLOYERS]


async def test_nothing_internal_appears_in_the_page_or_any_export(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await circulated(english, db)
    meeting_id = world["meeting"].id
    urls = [f"/meetings/{meeting_id}/minutes"]
    urls += [f"/meetings/{meeting_id}/minutes.{fmt}?version={n}&lang={lang}" for fmt in FORMATS_WITH_TEXT for n in (0, 1) for lang in ("fr", "ar")]
    # The secretariat (who may read internal drafts elsewhere) and the employers' approver
    # (whose side's draft it is) alike: minutes are for everyone.
    for response in [await english.get(url) for url in urls]:
        assert response.status_code == 200, response.url
        assert "SECRET" not in response.text, response.url
        assert "Hausse de 10 %" in response.text
    async with signed_in(english, world["approvers"][Side.EMPLOYERS].email) as employers:
        for url in urls:
            response = await employers.get(url)
            assert response.status_code == 200 and "SECRET" not in response.text
    version = await db.scalar(select(MinutesVersion))
    assert SECRET_POSITION not in version.content and SECRET_NOTE not in version.content


async def test_an_approver_sees_the_decision_form_and_others_do_not(english: AsyncTestClient[Any], db: AsyncSession) -> None:
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


async def test_a_stale_narrative_edit_is_refused_with_the_current_texts(english: AsyncTestClient[Any], db: AsyncSession) -> None:
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
    assert "Première version" in stale.text and "Écrasée" not in stale.text
    minutes = await db.scalar(select(Minutes).execution_options(populate_existing=True))
    assert minutes.introduction == "Première version"

    too_long = await english.post(
        f"/meetings/{meeting_id}/minutes/narratives",
        data={"version": minutes.version, "introduction": "x" * (service.NARRATIVE_MAX + 1)},
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
    for invitation in await db.scalars(select(meetings_service.Invitation).where(meetings_service.Invitation.meeting_id == meeting.id)):
        invitation.attendance = meetings_service.Attendance.ABSENT
    await db.commit()
    await english.post(f"/meetings/{meeting.id}/minutes")
    minutes = await db.scalar(select(Minutes))
    response = await english.post(f"/meetings/{meeting.id}/minutes/circulate", data={"version": minutes.version})
    assert response.status_code == 409 and "Record the attendance" in response.text
    assert (await db.execute(select(func.count()).select_from(MinutesVersion))).scalar_one() == 0


@pytest.mark.parametrize(
    ("query", "status"),
    [("version=abc", 400), ("version=-1", 400), ("version=7", 404), ("lang=de", 400), ("version=99999999999999999999", 400)],
)
async def test_bad_export_requests_are_answered_clearly(
    english: AsyncTestClient[Any], db: AsyncSession, query: str, status: int
) -> None:
    world = await circulated(english, db)
    response = await english.get(f"/meetings/{world['meeting'].id}/minutes.md?{query}")
    assert response.status_code == status
    assert "version" in response.text.lower() or "language" in response.text.lower()


async def test_exports_and_the_diff_of_a_meeting_without_minutes(english: AsyncTestClient[Any], db: AsyncSession) -> None:
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
