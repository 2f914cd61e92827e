"""Who may do what. Every route has a permission; a route that names none gets the
default for its method (reading for GET, the secretariat for anything that changes
data). Object-level rules (a delegate writes only their own side) are checked by the
handlers and services with `ensure_side`; internal content is filtered with
`internal_visible_sides`.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

from litestar.enums import ScopeType

from dialogue.accounts.models import Account, Role
from dialogue.errors import Forbidden
from dialogue.i18n import _
from dialogue.people.models import Side

if TYPE_CHECKING:  # the guard's types only: the rules here know nothing of HTTP
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler


class Permission(str, Enum):
    PUBLIC = "public"  # no account needed: sign-in page, health, static files
    SIGNED_IN = "signed_in"  # any account: its own page, password, tokens, sign-out
    READ = "read"  # any account: shared records
    SIDE = "side"  # the secretariat, or a delegate for their own side (checked per object)
    EXPORT = "export"  # the secretariat and coordinators
    SECRETARIAT = "secretariat"


# The `opt` of a route that needs one of the common permissions: `@get(..., opt=SECRETARIAT)`.
PUBLIC = {"permission": Permission.PUBLIC}
SIGNED_IN = {"permission": Permission.SIGNED_IN}
SECRETARIAT = {"permission": Permission.SECRETARIAT}


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SignInRequired(Exception):
    """No account on a route that needs one: pages go to /login, the API answers 401."""


def route_permission(handler: BaseRouteHandler, method: str) -> Permission:
    explicit = handler.opt.get("permission")
    if explicit is not None:
        return Permission(explicit)
    return Permission.READ if method in SAFE_METHODS else Permission.SECRETARIAT


def allows(account: Account | None, permission: Permission) -> bool:
    if permission is Permission.PUBLIC:
        return True
    if account is None or not account.is_active:
        return False
    if permission in (Permission.SIGNED_IN, Permission.READ):
        return True
    if permission is Permission.SIDE:
        return account.role is Role.SECRETARIAT or (account.role is Role.DELEGATE and account.side is not None)
    if permission is Permission.EXPORT:
        return account.role in (Role.SECRETARIAT, Role.COORDINATOR)
    return account.role is Role.SECRETARIAT


def current_account(connection: ASGIConnection[Any, Any, Any, Any]) -> Account | None:
    return connection.scope.get("user")


async def authorize(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """The app's guard: every route, every request."""
    scope = connection.scope
    permission = route_permission(handler, scope["method"] if scope["type"] == ScopeType.HTTP else "GET")
    account = current_account(connection)
    if permission is not Permission.PUBLIC and account is None:
        raise SignInRequired
    if not allows(account, permission):
        raise Forbidden


def can_write_side(account: Account, side: Side) -> bool:
    return account.role is Role.SECRETARIAT or (account.role is Role.DELEGATE and account.side == side)


def ensure_side(account: Account, side: Side) -> None:
    """Refuse unless `account` may write for `side` (the secretariat, or that side's delegate)."""
    if not can_write_side(account, side):
        raise Forbidden(_("Only the secretariat and the delegates of this side can change this."))


def own_side(account: Account | None) -> Side | None:
    """The side a delegate's dashboard and commitments open on ("my side"); None for the
    secretariat, coordinators and observers, who see the whole council."""
    if account is not None and account.role is Role.DELEGATE:
        return account.side
    return None


def internal_visible_sides(account: Account | None) -> frozenset[Side]:
    """The sides whose internal content `account` may see: all for the secretariat, their own
    side for a delegate, none for coordinators and observers."""
    if account is None:
        return frozenset()
    if account.role is Role.SECRETARIAT:
        return frozenset(Side)
    if account.role is Role.DELEGATE and account.side is not None:
        return frozenset({account.side})
    return frozenset()
