"""Every answer carries the security headers, and no page needs what the Content-Security-
Policy forbids (inline scripts, inline styles, event-handler attributes)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from litestar.testing import AsyncTestClient

from tests.security.conftest import is_html, signed_in, stranger, world_urls


class InlineCode(HTMLParser):
    """What a strict CSP would block in a page: found in real tags only (escaped text that
    merely looks like a tag is data, not markup)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): value or "" for name, value in attrs}
        if tag == "script":
            if "src" not in names:
                self.problems.append("<script> without src")
            self._in_script = True
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in names.items():
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name.startswith(("on", "hx-on")):
                self.problems.append(f"{name}= on <{tag}>")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append("code inside <script>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.problems


def check_headers(response: Any, url: str) -> None:
    csp = response.headers.get("content-security-policy", "")
    directives = {part.strip().split(" ")[0]: part.strip() for part in csp.split(";") if part.strip()}
    assert directives.get("default-src") == "default-src 'self'", (url, csp)
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", (url, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (url, csp)
    assert "script-src" not in directives or directives["script-src"] == "script-src 'self'", (url, csp)
    assert response.headers.get("x-content-type-options") == "nosniff", url
    assert response.headers.get("referrer-policy") in (
        "same-origin",
        "no-referrer",
        "strict-origin-when-cross-origin",
    ), url


def test_the_scanner_finds_inline_code() -> None:
    page = (
        '<p style="color:red">x</p><script>alert(1)</script><script src="/static/a.js"></script>'
        '<button onclick="go()">b</button><div hx-on:click="go()"></div><a href="javascript:go()">l</a>'
        "<style>p{}</style><p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p>"
    )
    assert inline_code(page) == [
        "style= on <p>",
        "<script> without src",
        "code inside <script>",
        "onclick= on <button>",
        "hx-on:click= on <div>",
        "javascript: URL on <a>",
        "<style> element",
    ]


async def test_every_page_has_the_security_headers_and_no_inline_code(
    english: AsyncTestClient[Any], world: dict[str, Any]
) -> None:
    scanned = 0
    for url in world_urls(english.app, world):
        for htmx in (False, True):
            response = await english.get(url, headers={"HX-Request": "true"} if htmx else {}, follow_redirects=False)
            check_headers(response, url)
            # Litestar's own OpenAPI viewers (/schema/swagger...) are not pages of the app.
            if is_html(response) and not url.startswith("/schema"):
                assert inline_code(response.text) == [], url
                scanned += 1
    assert scanned > 40


async def test_error_pages_redirects_and_refusals_have_the_headers_too(
    english: AsyncTestClient[Any], world: dict[str, Any]
) -> None:
    answers = {
        "404 page": await english.get("/no-such-page"),
        "404 record": await english.get("/meetings/999999"),
        "API 404": await english.get("/api/v1/meetings/999999"),
        "API 422": await english.post("/api/v1/commitments", json={"title": ""}),
        "form 422": await english.post("/organisations", data={"slug": "", "name": ""}),
        "CSRF refusal": await english.post("/organisations", data={"slug": "x"}, headers={"x-csrftoken": "forged"}),
    }
    async with stranger(english) as nobody:
        answers["sign-in page"] = await nobody.get("/login")
        answers["redirect to sign in"] = await nobody.get("/meetings", follow_redirects=False)
        answers["API 401"] = await nobody.get("/api/v1/meetings")
        answers["invitation link"] = await nobody.get(f"/welcome/{world['token']}")
        answers["dead link"] = await nobody.get("/welcome/not-a-token")
    async with signed_in(english, "delegate@example.tn") as delegate:
        answers["403"] = await delegate.get("/accounts")
    for name, response in answers.items():
        check_headers(response, name)
        if is_html(response):
            assert inline_code(response.text) == [], name
    assert answers["403"].status_code == 403
    assert answers["CSRF refusal"].status_code == 403
