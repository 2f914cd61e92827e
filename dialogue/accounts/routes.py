"""Pages: sign in, sign out."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect
from litestar.status_codes import HTTP_401_UNAUTHORIZED, HTTP_429_TOO_MANY_REQUESTS

from dialogue.accounts.middleware import client_ip, read_cookie, session_cookie_name
from dialogue.accounts.permissions import Permission
from dialogue.accounts.service import SignInRefused, end_session, sign_in, start_session
from dialogue.audit.models import AuditAction
from dialogue.audit.trail import record
from dialogue.forms import Form
from dialogue.web import DB, Config, Template, render


def safe_next(value: str | None) -> str:
    """Only a local path is followed after sign-in (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or value.startswith("/\\"):
        return "/"
    return value


def set_session_cookie(response: Response[Any], settings: Any, token: str) -> None:
    response.set_cookie(
        session_cookie_name(settings),
        token,
        path="/",
        httponly=True,
        secure=settings.https,
        samesite="lax",
        max_age=settings.session_max_hours * 3600,
    )


@get("/login", opt={"permission": Permission.PUBLIC})
async def login_page(request: Request, next: FromQuery[str | None] = None) -> Response[Any]:  # noqa: A002
    if request.scope.get("user") is not None:
        return Redirect(path=safe_next(next), status_code=303)
    return render(request, "accounts/login.html", {"next": safe_next(next), "values": {}, "error": None})


@post("/login", opt={"permission": Permission.PUBLIC})
async def login(request: Request, db: DB, settings: Config) -> Response[Any]:
    form = Form(await request.form())
    email = form.text("email", max_length=254)
    password = str(form.data.get("password", ""))[:1024]
    next_path = safe_next(form.raw("next"))
    try:
        account = await sign_in(db, email, password, ip=client_ip(request.scope))
    except SignInRefused as refused:
        await db.commit()  # the failure is counted and recorded even though sign-in failed
        status = HTTP_429_TOO_MANY_REQUESTS if refused.throttled else HTTP_401_UNAUTHORIZED
        context = {"next": next_path, "values": {"email": email}, "error": refused.message}
        return render(request, "accounts/login.html", context, status_code=status)
    previous = read_cookie(dict(request.headers), session_cookie_name(settings))
    token = await start_session(
        db, account, previous_token=previous, ip=client_ip(request.scope), user_agent=request.headers.get("user-agent", "")
    )
    await db.commit()
    response: Response[Any] = Redirect(path=next_path, status_code=303)
    set_session_cookie(response, settings, token)
    return response


@post("/logout", opt={"permission": Permission.SIGNED_IN})
async def logout(request: Request, db: DB, settings: Config) -> Response[Any]:
    name = session_cookie_name(settings)
    await end_session(db, read_cookie(dict(request.headers), name))
    await record(db, AuditAction.SIGN_OUT, summary=request.user.email)
    await db.commit()
    response: Response[Any] = Redirect(path="/login", status_code=303)
    response.delete_cookie(name, path="/")
    return response


routes: list[Any] = [login_page, login, logout]
