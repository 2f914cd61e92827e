"""`create_app(settings)`: everything the application is made of, in one place."""

from __future__ import annotations

import gc
from typing import Any

import anyio
from litestar import Litestar, Request, Response, Router, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders, State
from litestar.di import Provide
from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.template import TemplateConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar_htmx import HTMXPlugin
from sqlalchemy import text

from dialogue import csrf, i18n, probes
from dialogue.accounts import browser as accounts_browser
from dialogue.accounts import profile as accounts_profile
from dialogue.accounts import profile_routes, sign_in_routes
from dialogue.accounts import routes as accounts_routes
from dialogue.accounts import service as accounts_service
from dialogue.accounts.middleware import authentication_middleware
from dialogue.accounts.permissions import PUBLIC, authorize
from dialogue.agenda import api as agenda_api
from dialogue.agenda import routes as agenda_routes
from dialogue.archive import routes as archive_routes
from dialogue.audit import routes as audit_routes
from dialogue.bodies import api as bodies_api
from dialogue.bodies import routes as bodies_routes
from dialogue.calendar import month_routes as calendar_month_routes
from dialogue.calendar import routes as calendar_routes
from dialogue.commitments import api as commitments_api
from dialogue.commitments import routes as commitments_routes
from dialogue.compression import compression_middleware
from dialogue.dashboard import routes as dashboard_routes
from dialogue.db import create_engine, sqlalchemy_plugin
from dialogue.documents import routes as documents_routes
from dialogue.documents.storage import DocumentStorage
from dialogue.error_handlers import exception_handlers
from dialogue.imports import routes as imports_routes
from dialogue.logs import request_log
from dialogue.mail import routes as mail_routes
from dialogue.mail.worker import start_mail_worker, stop_mail_worker
from dialogue.meetings import api as meetings_api
from dialogue.meetings import invitation_routes, partner_routes, sending_routes
from dialogue.meetings import routes as meetings_routes
from dialogue.meetings.visibility import hide_drafts
from dialogue.minutes import followup_routes
from dialogue.minutes import routes as minutes_routes
from dialogue.minutes.render_pool import RenderPool
from dialogue.openapi import ClosedStructs, allow_methods, describe_api, openapi_config, strict_body
from dialogue.page_cache import page_cache_middleware
from dialogue.papers import routes as papers_routes
from dialogue.people import api as people_api
from dialogue.people import routes as people_routes
from dialogue.people.models import Language
from dialogue.press import public_routes as press_public_routes
from dialogue.press import routes as press_routes
from dialogue.projects import api as projects_api
from dialogue.projects import routes as projects_routes
from dialogue.reports import c144_routes as report_c144_routes
from dialogue.reports import commitments_routes as commitment_report_routes
from dialogue.reports import participation_routes
from dialogue.reports import routes as reports_routes
from dialogue.session_factory import session_factory
from dialogue.settings import Settings
from dialogue.static_files import StaticFiles, static_files_handler
from dialogue.templating import jinja_environment, templates_changed_at
from dialogue.text_input import refuse_unreadable_bytes
from dialogue.web import DB, Config

LANGUAGE_COOKIE = i18n.LANGUAGE_COOKIE

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        "base-uri 'self'; form-action 'self'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def language_middleware(settings: Settings) -> Any:
    """Set the language (cookie, else Accept-Language, else the default) and time zone.
    The account's own preference outranks these: the authentication middleware, which runs
    next and knows the account, sets it."""

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == ScopeType.HTTP:
                connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
                i18n.set_language(
                    i18n.browser_language(
                        connection.cookies, connection.headers.get("accept-language"), settings.default_language
                    )
                )
                i18n.set_timezone(settings.tz)
            await app(scope, receive, send)

        return middleware

    return factory


@get("/health", include_in_schema=False, cache=False, opt=PUBLIC)
async def health(db: DB) -> Response[str]:
    """Up, and the database answers."""
    await db.execute(text("SELECT 1"))
    return Response(content="ok", media_type="text/plain")


@post("/language", include_in_schema=False, opt=PUBLIC)
async def choose_language(request: Request, db: DB, settings: Config) -> Redirect:
    """The language switcher: a cookie for this browser and, for a signed-in person, their
    account's preference too (which outranks the cookie)."""
    form = await request.form()
    language = str(form.get("language", ""))
    back = accounts_browser.safe_next(str(form.get("next", "/")))
    response = Redirect(path=back, status_code=303)
    if language in i18n.LANGUAGES:
        accounts_browser.set_language_cookie_value(response, language, secure=settings.https)
        account = request.scope.get("user")
        if account is not None:
            await accounts_profile.switch_language(
                db, await accounts_service.get_account(db, account.id), Language(language)
            )
            await db.commit()
    return response


def no_nul_in_path(connection: ASGIConnection[Any, Any, Any, Any], _handler: Any) -> None:
    """A NUL byte in a file's address names no file (the file system would raise)."""
    if "\x00" in connection.scope["path"]:
        raise NotFoundException()


def security_headers(settings: Settings) -> Any:
    """A `before_send` hook: every response gets the headers, error pages, 404s, CSRF
    refusals and redirects included (an `after_request` hook misses the responses built
    by exception handlers and middleware)."""
    headers = dict(SECURITY_HEADERS)
    if settings.https:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    async def add(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            response_headers = MutableScopeHeaders.from_message(message)
            for name, value in headers.items():
                if name not in response_headers:
                    response_headers[name] = value
            # What a signed-in person sees (pages, downloads, the API) stays out of every
            # cache, the browser's back button and shared proxies included.
            if scope.get("user") is not None and not scope.get("path", "").startswith("/static/"):
                response_headers["Cache-Control"] = "no-store"

    return add


def served_app() -> Litestar:
    """The application as each process of `dialogue run` serves it.

    What exists once the application is built (modules, routes, models, settings: about
    220,000 objects) lives as long as the process: it is moved out of the garbage collector's
    sight (`gc.freeze`), so that a full collection, which would walk all of it (0.1 s or more,
    every visitor waiting), walks only what the requests made."""
    app = create_app()
    gc.collect()
    gc.freeze()
    return app


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    i18n.check_catalogs()  # fail at startup, not on the first page, without compiled catalogs
    settings.check()  # production without a public URL, a secret key or the proxies: no start
    engine = create_engine(settings)
    sessions = session_factory(engine)
    static = StaticFiles(watch=not settings.production)
    pages = [
        sign_in_routes,
        profile_routes,
        accounts_routes,
        dashboard_routes,
        meetings_routes,
        invitation_routes,
        partner_routes,
        sending_routes,
        agenda_routes,
        commitments_routes,
        bodies_routes,
        projects_routes,
        people_routes,
        imports_routes,
        audit_routes,
        archive_routes,
        mail_routes,
        calendar_routes,
        calendar_month_routes,
        minutes_routes,
        followup_routes,
        papers_routes,
        reports_routes,
        report_c144_routes,
        commitment_report_routes,
        participation_routes,
        press_routes,
        press_public_routes,
    ]
    apis = [meetings_api, agenda_api, commitments_api, bodies_api, projects_api, people_api]
    route_handlers: list[Any] = [
        health,
        *probes.routes,
        choose_language,
        static_files_handler(static, guards=[no_nul_in_path], opt=PUBLIC),
        # Only the JSON API is described by OpenAPI.
        Router(path="/", route_handlers=[h for area in pages for h in area.routes], include_in_schema=False),
        # Documents: uploads take a body as large as DIALOGUE_UPLOAD_MAX_MB allows.
        documents_routes.router(settings),
        *[h for area in apis for h in area.routes],
    ]

    async def dispose_engine() -> None:
        await engine.dispose()

    render_pool = RenderPool(settings.render_processes)
    storage = DocumentStorage.from_settings(settings)

    async def stop_render_pool() -> None:
        await anyio.to_thread.run_sync(render_pool.shutdown)

    app = Litestar(
        route_handlers=route_handlers,
        plugins=[sqlalchemy_plugin(engine, sessions), HTMXPlugin(), ClosedStructs()],
        template_config=TemplateConfig(
            instance=JinjaTemplateEngine.from_environment(
                jinja_environment(static, auto_reload=not settings.production)
            )
        ),
        csrf_config=csrf.csrf_config(settings),
        # NUL and non-UTF-8 bytes are refused in the user's language, before anything reads them.
        middleware=[
            language_middleware(settings),
            refuse_unreadable_bytes,
            authentication_middleware(settings),
            csrf.origin_check_middleware(settings),
            # Inside compression, so that a kept page is kept once, uncompressed.
            compression_middleware(),
            page_cache_middleware(
                settings.page_cache_mb * 1024 * 1024, stamp=None if settings.production else templates_changed_at
            ),
        ],
        guards=[authorize, hide_drafts],
        before_request=strict_body,
        dependencies={
            "settings": Provide(lambda: settings, sync_to_thread=False),
            "render_pool": Provide(lambda: render_pool, sync_to_thread=False),
            "storage": Provide(lambda: storage, sync_to_thread=False),
        },
        exception_handlers=exception_handlers,
        before_send=[security_headers(settings), allow_methods],
        openapi_config=openapi_config(),
        state=State(
            {
                "settings": settings,
                "engine": engine,
                "sessions": sessions,
                "static_files": static,
                "render_pool": render_pool,
                "storage": storage,
            }
        ),
        # The outbox worker runs only when DIALOGUE_SMTP_URL is set; it stops before the engine.
        on_startup=[start_mail_worker],
        on_shutdown=[stop_mail_worker, stop_render_pool, dispose_engine],
        debug=settings.debug,
        # Logging belongs to the process (dialogue/logs.py: JSON lines in production), not
        # to Litestar's own handler on the root logger.
        logging_config=None,
    )
    describe_api(app)
    app.asgi_handler = request_log(app.asgi_handler)  # around routing: unknown addresses are logged too
    return app
