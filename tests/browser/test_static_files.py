"""A slow line, in Chromium: a first visit fetches the page and at most 4 static files, under
60 KB on the wire; later pages fetch only themselves (the static files come from the
browser's cache); htmx, now inside the one script, still sorts and searches in place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Server


@dataclass
class Fetched:
    url: str
    status: int
    encoding: str
    wire: int  # bytes received, headers included (Chromium's encodedDataLength)
    from_cache: bool


class Wire:
    """What Chromium fetched, from its DevTools network events."""

    def __init__(self, context: Any, page: Any) -> None:
        self.events: dict[str, dict[str, Any]] = {}
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        for kind in ("requestWillBeSent", "responseReceived", "loadingFinished", "requestServedFromCache"):
            session.on(f"Network.{kind}", self._record(kind))

    def _record(self, kind: str) -> Any:
        def record(event: dict[str, Any]) -> None:
            self.events.setdefault(event["requestId"], {}).setdefault(kind, event)

        return record

    def take(self) -> list[Fetched]:
        """The requests since the last call; data: addresses left out."""
        fetched = []
        for events in self.events.values():
            url = events.get("requestWillBeSent", {}).get("request", {}).get("url", "")
            response = events.get("responseReceived", {}).get("response", {})
            if not url.startswith("http"):
                continue
            cached = "requestServedFromCache" in events or bool(response.get("fromDiskCache"))
            fetched.append(
                Fetched(
                    url=url,
                    status=int(response.get("status", 0)),
                    encoding=str(response.get("headers", {}).get("content-encoding", "")),
                    wire=int(events.get("loadingFinished", {}).get("encodedDataLength", 0)),
                    from_cache=cached,
                )
            )
        self.events.clear()
        return fetched


def test_a_first_visit_is_small_and_a_second_page_fetches_only_itself(browser_context: Any, server: Server) -> None:
    context = browser_context(language="fr")
    page = context.new_page()
    wire = Wire(context, page)

    page.goto("/")
    page.wait_for_load_state("networkidle")
    first = wire.take()
    assert all(item.status == 200 and not item.from_cache for item in first), first
    statics = [item for item in first if "/static/" in item.url]
    assert [item.url for item in first if item not in statics] == [f"{server.url}/"]
    assert 1 <= len(statics) <= 4, [item.url for item in statics]
    assert all(item.encoding == "br" for item in first), first  # Chromium takes brotli
    assert sum(item.wire for item in first) <= 60 * 1024, first

    for path in ("/meetings", "/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        again = wire.take()
        from_network = [item.url for item in again if not item.from_cache]
        assert from_network == [f"{server.url}{path}"], again
        assert {item.url for item in again if item.from_cache} <= {item.url for item in statics}


def test_htmx_in_the_one_script_still_sorts_and_searches_in_place(browser_context: Any) -> None:
    context = browser_context(language="ar")
    page = context.new_page()
    page.goto("/meetings")
    page.evaluate("window.notReloaded = true")
    sort = page.locator("main table th a.sort").nth(1)
    sort.click()
    expect(page).to_have_url(re.compile(r"[?&]sort="))
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.notReloaded === true"), "the sort reloaded the whole page"
    assert page.locator("main table th[aria-sort] a.sort").count() == 1

    search = page.locator("main form[role=search] input[type=search]")
    search.fill("plénière")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=pl"))
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.notReloaded === true"), "the search reloaded the whole page"
    titles = page.locator("main table tbody tr").all_inner_texts()
    assert titles and all("plénière" in title.lower() for title in titles), titles
