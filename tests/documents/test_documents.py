"""Documents through the pages: upload, the checks on what a file is, versions, who sees and
downloads what, the minutes' annex, the invitation's link, the archive, and that a failed
upload leaves neither a row nor a file."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Role
from dialogue.documents import service
from dialogue.documents.models import Document, DocumentVersion
from dialogue.idempotency import new_key
from dialogue.meetings.models import MeetingStatus
from dialogue.people.models import Side
from dialogue.settings import Settings
from tests import factories as f
from tests.conftest import open_session
from tests.documents import samples
from tests.documents.conftest import stored_files

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def arrange(db: AsyncSession) -> dict[str, Any]:
    workers = await f.organisation(db, Side.WORKERS, acronym="UGTT")
    employers = await f.organisation(db, Side.EMPLOYERS, acronym="UTICA")
    meeting = await f.meeting(db, title="Salaire minimum", status=MeetingStatus.HELD)
    item = await f.item(db, meeting, 1, title="Barème")
    position = await f.position(db, item, Side.WORKERS)
    commitment = await f.commitment(db, Side.WORKERS, meeting_id=meeting.id)
    note = await f.progress(db, commitment)
    await f.account(db, Role.DELEGATE, workers, email="ugtt@example.tn")
    await f.account(db, Role.DELEGATE, employers, email="utica@example.tn")
    await f.account(db, Role.OBSERVER, email="observer@example.tn")
    await db.commit()
    return {"meeting": meeting, "item": item, "position": position, "commitment": commitment, "note": note}


async def upload(
    client: AsyncTestClient[Any],
    url: str,
    filename: str,
    content: bytes,
    media_type: str = "application/octet-stream",
    **fields: str,
) -> Any:
    data = {"title": "", "_form_key": new_key(), **fields}
    return await client.post(url, data=data, files={"file": (filename, content, media_type)}, follow_redirects=False)


async def count(db: AsyncSession, model: Any) -> int:
    value = await db.scalar(select(func.count()).select_from(model))
    await db.commit()
    return int(value or 0)


async def documents_of(db: AsyncSession) -> list[Document]:
    query = select(Document).order_by(Document.id).execution_options(populate_existing=True)
    rows = list(await db.scalars(query))
    await db.commit()
    return rows


ALLOWED = [
    ("note.pdf", samples.pdf, "application/pdf", "pdf"),
    ("projet.docx", samples.docx_file, DOCX, "docx"),
    ("budget.xlsx", samples.xlsx_file, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    (
        "slides.pptx",
        samples.pptx_file,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    ("texte.odt", samples.odt_file, "application/vnd.oasis.opendocument.text", "odt"),
    ("photo.png", samples.png, "image/png", "png"),
    ("photo.jpeg", samples.jpeg, "image/jpeg", "jpg"),
    ("anim.gif", samples.gif, "image/gif", "gif"),
    ("image.webp", samples.webp, "image/webp", "webp"),
]


@pytest.mark.parametrize(("filename", "make", "media_type", "extension"), ALLOWED)
async def test_each_accepted_kind_is_kept_and_comes_back_byte_for_byte(
    english: AsyncTestClient[Any],
    db: AsyncSession,
    storage_dir: Path,
    filename: str,
    make: Any,
    media_type: str,
    extension: str,
) -> None:
    world = await arrange(db)
    content = make()
    # The name says nothing: the type comes from the bytes.
    response = await upload(
        english, f"/meetings/{world['meeting'].id}/documents", filename.split(".")[0] + ".bin", content
    )
    assert response.status_code == 303, response.text
    (document,) = await documents_of(db)
    version = await db.scalar(select(DocumentVersion).where(DocumentVersion.document_id == document.id))
    assert version is not None and version.media_type == media_type and version.size == len(content)
    assert version.filename == filename.split(".")[0] + "." + extension
    assert version.storage_key in stored_files(storage_dir)
    download = await english.get(f"/documents/{document.id}/file")
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"].startswith(media_type)
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"].startswith("attachment;")


REFUSED = [
    ("setup.pdf", samples.exe, "This kind of file is not accepted"),
    ("page.pdf", samples.html, "This kind of file is not accepted"),
    ("logo.svg", samples.svg, "This kind of file is not accepted"),
    ("archive.docx", samples.other_zip, "This kind of file is not accepted"),
    ("broken.docx", samples.corrupt_docx, "cannot be read"),
    ("cut.pdf", lambda: samples.pdf()[:200], "cannot be read"),
    ("cut.png", lambda: samples.png()[:30], "cannot be read"),
    ("empty.pdf", lambda: b"", "The file is empty"),
    ("big.pdf", lambda: samples.pdf() + b"%" * (1024 * 1024), "larger than 1 MB"),
]


@pytest.mark.parametrize(("filename", "make", "message"), REFUSED)
async def test_a_file_that_may_not_be_kept_is_refused_with_a_reason_and_nothing_is_stored(
    english: AsyncTestClient[Any], db: AsyncSession, storage_dir: Path, filename: str, make: Any, message: str
) -> None:
    world = await arrange(db)
    before = stored_files(storage_dir)
    response = await upload(english, f"/meetings/{world['meeting'].id}/documents", filename, make(), title="Titre")
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert message in response.text and "nothing was kept" in response.text.lower()
    assert 'value="Titre"' in response.text  # what was typed stays
    assert await count(db, Document) == 0 and await count(db, DocumentVersion) == 0
    assert stored_files(storage_dir) == before


async def test_a_body_past_the_limit_gets_the_translated_too_large_page(
    client: AsyncTestClient[Any], db: AsyncSession, storage_dir: Path
) -> None:
    world = await arrange(db)
    before = stored_files(storage_dir)
    client.headers["accept-language"] = "fr"
    content = samples.pdf() + b"%" * (2 * 1024 * 1024)
    response = await upload(client, f"/meetings/{world['meeting'].id}/documents", "big.pdf", content)
    assert response.status_code == 413
    assert "trop volumineux : 1 Mo au plus" in response.text
    assert await count(db, Document) == 0 and stored_files(storage_dir) == before


async def test_an_arabic_file_name_is_downloaded_under_its_name(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    name = "محضر الجلسة.pdf"
    assert (await upload(english, f"/meetings/{world['meeting'].id}/documents", name, samples.pdf())).status_code == 303
    (document,) = await documents_of(db)
    download = await english.get(f"/documents/{document.id}/file")
    disposition = download.headers["content-disposition"]
    assert 'filename="download.pdf"' in disposition
    assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition


async def test_new_versions_keep_the_old_ones_with_who_and_when(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    first, second = samples.pdf("Version une"), samples.docx_file()
    await upload(english, f"/agenda/{world['item'].id}/files", "projet.pdf", first, title="Projet de barème")
    (document,) = await documents_of(db)
    response = await upload(
        english, f"/agenda/{world['item'].id}/files", "projet-v2.docx", second, document_id=str(document.id)
    )
    assert response.status_code == 303 and response.headers["location"] == f"/documents/{document.id}"
    page = await english.get(f"/documents/{document.id}")
    assert "projet-v2.docx" in page.text and "projet.pdf" in page.text
    versions = page.text[page.text.index('id="versions"') :]
    assert versions.count("secretariat@example.tn") == 2
    assert (await english.get(f"/documents/{document.id}/file")).content == second
    assert (await english.get(f"/documents/{document.id}/versions/1/file")).content == first
    assert (await english.get(f"/documents/{document.id}/versions/3/file")).status_code == 404
    (document,) = await documents_of(db)
    assert document.current_version == 2
    listing = await english.get(f"/meetings/{world['meeting'].id}")
    assert "Projet de barème" in listing.text and "1. Barème" in listing.text
    item_files = listing.text[listing.text.index('class="documents item-files"') :]
    assert f'href="/documents/{document.id}/file"' in item_files[:600]


async def test_a_double_click_uploads_once(english: AsyncTestClient[Any], db: AsyncSession, storage_dir: Path) -> None:
    world = await arrange(db)
    before = stored_files(storage_dir)
    url = f"/meetings/{world['meeting'].id}/documents"
    data = {"title": "Once", "_form_key": new_key()}
    for _ in range(2):
        response = await english.post(
            url, data=data, files={"file": ("a.pdf", samples.pdf(), "application/pdf")}, follow_redirects=False
        )
        assert response.status_code == 303
    assert await count(db, Document) == 1
    assert len(stored_files(storage_dir) - before) == 1


async def test_an_internal_document_of_a_side_is_hidden_from_the_others(
    anonymous: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    anonymous.headers["accept-language"] = "en"
    open_session(anonymous, "ugtt@example.tn")
    url = f"/agenda/{world['item'].id}/positions/workers/files"
    response = await upload(
        anonymous, url, "argumentaire.pdf", samples.pdf(), title="Argumentaire", visibility="internal"
    )
    assert response.status_code == 303, response.text
    shared = await upload(anonymous, url, "public.pdf", samples.pdf(), title="Note publique")
    assert shared.status_code == 303
    internal, public = await documents_of(db)
    assert internal.internal and internal.side is Side.WORKERS and not public.internal
    assert "Argumentaire" in (await anonymous.get(url)).text
    for email in ("utica@example.tn", "observer@example.tn"):
        open_session(anonymous, email)
        listing = await anonymous.get(url)
        assert "Note publique" in listing.text and "Argumentaire" not in listing.text
        assert "Argumentaire" not in (await anonymous.get(f"/meetings/{world['meeting'].id}/documents")).text
        assert (await anonymous.get(f"/documents/{internal.id}")).status_code == 404
        assert (await anonymous.get(f"/documents/{internal.id}/file")).status_code == 404
        assert (await anonymous.get(f"/documents/{internal.id}/versions/1/file")).status_code == 404
        assert (await anonymous.get(f"/documents/{public.id}/file")).status_code == 200
        history = (await anonymous.get(f"/meetings/{world['meeting'].id}/history")).text
        assert "Note publique" in history and "Argumentaire" not in history
    open_session(anonymous, "ugtt@example.tn")
    assert (await anonymous.get(f"/documents/{internal.id}/file")).status_code == 200


async def test_delegates_upload_only_to_their_own_sides_records(
    anonymous: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    anonymous.headers["accept-language"] = "en"
    open_session(anonymous, "utica@example.tn")
    for url in (
        f"/agenda/{world['item'].id}/positions/workers/files",
        f"/commitments/{world['commitment'].id}/updates/{world['note'].id}/files",
        f"/meetings/{world['meeting'].id}/documents",
        f"/agenda/{world['item'].id}/files",
    ):
        assert (await upload(anonymous, url, "a.pdf", samples.pdf())).status_code == 403, url
    open_session(anonymous, "ugtt@example.tn")
    assert (
        await upload(anonymous, f"/meetings/{world['meeting'].id}/documents", "a.pdf", samples.pdf())
    ).status_code == 403
    evidence = await upload(
        anonymous,
        f"/commitments/{world['commitment'].id}/updates/{world['note'].id}/files",
        "preuve.pdf",
        samples.pdf(),
        title="Preuve",
    )
    assert evidence.status_code == 303
    page = await anonymous.get(f"/commitments/{world['commitment'].id}/updates/{world['note'].id}/files")
    assert "Preuve" in page.text
    assert (
        f'href="/commitments/{world["commitment"].id}/updates/{world["note"].id}/files"'
        in (await anonymous.get(f"/commitments/{world['commitment'].id}")).text
    )
    open_session(anonymous, "observer@example.tn")
    assert (
        await upload(anonymous, f"/agenda/{world['item'].id}/positions/workers/files", "a.pdf", samples.pdf())
    ).status_code == 403
    assert await count(db, Document) == 1


async def test_a_draft_meetings_documents_do_not_exist_for_delegates(
    anonymous: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    world["meeting"].status = MeetingStatus.DRAFT
    await db.commit()
    open_session(anonymous, "ugtt@example.tn")
    assert (await anonymous.get(f"/meetings/{world['meeting'].id}/documents")).status_code == 404
    assert (await anonymous.get(f"/agenda/{world['item'].id}/files")).status_code == 404
    assert (
        await upload(anonymous, f"/agenda/{world['item'].id}/positions/workers/files", "a.pdf", samples.pdf())
    ).status_code == 404


async def test_when_the_database_step_fails_the_stored_file_is_deleted(
    english: AsyncTestClient[Any], db: AsyncSession, storage_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await arrange(db)
    before = stored_files(storage_dir)
    real = service.add_document
    seen: list[set[str]] = []

    async def fails_after_the_file(*args: Any, **kwargs: Any) -> Any:
        seen.append(stored_files(storage_dir) - before)  # the file is there at this point
        await real(*args, **kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(service, "add_document", fails_after_the_file)
    response = await upload(english, f"/meetings/{world['meeting'].id}/documents", "a.pdf", samples.pdf())
    assert response.status_code == 500
    assert len(seen) == 1 and len(seen[0]) == 1
    assert await count(db, Document) == 0 and await count(db, DocumentVersion) == 0
    assert stored_files(storage_dir) == before


async def test_the_minutes_list_shared_documents_in_their_annex(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    meeting = world["meeting"]
    await upload(english, f"/meetings/{meeting.id}/documents", "cadrage.pdf", samples.pdf(), title="Note de cadrage")
    await upload(english, f"/agenda/{world['item'].id}/files", "bareme.xlsx", samples.xlsx_file(), title="Grille")
    await upload(
        english,
        f"/agenda/{world['item'].id}/positions/workers/files",
        "i.pdf",
        samples.pdf(),
        title="Secret",
        visibility="internal",
    )
    markdown = (await english.get(f"/meetings/{meeting.id}/minutes.md?lang=en")).text
    annex = markdown[markdown.index("Annex: documents") :]
    assert "Note de cadrage" in annex and "Grille" in annex and "1. Barème" in annex
    assert "Secret" not in markdown
    html = (await english.get(f"/meetings/{meeting.id}/minutes.html?lang=fr")).text
    assert "Note de cadrage" in html
    docx_bytes = (await english.get(f"/meetings/{meeting.id}/minutes.docx?lang=ar")).content
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        assert "Grille" in archive.read("word/document.xml").decode()


async def test_the_invitation_links_to_the_documents_page(english: AsyncTestClient[Any], db: AsyncSession) -> None:
    from tests.calendar.invites_helpers import arrange as arrange_invitations
    from tests.calendar.invites_helpers import outbox

    world = await arrange_invitations(db)
    meeting = world["meeting"]
    assert (await english.post(f"/meetings/{meeting.id}/invitations/send")).status_code in (200, 303)
    messages = await outbox(db, meeting.id)
    assert messages
    for message in messages:
        assert f"/meetings/{meeting.id}/documents" in message.text_body
        assert f'/meetings/{meeting.id}/documents"' in message.html_body


async def test_the_archive_keeps_the_rows_of_documents_not_their_files(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    content = samples.pdf("Contenu propre au fichier")
    await upload(english, f"/meetings/{world['meeting'].id}/documents", "cadrage.pdf", content, title="Cadrage")
    archive = (await english.get("/export/archive.zip")).content
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        names = zipped.namelist()
        rows = json.loads(zipped.read("tables/document_version.json"))["rows"]
        everything = b"".join(zipped.read(name) for name in names)
    assert "tables/document.json" in names
    assert len(rows) == 1 and rows[0]["filename"] == "cadrage.pdf" and re.fullmatch(r"[0-9a-f]{64}", rows[0]["sha256"])
    assert b"Contenu propre au fichier" not in everything


async def test_a_version_goes_only_to_a_document_of_the_record_it_is_posted_to(
    anonymous: AsyncTestClient[Any], db: AsyncSession, storage_dir: Path
) -> None:
    world = await arrange(db)
    anonymous.headers["accept-language"] = "en"
    open_session(anonymous, "ugtt@example.tn")
    position_url = f"/agenda/{world['item'].id}/positions/workers/files"
    assert (await upload(anonymous, position_url, "a.pdf", samples.pdf(), title="Argumentaire")).status_code == 303
    (document,) = await documents_of(db)
    before = stored_files(storage_dir)
    # Posted to another record's page: not found, nothing kept.
    note_url = f"/commitments/{world['commitment'].id}/updates/{world['note'].id}/files"
    elsewhere = await upload(anonymous, note_url, "b.pdf", samples.pdf(), document_id=str(document.id))
    assert elsewhere.status_code == 404
    # Another side may not add a version to the workers' document.
    open_session(anonymous, "utica@example.tn")
    refused = await upload(anonymous, position_url, "c.pdf", samples.pdf(), document_id=str(document.id))
    assert refused.status_code == 403
    # A refused version says why on the document's page.
    open_session(anonymous, "ugtt@example.tn")
    empty = await upload(anonymous, position_url, "d.pdf", b"", document_id=str(document.id))
    assert empty.status_code == 422 and "The file is empty" in empty.text and "Upload a new version" in empty.text
    assert stored_files(storage_dir) == before
    assert await count(db, DocumentVersion) == 1


async def test_a_document_on_an_internal_position_is_internal_whatever_the_form_says(
    anonymous: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    world["position"].internal = True
    await db.commit()
    open_session(anonymous, "ugtt@example.tn")
    url = f"/agenda/{world['item'].id}/positions/workers/files"
    assert (await upload(anonymous, url, "a.pdf", samples.pdf(), visibility="shared")).status_code == 303
    (document,) = await documents_of(db)
    assert document.internal and document.side is Side.WORKERS
    open_session(anonymous, "utica@example.tn")
    assert (await anonymous.get(url)).status_code == 404
    assert (await anonymous.get(f"/documents/{document.id}/file")).status_code == 404


async def test_a_file_missing_from_the_storage_is_said_so(
    english: AsyncTestClient[Any], db: AsyncSession, storage_dir: Path
) -> None:
    world = await arrange(db)
    await upload(english, f"/meetings/{world['meeting'].id}/documents", "a.pdf", samples.pdf())
    version = await db.scalar(select(DocumentVersion))
    await db.commit()
    assert version is not None
    (storage_dir / version.storage_key).unlink()
    response = await english.get(f"/documents/{version.document_id}/file")
    assert response.status_code == 404 and "missing from the storage" in response.text


def test_the_storage_and_the_upload_limit_are_read_from_the_environment() -> None:
    env = {
        "DIALOGUE_STORAGE_URL": "s3://council-files/dialogue",
        "DIALOGUE_STORAGE_ENDPOINT": "https://s3.example.tn",
        "DIALOGUE_STORAGE_REGION": "tn-1",
        "DIALOGUE_STORAGE_ACCESS_KEY": "key",
        "DIALOGUE_STORAGE_SECRET_KEY": "s3-password-xyz",
        "DIALOGUE_UPLOAD_MAX_MB": "40",
    }
    settings = Settings.from_env(env)
    assert settings.storage_location == "s3://council-files/dialogue"
    assert settings.upload_max_bytes == 40 * 1024 * 1024
    assert "s3-password-xyz" not in repr(settings) and settings.storage_secret_key == "s3-password-xyz"
    assert not settings.problems()
    assert Settings.from_env({}).storage_location.endswith("var/documents")
    assert Settings.from_env({"DIALOGUE_STORAGE_URL": "s3://"}).problems()
    assert Settings.from_env({"DIALOGUE_UPLOAD_MAX_MB": "0"}).problems()


async def test_a_shared_file_on_a_position_made_internal_later_is_hidden_with_it(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await arrange(db)
    meeting_id = world["meeting"].id
    open_session(client, "ugtt@example.tn")
    url = f"/agenda/{world['item'].id}/positions/workers/files"
    assert (await upload(client, url, "a.pdf", samples.pdf(), title="Avant brouillon")).status_code == 303
    world["position"].internal = True
    await db.commit()
    assert "Avant brouillon" in (await client.get(f"/meetings/{meeting_id}/documents")).text
    open_session(client, "utica@example.tn")
    assert "Avant brouillon" not in (await client.get(f"/meetings/{meeting_id}/documents")).text
    open_session(client, "secretariat@example.tn")
    minutes = await client.get(f"/meetings/{meeting_id}/minutes.md?version=0")
    assert minutes.status_code == 200 and "Avant brouillon" not in minutes.text
