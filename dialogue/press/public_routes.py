"""The public pages, read by anyone without signing in: `/public` (the published press
releases), `/public/events/{slug}` (one release with its event's date, place, organisations
and shared outcomes), the same as PDF, Word or HTML (`{slug}.pdf?lang=ar`), and as Open
Civic Data / Popolo JSON (`{slug}.json`, and every release in `/public/events.json`).

These addresses skip the authentication middleware and the CSRF cookie (no session is read,
no cookie is set: accounts/middleware.py and csrf.py); they show nothing that is not
published, and may be kept by shared caches for a few minutes."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, get
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_400_BAD_REQUEST

from dialogue import i18n
from dialogue.accounts.permissions import PUBLIC
from dialogue.errors import NotFound
from dialogue.i18n import _
from dialogue.press import document, popolo, service
from dialogue.press.record import ReleaseRecord, release_record
from dialogue.press.routes import release_file
from dialogue.web import DB, Config, Renderers, Template

# Shared caches may keep a public page this long (seconds): an unpublished release leaves
# them within that time.
MAX_AGE = 300
CACHE_HEADERS = {"Cache-Control": f"public, max-age={MAX_AGE}", "Vary": "Accept-Language, Cookie"}


def public_language(request: Request) -> str:
    """`?lang=fr|ar|en` first, then the language chosen by the middleware (the language
    cookie, else Accept-Language): set for the whole answer."""
    language = request.query_params.get("lang") or ""
    if language not in i18n.LANGUAGES:
        language = i18n.current_language()
    i18n.set_language(language)
    return language


async def _records(db: DB, releases: list[Any]) -> list[ReleaseRecord]:
    return [await release_record(db, release, release.meeting) for release in releases]


def _page(template: str, context: dict[str, Any]) -> Template:
    context = {**context, "release_fields": document.fields, "formats": document.FORMATS}
    # Explicitly HTML: `public_event` also answers JSON and files, so its return type says nothing.
    return Template(template_name=template, context=context, headers=CACHE_HEADERS, media_type=MediaType.HTML)


@get("/public", name="public_index", cache=False, opt=PUBLIC)
async def public_index(request: Request, db: DB) -> Template:
    """The published press releases, the latest event first."""
    language = public_language(request)
    records = await _records(db, await service.published_releases(db))
    return _page("press/public_index.html", {"records": records, "language": language, "path": "/public"})


@get("/public/events.json", name="public_events_json", cache=False, opt=PUBLIC)
async def public_events_json(request: Request, db: DB, settings: Config) -> Response[Any]:
    """Every published release as OCD events, with their organizations and contacts."""
    language = public_language(request)
    records = await _records(db, await service.published_releases(db))
    return Response(content=popolo.document(records, settings.public_url, language), headers=CACHE_HEADERS)


@get("/public/events/{name:str}", name="public_event", cache=False, opt=PUBLIC)
async def public_event(request: Request, db: DB, settings: Config, render_pool: Renderers) -> Any:
    """`{slug}`: the page; `{slug}.json`: its OCD event; `{slug}.pdf|docx|html`: the file."""
    name: str = request.path_params["name"]
    slug, dot, suffix = name.rpartition(".")
    if not dot:
        slug, suffix = name, ""
    if suffix not in ("", "json", *document.FORMATS):
        raise NotFound
    language = public_language(request)
    release = await service.published_release(db, slug)
    record = await release_record(db, release, release.meeting)
    if suffix == "json":
        return Response(content=popolo.document([record], settings.public_url, language), headers=CACHE_HEADERS)
    if suffix:
        lang = request.query_params.get("lang")
        if lang is not None and lang not in i18n.LANGUAGES:
            raise HTTPException(
                status_code=HTTP_400_BAD_REQUEST,
                detail=_("Choose the language of the export among: {languages}.").format(
                    languages=", ".join(i18n.LANGUAGES)
                ),
            )
        response = await release_file(render_pool, record, suffix, language)
        response.headers.update(CACHE_HEADERS)
        return response
    context = {"record": record, "language": language, "path": f"/public/events/{record.slug}"}
    return _page("press/public_event.html", context)


routes: list[Any] = [public_index, public_events_json, public_event]
