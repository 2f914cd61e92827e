"""What every page shares: page-or-fragment rendering, redirects, downloads, pagination.
Errors become answers in `error_handlers.py`."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from litestar import MediaType, Request, Response
from litestar.di import NamedDependency
from litestar.response import Redirect
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_422_UNPROCESSABLE_ENTITY,
)
from litestar_htmx import HTMXTemplate, HXLocation
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.errors import Invalid
from dialogue.minutes.render_pool import RenderPool
from dialogue.settings import Settings

# Handler parameters injected by name: `db: DB` is the request's database session
# (handlers commit explicitly), `settings: Config` the app's settings, `render_pool:
# Renderers` the processes that render PDF and Word exports.
DB = NamedDependency[AsyncSession]
Config = NamedDependency[Settings]
Renderers = NamedDependency[RenderPool]


class Template(HTMXTemplate):
    """A template response whose `csrf_input` is already HTML (Litestar passes a plain str,
    which autoescape would print as text). As litestar-htmx's template, it can also carry
    an event for the page (`trigger_event`, sent as HX-Trigger). Always HTML: Litestar would
    otherwise take the handler's media type, JSON for a handler annotated `-> Any`, and a
    browser posting a form without htmx would show the page's source."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("media_type", MediaType.HTML)
        super().__init__(*args, **kwargs)

    def create_template_context(self, request: Request) -> dict[str, Any]:
        context = super().create_template_context(request)
        context["csrf_input"] = Markup(context["csrf_input"])  # noqa: S704 (built by Litestar, value escaped)
        return context


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def wants_fragment(request: Request) -> bool:
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not htmx.boosted and not htmx.history_restore_request


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    fragment: str | None = None,
    status_code: int = 200,
    trigger_event: str | None = None,
) -> Template:
    """The full page, or only `fragment` when HTMX asks for a part of the page.
    `trigger_event`: an event (HX-Trigger) that tells other parts of the page to reload."""
    name = fragment if fragment and wants_fragment(request) else template
    return Template(
        template_name=name,
        context=context or {},
        status_code=status_code,
        trigger_event=trigger_event,
        after="receive" if trigger_event else None,
    )


def render_bad_filters(request: Request, template: str, context: dict[str, Any]) -> Template:
    """A page whose filters (its query string) cannot be read: the page again, with the
    messages in `context`, as a 400. htmx swaps a 4xx answer only when it says how
    (dialogue/static/errors.js): the whole page."""
    htmx = getattr(request, "htmx", None)
    return Template(
        template_name=template,
        context=context,
        status_code=HTTP_400_BAD_REQUEST,
        re_target="body" if htmx else None,
        re_swap="innerHTML" if htmx else None,
    )


def render_invalid(
    request: Request, template: str, context: dict[str, Any], error: Invalid, *, fragment: str | None = None
) -> Template:
    """The same form again with the messages and what the user typed (422)."""
    context = {**context, "errors": error.errors, "values": error.values}
    return render(request, template, context, fragment=fragment, status_code=HTTP_422_UNPROCESSABLE_ENTITY)


def see_other(request: Request, url: str) -> Response[Any]:
    """After a successful form: go to `url` (HTMX follows with HX-Location). The new page
    opens at its top, as a page loaded by the browser would, or at its #anchor if it has one
    (htmx scrolls to that by itself; a `show:` would then override it)."""
    if wants_fragment(request):
        return HXLocation(url, target="body", swap=None if "#" in url else "innerHTML show:window:top", status_code=204)  # type: ignore[arg-type]
    return Redirect(path=url, status_code=HTTP_303_SEE_OTHER)


def attachment(filename: str) -> dict[str, str]:
    """The header that makes a browser save a file as `filename` (RFC 6266). A name that is
    not plain ASCII goes as UTF-8 in `filename*` (RFC 5987), after an ASCII fallback for old
    clients. Calendar subscription feeds, fetched by calendar apps, do without."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r"[^A-Za-z0-9._ -]", "", fallback).strip()
    name, dot, extension = fallback.rpartition(".")
    if not (name if dot else extension).strip("._ -"):  # nothing left of an Arabic name
        fallback = "download" + (dot + extension if dot else "")
    value = f'attachment; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return {"Content-Disposition": value}


# Query parameters of a list that order or page it without leaving anything out.
UNFILTERED = frozenset({"offset", "limit", "order", "sort", "dir", "direction"})


@dataclass(frozen=True)
class Page:
    """One page of a list: `limit` rows from `offset`, with links to the neighbours."""

    total: int
    limit: int
    offset: int
    query: dict[str, Any]

    @property
    def number(self) -> int:
        return self.offset // self.limit + 1

    @property
    def count(self) -> int:
        return max(1, math.ceil(self.total / self.limit))

    @property
    def first_row(self) -> int:
        return min(self.total, self.offset + 1)

    @property
    def last_row(self) -> int:
        return min(self.total, self.offset + self.limit)

    def url(self, offset: int) -> str:
        query = {k: v for k, v in self.query.items() if v not in (None, "", False) and k != "offset"}
        if offset:
            query["offset"] = offset
        return "?" + urlencode(query, doseq=True)

    @property
    def filtered(self) -> bool:
        """A filter or a search narrows the list (sorting and paging do not): an empty list
        then says that nothing matches, not that there is nothing yet."""
        return any(value not in (None, "", False, [], ()) for key, value in self.query.items() if key not in UNFILTERED)

    @property
    def previous_url(self) -> str | None:
        return self.url(max(0, self.offset - self.limit)) if self.offset > 0 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.offset + self.limit) if self.offset + self.limit < self.total else None


def page_window(limit: int | None, offset: int | None, default: int, maximum: int = 200) -> tuple[int, int]:
    """Clamp user-supplied `limit`/`offset` to sane values."""
    limit = default if limit is None or limit < 1 else min(limit, maximum)
    offset = 0 if offset is None or offset < 0 else offset
    return limit, offset
