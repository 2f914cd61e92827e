"""Who is asking: the session cookie (browsers) or a personal API token (scripts).

Sets `scope["user"]` (the `Account`, or None) for the guard and the handlers, the actor
of the audit trail for everything the request changes, and the interface language when
the account has chosen one (it outranks the cookie and Accept-Language that the language
middleware, which runs first, went by). Static files and the health check are not
authenticated: no query, and no `scope["user"]`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.types import ASGIApp, Scope
from sqlalchemy.ext.asyncio import async_sessionmaker

from dialogue.accounts.sessions import session_account
from dialogue.accounts.tokens import token_account
from dialogue.audit.trail import Actor, set_actor
from dialogue.i18n import set_language
from dialogue.settings import Settings


def session_cookie_name(settings: Settings) -> str:
    # The __Host- prefix binds the cookie to this host, over HTTPS only.
    return "__Host-dialogue_session" if settings.https else "dialogue_session"


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)  # "::ffff:10.0.0.1" is 10.0.0.1
    return mapped or address


def forwarded_client(peer: str, forwarded_for: Sequence[str], proxies: Sequence[Network]) -> str:
    """The address of the person at the other end. `X-Forwarded-For` is believed only when
    the request comes from a trusted proxy, and only as far back as the chain of trusted
    proxies goes: the first address from the right that is not a trusted proxy is the
    client's (anything to its left was written by the client and proves nothing)."""
    peer_address = _address(peer)
    if peer_address is None or not any(peer_address in network for network in proxies):
        return peer
    hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a trusted proxy would not write garbage: keep the last address known good
        client = str(address)
        if not any(address in network for network in proxies):
            break
    return client


def client_ip(scope: Scope) -> str:
    """The client's address, as the authentication middleware worked it out (else the peer's)."""
    known = scope.get("state", {}).get("client_address")
    if known is not None:
        return str(known)
    client = scope.get("client")
    return client[0] if client else ""


# Static files, the health and readiness probes and the public pages (press releases) need
# nobody: they run no query to find out who asks, and never touch the sessions.
NOT_AUTHENTICATED = ["^/static/", "^/health$", "^/ready$", "^/public(/|$)"]


class Authentication(AbstractAuthenticationMiddleware):
    """Litestar's authentication middleware: `authenticate_request` sets `scope["user"]`."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        # Every method (OPTIONS included: Litestar skips it by default), HTTP only.
        super().__init__(app, exclude=NOT_AUTHENTICATED, exclude_http_methods=[], scopes={ScopeType.HTTP})
        self.settings = settings
        self.cookie_name = session_cookie_name(settings)

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        scope = connection.scope
        peer = connection.client.host if connection.client else ""
        forwarded = connection.headers.getall("x-forwarded-for", [])
        scope.setdefault("state", {})["client_address"] = forwarded_client(
            peer, forwarded, self.settings.proxy_networks
        )
        sessions: async_sessionmaker[Any] = connection.app.state.sessions
        account = None
        async with sessions() as db:
            # The API takes personal tokens only, pages the session cookie only: no ambient
            # credential reaches the API, so it needs no CSRF token.
            if scope["path"].startswith("/api/"):
                authorization = connection.headers.get("authorization", "")
                if authorization.lower().startswith("bearer "):
                    account = await token_account(db, authorization[7:].strip())
            else:
                token = connection.cookies.get(self.cookie_name)
                check = await session_account(db, token, self.settings) if token else None
                if check is not None:
                    account = check.account
                    scope["state"]["data_version"] = check.data_version  # the key of its kept pages
        if account is not None and account.language is not None:
            set_language(account.language.value)
        ip = client_ip(scope)
        set_actor(Actor(account.id, account.email, ip) if account else Actor(None, "anonymous", ip))
        return AuthenticationResult(user=account, auth=None)


def authentication_middleware(settings: Settings) -> DefineMiddleware:
    return DefineMiddleware(Authentication, settings=settings)
