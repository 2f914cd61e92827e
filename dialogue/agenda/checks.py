"""What the agenda's forms and API send (items, document links, outcomes) and what is wrong with it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from dialogue import bilingual
from dialogue.agenda.models import AgendaItem, C144Matter, OutcomeKind, Stance
from dialogue.errors import Invalid
from dialogue.i18n import _
from dialogue.people.models import Person, Side

TITLE_MAX = 300
DESCRIPTION_MAX = 5000
DURATION_MIN = 1
DURATION_MAX = 600
STATEMENT_MAX = 10000
OUTCOME_TEXT_MAX = 10000
URL_MAX = 500

AGREEMENTS = (OutcomeKind.TRIPARTITE_AGREEMENT, OutcomeKind.BILATERAL_AGREEMENT)


@dataclass
class ItemFields:
    """What the secretariat types for an agenda item (already parsed, not yet checked)."""

    title: str
    description: str = ""
    duration_minutes: int | None = 30
    presenter_id: int | None = None
    c144_matter: C144Matter | None = None
    # The title and the description in Arabic and English (`title` is the French one).
    title_ar: str = ""
    title_en: str = ""
    description_ar: str = ""
    description_en: str = ""


@dataclass
class DocumentFields:
    title: str
    url: str


@dataclass
class PositionDraft:
    """One side's position as typed (`stance` None when missing or unreadable). `internal`:
    True keeps it a draft inside the side, False shares it with all sides, None keeps what
    it was (a new position is shared)."""

    stance: Stance | None
    statement: str = ""
    internal: bool | None = None


@dataclass
class OutcomeDraft:
    """What the meeting concluded on an item, as typed (`kind` None when missing or
    unreadable; `sides`: the agreeing sides as sent, checked by `outcome_errors`)."""

    kind: OutcomeKind | None
    sides: Sequence[str] = ()
    text: str = ""
    # The text in Arabic and English (`text` is the French one).
    text_ar: str = ""
    text_en: str = ""


def is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and not any(c.isspace() for c in url)


def item_errors(fields: ItemFields) -> dict[str, str]:
    """What is wrong with an item's fields, per field (empty when all is well)."""
    errors = bilingual.draft_errors(fields, "title", _too_long(TITLE_MAX), required=True)
    errors.update(bilingual.draft_errors(fields, "description", _too_long(DESCRIPTION_MAX), required=False))
    if fields.duration_minutes is None:
        errors["duration_minutes"] = _("This field is required.")
    elif not DURATION_MIN <= fields.duration_minutes <= DURATION_MAX:
        errors["duration_minutes"] = _("Enter a duration between {low} and {high} minutes.").format(
            low=DURATION_MIN, high=DURATION_MAX
        )
    return errors


def document_errors(fields: DocumentFields, prefix: str = "") -> dict[str, str]:
    """What is wrong with a document link; `prefix` names the fields (e.g. "documents.0.")."""
    errors: dict[str, str] = {}
    title = fields.title.strip()
    if not title:
        errors[prefix + "title"] = _("Give the document a title.")
    elif len(title) > TITLE_MAX:
        errors[prefix + "title"] = _("At most {n} characters.").format(n=TITLE_MAX)
    url = fields.url.strip()
    if not url:
        errors[prefix + "url"] = _("This field is required.")
    elif len(url) > URL_MAX:
        errors[prefix + "url"] = _("At most {n} characters.").format(n=URL_MAX)
    elif not is_web_address(url):
        errors[prefix + "url"] = _("Enter a full web address starting with https://.")
    return errors


async def presenter_error(db: AsyncSession, presenter_id: int | None, current_id: int | None = None) -> str | None:
    """A presenter must be a person on file who is not archived (the current one may stay)."""
    if presenter_id is None or presenter_id == current_id:
        return None
    person = await db.get(Person, presenter_id)
    if person is None or person.archived_at is not None:
        return _("Choose a person from the list.")
    return None


async def check_item(
    db: AsyncSession,
    fields: ItemFields,
    *,
    current: AgendaItem | None = None,
    documents: Sequence[DocumentFields] = (),
    known: dict[str, str] | None = None,
) -> None:
    """Raise `Invalid` with every problem of an item at once (`known`: errors found while parsing)."""
    errors = item_errors(fields)
    if "presenter_id" not in (known or {}):
        message = await presenter_error(db, fields.presenter_id, current.presenter_id if current else None)
        if message:
            errors["presenter_id"] = message
    for index, document in enumerate(documents):
        errors.update(document_errors(document, prefix=f"documents.{index}."))
    errors.update(known or {})
    if errors:
        raise Invalid(errors, dataclasses.asdict(fields))


def _too_long(maximum: int) -> Callable[[str], str | None]:
    def problem(text: str) -> str | None:
        return _("At most {n} characters.").format(n=maximum) if len(text.strip()) > maximum else None

    return problem


def outcome_errors(kind: OutcomeKind | None, sides: Sequence[str], text: str) -> tuple[dict[str, str], str]:
    """Check an outcome; return the errors and the agreeing sides as stored ("a,b" or "").

    A bilateral agreement names exactly two distinct party sides (observers never agree);
    other kinds name none. An agreement says what was agreed.
    """
    errors: dict[str, str] = {}
    stored = ""
    if kind is None:
        errors["kind"] = _("Choose one of the options.")
    elif kind is OutcomeKind.BILATERAL_AGREEMENT:
        chosen: set[Side] = set()
        for value in sides:
            try:
                side = Side(value)
            except ValueError:
                errors["sides"] = _("Choose one of the options.")
                break
            if side not in Side.parties():
                errors["sides"] = _("Observers are not party to an agreement.")
                break
            chosen.add(side)
        if "sides" not in errors and len(chosen) != 2:
            errors["sides"] = _("A bilateral agreement is between exactly two different sides: choose two.")
        stored = ",".join(side.value for side in Side.parties() if side in chosen)
    if kind in AGREEMENTS and not text.strip():
        errors["text"] = _("Write down what was agreed.")
    if len(text) > OUTCOME_TEXT_MAX:
        errors["text"] = _("At most {n} characters.").format(n=OUTCOME_TEXT_MAX)
    return errors, stored
