"""The one place that turns errors into answers: the error page, a message in the page or the
API's JSON, in the person's language (`exception_handlers`, given to the app)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import urlencode, urlsplit

from advanced_alchemy.exceptions import NotFoundError, RepositoryError
from litestar import Request, Response
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_405_METHOD_NOT_ALLOWED,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from litestar_htmx import ClientRedirect
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError

from dialogue import i18n
from dialogue.accounts.permissions import SignInRequired
from dialogue.audit.models import AuditAction
from dialogue.audit.trail import Actor, current_actor, record
from dialogue.errors import Forbidden, Invalid, NotFound, Refused, Stale, Unconfirmed
from dialogue.i18n import _
from dialogue.idempotency import AlreadyDone
from dialogue.web import Template, is_api, see_other, wants_fragment

log = logging.getLogger("dialogue")


# The message area of every page (templates/base.html): where a refused or failed HTMX
# request that replaces a part of the page says why.
MESSAGES = "#messages"


def api_error(
    status_code: int, message: str, extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> Response[Any]:
    """An error answer of the JSON API, in its one shape (`dialogue.openapi.ApiError`):
    `status`, `message`, and `errors`, `warnings`, `detail` or `current` when they apply."""
    return Response(
        content={"status": status_code, "message": message, **(extra or {})}, status_code=status_code, headers=headers
    )


def field_errors(problems: Any) -> dict[str, str]:
    """Litestar's list of validation problems (`{"key", "message", "source"}`) as a message
    per field, the shape of `errors` in every error answer of the API."""
    errors: dict[str, str] = {}
    for problem in problems if isinstance(problems, list) else []:
        if isinstance(problem, dict):
            key = str(problem.get("key") or "")
            errors[key] = "; ".join(m for m in (errors.get(key), str(problem.get("message", ""))) if m)
    return errors


def _error(
    request: Request,
    status_code: int,
    message: str,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """The error answer: JSON to the API, the error page to a browser. HTMX swaps an error
    answer only when it says how (HX-Reswap, see dialogue/static/errors.js): a boosted link
    or form gets the error page in place of the page (a form's address is never pushed); a
    button or form that replaces a part of the page gets a short message in #messages."""
    if is_api(request):
        return api_error(status_code, message, extra, headers)
    context = {"status_code": status_code, "message": message}
    if wants_fragment(request):
        return Template(
            template_name="errors/_message.html",
            context=context,
            status_code=status_code,
            re_target=MESSAGES,
            re_swap="innerHTML",
            headers=headers,
        )
    if getattr(request, "htmx", None):
        return Template(
            template_name="errors/page.html",
            context=context,
            status_code=status_code,
            re_target="body",
            re_swap="innerHTML",
            push_url=None if request.method == "GET" else False,
            headers=headers,
        )
    return Template(template_name="errors/page.html", context=context, status_code=status_code, headers=headers)


def _http_error(request: Request, exc: HTTPException) -> Response[Any]:
    # Litestar's Scope type says "user" is always there: not before the authentication middleware.
    if "user" not in cast("dict[str, Any]", request.scope):
        # Refused by the router (no such address, or not with this method): the
        # middlewares that choose the language did not run. (Static files and the health
        # check are not authenticated either: the same choice again.)
        settings = request.app.state.settings
        i18n.set_language(
            i18n.browser_language(request.cookies, request.headers.get("accept-language"), settings.default_language)
        )
    if isinstance(exc, ValidationException):
        if is_api(request):
            return api_error(exc.status_code, _("The request is not valid."), {"errors": field_errors(exc.extra)})
        return _error(request, exc.status_code, _("The request is not valid."))
    if exc.status_code == HTTP_404_NOT_FOUND:
        # A "not found" raised with its own (translated) reason says it; the router's says
        # only "Not Found".
        generic = exc.detail == HTTPStatus.NOT_FOUND.phrase or not exc.detail
        return _error(
            request, exc.status_code, _("This page does not exist, or no longer exists.") if generic else exc.detail
        )
    if exc.status_code == HTTP_405_METHOD_NOT_ALLOWED:
        # An address that only takes forms, opened directly (a bookmark, a copied link). The
        # router's exception says which methods the address takes (Allow, RFC 9110).
        allow = {"Allow": exc.headers["allow"]} if exc.headers and "allow" in exc.headers else None
        if is_api(request):
            return api_error(exc.status_code, _("This address does not take this method."), headers=allow)
        return _error(
            request,
            exc.status_code,
            _("This address only receives forms. Go back to the page you came from."),
            headers=allow,
        )
    if exc.status_code == HTTP_413_REQUEST_ENTITY_TOO_LARGE:
        limit = request.route_handler.resolve_request_max_body_size() or 0
        return _error(
            request,
            exc.status_code,
            _("What you sent is too large: at most {n} MB.").format(n=max(1, limit // (1024 * 1024))),
        )
    if exc.status_code >= 500:
        log.error("HTTP %s on %s", exc.status_code, request.url.path, exc_info=exc)
        return _error(request, exc.status_code, _("Something went wrong on our side."))
    response = _error(request, exc.status_code, exc.detail or _("The request was refused."))
    if exc.status_code == HTTP_403_FORBIDDEN:  # Litestar's CSRF check
        return _recorded_refusal(request, response, "csrf")
    return response


def _not_found(request: Request, exc: Exception) -> Response[Any]:
    message = exc.message if isinstance(exc, NotFound) else ""
    return _error(request, HTTP_404_NOT_FOUND, message or _("This page does not exist, or no longer exists."))


def _invalid(request: Request, exc: Invalid) -> Response[Any]:
    return _error(request, HTTP_422_UNPROCESSABLE_ENTITY, _("Some values are not valid."), {"errors": exc.errors})


def _unconfirmed(request: Request, exc: Unconfirmed) -> Response[Any]:
    return _error(
        request,
        HTTP_422_UNPROCESSABLE_ENTITY,
        _("Some values are unusual: check them, then send again with confirm to save."),
        {"warnings": exc.warnings},
    )


def _stale(request: Request, exc: Stale) -> Response[Any]:
    return _error(request, HTTP_409_CONFLICT, exc.message)


def _refused(request: Request, exc: Refused) -> Response[Any]:
    return _error(request, HTTP_409_CONFLICT, exc.message)


def _conflict(request: Request, exc: Exception) -> Response[Any]:
    log.warning("conflict on %s: %s", request.url.path, exc)
    if isinstance(exc, StaleDataError):
        return _error(request, HTTP_409_CONFLICT, Stale().message)
    return _error(request, HTTP_409_CONFLICT, _("This change conflicts with the current record."))


def _already_done(request: Request, exc: AlreadyDone) -> Response[Any]:
    # A create sent again with the same one-time key: the answer of the first time.
    return see_other(request, exc.url)


def _out_of_range(request: Request, exc: Exception) -> Response[Any]:
    # A number larger than the database can hold (SQLite: OverflowError; PostgreSQL:
    # DataError) is bad input, whichever parameter or field carried it.
    log.info("value out of range on %s: %s", request.url.path, exc)
    return _error(request, HTTP_400_BAD_REQUEST, _("A value in the request is out of range."))


def _page_to_come_back_to(request: Request) -> str:
    """Where to go after signing in: the address asked for; for a form sent after the session
    ended, the page that had the form (HTMX's HX-Current-URL, else the Referer), where the
    typed text is given back (static/drafts.js), never the address that only takes forms.
    Only a page of this site: login's `safe_next` checks again."""
    if request.method in ("GET", "HEAD"):
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    for header in ("hx-current-url", "referer"):
        page = urlsplit(request.headers.get(header, ""))
        if page.netloc == request.url.netloc and page.path.startswith("/") and page.path != "/login":
            return page.path + (f"?{page.query}" if page.query else "")
    return "/"


def _sign_in_required(request: Request, _exc: SignInRequired) -> Response[Any]:
    if is_api(request):
        return api_error(
            401,
            _("Sign in first: send a personal API token as 'Authorization: Bearer <token>'."),
            headers={"WWW-Authenticate": "Bearer"},
        )
    login = "/login?" + urlencode({"next": _page_to_come_back_to(request)})
    if getattr(request, "htmx", None):
        redirect = ClientRedirect(login)
        redirect.status_code = 401  # still "sign in first"; htmx follows HX-Redirect whatever the status
        return redirect
    return Redirect(path=login, status_code=HTTP_303_SEE_OTHER)


async def _record_refusal(app: Any, actor: Actor, summary: str, entity: str = "") -> None:
    async with app.state.sessions() as db:
        await record(db, AuditAction.REFUSED, summary=summary, actor=actor, entity=entity)
        await db.commit()


def _recorded_refusal(request: Request, response: Response[Any], entity: str = "") -> Response[Any]:
    """`response` (a 403) with the refusal written to the audit trail, in a session of its
    own (the request's is rolled back). Litestar calls exception handlers synchronously (an
    async one answered 500), so the event is written by a background task, before the
    request is over. Every 403 goes through here: permissions, CSRF and origin checks."""
    summary = f"{request.method} {request.url.path}"[:300]
    response.background = BackgroundTask(_record_refusal, request.app, current_actor(), summary, entity)
    return response


def _forbidden(request: Request, exc: Forbidden) -> Response[Any]:
    return _recorded_refusal(request, _error(request, HTTP_403_FORBIDDEN, exc.message))


# What a database that cannot be reached raises, besides connection errors of the OS: the
# server shutting down or starting up (asyncpg), a connection closed under a query.
_UNREACHABLE = {"CannotConnectNowError", "AdminShutdownError", "ConnectionDoesNotExistError", "ConnectionFailureError"}


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, what caused it and what the driver raised under it (SQLAlchemy's `orig`)."""
    causes: list[BaseException | None] = [exc]
    seen: set[int] = set()
    while causes:
        cause = causes.pop()
        if cause is None or id(cause) in seen:
            continue
        seen.add(id(cause))
        yield cause
        causes += [cause.__cause__, cause.__context__, getattr(cause, "orig", None)]


def _database_unreachable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached or is too busy to answer now (a
    passing state: the pool reconnects on the next request), rather than a fault of ours."""
    for cause in _causes(exc):
        if isinstance(cause, ConnectionError | TimeoutError | PoolTimeout) or type(cause).__name__ in _UNREACHABLE:
            return True
        if isinstance(cause, DBAPIError) and cause.connection_invalidated:
            return True
        if "database is locked" in str(cause) and isinstance(cause, DBAPIError):
            return True
    return False


def _unavailable(request: Request, exc: BaseException) -> Response[Any]:
    """503, with a message people understand and a hint for clients to come back; the pool
    drops broken connections and checks each one before use (db.py), so Dialogue recovers
    by itself when the database is back."""
    log.warning("database unavailable on %s: %s: %s", request.url.path, type(exc).__name__, exc)
    return _error(
        request,
        HTTP_503_SERVICE_UNAVAILABLE,
        _("Dialogue cannot reach its database at the moment. Try again in a minute."),
        headers={"Retry-After": "30"},
    )


def _os_error(request: Request, exc: OSError) -> Response[Any]:
    # A refused or timed-out connection to the database (asyncpg raises the OS's error while
    # connecting); any other OSError is ours.
    return _unavailable(request, exc) if _database_unreachable(exc) else _internal(request, exc)


def _database_error(request: Request, exc: DBAPIError) -> Response[Any]:
    if _database_unreachable(exc):
        return _unavailable(request, exc)
    # asyncpg refuses an out-of-range parameter while binding it; SQLAlchemy wraps that as a
    # plain DBAPIError. It is bad input like any other out-of-range number.
    for cause in _causes(exc):
        if isinstance(cause, OverflowError | DataError) or type(cause).__name__ == "DataError":
            return _out_of_range(request, exc)
    return _internal(request, exc)


def _too_deep(request: Request, exc: RecursionError) -> Response[Any]:
    # JSON nested a thousand levels deep exhausts the decoder's stack: bad input, not a bug.
    if "deserializing" in str(exc) or "decod" in str(exc):
        return _error(request, HTTP_400_BAD_REQUEST, _("The request is nested too deeply."))
    return _internal(request, exc)


def _internal(request: Request, exc: Exception) -> Response[Any]:
    log.error("unhandled error on %s", request.url.path, exc_info=exc)
    return _error(request, HTTP_500_INTERNAL_SERVER_ERROR, _("Something went wrong on our side."))


exception_handlers: dict[Any, Any] = {
    SignInRequired: _sign_in_required,
    Forbidden: _forbidden,
    HTTPException: _http_error,
    NotFoundError: _not_found,
    NotFound: _not_found,
    Invalid: _invalid,
    Unconfirmed: _unconfirmed,
    Stale: _stale,
    Refused: _refused,
    AlreadyDone: _already_done,
    StaleDataError: _conflict,
    IntegrityError: _conflict,
    RepositoryError: _conflict,
    OverflowError: _out_of_range,
    DataError: _out_of_range,
    DBAPIError: _database_error,
    PoolTimeout: _unavailable,
    OSError: _os_error,
    RecursionError: _too_deep,
    Exception: _internal,
}
