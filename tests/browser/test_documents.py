"""A document uploaded from the meeting page and downloaded again, with clicks in Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from dialogue.documents.tiny_pdf import tiny_pdf


def test_upload_from_the_meeting_page_then_download(
    browser_context: Any, demo_paths: dict[str, str], tmp_path: Path
) -> None:
    meeting = demo_paths["meeting"]
    content = tiny_pdf(["Ordre du jour commente"])
    source = tmp_path / "ordre du jour commenté.pdf"
    source.write_bytes(content)
    page = browser_context(language="ar", width="390").new_page()
    page.goto(meeting)
    section = page.locator("#documents")
    section.locator("summary").click()
    section.locator("input[name=title]").fill("جدول الأعمال المفصّل")
    section.locator("input[type=file]").set_input_files(str(source))
    section.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*{meeting}/documents$"))
    # A second one from the documents page, which comes back after the upload: it worked, so
    # no "your unsaved text was put back" over the fresh form.
    page.locator("details.add-document summary").first.click()
    upload = page.locator("form:has(input[type=file])").first
    upload.locator("input[name=title]").fill("Deuxième document")
    upload.locator("input[type=file]").set_input_files(str(source))
    upload.locator("button[type=submit]").click()
    expect(page.locator("table.documents-list tr", has_text="Deuxième document")).to_have_count(1)
    page.wait_for_selector("form[data-draft-checked]", state="attached")
    assert page.locator(".draft-restored").count() == 0
    row = page.locator("table.documents-list tr", has_text="جدول الأعمال المفصّل")
    with page.expect_download(timeout=30_000) as info:
        row.locator("a[download]").click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == "ordre du jour commenté.pdf"
    saved = tmp_path / "saved.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == content
    assert page.url.endswith(f"{meeting}/documents")  # the click saved the file, the page stayed


def test_a_refused_file_says_why_in_the_browser(
    browser_context: Any, demo_paths: dict[str, str], tmp_path: Path
) -> None:
    source = tmp_path / "rapport.pdf"
    source.write_bytes(b"MZ\x90\x00" + b"\x00" * 60)  # a program named as a PDF
    page = browser_context(language="fr", width="1280").new_page()
    page.goto(f"{demo_paths['meeting']}/documents")
    section = page.locator("#documents")
    section.locator("summary").click()
    section.locator("input[type=file]").set_input_files(str(source))
    section.locator("button[type=submit]").click()
    error = section.locator(".error-text")
    error.wait_for()
    assert error.is_visible()
    assert "PDF" in error.inner_text() and page.url.endswith(f"{demo_paths['meeting']}/documents")
