"""The papers of a meeting day as PDF (the sign-in sheet, letters of convocation: for the
secretariat and coordinators, like the other exports) and the letterhead's settings page
(the secretariat's)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException
from litestar.params import FromPath
from litestar.status_codes import HTTP_400_BAD_REQUEST

from dialogue import i18n
from dialogue.accounts.permissions import SECRETARIAT, Permission
from dialogue.errors import Invalid, Stale
from dialogue.forms import Form
from dialogue.i18n import _
from dialogue.meetings import service as meetings
from dialogue.papers import convocation, letterhead, printing, sheet
from dialogue.web import DB, Config, Renderers, Template, attachment, render, render_invalid, see_other

EXPORT = {"permission": Permission.EXPORT}
PDF = "application/pdf"
# The logo and the fields around it; a logo over its own limit but under this one is told
# its limit (422), a larger request is cut short (413, "at most 1 MB").
LETTERHEAD_BODY_LIMIT = 1024 * 1024 + 64 * 1024


@get("/meetings/{meeting_id:int}/sign-in-sheet.pdf", name="sign_in_sheet_pdf", cache=False, opt=EXPORT)
async def sign_in_sheet_pdf(request: Request, db: DB, render_pool: Renderers, meeting_id: FromPath[int]) -> Response:
    """The sign-in sheet to print: invitees by side, a box to sign, blank rows, page numbers."""
    meeting = await meetings.get_meeting(db, meeting_id, with_invitations=True)
    partners = await sheet.meeting_partners(db, meeting_id)
    data = sheet.sign_in_sheet(meeting, i18n.current_language(), partners)
    content = await render_pool.run(printing.sign_in_sheet_pdf, data)
    return Response(content=content, media_type=PDF, headers=attachment(f"sign-in-sheet-meeting-{meeting_id}.pdf"))


def _person(request: Request) -> int:
    raw = request.query_params.get("person", "")
    if not raw.isdigit() or len(raw) > 18:
        raise HTTPException(
            status_code=HTTP_400_BAD_REQUEST, detail=_("Say whose letter it is: ?person= and the person's number.")
        )
    return int(raw)


@get("/meetings/{meeting_id:int}/convocation.pdf", name="convocation_pdf", cache=False, opt=EXPORT)
async def convocation_pdf(
    request: Request, db: DB, settings: Config, render_pool: Renderers, meeting_id: FromPath[int]
) -> Response:
    """One invitee's letter of convocation (`?person=ID`), in their language."""
    person_id = _person(request)
    letters = await convocation.convocations(db, meeting_id, settings, person_id=person_id)
    content = await render_pool.run(printing.convocations_pdf, letters, letters[0].language)
    return Response(
        content=content, media_type=PDF, headers=attachment(f"convocation-meeting-{meeting_id}-person-{person_id}.pdf")
    )


@get("/meetings/{meeting_id:int}/convocations.pdf", name="convocations_pdf", cache=False, opt=EXPORT)
async def convocations_pdf(
    request: Request, db: DB, settings: Config, render_pool: Renderers, meeting_id: FromPath[int]
) -> Response:
    """Every invitee's letter in one PDF, each from a new page, in its invitee's language."""
    letters = await convocation.convocations(db, meeting_id, settings)
    if not letters:
        raise HTTPException(status_code=HTTP_400_BAD_REQUEST, detail=_("Nobody is invited to this meeting yet."))
    content = await render_pool.run(printing.convocations_pdf, letters, i18n.current_language())
    return Response(content=content, media_type=PDF, headers=attachment(f"convocations-meeting-{meeting_id}.pdf"))


# The letterhead --------------------------------------------------------------------------

LETTERHEAD_PAGE = "papers/letterhead.html"


def _letterhead_values(record: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"reference_format": record.reference_format, "version": record.version}
    for language in i18n.LANGUAGES:
        for field in ("name", "header", "footer"):
            values[f"{field}_{language}"] = getattr(record, f"{field}_{language}")
    return values


async def _letterhead_context(db: DB, **extra: Any) -> dict[str, Any]:
    record = await letterhead.get_letterhead(db)
    return {
        "letterhead": record,
        "logo": letterhead.logo_data_url(record),
        "values": _letterhead_values(record),
        "errors": {},
        "languages": i18n.LANGUAGE_NAMES,
        "max_kb": letterhead.LOGO_MAX_BYTES // 1024,
        **extra,
    }


@get("/settings/letterhead", name="letterhead", cache=False, opt=SECRETARIAT)
async def letterhead_page(request: Request, db: DB) -> Template:
    """The letterhead of the letters of convocation: name, header lines, footer, logo,
    reference numbers."""
    saved = request.query_params.get("saved") == "1"
    return render(request, LETTERHEAD_PAGE, await _letterhead_context(db, saved=saved))


@post("/settings/letterhead", name="letterhead_save", opt=SECRETARIAT, request_max_body_size=LETTERHEAD_BODY_LIMIT)
async def save_letterhead(request: Request, db: DB) -> Any:
    data = await request.form()
    form = Form(data)
    draft = letterhead.LetterheadDraft(
        names={language: form.text(f"name_{language}", max_length=200) for language in i18n.LANGUAGES},
        headers={language: form.text(f"header_{language}", max_length=1000) for language in i18n.LANGUAGES},
        footers={language: form.text(f"footer_{language}", max_length=300) for language in i18n.LANGUAGES},
        reference_format=form.text("reference_format", required=True, max_length=100),
        version=form.integer("version"),
    )
    file = data.get("logo")
    try:
        logo = None
        if isinstance(file, UploadFile) and file.filename:
            logo = letterhead.checked_logo(await file.read(letterhead.LOGO_MAX_BYTES + 1))
        form.check()
        await letterhead.save_letterhead(db, draft, logo=logo, remove_logo=form.boolean("remove_logo"))
    except Invalid as error:
        await db.rollback()
        values = {**form.values, **error.values}
        values.pop("logo", None)
        return render_invalid(request, LETTERHEAD_PAGE, await _letterhead_context(db), Invalid(error.errors, values))
    except Stale as stale:
        await db.rollback()
        context = await _letterhead_context(db, stale=stale.message)
        return render(request, LETTERHEAD_PAGE, context, status_code=409)
    await db.commit()
    return see_other(request, "/settings/letterhead?saved=1")


routes: list[Any] = [sign_in_sheet_pdf, convocation_pdf, convocations_pdf, letterhead_page, save_letterhead]
