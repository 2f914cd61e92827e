"""A slow line: few static files, hashed names kept a year, compressed answers, and static
files that never reach the database (dialogue/static_files.py, dialogue/compression.py)."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path
from typing import Any

import brotli
import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from dialogue.cli import main
from dialogue.demo import load_demo
from dialogue.settings import ROOT, Settings
from dialogue.static_files import BUNDLES, SOURCE, StaticFiles, static_files_handler
from tests import factories as f
from tests.conftest import count_queries, open_session

# What deploy/Caddyfile keeps for a year.
CADDY_FINGERPRINTED = re.search(r"path_regexp (\S+)", (ROOT / "deploy" / "Caddyfile").read_text())[1]  # type: ignore[index]
STATIC_REFERENCE = re.compile(r'(?:href|src)="(/static/[^"]+)"')
BROTLI = {"accept-encoding": "br"}


def wire_size(response: Any) -> int:
    """Bytes of the body as sent (compressed), from Content-Length."""
    return int(response.headers["content-length"])


@pytest.fixture
async def demo(anonymous: AsyncTestClient[Any], settings: Settings, engine: AsyncEngine) -> AsyncTestClient[Any]:
    """The demo National Council, and a browser signed in as its secretariat."""
    await load_demo(settings, start_hint=False)
    open_session(anonymous, "secretariat@demo.tn")
    return anonymous


async def test_a_first_visit_is_four_files_at_most_and_under_60_kb_with_brotli(demo: Any) -> None:
    """The demo council's main pages, signed in as the secretariat (the fullest pages)."""
    for path in ("/", "/meetings", "/commitments", "/people"):
        page = await demo.get(path, headers=BROTLI)
        assert page.status_code == 200
        assert page.headers["content-encoding"] == "br"
        statics = set(STATIC_REFERENCE.findall(page.text))
        assert "/static/" not in STATIC_REFERENCE.sub("", page.text)  # every static file is in href/src
        assert 1 <= len(statics) <= 4, statics
        total = wire_size(page)
        for url in statics:
            assert re.match(CADDY_FINGERPRINTED, url), url
            answer = await demo.get(url, headers=BROTLI)
            assert answer.status_code == 200, url
            total += wire_size(answer)
        assert total <= 60 * 1024, (path, total)


async def test_the_page_loads_one_stylesheet_and_one_script_made_of_the_sources(client: Any) -> None:
    page = (await client.get("/")).text
    [stylesheet] = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
    [script] = re.findall(r'<script src="([^"]+)" defer></script>', page)
    css, js = (await client.get(stylesheet)).text, (await client.get(script)).text
    # In the order the page loaded them one by one: the cascade and the scripts' order hold.
    for bundle, sources in (
        (css, ["dialogue.css", "css/people.css", "css/meetings.css", "css/listing.css", "css/drafts.css"]),
        (js, ["htmx-2.0.11.min.js", "drafts.js", "errors.js", "address.js", "copy.js"]),
    ):
        places = [bundle.index((SOURCE / name).read_text().strip()) for name in sources]
        assert places == sorted(places), sources


async def test_a_hashed_name_is_kept_a_year_and_a_plain_name_an_hour(anonymous: Any) -> None:
    url = anonymous.app.state.static_files.url("app.css")
    hashed = await anonymous.get(url)
    assert hashed.status_code == 200 and hashed.headers["content-type"] == "text/css; charset=utf-8"
    assert hashed.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "accept-encoding" in hashed.headers["vary"].lower()
    plain = await anonymous.get("/static/app.css")
    assert plain.headers["cache-control"] == "public, max-age=3600"
    assert plain.content == hashed.content
    # The old files by their old names still answer: a page from before keeps its look.
    old = await anonymous.get("/static/css/meetings.css")
    assert old.status_code == 200 and old.headers["cache-control"] == "public, max-age=3600"
    # Asked again with its tag: 304 and no body.
    again = await anonymous.get(url, headers={"if-none-match": hashed.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    # HEAD: the headers, no body.
    head = await anonymous.head(url, headers={"accept-encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(hashed.content)


@pytest.mark.parametrize("name", ["app.js", "app.css", "favicon.svg"])
async def test_static_files_come_in_brotli_or_gzip_as_the_browser_asks(anonymous: Any, name: str) -> None:
    url = anonymous.app.state.static_files.url(name)
    plain = await anonymous.get(url, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert wire_size(plain) == len(plain.content) == len((await anonymous.get(f"/static/{name}")).content)
    for asked, given in {"br": "br", "gzip, deflate, br": "br", "gzip": "gzip", "gzip, br;q=0": "gzip"}.items():
        answer = await anonymous.get(url, headers={"accept-encoding": asked})
        assert answer.headers["content-encoding"] == given, asked
        assert answer.content == plain.content  # decoded by the client
        assert wire_size(answer) < len(plain.content)
        assert answer.headers["etag"] != plain.headers["etag"]


async def test_pages_fragments_and_the_api_are_compressed(client: Any, db: AsyncSession) -> None:
    for _ in range(12):
        await f.meeting(db)
    await db.commit()
    for headers in ({}, {"HX-Request": "true"}):  # the page, then the fragment HTMX asks for
        plain = await client.get("/meetings", headers={**headers, "accept-encoding": "identity"})
        assert "content-encoding" not in plain.headers
        for encoding in ("br", "gzip"):
            answer = await client.get("/meetings", headers={**headers, "accept-encoding": encoding})
            assert answer.status_code == 200
            assert answer.headers["content-encoding"] == encoding
            assert "accept-encoding" in answer.headers["vary"].lower()
            assert wire_size(answer) < len(answer.content) / 3
    api = await client.get("/api/v1/meetings", headers=BROTLI)
    assert api.headers["content-encoding"] == "br" and len(api.json()["items"]) == 12
    # A small answer goes as it is.
    small = await client.get("/api/v1/meetings/999999", headers=BROTLI)
    assert small.status_code == 404 and "content-encoding" not in small.headers


async def test_downloads_still_download(client: Any, db: AsyncSession) -> None:
    for number in range(30):
        await f.meeting(db, title=f"Session {number}")
    await db.commit()
    # Text files are compressed, and read back whole.
    csv = await client.get("/meetings.csv", headers=BROTLI)
    assert csv.status_code == 200 and csv.headers["content-encoding"] == "br"
    assert "attachment" in csv.headers["content-disposition"] and csv.text.count("Session ") == 30
    # A spreadsheet is a zip already: as it is, its length right.
    xlsx = await client.get("/meetings.xlsx", headers=BROTLI)
    assert xlsx.status_code == 200 and "content-encoding" not in xlsx.headers
    assert xlsx.content.startswith(b"PK") and wire_size(xlsx) == len(xlsx.content)


async def test_static_files_run_no_sql_found_or_not(client: Any, app_engine: AsyncEngine) -> None:
    """Neither authentication nor any other middleware asks the database for a static file,
    even with a session cookie that would need looking up."""
    static = client.app.state.static_files
    with count_queries(app_engine) as queries:
        for url in (static.url("app.js"), static.url("app.css"), "/static/htmx-2.0.11.min.js", "/static/nope.css"):
            await client.get(url, headers=BROTLI)
            await client.head(url)
    assert queries.statements == []


@pytest.mark.parametrize(
    "path",
    [
        "/static/nope.css",
        "/static/app.0123456789.nope",
        "/static/css",
        "/static/css/",
        "/static/",
        "/static/..%2fapp.py",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/app.css/more",
    ],
)
async def test_an_unknown_static_file_is_not_found(anonymous: Any, path: str) -> None:
    answer = await anonymous.get(path)
    assert answer.status_code == 404, path


async def test_a_changed_file_gets_a_new_name_and_the_old_name_is_not_kept_long(tmp_path: Path) -> None:
    source = tmp_path / "static"
    shutil.copytree(SOURCE, source, ignore=shutil.ignore_patterns("swagger-ui"))
    static = StaticFiles(source)
    app = Litestar(route_handlers=[static_files_handler(static, guards=[], opt={})])
    async with AsyncTestClient(app=app) as browser:
        before = static.url("app.css")
        assert static.url("app.css") == before  # the same content, the same name
        # The last file of the bundle (static_files.BUNDLES): the bundle then ends with it.
        (source / BUNDLES["app.css"][-1]).write_text("/* changed */\n", encoding="utf-8")
        after = static.url("app.css")
        assert after != before and static.url("app.js") == static.url("app.js")
        fresh = await browser.get(after)
        assert fresh.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert fresh.text.endswith("/* changed */")
        # A page from before the change asks for the old name: today's file, cached briefly.
        stale = await browser.get(before)
        assert stale.status_code == 200 and stale.headers["cache-control"] == "public, max-age=3600"
        assert stale.text == fresh.text


def test_in_production_the_files_are_read_once(tmp_path: Path) -> None:
    # Files change only with a release, which restarts the server: no page asks the disk.
    source = tmp_path / "static"
    shutil.copytree(SOURCE, source, ignore=shutil.ignore_patterns("swagger-ui"))
    static = StaticFiles(source, watch=False)
    before = static.url("app.css")
    (source / "css" / "drafts.css").write_text("/* changed */\n", encoding="utf-8")
    assert static.url("app.css") == before
    assert StaticFiles(source, watch=False).url("app.css") != before  # the next start reads it


def test_static_files_writes_what_caddy_serves(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["static-files", str(tmp_path)], env={"DIALOGUE_LANGUAGE": "en"})
    assert result.exit_code == 0, result.output
    assert re.fullmatch(rf"\d+ files written to {re.escape(str(tmp_path))}\.\n", result.output)
    static = StaticFiles()
    for name in ("app.css", "app.js", "favicon.svg", "swagger-ui/swagger-ui-bundle.js"):
        url = static.url(name)
        assert re.match(CADDY_FINGERPRINTED, url)
        written = tmp_path / url.removeprefix("/static/")
        body = written.read_bytes()
        assert body == (tmp_path / name).read_bytes()
        assert brotli.decompress(written.with_name(written.name + ".br").read_bytes()) == body
        assert gzip.decompress(written.with_name(written.name + ".gz").read_bytes()) == body
