"""Pages of one's own account: password, language and API tokens."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from litestar.status_codes import HTTP_201_CREATED, HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY
from litestar_htmx import ClientRedirect

from dialogue import idempotency
from dialogue.accounts import profile, service, tokens
from dialogue.accounts.browser import new_browser_session, no_store, set_language_cookie, set_session_cookie
from dialogue.accounts.models import ApiToken
from dialogue.accounts.permissions import SIGNED_IN
from dialogue.accounts.revocation import ended_notice
from dialogue.errors import Invalid, Stale
from dialogue.forms import Form
from dialogue.web import DB, Config, render, see_other

# One's own account ---------------------------------------------------------------------


async def _own_page(db: DB, request: Request, **extra: Any) -> dict[str, Any]:
    account = await service.get_account(db, request.user.id)
    return {
        "me": account,
        "tokens": await tokens.account_tokens(db, account.id),
        "tokens_ended": await ended_notice(db, account, ApiToken),
        "errors": {},
        "values": {},
        "token_errors": {},
        "token_values": {},
        "new_token": None,
        "done": "",
        "language_values": {"language": account.language.value if account.language else "", "version": account.version},
        "language_errors": {},
        "language_options": profile.language_options(),
        **extra,
    }


@get("/account", opt=SIGNED_IN)
async def own_account(request: Request, db: DB, done: FromQuery[str | None] = None) -> Response[Any]:
    notice = done if done in {"password", "revoked", "language"} else ""
    return render(request, "accounts/account.html", await _own_page(db, request, done=notice))


@post("/account/password", opt=SIGNED_IN)
async def change_own_password(request: Request, db: DB, settings: Config) -> Response[Any]:
    form = Form(await request.form())
    account = await service.get_account(db, request.user.id)
    try:
        await profile.change_password(
            db,
            account,
            str(form.data.get("current_password", ""))[:1024],
            str(form.data.get("new_password", ""))[:1024],
            str(form.data.get("repeat_password", ""))[:1024],
        )
    except Invalid as error:
        context = await _own_page(db, request, errors=error.errors)
        return render(request, "accounts/account.html", context, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    token = await new_browser_session(request, db, settings, account)
    await db.commit()
    response: Response[Any] = Redirect(path="/account?done=password", status_code=303)
    set_session_cookie(response, settings, token)
    return response


@post("/account/language", opt=SIGNED_IN)
async def choose_own_language(request: Request, db: DB, settings: Config) -> Response[Any]:
    """The interface language of one's account. The whole page changes language (and
    direction), so HTMX is asked to load it again rather than swap a part."""
    form = Form(await request.form())
    account = await service.get_account(db, request.user.id)
    submitted = {"language": form.raw("language")[:10], "version": form.raw("version")[:12]}
    version = form.raw("version")
    try:
        await profile.set_language_preference(
            db,
            account,
            profile.parse_language(form.raw("language")),
            # A missing or mangled version is a copy of unknown age: refused as stale.
            version=int(version) if version.isascii() and version.isdigit() and len(version) < 10 else None,
        )
    except Stale as stale:
        current = {"language": account.language.value if account.language else "", "version": account.version}
        context = await _own_page(db, request, language_stale=stale.message, language_values=current)
        return render(
            request, "accounts/account.html", context, fragment="accounts/_language.html", status_code=HTTP_409_CONFLICT
        )
    except Invalid as error:
        context = await _own_page(db, request, language_errors=error.errors, language_values=submitted)
        return render(
            request,
            "accounts/account.html",
            context,
            fragment="accounts/_language.html",
            status_code=HTTP_422_UNPROCESSABLE_ENTITY,
        )
    await db.commit()
    response: Response[Any]
    if getattr(request, "htmx", None):
        response = ClientRedirect("/account?done=language")
        response.status_code = 204  # nothing to swap: htmx loads the page again, in the new language
    else:
        response = Redirect(path="/account?done=language", status_code=303)
    set_language_cookie(response, account, secure=settings.https, chosen_now=True)
    return response


@post("/account/tokens", opt=SIGNED_IN)
async def create_own_token(request: Request, db: DB) -> Response[Any]:
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    account = await service.get_account(db, request.user.id)
    try:
        _row, token = await tokens.create_api_token(db, account, form.raw("name"))
    except Invalid as error:
        context = await _own_page(db, request, token_errors=error.errors, token_values={"name": form.raw("name")[:200]})
        return render(request, "accounts/account.html", context, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    await idempotency.remember(db, request, form, "/account")
    await db.commit()
    # Shown on this answer only: only the hash is kept.
    context = await _own_page(db, request, new_token=token)
    return no_store(render(request, "accounts/account.html", context, status_code=HTTP_201_CREATED))


@post("/account/tokens/{token_id:int}/revoke", opt=SIGNED_IN)
async def revoke_own_token(request: Request, db: DB, token_id: FromPath[int]) -> Response[Any]:
    await tokens.revoke_token(db, request.user.id, token_id)
    await db.commit()
    return see_other(request, "/account?done=revoked")


routes: list[Any] = [
    own_account,
    change_own_password,
    choose_own_language,
    create_own_token,
    revoke_own_token,
]
