"""Pages of signing in and out, keeping a session alive, and the one-time welcome and password links."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_404_NOT_FOUND,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
)

from dialogue.accounts import links, sessions
from dialogue.accounts.browser import (
    new_browser_session,
    no_store,
    remember_device,
    safe_next,
    set_language_cookie,
    set_session_cookie,
    this_device,
)
from dialogue.accounts.middleware import client_ip, session_cookie_name
from dialogue.accounts.permissions import PUBLIC, SIGNED_IN
from dialogue.accounts.sessions import SignInRefused, end_session, sign_in, start_session
from dialogue.audit.models import AuditAction
from dialogue.audit.trail import record
from dialogue.errors import Invalid
from dialogue.forms import Form
from dialogue.web import DB, Config, render


@get("/login", opt=PUBLIC)
async def login_page(request: Request, next: FromQuery[str | None] = None) -> Response[Any]:
    if request.scope.get("user") is not None:
        return Redirect(path=safe_next(next), status_code=303)
    return render(request, "accounts/login.html", {"next": safe_next(next), "values": {}, "error": None})


@post("/login", opt=PUBLIC)
async def login(request: Request, db: DB, settings: Config) -> Response[Any]:
    form = Form(await request.form())
    email = form.text("email", max_length=254)
    password = str(form.data.get("password", ""))[:1024]
    next_path = safe_next(form.raw("next"))
    if form.errors:  # no account has such an email (over 254 characters): nothing to look up
        context = {"next": next_path, "values": {"email": email[:254]}, "error": next(iter(form.errors.values()))}
        return render(request, "accounts/login.html", context, status_code=HTTP_400_BAD_REQUEST)
    try:
        account = await sign_in(db, email, password, ip=client_ip(request.scope), device=this_device(request, settings))
    except SignInRefused as refused:
        await db.commit()  # the failure is counted and recorded even though sign-in failed
        status = HTTP_429_TOO_MANY_REQUESTS if refused.throttled else HTTP_401_UNAUTHORIZED
        context = {"next": next_path, "values": {"email": email}, "error": refused.message}
        return render(request, "accounts/login.html", context, status_code=status)
    previous = request.cookies.get(session_cookie_name(settings))
    token = await start_session(
        db,
        account,
        previous_token=previous,
        ip=client_ip(request.scope),
        user_agent=request.headers.get("user-agent", ""),
    )
    await db.commit()
    response: Response[Any] = Redirect(path=next_path, status_code=303)
    set_session_cookie(response, settings, token)
    set_language_cookie(response, account, secure=settings.https)
    remember_device(response, request, settings, account)
    return response


@post("/logout", opt=SIGNED_IN)
async def logout(request: Request, db: DB, settings: Config) -> Response[Any]:
    name = session_cookie_name(settings)
    await end_session(db, request.cookies.get(name))
    await record(db, AuditAction.SIGN_OUT, summary=request.user.email)
    await db.commit()
    response: Response[Any] = Redirect(path="/login", status_code=303)
    response.delete_cookie(name, path="/")
    return response


@post("/session/extend", opt=SIGNED_IN)
async def extend_session(request: Request, db: DB, settings: Config) -> Response[Any]:
    """ "Stay signed in", in the warning shown before the idle timeout (static/drafts.js)."""
    await sessions.extend_session(db, request.cookies.get(session_cookie_name(settings)))
    await db.commit()
    return Response(content=b"", status_code=204)


# One-time links: choose a password -----------------------------------------------------


def _dead_link(request: Request) -> Response[Any]:
    # The same page whether the link is unknown, used, expired or its account disabled.
    return no_store(render(request, "accounts/link_dead.html", {}, status_code=HTTP_404_NOT_FOUND), referrer=False)


@get("/welcome/{token:str}", opt=PUBLIC)
async def welcome_page(request: Request, db: DB, token: FromPath[str]) -> Response[Any]:
    found = await links.live_link(db, token)
    if found is None:
        return _dead_link(request)
    link, account = found
    context = {"token": token, "email": account.email, "purpose": link.purpose, "errors": {}}
    return no_store(render(request, "accounts/welcome.html", context), referrer=False)


@post("/welcome/{token:str}", opt=PUBLIC)
async def welcome(request: Request, db: DB, settings: Config, token: FromPath[str]) -> Response[Any]:
    form = Form(await request.form())
    try:
        account = await links.use_link(
            db,
            token,
            str(form.data.get("password", ""))[:1024],
            str(form.data.get("repeat_password", ""))[:1024],
            ip=client_ip(request.scope),
        )
    except links.LinkDead:
        return _dead_link(request)
    except Invalid as error:
        found = await links.live_link(db, token)
        if found is None:
            return _dead_link(request)
        link, linked = found
        context = {"token": token, "email": linked.email, "purpose": link.purpose, "errors": error.errors}
        page = render(request, "accounts/welcome.html", context, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return no_store(page, referrer=False)
    session_token = await new_browser_session(request, db, settings, account)
    await db.commit()
    response: Response[Any] = Redirect(path="/", status_code=303)
    set_session_cookie(response, settings, session_token)
    remember_device(response, request, settings, account)
    return response


routes: list[Any] = [
    login_page,
    login,
    logout,
    extend_session,
    welcome_page,
    welcome,
]
