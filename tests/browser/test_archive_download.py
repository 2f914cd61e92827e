"""The archive of the whole record, downloaded from /export with a click in Chromium."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path
from typing import Any


def test_the_archive_downloads_with_a_click(browser_context: Any, tmp_path: Path) -> None:
    page = browser_context(language="ar", width="390").new_page()
    page.goto("/audit")
    page.locator("main a[href='/export']").first.click()
    page.wait_for_url(re.compile(r".*/export$"))
    before = page.url, page.title()
    with page.expect_download(timeout=60_000) as info:
        page.locator("main a[href='/export/archive.zip']").click()
    download = info.value
    assert download.failure() is None
    assert re.fullmatch(r"dialogue-archive-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    assert (page.url, page.title()) == before
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == "dialogue-archive"
        for entry in manifest["tables"].values():
            assert hashlib.sha256(archive.read(entry["file"])).hexdigest() == entry["sha256"]
    assert manifest["tables"]["meeting"]["rows"] > 0
    assert "sign_in_session" not in manifest["tables"]
