"""Downloads of the follow-up sheet (fiche de suivi): of a meeting, or of a body over a
period. For the secretariat and coordinators (EXPORT)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import HTTPException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.status_codes import HTTP_400_BAD_REQUEST

from dialogue import i18n
from dialogue.accounts.permissions import Permission
from dialogue.forms import FIRST_DAY, LAST_DAY
from dialogue.i18n import _
from dialogue.minutes import followup
from dialogue.minutes.render_pool import RenderPool
from dialogue.web import DB, Config, Renderers, attachment

EXPORT = {"permission": Permission.EXPORT}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _bad_request(message: str) -> HTTPException:
    return HTTPException(status_code=HTTP_400_BAD_REQUEST, detail=message)


def export_language(request: Request) -> str:
    """`?lang=fr|ar|en`, by default the interface's language; anything else is refused."""
    language = request.query_params.get("lang") or i18n.current_language()
    if language not in i18n.LANGUAGES:
        raise _bad_request(
            _("Choose the language of the export among: {languages}.").format(languages=", ".join(i18n.LANGUAGES))
        )
    return language


def query_date(request: Request, name: str) -> dt.date | None:
    """A `YYYY-MM-DD` query parameter (empty: none), from 1900 to 2999 as every date typed
    in the app; anything else is refused with a message."""
    value = (request.query_params.get(name) or "").strip()
    if not value:
        return None
    if ISO_DATE.fullmatch(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            # Midnight in Africa/Tunis on 0001-01-01 (or the day after 9999-12-31) has no
            # UTC time: the range is checked before any conversion.
            if not FIRST_DAY <= day <= LAST_DAY:
                raise _bad_request(_("Enter a date between 1900 and 2999."))
            return day
    raise _bad_request(_("“{value}” is not a date: write it as YYYY-MM-DD, e.g. 2024-05-14.").format(value=value[:40]))


async def _download(
    request: Request, render_pool: RenderPool, sheet: followup.FollowUpSheet, filename: str
) -> Response[bytes]:
    fmt = request.url.path.rsplit(".", 1)[-1]
    language = export_language(request)
    # PDF and DOCX take a while: in the export processes, off the server's.
    content = await render_pool.run(followup.render_followup, sheet, fmt, language)
    return Response(
        content=content,
        media_type=followup.MEDIA_TYPES[fmt],
        headers=attachment(f"{filename}-{language}.{fmt}"),
    )


def _sheet_route(record_path: str, name: str) -> HTTPRouteHandler:
    """A follow-up sheet of the record at `record_path`, one path per format."""
    return get([f"{record_path}/follow-up.{fmt}" for fmt in followup.FORMATS], name=name, cache=False, opt=EXPORT)


@_sheet_route("/meetings/{meeting_id:int}", "meeting_follow_up")
async def meeting_follow_up(
    request: Request, db: DB, settings: Config, render_pool: Renderers, meeting_id: FromPath[int]
) -> Response[bytes]:
    """The commitments made at the meeting, as they stand today: `?lang=` for the language."""
    export_language(request)  # refuse a bad language before reading anything
    sheet = await followup.meeting_sheet(db, meeting_id, today=i18n.today(), tz=settings.tz)
    return await _download(request, render_pool, sheet, f"follow-up-meeting-{meeting_id}")


@_sheet_route("/bodies/{body_id:int}", "body_follow_up")
async def body_follow_up(
    request: Request, db: DB, settings: Config, render_pool: Renderers, body_id: FromPath[int]
) -> Response[bytes]:
    """The commitments made at the body's meetings between `?from=` and `?to=` (YYYY-MM-DD,
    both days included, either may be left out)."""
    export_language(request)
    date_from, date_to = query_date(request, "from"), query_date(request, "to")
    if date_from and date_to and date_from > date_to:
        raise _bad_request(_("The start of the period must not be after its end."))
    sheet = await followup.body_sheet(
        db, body_id, date_from=date_from, date_to=date_to, today=i18n.today(), tz=settings.tz
    )
    period = "-".join(day.isoformat() for day in (date_from, date_to) if day)
    return await _download(request, render_pool, sheet, f"follow-up-body-{body_id}" + (f"-{period}" if period else ""))


routes: list[Any] = [meeting_follow_up, body_follow_up]
