"""The Jinja environment: the templates, their translations, filters and globals. Pages, the
minutes' exports and the invitation letters all render with it."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from dialogue import bilingual, i18n, idempotency, labels
from dialogue.accounts.models import Account
from dialogue.accounts.permissions import Permission, allows
from dialogue.accounts.permissions import can_write_side as _can_write_side
from dialogue.forms import datetime_input_value
from dialogue.meetings.sessions import session_label
from dialogue.people.models import Side
from dialogue.settings import ROOT
from dialogue.static_files import StaticFiles


@pass_context
def template_account(context: Context) -> Account | None:
    """`current_account()` in templates: who is signed in (None on public pages)."""
    request = context.get("request")
    return request.scope.get("user") if request is not None else None


@pass_context
def template_can(context: Context, permission: str) -> bool:
    """`can("secretariat")` in templates: show a control only to whom the route allows."""
    return allows(template_account(context), Permission(permission))


@pass_context
def template_can_write_side(context: Context, side: Any) -> bool:
    """`can_write_side(side)` in templates: the secretariat, or that side's delegate."""
    account = template_account(context)
    return account is not None and side is not None and _can_write_side(account, Side(side))


# What templates call by name (`{{ today() }}`, `{% if can("secretariat") %}`), besides
# `static_url`, which each environment gets from its static files.
GLOBALS: dict[str, Any] = {
    "lang": i18n.current_language,
    "text_dir": i18n.text_direction,
    "field_label": labels.field_label,
    "languages": i18n.LANGUAGE_NAMES,
    "today": i18n.today,
    "current_account": template_account,
    "can": template_can,
    "can_write_side": template_can_write_side,
    "form_key": idempotency.form_key_input,
    "list_separator": i18n.list_separator,
    "session_label": session_label,
    # Texts in several languages: `versioned(record, "title")` shows the reader's
    # version, or another one marked "(in French)" (dialogue/bilingual.py).
    "versioned": bilingual.html,
    "versioned_text": bilingual.plain,
    "text_versions": bilingual.draft_fields,
    "text_languages": bilingual.LANGUAGES,
    "text_suffix": bilingual.suffix,
    "language_name": bilingual.language_name,
}

# The filters: `{{ meeting.starts_at | datetime }}`.
FILTERS: dict[str, Any] = {
    "datetime": i18n.format_datetime,
    "date": i18n.format_date,
    "time": i18n.format_time,
    "number": i18n.format_number,
    "file_size": i18n.format_size,
    "relative_date": i18n.relative_date,
    "isolate": i18n.isolate,
    "bdi": i18n.bdi,
    "dtinput": datetime_input_value,
    "listed": i18n.listed,
}


def templates_changed_at() -> int:
    """When a template file last changed (development: a page kept in memory is made again
    once its template is edited, as Jinja's auto-reload would)."""
    return max((entry.stat().st_mtime_ns for entry in (ROOT / "templates").rglob("*.html")), default=0)


def jinja_environment(static: StaticFiles | None = None, *, auto_reload: bool = True) -> Environment:
    """A new environment for the templates: the app's pages, the minutes' exports, letters.
    `static_url("app.css")` is the address of a static file, with its content's hash.
    `auto_reload=False` (production) never looks at the files again once a template is
    compiled: they change only with a new release, which restarts the server."""
    env = Environment(
        loader=FileSystemLoader(ROOT / "templates"),
        auto_reload=auto_reload,
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(GLOBALS, static_url=(static or StaticFiles()).url)
    env.filters.update(FILTERS)
    return env
