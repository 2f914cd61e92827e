"""The papers of a meeting day, read back as a user would: the sign-in sheet PDF, letters of
convocation in each invitee's language under the letterhead the secretariat set."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from typing import Any

from PIL import Image
from sqlalchemy import select

from dialogue import bilingual
from dialogue.accounts.models import Role
from dialogue.audit.models import AuditEvent
from dialogue.meetings.models import InvitationRole, MeetingStatus
from dialogue.papers.models import Letterhead
from dialogue.people.models import Language
from tests import factories as f
from tests.conftest import open_session
from tests.meetings.helpers import text
from tests.minutes.exports import needs_pdf_tools, pdf_text


def picture(kind: str = "PNG", size: tuple[int, int] = (60, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def pdf_images(content: bytes) -> str:
    """`pdfimages -list`: one line per picture, with its width and height."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        return subprocess.run(["pdfimages", "-list", file.name], capture_output=True, check=True, text=True).stdout


def letterhead_form(**values: str) -> dict[str, str]:
    form = {f"{field}_{code}": "" for field in ("name", "header", "footer") for code in ("fr", "ar", "en")}
    form.update(reference_format="{year}/{meeting}", version="0")
    form.update(values)
    return form


async def amem_workshop(db: Any) -> dict[str, Any]:
    """The closing workshop of the AMEM project: one invitee per side, one reading Arabic."""
    world = await f.table(db)
    meeting = await f.meeting(
        db,
        world["plenary"],
        title="Atelier de clôture du projet AMEM",
        venue="Hôtel Sheraton, Tunis",
        starts_at=f.tunis(2026, 12, 17, 11),
    )
    world["ugtt1"].language = Language.AR
    for key in ("mas1", "ugtt1", "utica1", "ilo1"):
        await f.invite(db, meeting, world[key])
    await f.invite(db, meeting, world["ugtt2"], role=InvitationRole.ALTERNATE, on_behalf_of_id=world["ugtt1"].id)
    await f.item(db, meeting, 1, title="عرض نتائج مشروع الهجرة العادلة")
    await f.item(db, meeting, 2, title="Présentation des recommandations")
    await db.commit()
    return {**world, "meeting": meeting}


@needs_pdf_tools
async def test_the_sign_in_sheet_lists_invitees_by_side_with_blank_rows_and_page_numbers(client: Any, db: Any) -> None:
    world = await amem_workshop(db)
    meeting = world["meeting"]
    response = await client.get(f"/meetings/{meeting.id}/sign-in-sheet.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f"sign-in-sheet-meeting-{meeting.id}.pdf" in response.headers["content-disposition"]
    sheet = pdf_text(response.content)
    # French and Arabic together, for a French reader.
    for words in ("Feuille de présence", "ورقة الحضور", "Signature", "Atelier de clôture du projet AMEM"):
        assert words in sheet, words
    for name in ("MAS délégué 1", "UGTT délégué 1", "UGTT délégué 2", "UTICA délégué 1", "OIT délégué 1"):
        assert name in sheet, name
    # By side: government, then workers, employers, observers.
    order = [sheet.index(side) for side in ("Gouvernement", "Travailleurs", "Employeurs", "Observateurs")]
    assert order == sorted(order)
    assert sheet.index("MAS délégué 1") < sheet.index("UGTT délégué 1") < sheet.index("OIT délégué 1")
    # Five invitees, then eight numbered blank rows (6 to 13), and "page X / Y" on each page.
    numbers = [int(n) for n in re.findall(r"^\s*(\d{1,2})\s*$", sheet, re.MULTILINE)]
    assert set(range(1, 14)) <= set(numbers)
    pages = len(sheet.rstrip("\f").split("\f"))
    assert pages >= 2
    for page in range(1, pages + 1):
        assert re.search(rf"^{page}\s*/\s*{pages}$", sheet, re.MULTILINE), page
    # The same header for an Arabic reader.
    arabic = pdf_text(
        (await client.get(f"/meetings/{meeting.id}/sign-in-sheet.pdf", headers={"accept-language": "ar"})).content
    )
    assert "Feuille de présence" in arabic and "ورقة الحضور" in arabic


@needs_pdf_tools
async def test_a_letter_of_convocation_is_in_its_invitees_language(client: Any, db: Any) -> None:
    world = await amem_workshop(db)
    meeting = world["meeting"]
    arabic = await client.get(f"/meetings/{meeting.id}/convocation.pdf?person={world['ugtt1'].id}")
    assert arabic.status_code == 200 and arabic.headers["content-type"] == "application/pdf"
    letter = pdf_text(arabic.content)
    assert "عرض نتائج مشروع الهجرة العادلة" in letter  # the agenda, as written
    assert "المكان" in letter and "ديسمبر" in letter  # "Venue" and the month, in Arabic
    assert "UGTT délégué 1" in letter and "Hôtel Sheraton, Tunis" in letter
    assert "Lieu" not in letter
    french = pdf_text((await client.get(f"/meetings/{meeting.id}/convocation.pdf?person={world['mas1'].id}")).content)
    assert "Lieu" in french and "décembre" in french and "MAS délégué 1" in french
    assert re.search(r"11:30\s+Présentation des recommandations", french)  # its time on the agenda
    assert "UGTT délégué 1" not in french


@needs_pdf_tools
async def test_all_letters_come_in_one_pdf_each_from_a_new_page(client: Any, db: Any) -> None:
    world = await amem_workshop(db)
    meeting = world["meeting"]
    response = await client.get(f"/meetings/{meeting.id}/convocations.pdf")
    assert response.status_code == 200
    assert f"convocations-meeting-{meeting.id}.pdf" in response.headers["content-disposition"]
    texts = [page for page in pdf_text(response.content).split("\f") if page.strip()]
    # Each invitee's name among the first lines of a page: the head of their letter.
    heads = ["\n".join(page.strip().splitlines()[:6]) for page in texts]
    for name in ("MAS délégué 1", "UGTT délégué 1", "UGTT délégué 2", "UTICA délégué 1", "OIT délégué 1"):
        assert sum(name in head for head in heads) == 1, name
    assert sum("Hôtel Sheraton, Tunis" in page for page in texts) >= 5


async def test_a_person_not_invited_has_no_letter(client: Any, db: Any) -> None:
    world = await amem_workshop(db)
    meeting = world["meeting"]
    outsider = await f.person(db, world["ugtt"], full_name="Pas invité")
    await db.commit()
    assert (await client.get(f"/meetings/{meeting.id}/convocation.pdf?person={outsider.id}")).status_code == 404
    missing = await client.get(f"/meetings/{meeting.id}/convocation.pdf", headers={"accept-language": "fr"})
    assert missing.status_code == 400
    assert (await client.get(f"/meetings/{meeting.id}/convocation.pdf?person=abc")).status_code == 400
    assert (await client.get("/meetings/999999/convocation.pdf?person=1")).status_code == 404


@needs_pdf_tools
async def test_the_letterhead_set_by_the_secretariat_heads_every_letter(client: Any, db: Any) -> None:
    world = await amem_workshop(db)
    meeting = world["meeting"]
    page = await client.get("/settings/letterhead")
    assert page.status_code == 200 and 'name="logo"' in page.text
    saved = await client.post(
        "/settings/letterhead",
        data=letterhead_form(
            name_fr="Conseil national du dialogue social",
            name_ar="المجلس الوطني للحوار الاجتماعي",
            header_fr="République tunisienne\nMinistère des Affaires sociales",
            header_ar="الجمهورية التونسية",
            footer_fr="Boulevard Bab Bnet, 1006 Tunis",
            reference_format="CNDS/{year}/{meeting}",
        ),
        files={"logo": ("logo.png", picture(), "image/png")},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    record = (await db.scalars(select(Letterhead).execution_options(populate_existing=True))).one()
    assert record.logo_type == "image/png" and record.logo == picture()
    events = list(await db.scalars(select(AuditEvent).where(AuditEvent.entity == "letterhead")))
    assert events, "the letterhead's change is in the audit trail"
    await db.commit()

    french = await client.get(f"/meetings/{meeting.id}/convocation.pdf?person={world['mas1'].id}")
    letter = pdf_text(french.content)
    for words in (
        "République tunisienne",
        "Ministère des Affaires sociales",
        "Conseil national du dialogue social",
        f"CNDS/2026/{meeting.id}",
        "Boulevard Bab Bnet, 1006 Tunis",
    ):
        assert words in letter, words
    if shutil.which("pdfimages"):
        assert " 60    30 " in pdf_images(french.content)  # the logo, 60 by 30 pixels
    arabic = pdf_text((await client.get(f"/meetings/{meeting.id}/convocation.pdf?person={world['ugtt1'].id}")).content)
    assert "المجلس الوطني للحوار الاجتماعي" in arabic and "الجمهورية التونسية" in arabic
    # The French footer stands in for the Arabic one, left empty.
    assert "Boulevard Bab Bnet, 1006 Tunis" in arabic


async def test_a_logo_is_checked_by_its_content(client: Any, db: Any) -> None:
    await db.commit()
    for name, content, mime, status, message in (
        ("logo.png", b"GIF89a not a png at all", "image/png", 422, "must be a PNG or JPEG picture"),
        ("logo.png", picture("GIF"), "image/png", 422, "must be a PNG or JPEG picture"),
        ("logo.jpg", b"", "image/jpeg", 422, "The file is empty."),
        ("big.png", picture("PNG", (10, 10)) + b"\0" * (520 * 1024), "image/png", 422, "at most 512 KB"),
        ("huge.png", picture("PNG", (10, 10)) + b"\0" * (2 * 1024 * 1024), "image/png", 413, "at most 1 MB"),
    ):
        refused = await client.post(
            "/settings/letterhead",
            data=letterhead_form(name_fr="Conseil"),
            files={"logo": (name, content, mime)},
            headers={"accept-language": "en"},
        )
        assert refused.status_code == status, (name, refused.status_code)
        assert message in text(refused), name
        assert (await db.scalars(select(Letterhead))).first() is None
    bad_reference = await client.post(
        "/settings/letterhead",
        data=letterhead_form(reference_format="{annee}/{meeting}"),
        headers={"accept-language": "en"},
    )
    assert bad_reference.status_code == 422
    assert "{year}" in text(bad_reference)
    jpeg = await client.post(
        "/settings/letterhead",
        data=letterhead_form(name_fr="Conseil"),
        files={"logo": ("logo.jpeg", picture("JPEG"), "image/jpeg")},
        follow_redirects=False,
    )
    assert jpeg.status_code == 303
    removed = await client.post(
        "/settings/letterhead",
        data=letterhead_form(name_fr="Conseil", version="1", remove_logo="1"),
        follow_redirects=False,
    )
    assert removed.status_code == 303
    record = (await db.scalars(select(Letterhead).execution_options(populate_existing=True))).one()
    assert record.logo is None and record.version == 2


async def test_the_meeting_page_links_to_the_papers(client: Any, db: Any) -> None:
    world = await amem_workshop(db)
    meeting = world["meeting"]
    page = (await client.get(f"/meetings/{meeting.id}")).text
    assert f'href="/meetings/{meeting.id}/sign-in-sheet.pdf" hx-boost="false"' in page
    assert f'href="/meetings/{meeting.id}/convocations.pdf" hx-boost="false"' in page
    assert f'href="/meetings/{meeting.id}/convocation.pdf?person={world["ugtt1"].id}" hx-boost="false"' in page
    delegate = await f.account(db, Role.DELEGATE, world["ugtt"])
    await db.commit()
    open_session(client, delegate.email)
    page = (await client.get(f"/meetings/{meeting.id}")).text
    assert "sign-in-sheet.pdf" not in page and "convocation" not in page


async def test_a_draft_meetings_papers_are_the_secretariats(client: Any, db: Any) -> None:
    world = await amem_workshop(db)
    meeting = world["meeting"]
    meeting.status = MeetingStatus.DRAFT
    coordinator = await f.account(db, Role.COORDINATOR)
    await db.commit()
    open_session(client, coordinator.email)
    for path in ("sign-in-sheet.pdf", "convocations.pdf", f"convocation.pdf?person={world['mas1'].id}"):
        assert (await client.get(f"/meetings/{meeting.id}/{path}")).status_code == 404, path


async def test_a_letterhead_changed_meanwhile_is_not_overwritten(english: Any, db: Any) -> None:
    await db.commit()
    first = await english.post("/settings/letterhead", data=letterhead_form(name_fr="Premier"), follow_redirects=False)
    assert first.status_code == 303
    second = await english.post(
        "/settings/letterhead", data=letterhead_form(name_fr="Second", version="1"), follow_redirects=False
    )
    assert second.status_code == 303
    stale = await english.post("/settings/letterhead", data=letterhead_form(name_fr="Troisième", version="1"))
    assert stale.status_code == 409
    assert "Someone else changed this record" in text(stale)
    record = (await db.scalars(select(Letterhead).execution_options(populate_existing=True))).one()
    assert record.name_fr == "Second" and record.version == 2


async def test_no_letters_for_a_meeting_without_invitees(english: Any, db: Any) -> None:
    meeting = await f.meeting(db)
    await db.commit()
    empty = await english.get(f"/meetings/{meeting.id}/convocations.pdf")
    assert empty.status_code == 400
    assert "Nobody is invited to this meeting yet." in text(empty)


@needs_pdf_tools
async def test_a_letter_takes_the_invitees_version_of_each_title(client: Any, db: Any) -> None:
    """A title written in French and Arabic: each invitee reads their own language's."""
    world = await amem_workshop(db)
    meeting = world["meeting"]
    item = await f.item(db, meeting, 3, title="Clôture")
    bilingual.set_versions(item, "title", {"fr": "Clôture des travaux", "ar": "اختتام الأشغال"})
    bilingual.set_versions(meeting, "title", {"fr": "Atelier de clôture du projet AMEM", "ar": "الورشة الختامية"})
    await db.commit()
    arabic = pdf_text((await client.get(f"/meetings/{meeting.id}/convocation.pdf?person={world['ugtt1'].id}")).content)
    assert "اختتام الأشغال" in arabic and "الورشة الختامية" in arabic
    assert "Clôture des travaux" not in arabic
    french = pdf_text((await client.get(f"/meetings/{meeting.id}/convocation.pdf?person={world['mas1'].id}")).content)
    assert "Clôture des travaux" in french and "اختتام الأشغال" not in french
