"""What signing in leaves in the browser: session, device and language cookies; safe return; no-store."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from dialogue import i18n
from dialogue.accounts import throttle
from dialogue.accounts.middleware import client_ip, session_cookie_name
from dialogue.accounts.models import Account
from dialogue.accounts.sessions import start_session
from dialogue.web import DB, Config


def safe_next(value: str | None) -> str:
    r"""Only a local path is followed after sign-in (no open redirect). Browsers drop tabs
    and newlines from addresses and read a backslash as a slash, so "/\t/evil" and
    "/\\evil" would lead away too: any of these makes the value worthless."""
    if (
        not value
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value)
    ):
        return "/"
    return value


def set_language_cookie(response: Response[Any], account: Account, *, secure: bool, chosen_now: bool = False) -> None:
    """The account's language in this browser too: after the session ends, the sign-in page
    (which cannot know the account any more) still speaks it. `chosen_now`: the person has
    just chosen on their account page, and "follow the browser" forgets the cookie."""
    if account.language is not None:
        set_language_cookie_value(response, account.language.value, secure=secure)
    elif chosen_now:
        response.delete_cookie(i18n.LANGUAGE_COOKIE)


def set_language_cookie_value(response: Response[Any], language: str, *, secure: bool) -> None:
    """The language buttons' cookie (Secure when Dialogue is served over https)."""
    response.set_cookie(
        i18n.LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="lax", httponly=True, secure=secure
    )


def device_cookie_name(settings: Any) -> str:
    return "__Host-" + throttle.DEVICE_COOKIE if settings.https else throttle.DEVICE_COOKIE


def this_device(request: Request, settings: Any) -> throttle.Device | None:
    """The known device this browser is, if it carries a valid cookie (see accounts/throttle.py)."""
    return throttle.read_device(settings.secret_key, request.cookies.get(device_cookie_name(settings)))


def remember_device(response: Response[Any], request: Request, settings: Any, account: Account) -> None:
    """After a sign-in, this browser is a known device of the account: its later sign-ins
    are not blocked by other people's failures."""
    value = throttle.device_cookie_value(settings.secret_key, this_device(request, settings), account.id)
    _set_host_cookie(response, settings, device_cookie_name(settings), value, throttle.DEVICE_COOKIE_DAYS * 24 * 3600)


def set_session_cookie(response: Response[Any], settings: Any, token: str) -> None:
    _set_host_cookie(response, settings, session_cookie_name(settings), token, settings.session_max_hours * 3600)


def _set_host_cookie(response: Response[Any], settings: Any, name: str, value: str, max_age: int) -> None:
    """A cookie for this host only, never read by scripts, Secure over https."""
    response.set_cookie(name, value, path="/", httponly=True, secure=settings.https, samesite="lax", max_age=max_age)


def no_store(response: Response[Any], *, referrer: bool = True) -> Response[Any]:
    """A page with a secret on it (a token, a one-time link) is never cached."""
    response.headers["Cache-Control"] = "no-store"
    if not referrer:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def new_browser_session(request: Request, db: DB, settings: Config, account: Account) -> str:
    """A fresh session for this browser (the cookie it brought, if any, ends)."""
    previous = request.cookies.get(session_cookie_name(settings))
    return await start_session(
        db,
        account,
        previous_token=previous,
        ip=client_ip(request.scope),
        user_agent=request.headers.get("user-agent", ""),
    )
