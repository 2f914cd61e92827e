"""Pages: sign in and out; one's own account (password, API tokens); the accounts the
secretariat manages (invitations, roles, disabling, new password links); the one-time
link page where a person chooses their password."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from litestar.status_codes import (
    HTTP_201_CREATED,
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
)

from dialogue import i18n, idempotency
from dialogue.accounts import service, throttle
from dialogue.accounts.middleware import client_ip, read_cookie, session_cookie_name
from dialogue.accounts.models import Account, ApiToken, LinkPurpose, Role
from dialogue.accounts.permissions import Permission
from dialogue.accounts.revocation import ended_notice
from dialogue.accounts.service import SignInRefused, end_session, sign_in, start_session
from dialogue.audit.models import AuditAction
from dialogue.audit.trail import record
from dialogue.forms import Form, Invalid
from dialogue.i18n import _
from dialogue.listing import Column, Sort, list_context, list_sort, table_file
from dialogue.web import (
    DB,
    Config,
    Refused,
    Stale,
    page_window,
    render,
    see_other,
)


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


def set_language_cookie(
    response: Response[Any], account: Account, *, secure: bool, chosen_now: bool = False
) -> None:
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
    return throttle.read_device(settings.secret_key, read_cookie(dict(request.headers), device_cookie_name(settings)))


def remember_device(response: Response[Any], request: Request, settings: Any, account: Account) -> None:
    """After a sign-in, this browser is a known device of the account: its later sign-ins
    are not blocked by other people's failures."""
    value = throttle.device_cookie_value(settings.secret_key, this_device(request, settings), account.id)
    _set_host_cookie(response, settings, device_cookie_name(settings), value, throttle.DEVICE_COOKIE_DAYS * 24 * 3600)


def set_session_cookie(response: Response[Any], settings: Any, token: str) -> None:
    _set_host_cookie(response, settings, session_cookie_name(settings), token, settings.session_max_hours * 3600)


def _set_host_cookie(response: Response[Any], settings: Any, name: str, value: str, max_age: int) -> None:
    """A cookie for this host only, never read by scripts, Secure over https."""
    response.set_cookie(
        name, value, path="/", httponly=True, secure=settings.https, samesite="lax", max_age=max_age
    )


@get("/login", opt={"permission": Permission.PUBLIC})
async def login_page(request: Request, next: FromQuery[str | None] = None) -> Response[Any]:
    if request.scope.get("user") is not None:
        return Redirect(path=safe_next(next), status_code=303)
    return render(request, "accounts/login.html", {"next": safe_next(next), "values": {}, "error": None})


@post("/login", opt={"permission": Permission.PUBLIC})
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
    previous = read_cookie(dict(request.headers), session_cookie_name(settings))
    token = await start_session(
        db, account, previous_token=previous, ip=client_ip(request.scope), user_agent=request.headers.get("user-agent", "")
    )
    await db.commit()
    response: Response[Any] = Redirect(path=next_path, status_code=303)
    set_session_cookie(response, settings, token)
    set_language_cookie(response, account, secure=settings.https)
    remember_device(response, request, settings, account)
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




def _no_store(response: Response[Any], *, referrer: bool = True) -> Response[Any]:
    """A page with a secret on it (a token, a one-time link) is never cached."""
    response.headers["Cache-Control"] = "no-store"
    if not referrer:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def _new_browser_session(request: Request, db: DB, settings: Config, account: Account) -> str:
    """A fresh session for this browser (the cookie it brought, if any, ends)."""
    previous = read_cookie(dict(request.headers), session_cookie_name(settings))
    return await start_session(
        db,
        account,
        previous_token=previous,
        ip=client_ip(request.scope),
        user_agent=request.headers.get("user-agent", ""),
    )


# One's own account ---------------------------------------------------------------------

SIGNED_IN = {"permission": Permission.SIGNED_IN}
SECRETARIAT = {"permission": Permission.SECRETARIAT}


async def _own_page(db: DB, request: Request, **extra: Any) -> dict[str, Any]:
    account = await service.get_account(db, request.user.id)
    return {
        "me": account,
        "tokens": await service.account_tokens(db, account.id),
        "tokens_ended": await ended_notice(db, account, ApiToken),
        "errors": {},
        "values": {},
        "token_errors": {},
        "token_values": {},
        "new_token": None,
        "done": "",
        "language_values": {"language": account.language.value if account.language else "", "version": account.version},
        "language_errors": {},
        "language_options": service.language_options(),
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
        await service.change_password(
            db,
            account,
            str(form.data.get("current_password", ""))[:1024],
            str(form.data.get("new_password", ""))[:1024],
            str(form.data.get("repeat_password", ""))[:1024],
        )
    except Invalid as error:
        context = await _own_page(db, request, errors=error.errors)
        return render(request, "accounts/account.html", context, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    token = await _new_browser_session(request, db, settings, account)
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
        await service.set_language_preference(
            db,
            account,
            service.parse_language(form.raw("language")),
            # A missing or mangled version is a copy of unknown age: refused as stale.
            version=int(version) if version.isascii() and version.isdigit() and len(version) < 10 else None,
        )
    except Stale as stale:
        current = {"language": account.language.value if account.language else "", "version": account.version}
        context = await _own_page(db, request, language_stale=stale.message, language_values=current)
        return render(request, "accounts/account.html", context, fragment="accounts/_language.html", status_code=HTTP_409_CONFLICT)
    except Invalid as error:
        context = await _own_page(db, request, language_errors=error.errors, language_values=submitted)
        return render(
            request, "accounts/account.html", context, fragment="accounts/_language.html", status_code=HTTP_422_UNPROCESSABLE_ENTITY
        )
    await db.commit()
    response: Response[Any]
    if getattr(request, "htmx", None):
        response = Response(content=b"", status_code=204, headers={"HX-Redirect": "/account?done=language"})
    else:
        response = Redirect(path="/account?done=language", status_code=303)
    set_language_cookie(response, account, secure=settings.https, chosen_now=True)
    return response


@post("/session/extend", opt=SIGNED_IN)
async def extend_session(request: Request, db: DB, settings: Config) -> Response[Any]:
    """"Stay signed in", in the warning shown before the idle timeout (static/drafts.js)."""
    await service.extend_session(db, read_cookie(dict(request.headers), session_cookie_name(settings)))
    await db.commit()
    return Response(content=b"", status_code=204)


@post("/account/tokens", opt=SIGNED_IN)
async def create_own_token(request: Request, db: DB) -> Response[Any]:
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    account = await service.get_account(db, request.user.id)
    try:
        _row, token = await service.create_api_token(db, account, form.raw("name"))
    except Invalid as error:
        context = await _own_page(db, request, token_errors=error.errors, token_values={"name": form.raw("name")[:200]})
        return render(request, "accounts/account.html", context, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    await idempotency.remember(db, request, form, "/account")
    await db.commit()
    # Shown on this answer only: only the hash is kept.
    context = await _own_page(db, request, new_token=token)
    return _no_store(render(request, "accounts/account.html", context, status_code=HTTP_201_CREATED))


@post("/account/tokens/{token_id:int}/revoke", opt=SIGNED_IN)
async def revoke_own_token(request: Request, db: DB, token_id: FromPath[int]) -> Response[Any]:
    await service.revoke_token(db, request.user.id, token_id)
    await db.commit()
    return see_other(request, "/account?done=revoked")


# The secretariat's accounts pages ------------------------------------------------------


def _parse_id(value: str | None) -> int | None:
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and 0 < number < 2**31 else None


def _parse_choice(choice: type[Any], value: str | None) -> Any:
    try:
        return choice(value) if value else None
    except ValueError:
        return None


@get("/accounts", opt=SECRETARIAT)
async def accounts_page(
    request: Request,
    db: DB,
    settings: Config,
    role: FromQuery[str | None] = None,
    organisation: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    offset: FromQuery[str | None] = None,
) -> Response[Any]:
    limit, start = page_window(settings.page_size, _parse_id(offset), settings.page_size)
    rows, total, query, sort = await _accounts(request, db, role, organisation, status, q, limit, start)
    choices = await service.account_choices(db)
    context = {
        "rows": rows,
        **list_context(total, limit, start, query, sort),
        "roles": Role.options(),
        "states": service.AccountState.options(),
        "organisations": [(org.id, org.display_name) for org in choices.organisations],
        "status_of": service.account_status,
    }
    return render(request, "accounts/list.html", context, fragment="accounts/_list.html")


async def _accounts(
    request: Request,
    db: DB,
    role: str | None,
    organisation: str | None,
    status: str | None,
    q: str | None,
    limit: int | None,
    offset: int,
) -> tuple[list[Account], int, dict[str, Any], Sort]:
    chosen_role = _parse_choice(Role, role)
    chosen_state = _parse_choice(service.AccountState, status)
    organisation_id = _parse_id(organisation)
    text = (q or "").strip()[:200]
    query: dict[str, Any] = {
        "role": chosen_role.value if chosen_role else "",
        "organisation": organisation_id or "",
        "status": chosen_state.value if chosen_state else "",
        "q": text,
    }
    sort = list_sort(request.query_params, service.ACCOUNT_SORTS, "email", query)
    rows, total = await service.list_accounts(
        db,
        role=chosen_role,
        organisation_id=organisation_id,
        state=chosen_state,
        q=text,
        limit=limit,
        offset=offset,
        sort=sort,
    )
    return rows, total, query, sort


@get(["/accounts.csv", "/accounts.xlsx"], opt=SECRETARIAT, cache=False)
async def accounts_export(
    request: Request,
    db: DB,
    role: FromQuery[str | None] = None,
    organisation: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
) -> Response[bytes]:
    """Every account the list shows with these filters and this order (no secrets)."""
    rows, _total, _query, _sort = await _accounts(request, db, role, organisation, status, q, None, 0)
    states = {"disabled": _("Disabled"), "invited": _("Invited"), "active": _("Active")}
    columns = [
        Column(_("Email"), lambda account: account.email),
        Column(_("Name"), lambda account: account.person.full_name if account.person else None),
        Column(_("Role"), lambda account: account.role.label),
        Column(_("Approver"), lambda account: account.is_approver),
        Column(_("Organisation"), lambda account: account.organisation.display_name if account.organisation else None),
        Column(_("State"), lambda account: states[service.account_status(account)]),
        Column(_("Last sign-in"), lambda account: account.last_sign_in_at),
    ]
    return table_file(request.url.path, _("accounts"), columns, rows)


async def _form_context(db: DB, account: Account | None, values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    choices = await service.account_choices(db, account)
    return {
        "record": account,  # not "account": base.html names the signed-in person so
        "values": values,
        "errors": {},
        "roles": Role.options(),
        "organisations": choices.organisations,
        "people": choices.people,
        **extra,
    }


def _account_values(account: Account) -> dict[str, Any]:
    return {
        "role": account.role.value,
        "organisation": account.organisation_id or "",
        "person": account.person_id or "",
        "is_approver": account.is_approver,
        "version": account.version,
    }


def _read_account_form(form: Form) -> dict[str, Any]:
    """Role, organisation, person and approver flag as submitted; errors go to `form`."""
    role = form.choice("role", Role)
    organisation_id = form.integer("organisation", minimum=1, maximum=2**31 - 1)
    person_id = form.integer("person", minimum=1, maximum=2**31 - 1)
    return {
        "role": role,
        "organisation_id": organisation_id,
        "person_id": person_id,
        "is_approver": form.boolean("is_approver"),
        "errors": dict(form.errors),
    }


@get("/accounts/new", opt=SECRETARIAT)
async def new_account(request: Request, db: DB, role: FromQuery[str | None] = None) -> Response[Any]:
    chosen = _parse_choice(Role, role)
    values = {"role": chosen.value if chosen else Role.DELEGATE.value}
    return render(request, "accounts/form.html", await _form_context(db, None, values))


@post("/accounts", opt=SECRETARIAT)
async def invite_account(request: Request, db: DB, settings: Config) -> Response[Any]:
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    email = form.raw("email")[:300]
    fields = _read_account_form(form)
    try:
        account, token = await service.invite(db, email=email, **fields)
    except Invalid as error:
        context = await _form_context(db, None, form.values, errors=error.errors)
        return render(request, "accounts/form.html", context, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    # A second click goes to the account, whose one-time link is not shown again.
    await idempotency.remember(db, request, form, f"/accounts/{account.id}")
    await db.commit()
    link = service.link_url(settings, token)
    context = await _detail_context(db, account, link=link, link_purpose=LinkPurpose.INVITE, created=True)
    return _no_store(render(request, "accounts/detail.html", context, status_code=HTTP_201_CREATED))


async def _detail_context(db: DB, account: Account, values: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    context = await _form_context(db, account, values or _account_values(account))
    return {
        "status": service.account_status(account),
        "link": None,
        "link_purpose": None,
        "refusal": None,
        "saved": False,
        "created": False,
        "sessions": await service.session_count(db, account.id),
        **context,
        **extra,
    }


@get("/accounts/{account_id:int}", opt=SECRETARIAT)
async def account_page(request: Request, db: DB, account_id: FromPath[int], saved: FromQuery[str | None] = None) -> Response[Any]:
    account = await service.get_account(db, account_id)
    return render(request, "accounts/detail.html", await _detail_context(db, account, saved=bool(saved)))


@post("/accounts/{account_id:int}", opt=SECRETARIAT)
async def update_account(request: Request, db: DB, account_id: FromPath[int]) -> Response[Any]:
    account = await service.get_account(db, account_id)
    form = Form(await request.form())
    version = form.integer("version")
    fields = _read_account_form(form)
    try:
        await service.update_account(db, account, version=version, **fields)
    except Stale as stale:
        context = await _detail_context(db, account, stale=stale.message, mine=form.values)
        return render(request, "accounts/detail.html", context, status_code=HTTP_409_CONFLICT)
    except Invalid as error:
        context = await _detail_context(db, account, form.values, errors=error.errors)
        return render(request, "accounts/detail.html", context, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    await db.commit()
    return see_other(request, f"/accounts/{account.id}?saved=1")


@post("/accounts/{account_id:int}/disable", opt=SECRETARIAT)
async def disable_account(request: Request, db: DB, account_id: FromPath[int]) -> Response[Any]:
    account = await service.get_account(db, account_id)
    try:
        await service.disable_account(db, account, by=request.user)
    except Refused as refused:
        context = await _detail_context(db, account, refusal=refused.message)
        return render(request, "accounts/detail.html", context, status_code=HTTP_409_CONFLICT)
    await db.commit()
    return see_other(request, f"/accounts/{account.id}")


@post("/accounts/{account_id:int}/enable", opt=SECRETARIAT)
async def enable_account(request: Request, db: DB, account_id: FromPath[int]) -> Response[Any]:
    account = await service.get_account(db, account_id)
    await service.enable_account(db, account)
    await db.commit()
    return see_other(request, f"/accounts/{account.id}")


@post("/accounts/{account_id:int}/password-link", opt=SECRETARIAT)
async def password_link(request: Request, db: DB, settings: Config, account_id: FromPath[int]) -> Response[Any]:
    account = await service.get_account(db, account_id)
    purpose = service.link_purpose(account)
    try:
        token = await service.new_link(db, account, purpose)
    except Refused as refused:
        context = await _detail_context(db, account, refusal=refused.message)
        return render(request, "accounts/detail.html", context, status_code=HTTP_409_CONFLICT)
    await db.commit()
    context = await _detail_context(db, account, link=service.link_url(settings, token), link_purpose=purpose)
    return _no_store(render(request, "accounts/detail.html", context, status_code=HTTP_201_CREATED))


# One-time links: choose a password -----------------------------------------------------

PUBLIC = {"permission": Permission.PUBLIC}


def _dead_link(request: Request) -> Response[Any]:
    # The same page whether the link is unknown, used, expired or its account disabled.
    return _no_store(render(request, "accounts/link_dead.html", {}, status_code=HTTP_404_NOT_FOUND), referrer=False)


@get("/welcome/{token:str}", opt=PUBLIC)
async def welcome_page(request: Request, db: DB, token: FromPath[str]) -> Response[Any]:
    found = await service.live_link(db, token)
    if found is None:
        return _dead_link(request)
    link, account = found
    context = {"token": token, "email": account.email, "purpose": link.purpose, "errors": {}}
    return _no_store(render(request, "accounts/welcome.html", context), referrer=False)


@post("/welcome/{token:str}", opt=PUBLIC)
async def welcome(request: Request, db: DB, settings: Config, token: FromPath[str]) -> Response[Any]:
    form = Form(await request.form())
    try:
        account = await service.use_link(
            db,
            token,
            str(form.data.get("password", ""))[:1024],
            str(form.data.get("repeat_password", ""))[:1024],
            ip=client_ip(request.scope),
        )
    except service.LinkDead:
        return _dead_link(request)
    except Invalid as error:
        found = await service.live_link(db, token)
        if found is None:
            return _dead_link(request)
        link, linked = found
        context = {"token": token, "email": linked.email, "purpose": link.purpose, "errors": error.errors}
        response = render(request, "accounts/welcome.html", context, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return _no_store(response, referrer=False)
    session_token = await _new_browser_session(request, db, settings, account)
    await db.commit()
    response: Response[Any] = Redirect(path="/", status_code=303)
    set_session_cookie(response, settings, session_token)
    remember_device(response, request, settings, account)
    return response


routes: list[Any] = [
    login_page,
    login,
    logout,
    own_account,
    change_own_password,
    choose_own_language,
    extend_session,
    create_own_token,
    revoke_own_token,
    accounts_page,
    accounts_export,
    new_account,
    invite_account,
    account_page,
    update_account,
    disable_account,
    enable_account,
    password_link,
    welcome_page,
    welcome,
]
