"""The letterhead: read it (an empty one until the secretariat fills it in), change it,
check an uploaded logo by its content, and make reference numbers."""

from __future__ import annotations

import base64
import datetime as dt
import io
import string
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import i18n
from dialogue.errors import Invalid, check_version
from dialogue.i18n import _
from dialogue.papers.models import Letterhead

# A logo is a small picture: it is kept in the database and put in every letter.
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 4000  # on either side
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
REFERENCE_FIELDS = ("year", "meeting", "person")


@dataclass(frozen=True)
class LetterheadDraft:
    """What the letterhead form holds (the logo apart)."""

    names: dict[str, str]
    headers: dict[str, str]
    footers: dict[str, str]
    reference_format: str
    version: int | None


async def get_letterhead(db: AsyncSession) -> Letterhead:
    """The letterhead, or a new empty one (not saved) when none was ever written."""
    letterhead = await db.scalar(select(Letterhead).order_by(Letterhead.id).limit(1))
    if letterhead is not None:
        return letterhead
    texts = {f"{field}_{code}": "" for field in ("name", "header", "footer") for code in i18n.LANGUAGES}
    return Letterhead(**texts, reference_format="{year}/{meeting}", logo=None, logo_type="", version=0)


def reference_format_problem(text: str) -> str | None:
    """Why `text` cannot make reference numbers, or None."""
    try:
        fields = [name for _literal, name, spec, conversion in string.Formatter().parse(text) if name is not None]
        specs = [(spec, conversion) for _literal, name, spec, conversion in string.Formatter().parse(text) if name]
    except ValueError:
        fields, specs = ["?"], []
    if any(name not in REFERENCE_FIELDS for name in fields) or any(spec or conversion for spec, conversion in specs):
        return _("Use only the fields {fields} between braces.").format(
            fields=", ".join("{" + name + "}" for name in REFERENCE_FIELDS)
        )
    return None


def reference_number(letterhead: Letterhead, meeting_id: int, starts_at: dt.datetime, person_id: int | None) -> str:
    """A letter's reference: the letterhead's format filled in ("CNDS/2026/14")."""
    text = letterhead.reference_format or "{year}/{meeting}"
    if reference_format_problem(text):
        text = "{year}/{meeting}"
    return text.format(year=i18n.local(starts_at).year, meeting=meeting_id, person=person_id or "")


def checked_logo(content: bytes) -> tuple[bytes, str]:
    """The logo and its media type, once its content shows a PNG or JPEG picture of a
    reasonable size; `Invalid` (on the field `logo`) otherwise."""
    from PIL import Image, UnidentifiedImageError  # WeasyPrint's own dependency

    if not content:
        raise Invalid({"logo": _("The file is empty.")})
    if len(content) > LOGO_MAX_BYTES:
        raise Invalid({"logo": _("The logo must be at most {size} KB.").format(size=LOGO_MAX_BYTES // 1024)})
    try:
        with Image.open(io.BytesIO(content)) as picture:
            kind = picture.format
            width, height = picture.size
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        kind, width, height = None, 0, 0
    if kind not in LOGO_TYPES:
        raise Invalid({"logo": _("The logo must be a PNG or JPEG picture.")})
    if not (0 < width <= LOGO_MAX_PIXELS and 0 < height <= LOGO_MAX_PIXELS):
        raise Invalid({"logo": _("The logo must be at most {n} pixels wide and high.").format(n=LOGO_MAX_PIXELS)})
    return content, LOGO_TYPES[kind]


def logo_data_url(letterhead: Letterhead) -> str:
    """The logo as a `data:` address for a letter (the PDF holds it), or ""."""
    if not letterhead.logo or letterhead.logo_type not in LOGO_TYPES.values():
        return ""
    return f"data:{letterhead.logo_type};base64,{base64.b64encode(letterhead.logo).decode('ascii')}"


async def save_letterhead(
    db: AsyncSession, draft: LetterheadDraft, *, logo: tuple[bytes, str] | None = None, remove_logo: bool = False
) -> Letterhead:
    """Write the letterhead (the first time: create it)."""
    problem = reference_format_problem(draft.reference_format)
    if problem:
        raise Invalid({"reference_format": problem})
    letterhead = await db.scalar(select(Letterhead).order_by(Letterhead.id).limit(1))
    if letterhead is None:  # the first time: nothing to be stale against
        letterhead = Letterhead(logo=None, logo_type="")
        db.add(letterhead)
    else:
        check_version(letterhead, draft.version)
    for language in i18n.LANGUAGES:
        setattr(letterhead, f"name_{language}", draft.names.get(language, ""))
        setattr(letterhead, f"header_{language}", draft.headers.get(language, ""))
        setattr(letterhead, f"footer_{language}", draft.footers.get(language, ""))
    letterhead.reference_format = draft.reference_format
    if logo is not None:
        letterhead.logo, letterhead.logo_type = logo
    elif remove_logo:
        letterhead.logo, letterhead.logo_type = None, ""
    await db.flush()
    return letterhead
