"""Cross-site request forgery, two defences. Every form and HTMX post carries the page's
token (Litestar's CSRF middleware, configured here); and a browser's `Origin` (or
`Sec-Fetch-Site`) header must say that a state change comes from Dialogue's own pages.
A request with neither header (a script with a personal API token, an old browser) is
judged by the token alone."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar.config.csrf import CSRFConfig
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from dialogue.errors import Forbidden
from dialogue.i18n import _
from dialogue.settings import Settings

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def csrf_cookie_name(settings: Settings) -> str:
    # The __Host- prefix binds the cookie to this host, over HTTPS only.
    return "__Host-csrftoken" if settings.https else "csrftoken"


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=settings.secret_key,
        cookie_name=csrf_cookie_name(settings),
        cookie_path="/",
        header_name="x-csrftoken",
        cookie_httponly=True,
        cookie_samesite="lax",
        cookie_secure=settings.https,
        # The API takes only personal tokens in a header, never the session cookie; the
        # public pages take no form and set no cookie.
        exclude=["/api/", "/health", "/ready", "^/public(/|$)"],
    )


class CrossSiteRequest(Forbidden):
    """A state change sent by another site's page: refused (and, as every refusal, audited)."""


def refuse_cross_site() -> None:
    """The one place where a cross-site state change is refused."""
    raise CrossSiteRequest(_("This request came from another site and was refused. Open Dialogue and try again."))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(headers: dict[str, str], scheme: str, public_url: str) -> bool:
    """Whether a state change comes from Dialogue's own pages, as far as the browser says:
    `Origin` is Dialogue's public address or the address the request was sent to;
    without `Origin`, or with `Origin: null` (what Chromium sends from a page whose
    Referrer-Policy is no-referrer, as the password-link pages are), `Sec-Fetch-Site` must
    not be cross-site or same-site. With neither (not a browser, or a very old one), the
    CSRF token decides."""
    origin = headers.get("origin")
    if origin is not None and origin.strip().lower() != "null":
        origin = origin.strip().lower()
        host = headers.get("host", "").strip().lower()
        allowed = {_origin(public_url)}
        if host:
            allowed.add(f"{scheme}://{host}")
        return origin in allowed
    return headers.get("sec-fetch-site", "same-origin").strip().lower() in {"same-origin", "none"}


def origin_check_middleware(settings: Settings) -> Any:
    # Behind an https proxy the app itself is reached over http: the browser's scheme is
    # the public URL's.
    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == ScopeType.HTTP and scope["method"] not in SAFE_METHODS:
                headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
                scheme = "https" if settings.https else scope.get("scheme", "http")
                if not same_origin(headers, scheme, settings.public_url):
                    refuse_cross_site()
            await app(scope, receive, send)

        return middleware

    return factory
