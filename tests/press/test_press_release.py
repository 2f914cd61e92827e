"""The press release of a held meeting, through HTTP as the secretariat, a delegate and an
anonymous reader: drafted from the record (shared outcomes only), edited with optimistic
locking, exported in three formats and languages, published on the public pages and as
Open Civic Data / Popolo JSON, and gone from them once unpublished."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from html import unescape
from typing import Any

from docx import Document
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import bilingual
from dialogue.accounts.models import Role
from dialogue.agenda.models import OutcomeKind
from dialogue.meetings.models import (
    Attendance,
    InvitationRole,
    MeetingKind,
    MeetingPartner,
    MeetingStatus,
    PartnerRole,
)
from dialogue.people.models import OrganisationCategory, Side
from dialogue.projects.models import Project
from tests import factories
from tests.conftest import open_session
from tests.factories import tunis

ARABIC = re.compile("[\u0600-\u06ff]")
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


async def workshop(db: AsyncSession, status: MeetingStatus = MeetingStatus.HELD) -> dict[str, Any]:
    """The closing workshop: held on 27 July 2022 at 11:00 in Tunis, two items with outcomes
    (positions beside them, one internal), a secretariat contact, delegates with addresses."""
    world = await factories.table(db)
    meeting = await factories.meeting(
        db,
        world["plenary"],
        title="Atelier de clôture du projet AMEM",
        starts_at=tunis(2022, 7, 27, 11),
        ends_at=tunis(2022, 7, 27, 16),
        venue="Hôtel Sheraton, Tunis",
        status=status,
    )
    clerk = await factories.person(
        db, world["mas"], full_name="Salma Secrétariat", title="Chargée de communication", email="presse@cnds.tn"
    )
    world["ugtt1"].email = "delegue.ugtt@example.tn"
    await factories.invite(db, meeting, clerk, InvitationRole.SECRETARIAT, Attendance.PRESENT)
    await factories.invite(db, meeting, world["ugtt1"], InvitationRole.TITULAR, Attendance.PRESENT)
    await factories.invite(db, meeting, world["utica1"], InvitationRole.TITULAR, Attendance.PRESENT)
    await factories.invite(db, meeting, world["ilo1"], InvitationRole.OBSERVER, Attendance.ABSENT)
    first = await factories.item(db, meeting, 1, title="Bilan du projet AMEM")
    await factories.outcome(db, first, OutcomeKind.TRIPARTITE_AGREEMENT, text="Feuille de route adoptée")
    await factories.position(db, first, Side.WORKERS, statement="SECRET-INTERNE-UGTT", internal=True)
    await factories.position(db, first, Side.EMPLOYERS, statement="POSITION-UTICA-PARTAGEE")
    second = await factories.item(db, meeting, 2, title="Migration équitable")
    await factories.outcome(db, second, OutcomeKind.FOR_INFORMATION)
    await factories.item(db, meeting, 3, title="Point sans conclusion")
    await db.commit()
    world.update(meeting=meeting, clerk=clerk)
    return world


def page_of(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}/press-release"


def form_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no field {name}"
    return match.group(1)


async def generate(client: AsyncTestClient[Any], meeting_id: int) -> str:
    response = await client.post(page_of(meeting_id), data={"_form_key": "k" * 20}, follow_redirects=False)
    assert response.status_code == 303, response.text
    page = await client.get(page_of(meeting_id))
    assert page.status_code == 200
    return page.text


def typed(page: str, name: str) -> str:
    """What a text field or text area of the form holds."""
    field = re.search(rf'<(input|textarea) id="f-{name}" name="{name}"([^>]*)>', page)
    assert field, f"no field {name}"
    if field.group(1) == "input":
        value = re.search(r'value="([^"]*)"', field.group(2))
        return unescape(value.group(1) if value else "")
    return unescape(page[field.end() :].split("</textarea>")[0])


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def anonymous_copy(client: AsyncTestClient[Any]) -> AsyncTestClient[Any]:
    """Another browser on the same app, signed in as nobody, with no cookie."""
    other = AsyncTestClient(app=client.app, base_url="http://testserver.local")
    other.blocking_portal = client.blocking_portal
    return other


async def test_draft_is_written_from_the_held_meeting_with_only_its_shared_outcomes(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await workshop(db)
    html = await generate(english, world["meeting"].id)
    assert "Atelier de clôture du projet AMEM" in html
    assert "July 27, 2022" in html and "11:00" in html
    assert "Bilan du projet AMEM: Tripartite agreement – Feuille de route adoptée" in html
    assert "Migration équitable: For information" in html
    assert "Point sans conclusion" not in html.split('name="outcomes_en"')[1].split("</textarea>")[0]
    assert "Salma Secrétariat, Chargée de communication" in html and "presse@cnds.tn" in html
    # Never a position, internal or shared, nor a delegate's address.
    assert "SECRET-INTERNE-UGTT" not in html and "POSITION-UTICA-PARTAGEE" not in html
    assert "delegue.ugtt@example.tn" not in html
    # Generated once: a second click with the same key answers like the first.
    again = await english.post(page_of(world["meeting"].id), data={"_form_key": "k" * 20}, follow_redirects=False)
    assert again.status_code == 303
    refused = await english.post(page_of(world["meeting"].id), data={}, follow_redirects=False)
    assert refused.status_code == 409 and "has a press release already" in refused.text


async def test_a_meeting_not_held_gets_no_press_release(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await workshop(db, MeetingStatus.SCHEDULED)
    page = await english.get(page_of(world["meeting"].id))
    assert page.status_code == 200 and "Generate the draft" not in page.text
    refused = await english.post(page_of(world["meeting"].id), data={}, follow_redirects=False)
    assert refused.status_code == 409
    assert "A press release is written for a held meeting" in refused.text
    assert "Generate the draft" not in refused.text
    files = await english.get(f"/meetings/{world['meeting'].id}/press-release.pdf")
    assert files.status_code == 404


async def test_edit_saves_and_a_stale_form_is_refused_with_nothing_lost(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await workshop(db)
    html = await generate(english, world["meeting"].id)
    version = form_value(html, "version")
    fields = {
        "title": "Clôture du projet AMEM : une feuille de route pour la migration équitable",
        "place": "Tunis",
        "summary": "Le projet AMEM s'est clôturé à Tunis.",
        "outcomes": "Feuille de route adoptée\nRecommandations partagées",
        "contacts": "Salma Secrétariat – presse@cnds.tn",
        "version": version,
    }
    saved = await english.post(page_of(world["meeting"].id) + "/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303
    page = (await english.get(page_of(world["meeting"].id))).text
    assert "une feuille de route pour la migration équitable" in page
    stale = await english.post(
        page_of(world["meeting"].id) + "/edit", data={**fields, "title": "Titre périmé"}, follow_redirects=False
    )
    assert stale.status_code == 409
    assert "Someone else changed this record" in stale.text
    assert "Titre périmé" in stale.text  # what was typed is shown beside the current text
    page = (await english.get(page_of(world["meeting"].id))).text
    assert 'value="Clôture du projet AMEM' in page and 'value="Titre périmé"' not in page
    empty = await english.post(
        page_of(world["meeting"].id) + "/edit",
        data={**fields, "title": " ", "title_ar": "", "title_en": "", "version": form_value(page, "version")},
        follow_redirects=False,
    )
    assert empty.status_code == 422 and "This field is required." not in empty.text
    assert "Write this in at least one language." in empty.text


async def test_exports_in_three_formats_and_arabic(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await workshop(db)
    await generate(english, world["meeting"].id)
    base = f"/meetings/{world['meeting'].id}/press-release"
    pdf = await english.get(base + ".pdf?lang=fr")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    docx = await english.get(base + ".docx?lang=ar")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Atelier de clôture du projet AMEM" in text
    assert ARABIC.search(text), "the Arabic file has Arabic text (dates, labels)"
    html = await english.get(base + ".html?lang=ar")
    assert html.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html.text and ARABIC.search(html.text)
    french = await english.get(base + ".html?lang=fr")
    assert '<html lang="fr" dir="ltr">' in french.text and "27 juillet 2022" in french.text
    for content in (html.text, french.text, text):
        assert "SECRET-INTERNE-UGTT" not in content and "delegue.ugtt@example.tn" not in content
    if shutil.which("pdftotext"):
        arabic_pdf = await english.get(base + ".pdf?lang=ar")
        assert ARABIC.search(pdf_text(arabic_pdf.content))
    bad = await english.get(base + ".pdf?lang=de")
    assert bad.status_code == 400


async def test_published_release_is_public_without_sign_in_and_gone_once_unpublished(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await workshop(db)
    meeting_id = world["meeting"].id
    html = await generate(english, meeting_id)
    slug = re.search(r'href="/public/events/([^"?]+)"', html)
    assert slug is None  # not published: no public address yet
    public = anonymous_copy(english)
    assert (await public.get("/public")).text.count('class="card"') == 0

    unconfirmed = await english.post(
        page_of(meeting_id) + "/publish", data={"version": form_value(html, "version")}, follow_redirects=False
    )
    assert unconfirmed.status_code == 422
    publish = {"version": form_value(html, "version"), "confirm": "1", "_form_key": "p" * 20}
    first = await english.post(page_of(meeting_id) + "/publish", data=publish, follow_redirects=False)
    second = await english.post(page_of(meeting_id) + "/publish", data=publish, follow_redirects=False)
    assert first.status_code == second.status_code == 303  # a double click publishes once
    html = (await english.get(page_of(meeting_id))).text
    found = re.search(r'href="/public/events/([^"?]+)"', html)
    assert found
    slug = found.group(1)
    assert slug == "2022-07-27-atelier-de-cloture-du-projet-amem"

    index = await public.get("/public", headers={"accept-language": "en"})
    assert index.status_code == 200 and "Atelier de clôture du projet AMEM" in index.text
    assert index.headers["cache-control"].startswith("public, max-age=")
    assert "set-cookie" not in index.headers
    page = await public.get(f"/public/events/{slug}?lang=ar")
    assert page.status_code == 200 and '<html lang="ar" dir="rtl">' in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "set-cookie" not in page.headers and "no-store" not in page.headers["cache-control"]
    assert "Bilan du projet AMEM" in page.text and "Feuille de route adoptée" in page.text
    assert "Union Générale Tunisienne du Travail" in page.text
    assert "Organisation Internationale du Travail" not in page.text  # absent that day
    for hidden in ("SECRET-INTERNE-UGTT", "POSITION-UTICA-PARTAGEE", "delegue.ugtt@example.tn"):
        assert hidden not in page.text
    english_page = await public.get(f"/public/events/{slug}", headers={"accept-language": "en"})
    assert '<html lang="en" dir="ltr">' in english_page.text
    public_pdf = await public.get(f"/public/events/{slug}.pdf?lang=fr")
    assert public_pdf.status_code == 200 and public_pdf.content.startswith(b"%PDF")

    data = (await public.get(f"/public/events/{slug}.json?lang=en")).json()
    assert set(data) == {"events", "organizations", "persons"}
    (event,) = data["events"]
    for key in ("id", "name", "description", "start_date", "end_date", "location", "status", "classification"):
        assert key in event, key
    assert event["start_date"] == "2022-07-27T11:00:00+01:00" and ISO_WITH_OFFSET.match(event["end_date"])
    assert dt.datetime.fromisoformat(event["start_date"]).utcoffset() == dt.timedelta(hours=1)
    assert event["status"] == "passed" and event["location"]["name"] == "Hôtel Sheraton, Tunis"
    assert event["sources"] and event["sources"][0]["url"].endswith(f"/public/events/{slug}")
    notes = {p["name"]: p["note"] for p in event["participants"]}
    assert notes["Conseil national du dialogue social - plénière"] == "host"
    assert notes["Union Générale Tunisienne du Travail"] == "participant"
    assert [item["description"] for item in event["agenda"]] == ["Bilan du projet AMEM", "Migration équitable"]
    assert event["agenda"][0]["notes"] == ["Tripartite agreement: Feuille de route adoptée"]
    assert event["extras"]["agenda_outcomes"] == ["tripartite_agreement", "for_information"]
    organization_ids = {org["id"] for org in data["organizations"]}
    assert {p["id"] for p in event["participants"]} <= organization_ids
    assert all({"id", "name", "classification"} <= set(org) for org in data["organizations"])
    assert data["persons"] == [
        {
            "id": event["extras"]["contact"],
            "name": "Salma Secrétariat",
            "role": "Chargée de communication",
            "contact_details": [{"type": "email", "value": "presse@cnds.tn"}],
        }
    ]
    raw = (await public.get("/public/events.json")).text
    emails = set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", raw))
    assert emails == {"presse@cnds.tn"}
    assert "SECRET-INTERNE-UGTT" not in raw and "POSITION-UTICA-PARTAGEE" not in raw

    html = (await english.get(page_of(meeting_id))).text
    unpublish = {"version": form_value(html, "version"), "confirm": "1", "_form_key": "u" * 20}
    gone = await english.post(page_of(meeting_id) + "/unpublish", data=unpublish, follow_redirects=False)
    assert gone.status_code == 303
    for url in (f"/public/events/{slug}", f"/public/events/{slug}.json", f"/public/events/{slug}.pdf"):
        assert (await public.get(url)).status_code == 404, url
    assert "Atelier de clôture" not in (await public.get("/public")).text
    assert (await public.get("/public/events.json")).json()["events"] == []
    del public.blocking_portal


async def test_delegates_read_the_release_once_published(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    world = await workshop(db)
    meeting_id = world["meeting"].id
    html = await generate(english, meeting_id)
    delegate = await factories.account(db, Role.DELEGATE, world["ugtt"], email="ugtt-press@example.tn")
    await db.commit()
    reader = anonymous_copy(english)
    open_session(reader, delegate.email)
    reader.headers["accept-language"] = "en"
    assert (await reader.get(page_of(meeting_id))).status_code == 404
    assert (await reader.get(page_of(meeting_id) + ".pdf")).status_code == 404
    meeting_page = await reader.get(f"/meetings/{meeting_id}")
    assert f'href="/meetings/{meeting_id}/press-release"' not in meeting_page.text
    publish = {"version": form_value(html, "version"), "confirm": "1"}
    assert (await english.post(page_of(meeting_id) + "/publish", data=publish)).status_code == 200
    page = await reader.get(page_of(meeting_id))
    assert page.status_code == 200 and "Atelier de clôture du projet AMEM" in page.text
    assert 'name="title"' not in page.text and "/publish" not in page.text  # reading only
    meeting_page = await reader.get(f"/meetings/{meeting_id}")
    assert f'href="/meetings/{meeting_id}/press-release"' in meeting_page.text
    del reader.blocking_portal


async def test_a_meeting_no_longer_held_leaves_the_public_pages(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await workshop(db)
    meeting_id = world["meeting"].id
    html = await generate(english, meeting_id)
    publish = {"version": form_value(html, "version"), "confirm": "1"}
    assert (await english.post(page_of(meeting_id) + "/publish", data=publish)).status_code == 200
    public = anonymous_copy(english)
    slug = "2022-07-27-atelier-de-cloture-du-projet-amem"
    assert (await public.get(f"/public/events/{slug}")).status_code == 200
    world["meeting"].status = MeetingStatus.CANCELLED
    await db.commit()
    assert (await public.get(f"/public/events/{slug}")).status_code == 404
    assert (await public.get("/public/events.json")).json()["events"] == []
    assert (await public.get("/public/events/nothing-here.xml")).status_code == 404
    del public.blocking_portal


async def test_an_event_with_partners_and_a_project_names_them_in_their_roles(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    """The AMEM closing workshop as it happened: an event of its own (no council body),
    within a project, led by the ministry, coordinated by the ILO, funded by a donor."""
    world = await factories.table(db)
    donor = await factories.organisation(
        db, Side.PARTNERS, slug="aics", name="Agence Italienne pour la Coopération au Développement", acronym="AICS"
    )
    donor.category = OrganisationCategory.DONOR
    project = Project(slug="amem", acronym="AMEM", name="Migration équitable au Maghreb")
    db.add(project)
    await db.flush()
    meeting = await factories.meeting(
        db,
        None,
        title="Atelier de clôture du projet AMEM",
        kind=MeetingKind.CLOSING_WORKSHOP,
        project_id=project.id,
        starts_at=tunis(2022, 7, 27, 11),
        ends_at=tunis(2022, 7, 27, 16),
        venue="Hôtel Sheraton, Tunis",
        status=MeetingStatus.HELD,
    )
    meeting.body_id = None
    for rank, (org, role) in enumerate(
        ((world["mas"], PartnerRole.LEAD), (world["ilo"], PartnerRole.COORDINATOR), (donor, PartnerRole.DONOR)), 1
    ):
        db.add(MeetingPartner(meeting_id=meeting.id, organisation_id=org.id, role=role, rank=rank))
    await factories.invite(db, meeting, world["ugtt1"], InvitationRole.TITULAR, Attendance.PRESENT)
    item = await factories.item(db, meeting, 1, title="Bilan du projet AMEM")
    await factories.outcome(db, item, OutcomeKind.FOR_INFORMATION, text="Bilan présenté")
    await db.commit()

    html = await generate(english, meeting.id)
    assert "within the project AMEM – Migration équitable au Maghreb" in html
    assert "Partners: Ministère des Affaires Sociales (lead)" in html and "(donor)" in html
    publish = {"version": form_value(html, "version"), "confirm": "1"}
    assert (await english.post(page_of(meeting.id) + "/publish", data=publish)).status_code == 200
    docx = await english.get(page_of(meeting.id) + ".docx?lang=en")
    document = Document(io.BytesIO(docx.content))
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["Agence Italienne pour la Coopération au Développement (AICS)", "Donor"] in cells
    assert ["Organisation Internationale du Travail (OIT)", "Coordinator"] in cells

    public = anonymous_copy(english)
    slug = "2022-07-27-atelier-de-cloture-du-projet-amem"
    page = await public.get(f"/public/events/{slug}?lang=en")
    assert "Project" in page.text and "AMEM – Migration équitable au Maghreb" in page.text
    assert "<bdi>Ministère des Affaires Sociales (MAS)</bdi> – Lead" in page.text
    data = (await public.get(f"/public/events/{slug}.json")).json()
    (event,) = data["events"]
    assert event["classification"] == "closing_workshop"
    notes = {p["name"]: p["note"] for p in event["participants"]}
    assert notes == {
        "Ministère des Affaires Sociales": "lead",
        "Organisation Internationale du Travail": "coordinator",
        "Agence Italienne pour la Coopération au Développement": "donor",
        "Union Générale Tunisienne du Travail": "participant",
    }
    lead = next(p for p in event["participants"] if p["note"] == "lead")
    assert event["organization_id"] == lead["id"]
    classes = {org["name"]: org["classification"] for org in data["organizations"]}
    assert classes["Agence Italienne pour la Coopération au Développement"] == "donor"
    assert event["extras"]["project"]["acronym"] == "AMEM" and event["extras"]["body"] is None
    del public.blocking_portal


async def test_outcomes_read_in_the_readers_language_with_the_fallback_marked(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await workshop(db)
    item = await factories.item(db, world["meeting"], 4, title="Protection sociale")
    outcome = await factories.outcome(db, item, OutcomeKind.TRIPARTITE_AGREEMENT)
    bilingual.set_versions(item, "title", {"fr": "Protection sociale", "ar": "الحماية الاجتماعية"})
    bilingual.set_versions(outcome, "text", {"fr": "Accord sur la portabilité", "ar": "اتفاق على قابلية التحويل"})
    await db.commit()
    html = await generate(english, world["meeting"].id)
    publish = {"version": form_value(html, "version"), "confirm": "1"}
    assert (await english.post(page_of(world["meeting"].id) + "/publish", data=publish)).status_code == 200
    public = anonymous_copy(english)
    slug = "2022-07-27-atelier-de-cloture-du-projet-amem"
    arabic = (await public.get(f"/public/events/{slug}?lang=ar")).text
    assert "الحماية الاجتماعية" in arabic and "اتفاق على قابلية التحويل" in arabic
    french = (await public.get(f"/public/events/{slug}?lang=fr")).text
    assert "Accord sur la portabilité" in french and "اتفاق على قابلية التحويل" not in french
    english_page = (await public.get(f"/public/events/{slug}?lang=en")).text
    assert "Accord sur la portabilité (in French)" in english_page
    del public.blocking_portal


async def test_draft_in_three_languages_and_each_export_reads_its_own(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await workshop(db)
    meeting = world["meeting"]
    bilingual.set_versions(meeting, "title", {"fr": "Atelier de clôture du projet AMEM", "ar": "ورشة اختتام مشروع أمم"})
    await db.commit()
    html = await generate(english, meeting.id)
    # One field a language for each text: the Arabic ones right to left.
    assert 'name="title_ar" type="text" value="ورشة اختتام مشروع أمم" lang="ar" dir="rtl"' in html
    assert 'name="title" type="text" value="Atelier de clôture du projet AMEM" lang="fr" dir="ltr"' in html
    # The meeting has no English title: none in the draft, to be written.
    assert 'name="title_en" type="text" value="" lang="en"' in html
    arabic_summary = html.split('name="summary_ar"')[1].split("</textarea>")[0]
    assert "ورشة اختتام مشروع أمم" in arabic_summary and "2022" in arabic_summary
    assert "Hôtel Sheraton, Tunis" in html.split('name="place_ar"')[1].split(">")[0]
    assert "27 juillet 2022" in html.split('name="summary"')[1].split("</textarea>")[0]
    base = page_of(meeting.id)
    if shutil.which("pdftotext"):
        arabic_pdf = pdf_text((await english.get(base + ".pdf?lang=ar")).content)
        assert "مشروع" in arabic_pdf and "Atelier de clôture" not in arabic_pdf
    french_html = (await english.get(base + ".html?lang=fr")).text
    assert "Atelier de clôture du projet AMEM" in french_html and "ورشة اختتام" not in french_html

    # Only the Arabic title changes: the Arabic export shows it, the French one does not.
    page = (await english.get(base)).text
    fields = {
        name: typed(page, name) for name in bilingual.draft_names("title", "place", "summary", "outcomes", "contacts")
    }
    fields["version"] = form_value(page, "version")
    fields.update(title_ar="اختتام مشروع أمم: خارطة طريق للهجرة العادلة", place_en="")
    saved = await english.post(base + "/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    arabic = (await english.get(base + ".html?lang=ar")).text
    assert "خارطة طريق للهجرة العادلة" in arabic
    french = (await english.get(base + ".html?lang=fr")).text
    assert "Atelier de clôture du projet AMEM" in french and "خارطة طريق" not in french
    # No title nor place in English: the French ones, marked.
    english_file = (await english.get(base + ".html?lang=en")).text
    assert "Atelier de clôture du projet AMEM (in French)" in english_file
    assert "Hôtel Sheraton, Tunis (in French)" in english_file

    page = (await english.get(base)).text
    publish = {"version": form_value(page, "version"), "confirm": "1"}
    assert (await english.post(base + "/publish", data=publish)).status_code == 200
    public = anonymous_copy(english)
    slug = "2022-07-27-atelier-de-cloture-du-projet-amem"
    arabic_page = (await public.get(f"/public/events/{slug}?lang=ar")).text
    assert "خارطة طريق للهجرة العادلة" in arabic_page and "Atelier de clôture du projet AMEM" not in arabic_page
    data = (await public.get(f"/public/events/{slug}.json?lang=ar")).json()
    assert data["events"][0]["name"] == "اختتام مشروع أمم: خارطة طريق للهجرة العادلة"
    assert ARABIC.search(data["events"][0]["description"])
    french_data = (await public.get(f"/public/events/{slug}.json?lang=fr")).json()
    assert french_data["events"][0]["name"] == "Atelier de clôture du projet AMEM"
    del public.blocking_portal
