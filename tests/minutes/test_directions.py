"""Documents read by strict readers: each line of user text in its
own direction in PDF, Word and HTML; Arabic punctuation in generated lists; tagged PDF with
its language; fallback fonts for symbols and emoji; no slanted Arabic; the Word file as
LibreOffice lays it out."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.i18n import _, using_language
from dialogue.minutes.models import Minutes
from dialogue.minutes.render import render_minutes
from tests import factories
from tests.minutes import samples
from tests.minutes.exports import (
    BIDI_CONTROLS,
    docx_text,
    flat,
    has_rtl_run,
    is_bidi,
    needs_pdf_tools,
    pdf_text,
    read_docx,
)
from tests.minutes.world import held_meeting

ARABIC_LINE = "افتتح الرئيس الجلسة ورحب بالحضور."
FRENCH_LINE = "Deuxième paragraphe en français, avec une virgule."
TWO_LINES = f"{ARABIC_LINE}\n{FRENCH_LINE}"


def _document(**fields: Any) -> Any:
    """Minutes whose introduction and workers' statement are an Arabic line then a French one."""
    item = samples.item(1)
    positions = tuple(
        dataclasses.replace(line, statement=TWO_LINES) if line.side == "workers" else line for line in item.positions
    )
    item = dataclasses.replace(item, positions=positions)
    return dataclasses.replace(samples.document(items=1), introduction=TWO_LINES, items=(item,), **fields)


def _fonts(content: bytes) -> str:
    return subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True).stdout.decode()


def _pdf_objects(content: bytes) -> bytes:
    """The PDF's bytes with its compressed streams (object streams too) inflated."""
    import zlib

    parts = [content]
    for match in re.finditer(rb"/FlateDecode[^>]*>>\s*stream\r?\n", content):
        end = content.index(b"endstream", match.end())
        try:
            parts.append(zlib.decompressobj().decompress(content[match.end() : end]))
        except zlib.error:
            continue
    return b"\n".join(parts)


# Each line in its own direction --------------------------------------------------------------


@needs_pdf_tools
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_french_line_after_an_arabic_one_reads_left_to_right_in_the_pdf(language: str) -> None:
    text = pdf_text(render_minutes(_document(), "pdf", language))
    assert text.count(FRENCH_LINE) == 2, text  # the introduction and the table cell
    assert ".Deuxième" not in text


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_each_line_of_user_text_has_its_own_direction_in_the_html(language: str) -> None:
    html = render_minutes(_document(), "html", language).decode("utf-8")
    pair = f'<span class="line" dir="rtl">{ARABIC_LINE}</span><span class="line" dir="ltr">{FRENCH_LINE}</span>'
    assert html.count(pair) == 2  # the introduction and the workers' statement
    assert ".line { display: block; }" in html


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_each_line_of_user_text_is_a_word_paragraph_in_its_own_direction(language: str) -> None:
    document = read_docx(render_minutes(_document(), "docx", language))
    cell = next(
        cell for table in document.tables for row in table.rows for cell in row.cells if ARABIC_LINE in cell.text
    )  # fmt: skip
    body = [p for p in document.paragraphs if p.text in (ARABIC_LINE, FRENCH_LINE)]
    for arabic, french in (body, cell.paragraphs):
        assert (arabic.text, french.text) == (ARABIC_LINE, FRENCH_LINE)
        assert is_bidi(arabic) and has_rtl_run(arabic)
        assert not is_bidi(french) and not has_rtl_run(french)
    assert f"{ARABIC_LINE}\n{FRENCH_LINE}" in docx_text(document)  # still read as two lines


# Arabic punctuation and dashes -----------------------------------------------------------------


def test_arabic_lists_use_the_arabic_comma_and_semicolon() -> None:
    text = render_minutes(samples.document(), "md", "ar").decode("utf-8")
    with using_language("ar"):
        sides = "، ".join(_(name) for name in ("Government", "Workers", "Employers"))
        remarks = "؛ ".join((_("on behalf of {name}").format(name="Mongi Hamdi"), _("arrived late")))
    assert f"({sides})" in text
    late = samples.attendees(8)[5]
    both = dataclasses.replace(samples.document(), attendees=(dataclasses.replace(late, arrived_late=True),))
    assert remarks in render_minutes(both, "md", "ar").decode("utf-8")
    assert "(Government, Workers, Employers)" in render_minutes(samples.document(), "md", "en").decode("utf-8")


def test_arabic_titles_keep_their_dash_with_the_word_before_it() -> None:
    document = dataclasses.replace(samples.document(), title="Conseil national – session de printemps")
    heading = "Conseil national\u00a0– session de printemps"
    html = render_minutes(document, "html", "ar").decode("utf-8")
    assert heading in html
    docx = read_docx(render_minutes(document, "docx", "ar"))
    assert heading in docx.paragraphs[1].text  # the title, after the banner
    # Left to right, the title is as typed.
    assert "Conseil national – session de printemps" in render_minutes(document, "html", "fr").decode("utf-8")


# Tagged PDF, fonts, italics --------------------------------------------------------------------


@needs_pdf_tools
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_pdf_is_tagged_with_its_language(language: str) -> None:
    content = render_minutes(samples.document(items=1), "pdf", language)
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    assert re.search(r"^Tagged:\s+yes$", info, flags=re.MULTILINE), info
    objects = _pdf_objects(content)
    assert b"/StructTreeRoot" in objects and b"/MarkInfo" in objects
    assert f"/Lang ({language})".encode() in objects
    for tag in (b"/H1", b"/P", b"/Table", b"/TH", b"/TD"):
        assert re.search(rb"/S\s*" + re.escape(tag) + rb"\b", objects), tag
    assert b"pdfuaid" in objects  # the PDF/UA identification in the XMP metadata


def _font_installed(family: str) -> bool:
    families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    return family in families


@needs_pdf_tools
@pytest.mark.skipif(
    shutil.which("fc-list") is None or not _font_installed("Symbola"),
    reason="emoji need the Symbola font (Debian fonts-symbola, installed by .ci/run)",
)
def test_symbols_and_emoji_are_printed_from_a_fallback_font() -> None:
    document = dataclasses.replace(samples.document(items=1), closing="Séance levée ✅ ★ ☎ 👍")
    content = render_minutes(document, "pdf", "fr")
    fonts = _fonts(content)
    assert "Symbola" in fonts, fonts
    assert "Séance levée ✅ ★ ☎ 👍" in pdf_text(content)


@needs_pdf_tools
def test_arabic_is_never_slanted_in_the_pdf() -> None:
    """Noto Naskh Arabic has no italic: the notes of an Arabic PDF stay upright (a slanted
    copy of the font would be synthesized)."""
    bare = samples.document(items=0, people=0, matters_arising=())  # notes: no attendance, empty agenda...
    content = render_minutes(bare, "pdf", "ar")
    arabic_fonts = [line for line in _fonts(content).splitlines() if "Arabic" in line]
    assert arabic_fonts and not any(re.search("Oblique|Italic", line) for line in arabic_fonts), arabic_fonts
    assert "Noto-Sans-Italic" in _fonts(render_minutes(bare, "pdf", "fr"))  # French notes: a real italic


def test_arabic_runs_are_never_italic_in_word() -> None:
    bare = samples.document(items=0, people=0, matters_arising=())
    document = read_docx(render_minutes(bare, "docx", "ar"))
    runs = [run for p in document.paragraphs for run in p.runs if re.search("[\u0600-\u06ff]", run.text)]
    assert runs and not any(run.italic for run in runs)
    french = read_docx(render_minutes(bare, "docx", "fr"))
    assert any(run.italic for p in french.paragraphs for run in p.runs)  # the notes


# Through HTTP: the follow-up sheet --------------------------------------------------------------


async def test_a_progress_note_of_two_lines_keeps_each_direction_in_the_sheet(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await held_meeting(db)
    commitment = await factories.commitment(db, title="Étude", meeting_id=world["meeting"].id)
    await factories.progress(db, commitment, TWO_LINES)
    await db.commit()
    response = await client.get(f"/meetings/{world['meeting'].id}/follow-up.docx?lang=ar")
    assert response.status_code == 200
    document = read_docx(response.content)
    cell = next(cell for row in document.tables[0].rows for cell in row.cells if ARABIC_LINE in cell.text)
    arabic, french = cell.paragraphs
    assert (arabic.text, french.text) == (ARABIC_LINE, FRENCH_LINE)
    assert is_bidi(arabic) and not is_bidi(french)


# The Word file as LibreOffice lays it out ------------------------------------------------------

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="the Word checks need LibreOffice (Debian libreoffice-writer-nogui, installed by .ci/run) and pdftotext",
)


def _through_libreoffice(content: bytes, folder: Path) -> str:
    """The .docx converted to PDF by LibreOffice (a profile of its own), as pdftotext lays it out."""
    source = folder / "minutes.docx"
    source.write_bytes(content)
    profile = (folder / "profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
         str(source)],
        capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    layout = subprocess.run(
        ["pdftotext", "-layout", str(folder / "minutes.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return BIDI_CONTROLS.sub("", layout)


@needs_libreoffice
@needs_pdf_tools
def test_the_arabic_word_file_through_libreoffice(tmp_path: Path) -> None:
    layout = _through_libreoffice(render_minutes(_document(), "docx", "ar"), tmp_path)
    rows = layout.splitlines()
    # The page header: the body, then the date, whose day stays with its month.
    header = rows[0]
    assert "Conseil national du dialogue social – plénière" in header
    assert re.search(r"2024\s*ماي\s*14\s*·", header), header  # read right to left: 14 ماي 2024
    # The French line of the introduction is left to right, at the left margin; the Arabic
    # one right to left, at the right margin.
    french = next(row for row in rows if FRENCH_LINE[9:] in row)
    assert french.startswith(FRENCH_LINE), french
    arabic = next(row for row in rows if "افتتح الرئيس الجلسة" in row)
    assert len(arabic) - len(arabic.lstrip()) > 20, arabic
    # Side – organisation – person: one dash between each, none doubled.
    text = flat(layout)
    assert not re.search("–\\s*–", text), re.findall(".{30}–\\s*–.{30}", text)
    assert "UTICA" in text and "Leïla" in text


async def test_the_minutes_page_gives_each_line_of_the_introduction_its_direction(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await held_meeting(db)
    await db.commit()
    meeting_id = world["meeting"].id
    await english.post(f"/meetings/{meeting_id}/minutes")
    minutes = await db.scalar(select(Minutes))
    saved = await english.post(
        f"/meetings/{meeting_id}/minutes/narratives", data={"version": minutes.version, "introduction_en": TWO_LINES}
    )
    assert saved.status_code == 200
    page = await english.get(f"/meetings/{meeting_id}/minutes")
    assert (
        f'<span class="line" dir="auto">{ARABIC_LINE}</span><span class="line" dir="auto">{FRENCH_LINE}</span>'
    ) in page.text
