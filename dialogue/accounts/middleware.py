"""Who is asking: the session cookie (browsers) or a personal API token (scripts).

Sets `scope["user"]` (the `Account`, or None) for the guard and the handlers, the actor
of the audit trail for everything the request changes, and the interface language when
the account has chosen one (it outranks the cookie and Accept-Language that the language
middleware, which runs first, went by).
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.ext.asyncio import async_sessionmaker

from dialogue.accounts.service import session_account, token_account
from dialogue.audit.trail import Actor, set_actor
from dialogue.i18n import set_language
from dialogue.settings import Settings


def session_cookie_name(settings: Settings) -> str:
    # The __Host- prefix binds the cookie to this host, over HTTPS only.
    return "__Host-dialogue_session" if settings.https else "dialogue_session"


def client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else ""


def read_cookie(headers: dict[str, str], name: str) -> str | None:
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # noqa: BLE001  (a malformed cookie header means no cookie)
        return None
    return cookie[name].value if name in cookie else None


def authentication_middleware(settings: Settings) -> Any:
    cookie_name = session_cookie_name(settings)

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            sessions: async_sessionmaker[Any] = scope["app"].state.sessions
            account = None
            async with sessions() as db:
                # The API takes personal tokens only, pages the session cookie only: no
                # ambient credential reaches the API, so it needs no CSRF token.
                if scope["path"].startswith("/api/"):
                    authorization = headers.get("authorization", "")
                    if authorization.lower().startswith("bearer "):
                        account = await token_account(db, authorization[7:].strip())
                else:
                    token = read_cookie(headers, cookie_name)
                    if token:
                        check = await session_account(db, token, settings)
                        account = check.account if check else None
            scope["user"] = account
            if account is not None and account.language is not None:
                set_language(account.language.value)
            ip = client_ip(scope)
            set_actor(Actor(account.id, account.email, ip) if account else Actor(None, "anonymous", ip))
            await app(scope, receive, send)

        return middleware

    return factory
