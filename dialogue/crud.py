"""The pages that show, add, edit, archive, bring back and delete a plain record (bodies,
organisations, people): the same handlers for each, built from one description.

    pages = RecordPages.of(service, "body", path="/bodies", templates="bodies/body", ...)
    routes = [..., *pages.handlers()]

Each handler reads the form into a typed draft (`read`), asks the service for the draft's
problems (`errors`) and shows the form again with them and what the user typed (422), or
the current values beside the user's when someone saved in between (409); a refused
delete shows the record's page with the reason (409).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.status_codes import HTTP_409_CONFLICT
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import idempotency
from dialogue.accounts.permissions import Permission
from dialogue.errors import Invalid, Refused, Stale, check_version
from dialogue.forms import Form
from dialogue.listing import Column, Filters, list_context, list_sort, query_filters, query_number, table_file
from dialogue.sorting import Sort, Window
from dialogue.web import DB, Config, page_window, render, render_invalid, see_other

Context = Callable[..., Awaitable[dict[str, Any]]]


def query_flag(value: str | None) -> bool:
    """A yes/no filter of a list's address (`archived=1`)."""
    return (value or "").lower() in {"1", "on", "true", "yes"}


def searched_list(
    sort_keys: Sequence[str], load: Callable[..., Awaitable[tuple[list[Any], int]]], default_sort: str = "name"
) -> Callable[[Request, AsyncSession, dict[str, str | None], int | None, int], Awaitable[Rows]]:
    """The `rows` of a `RecordList` searched by text, archived ones on request (bodies,
    projects): `load(db, q=, archived=, window=)` sorted by one of `sort_keys`."""

    async def rows(
        request: Request, db: AsyncSession, filters: dict[str, str | None], limit: int | None, offset: int
    ) -> Rows:
        text, include_archived = (filters["q"] or "").strip()[:200], query_flag(filters["archived"])
        query: dict[str, Any] = {"q": text, "archived": "1" if include_archived else ""}
        sort = list_sort(request.query_params, sort_keys, default_sort, query)
        found, total = await load(db, q=text, archived=include_archived, window=Window(limit, offset, sort))
        return found, total, query, sort

    return rows


Rows = tuple[list[Any], int, dict[str, Any], Sort]


@dataclass(frozen=True)
class RecordList:
    """One kind of record's list: `GET {path}` (the page, or its results alone for HTMX)
    and `GET {path}.csv` / `.xlsx` (every row the page's filters and order select).

    `rows(request, db, filters, limit, offset)` gives the rows, their total, the query shown
    back and the sort, `filters` being the query parameters `filters` names (as typed);
    `context(db)` what else the page shows (the filters' choices); `templates` names the page
    `{templates}.html` and its results `_{name}.html` beside it; a download has the
    `columns()` and is saved as `file_name()`."""

    path: str
    templates: str
    filters: tuple[str, ...]
    rows: Callable[[Request, AsyncSession, dict[str, str | None], int | None, int], Awaitable[Rows]]
    columns: Callable[[], list[Column]]
    file_name: Callable[[], str]
    context: Callable[[AsyncSession], Awaitable[dict[str, Any]]] | None = None

    @classmethod
    def searched(
        cls,
        path: str,
        load: Callable[..., Awaitable[tuple[list[Any], int]]],
        sort_keys: Sequence[str],
        columns: Callable[[], list[Column]],
        file_name: Callable[[], str],
        context: Callable[[AsyncSession], Awaitable[dict[str, Any]]] | None = None,
    ) -> RecordList:
        """A list searched by text, archived records on request (see `searched_list`), whose
        templates are named after its path (`/bodies`: `bodies/bodies.html`)."""
        name = path.strip("/")
        return cls(
            path, f"{name}/{name}", ("q", "archived"), searched_list(sort_keys, load), columns, file_name, context
        )

    def handlers(self) -> list[HTTPRouteHandler]:
        folder, _slash, name = self.templates.rpartition("/")
        page_template, results_template = f"{self.templates}.html", f"{folder}/_{name}.html"

        @get(self.path, dependencies=query_filters(*self.filters))
        async def page(request: Request, db: DB, settings: Config, filters: Filters) -> Response[Any]:
            offset = query_number(request.query_params.get("offset"))
            limit, start = page_window(settings.page_size, offset, settings.page_size)
            rows, total, query, sort = await self.rows(request, db, filters, limit, start)
            context = {"rows": rows, **list_context(total, limit, start, query, sort)}
            if self.context is not None:
                context.update(await self.context(db))
            return render(request, page_template, context, fragment=results_template)

        @get([f"{self.path}.csv", f"{self.path}.xlsx"], cache=False, dependencies=query_filters(*self.filters))
        async def download(request: Request, db: DB, filters: Filters) -> Response[bytes]:
            rows, _total, _query, _sort = await self.rows(request, db, filters, None, 0)
            return table_file(request.url.path, self.file_name(), self.columns(), rows)

        return [page, download]


def check(form: Form, errors: Mapping[str, str]) -> None:
    """Raise `Invalid` with the form's own reading errors and the service's `errors` (a
    field keeps its first message), and the values as typed."""
    for name, message in errors.items():
        form.error(name, message)
    form.check()


def as_typed(error: Invalid, form: Form) -> Invalid:
    """`error` with the values as the user typed them (a service gives its draft's)."""
    return Invalid(error.errors, form.values)


@dataclass(frozen=True)
class RecordPages:
    """One kind of record's handlers: `GET {path}/{id}` and `{path}/{id}/edit`, `POST {path}`,
    `POST {path}/{id}/edit`, `/archive`, `/unarchive` and `/delete`, `{id}` being the path
    parameter `param`."""

    path: str
    param: str
    load: Callable[[AsyncSession, int], Awaitable[Any]]
    # The record's page: template and context (request, db, record, **extra).
    page_template: str
    page: Context
    # The form: template, context (db, record or None: the record and the choices; see
    # `form_context`), and what a form shows for a stored record.
    form_template: str
    form: Context
    values: Callable[[Any], dict[str, Any]]
    # Form to draft, the draft's problems (db, draft, record or None), and the changes.
    read: Callable[[Form], Any]
    errors: Callable[[AsyncSession, Any, Any], Awaitable[dict[str, str]]]
    create: Callable[[AsyncSession, Any], Awaitable[Any]]
    update: Callable[[AsyncSession, Any, Any, int | None], Awaitable[Any]]
    set_archived: Callable[[AsyncSession, Any, bool], Awaitable[Any]]
    delete: Callable[[AsyncSession, Any], Awaitable[None]]

    @classmethod
    def of(
        cls,
        service: Any,
        name: str,
        *,
        path: str,
        templates: str,
        page: Context,
        form: Context,
        read: Callable[[Form], Any],
    ) -> RecordPages:
        """The pages of the record `name` whose `service` module names its functions after it
        (`get_body`, `body_values`, `body_errors`, `create_body`, `update_body`,
        `set_body_archived`, `delete_body`), with the templates `{templates}.html` (its page)
        and `{templates}_form.html`, and the path parameter `{name}_id`."""
        return cls(
            path=path,
            param=f"{name}_id",
            load=getattr(service, f"get_{name}"),
            page_template=f"{templates}.html",
            page=page,
            form_template=f"{templates}_form.html",
            form=form,
            values=getattr(service, f"{name}_values"),
            read=read,
            errors=getattr(service, f"{name}_errors"),
            create=getattr(service, f"create_{name}"),
            update=getattr(service, f"update_{name}"),
            set_archived=getattr(service, f"set_{name}_archived"),
            delete=getattr(service, f"delete_{name}"),
        )

    def _url(self, record: Any) -> str:
        return f"{self.path}/{record.id}"

    async def _record(self, request: Request, db: AsyncSession) -> Any:
        return await self.load(db, request.path_params[self.param])

    async def form_context(self, db: AsyncSession, record: Any, values: dict[str, Any], **extra: Any) -> dict[str, Any]:
        """What the form shows: `values` in its fields, no error yet, and the area's context."""
        return {"values": values, "errors": {}, **await self.form(db, record), **extra}

    async def new(self, request: Request, db: AsyncSession, values: dict[str, Any]) -> Response[Any]:
        """The form of a new record, with `values` to begin with."""
        return render(request, self.form_template, await self.form_context(db, None, values))

    async def shown(self, request: Request, db: AsyncSession) -> Response[Any]:
        record = await self._record(request, db)
        return render(request, self.page_template, await self.page(request, db, record))

    async def editing(self, request: Request, db: AsyncSession) -> Response[Any]:
        record = await self._record(request, db)
        return render(request, self.form_template, await self.form_context(db, record, self.values(record)))

    async def created(self, request: Request, db: AsyncSession) -> Response[Any]:
        form = Form(await request.form())
        await idempotency.replay(db, request, form)
        draft = self.read(form)
        try:
            check(form, await self.errors(db, draft, None))
            record = await self.create(db, draft)
        except Invalid as error:
            context = await self.form_context(db, None, {})
            return render_invalid(request, self.form_template, context, as_typed(error, form))
        await idempotency.remember(db, request, form, self._url(record))
        await db.commit()
        return see_other(request, self._url(record))

    async def updated(self, request: Request, db: AsyncSession) -> Response[Any]:
        record = await self._record(request, db)
        form = Form(await request.form())
        version = form.integer("version")
        try:
            check_version(record, version)
            draft = self.read(form)
            check(form, await self.errors(db, draft, record))
            record = await self.update(db, record, draft, version)
        except Stale as stale:
            # Someone saved in between: what is there now, and beside it what was typed.
            context = await self.form_context(db, record, self.values(record), stale=stale.message, mine=form.values)
            return render(request, self.form_template, context, status_code=HTTP_409_CONFLICT)
        except Invalid as error:
            context = await self.form_context(db, record, {})
            return render_invalid(request, self.form_template, context, as_typed(error, form))
        await db.commit()
        return see_other(request, self._url(record))

    async def archived(self, request: Request, db: AsyncSession, archived: bool) -> Response[Any]:
        record = await self._record(request, db)
        await self.set_archived(db, record, archived)
        await db.commit()
        return see_other(request, self._url(record))

    async def deleted(self, request: Request, db: AsyncSession) -> Response[Any]:
        record = await self._record(request, db)
        try:
            await self.delete(db, record)
        except Refused as refused:
            context = await self.page(request, db, record, refusal=refused.message)
            return render(request, self.page_template, context, status_code=HTTP_409_CONFLICT)
        await db.commit()
        return see_other(request, self.path)

    def handlers(self) -> list[HTTPRouteHandler]:
        """The record's page, its edit form (the secretariat's) and the five form handlers
        (the secretariat's too, as every POST)."""
        one = f"{self.path}/{{{self.param}:int}}"

        @get(one)
        async def show(request: Request, db: DB) -> Response[Any]:
            return await self.shown(request, db)

        @get(f"{one}/edit", opt={"permission": Permission.SECRETARIAT})
        async def edit(request: Request, db: DB) -> Response[Any]:
            return await self.editing(request, db)

        @post(self.path)
        async def create(request: Request, db: DB) -> Response[Any]:
            return await self.created(request, db)

        @post(f"{one}/edit")
        async def update(request: Request, db: DB) -> Response[Any]:
            return await self.updated(request, db)

        @post(f"{one}/archive")
        async def archive(request: Request, db: DB) -> Response[Any]:
            return await self.archived(request, db, True)

        @post(f"{one}/unarchive")
        async def unarchive(request: Request, db: DB) -> Response[Any]:
            return await self.archived(request, db, False)

        @post(f"{one}/delete")
        async def delete(request: Request, db: DB) -> Response[Any]:
            return await self.deleted(request, db)

        return [show, edit, create, update, archive, unarchive, delete]
