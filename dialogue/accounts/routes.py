"""Pages of the accounts the secretariat manages: list, export, invite, edit, disable, enable, password links."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.status_codes import HTTP_201_CREATED, HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY

from dialogue import idempotency
from dialogue.accounts import links, service, sessions
from dialogue.accounts.browser import no_store
from dialogue.accounts.models import Account, LinkPurpose, Role
from dialogue.accounts.permissions import SECRETARIAT
from dialogue.accounts.service import AccountDraft
from dialogue.errors import Invalid, Refused, Stale
from dialogue.forms import Form
from dialogue.i18n import _
from dialogue.listing import Column, Filters, list_context, list_sort, query_filters, table_file
from dialogue.people.service import parse_id
from dialogue.sorting import Sort, Window
from dialogue.web import DB, Config, page_window, render, see_other

# The secretariat's accounts pages ------------------------------------------------------


def _parse_choice(choice: type[Any], value: str | None) -> Any:
    try:
        return choice(value) if value else None
    except ValueError:
        return None


FILTERS = query_filters("role", "organisation", "status", "q")


@get("/accounts", opt=SECRETARIAT, dependencies=FILTERS)
async def accounts_page(
    request: Request,
    db: DB,
    settings: Config,
    filters: Filters,
    offset: FromQuery[str | None] = None,
) -> Response[Any]:
    limit, start = page_window(settings.page_size, parse_id(offset), settings.page_size)
    rows, total, query, sort = await _accounts(request, db, **filters, limit=limit, offset=start)
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
    organisation_id = parse_id(organisation)
    text = (q or "").strip()[:200]
    query: dict[str, Any] = {
        "role": chosen_role.value if chosen_role else "",
        "organisation": organisation_id or "",
        "status": chosen_state.value if chosen_state else "",
        "q": text,
    }
    sort = list_sort(request.query_params, service.ACCOUNT_SORTS, "email", query)
    window = Window(limit, offset, sort)
    rows, total = await service.list_accounts(
        db, role=chosen_role, organisation_id=organisation_id, state=chosen_state, q=text, window=window
    )
    return rows, total, query, sort


@get(["/accounts.csv", "/accounts.xlsx"], opt=SECRETARIAT, cache=False, dependencies=FILTERS)
async def accounts_export(request: Request, db: DB, filters: Filters) -> Response[bytes]:
    """Every account the list shows with these filters and this order (no secrets)."""
    rows, _total, _query, _sort = await _accounts(request, db, **filters, limit=None, offset=0)
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


def _read_account_form(form: Form) -> AccountDraft:
    """Role, organisation, person and approver flag as submitted, and the email of an
    invitation (the edit form has none); errors go to `form`."""
    return AccountDraft(
        role=form.choice("role", Role),
        organisation_id=form.integer("organisation", minimum=1, maximum=2**31 - 1),
        person_id=form.integer("person", minimum=1, maximum=2**31 - 1),
        is_approver=form.boolean("is_approver"),
        email=form.raw("email")[:300],
    )


@get("/accounts/new", opt=SECRETARIAT)
async def new_account(request: Request, db: DB, role: FromQuery[str | None] = None) -> Response[Any]:
    chosen = _parse_choice(Role, role)
    values = {"role": chosen.value if chosen else Role.DELEGATE.value}
    return render(request, "accounts/form.html", await _form_context(db, None, values))


@post("/accounts", opt=SECRETARIAT)
async def invite_account(request: Request, db: DB, settings: Config) -> Response[Any]:
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    draft = _read_account_form(form)
    try:
        account, token = await service.invite(db, draft, errors=form.errors)
    except Invalid as error:
        context = await _form_context(db, None, form.values, errors=error.errors)
        return render(request, "accounts/form.html", context, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    # A second click goes to the account, whose one-time link is not shown again.
    await idempotency.remember(db, request, form, f"/accounts/{account.id}")
    await db.commit()
    link = links.link_url(settings, token)
    return no_store(
        await _detail(
            request, db, account, link=link, link_purpose=LinkPurpose.INVITE, created=True, status_code=HTTP_201_CREATED
        )
    )


async def _detail(
    request: Request,
    db: DB,
    account: Account,
    values: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response[Any]:
    """The account's page, with what the last action left to show (`extra`)."""
    context = {
        **await _form_context(db, account, values or _account_values(account)),
        "status": service.account_status(account),
        "link": None,
        "link_purpose": None,
        "refusal": None,
        "saved": False,
        "created": False,
        "sessions": await sessions.session_count(db, account.id),
        **extra,
    }
    return render(request, "accounts/detail.html", context, status_code=status_code)


@get("/accounts/{account_id:int}", opt=SECRETARIAT)
async def account_page(
    request: Request, db: DB, account_id: FromPath[int], saved: FromQuery[str | None] = None
) -> Response[Any]:
    account = await service.get_account(db, account_id)
    return await _detail(request, db, account, saved=bool(saved))


@post("/accounts/{account_id:int}", opt=SECRETARIAT)
async def update_account(request: Request, db: DB, account_id: FromPath[int]) -> Response[Any]:
    account = await service.get_account(db, account_id)
    form = Form(await request.form())
    version = form.integer("version")
    draft = _read_account_form(form)
    try:
        await service.update_account(db, account, draft, version=version, errors=form.errors)
    except Stale as stale:
        return await _detail(request, db, account, stale=stale.message, mine=form.values, status_code=HTTP_409_CONFLICT)
    except Invalid as error:
        return await _detail(
            request, db, account, form.values, errors=error.errors, status_code=HTTP_422_UNPROCESSABLE_ENTITY
        )
    await db.commit()
    return see_other(request, f"/accounts/{account.id}?saved=1")


@post("/accounts/{account_id:int}/disable", opt=SECRETARIAT)
async def disable_account(request: Request, db: DB, account_id: FromPath[int]) -> Response[Any]:
    account = await service.get_account(db, account_id)
    try:
        await service.disable_account(db, account, by=request.user)
    except Refused as refused:
        return await _detail(request, db, account, refusal=refused.message, status_code=HTTP_409_CONFLICT)
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
    purpose = links.link_purpose(account)
    try:
        token = await links.new_link(db, account, purpose)
    except Refused as refused:
        return await _detail(request, db, account, refusal=refused.message, status_code=HTTP_409_CONFLICT)
    await db.commit()
    link = links.link_url(settings, token)
    return no_store(await _detail(request, db, account, link=link, link_purpose=purpose, status_code=HTTP_201_CREATED))


routes: list[Any] = [
    accounts_page,
    accounts_export,
    new_account,
    invite_account,
    account_page,
    update_account,
    disable_account,
    enable_account,
    password_link,
]
