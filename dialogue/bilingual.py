"""Texts written in several languages: a title, a description, an outcome, the minutes'
narratives may each be written in French, Arabic and English.

Storage: the existing column (`meeting.title`, ...) stays the canonical text every other
consumer reads (calendar files, emails, sorting, reports): the first version written, in
the order fr, ar, en. The versions themselves sit in one JSON column per record,
`translations` = {"title": {"fr": ..., "ar": ..., "en": ...}, ...} (one column per table,
whatever the number of fields; search reads it through `search_text`, which is indexed).

A text with no stored versions, or whose canonical column no longer matches them (written
by code that knows nothing of versions), reads as its French version alone; so a French
text alone needs no stored versions (`set_versions` writes none for it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from markupsafe import Markup
from sqlalchemy import JSON
from sqlalchemy.orm import Mapped, mapped_column

from dialogue import i18n
from dialogue.i18n import N_, _

D = TypeVar("D")

LANGUAGES = ("fr", "ar", "en")
"""The languages a text may be written in, in the order the canonical text is chosen."""

# "(in French)": the marker shown after a text given in another language than the reader's.
_IN_LANGUAGE = {"fr": N_("(in French)"), "ar": N_("(in Arabic)"), "en": N_("(in English)")}
_LANGUAGE_NAMES = {"fr": N_("French"), "ar": N_("Arabic"), "en": N_("English")}


class Translated:
    """Mixin: the versions of the record's texts in each language (see the module)."""

    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")


def suffix(language: str) -> str:
    """The name of a field's version in `language` in forms and drafts: "" for French (the
    field keeps its name, `title`), "_ar" and "_en" for the others."""
    return "" if language == "fr" else f"_{language}"


def canonical(versions: Mapping[str, str]) -> str:
    """The first non-empty version in the order fr, ar, en ("" when none is written)."""
    return next((versions[language] for language in LANGUAGES if versions.get(language)), "")


def versions_of(record: Any, field: str) -> dict[str, str]:
    """The versions of `record.field` by language, only the written ones. A record without
    versions, or whose canonical text no longer matches them, gives its canonical text as
    French (the language of every text written before there were versions)."""
    stored = (getattr(record, "translations", None) or {}).get(field) or {}
    written = {language: stored[language] for language in LANGUAGES if stored.get(language)}
    text = getattr(record, field) or ""
    if canonical(written) != text:
        return {"fr": text} if text else {}
    return written


def text_in(record: Any, field: str, language: str | None = None) -> tuple[str, str | None]:
    """`record.field` for a reader of `language` (default: the current one), and the
    language it is written in: the reader's version, else the first of fr, ar, en (None
    when there is no text)."""
    return choose(versions_of(record, field), language)


def choose(versions: Mapping[str, str], language: str | None = None) -> tuple[str, str | None]:
    """The version for a reader of `language` (default: the current one) among `versions`
    (language -> text), and its language: the reader's, else the first of fr, ar, en."""
    language = language or i18n.current_language()
    for candidate in (language, *LANGUAGES):
        if versions.get(candidate):
            return versions[candidate], candidate
    return "", None


def noted(versions: Mapping[str, str], language: str | None = None) -> str:
    """The version for a reader of `language` as plain text, followed by "(in French)" when
    it is a fallback (exports, <option>, attributes)."""
    text, written_in = choose(versions, language)
    note = fallback_note(written_in, language)
    return f"{text} {note}" if text and note else text


def set_versions(record: Any, field: str, versions: Mapping[str, str]) -> None:
    """Store the `versions` (language -> text; missing or blank ones are not written) of
    `record.field`, and its canonical text."""
    written = {language: (versions.get(language) or "").strip() for language in LANGUAGES}
    kept = {language: text for language, text in written.items() if text}
    setattr(record, field, canonical(kept))
    entry = (record.translations or {}).get(field) or {}
    if entry == kept or (not entry and set(kept) <= {"fr"}):
        # Nothing to write: the same versions, or a French text alone, which is how a text
        # without versions reads (`versions_of`); the history shows no change of versions.
        return
    # A new dict, so that SQLAlchemy sees the change of the JSON column; no entry for a
    # text written in no language.
    stored = {name: texts for name, texts in (record.translations or {}).items() if name != field}
    record.translations = {**stored, field: kept} if kept else stored


def draft_versions(draft: Any, field: str) -> dict[str, str]:
    """The versions of `field` a draft holds: `field` (French), `field_ar`, `field_en`."""
    return {language: getattr(draft, field + suffix(language), "") or "" for language in LANGUAGES}


def apply_draft(record: Any, draft: Any, *fields: str) -> None:
    """Set each of `fields` of `record` (versions and canonical text) from `draft`."""
    for field in fields:
        set_versions(record, field, draft_versions(draft, field))


def draft_fields(record: Any, *fields: str) -> dict[str, str]:
    """The draft values of `fields` of `record`: {"title": fr, "title_ar": ar, ...}."""
    values: dict[str, str] = {}
    for field in fields:
        versions = versions_of(record, field)
        for language in LANGUAGES:
            values[field + suffix(language)] = versions.get(language, "")
    return values


def none_written(draft: Any, field: str) -> bool:
    return not any(text.strip() for text in draft_versions(draft, field).values())


def required_message() -> str:
    return _("Write this in at least one language.")


def language_name(language: str) -> str:
    """ "French", "Arabic", "English" in the reader's language."""
    return _(_LANGUAGE_NAMES[language])


def fallback_note(language: str | None, reader: str | None = None) -> str:
    """ "(in French)" when a text shown to a reader of `reader` is in `language`; "" when it
    is in the reader's language or in an unknown one."""
    reader = reader or i18n.current_language()
    if language is None or language == reader:
        return ""
    return _(_IN_LANGUAGE[language])


def html(record: Any, field: str, *, block: bool = False) -> Markup:
    """`record.field` for the current reader as HTML: isolated in a `<bdi>` (a `<div>` when
    `block`, keeping line breaks) marked with its language and direction; followed, when it is a
    fallback, by a visible note "(in French)" in the reader's language."""
    text, language = text_in(record, field)
    if not text:
        return Markup("")
    attributes = (
        Markup(' lang="{}" dir="{}"').format(language, i18n.text_direction(language))
        if language
        else Markup(' dir="auto"')
    )
    if block:
        body = Markup('<div{} class="versioned-text multiline">{}</div>').format(attributes, text)
    else:
        body = Markup("<bdi{}>{}</bdi>").format(attributes, text)
    note = fallback_note(language)
    if note:
        body += Markup(' <small class="language-note">{}</small>').format(note)
    return body


def draft_errors(draft: Any, field: str, problem: Callable[[str], str | None], *, required: bool) -> dict[str, str]:
    """The problems of each version of `field` in `draft` (`problem(text)` says what is
    wrong with one text, None when nothing), by form field; and when `required` and no
    version is written, "Write this in at least one language." on `field` (the French one,
    first in the form)."""
    errors: dict[str, str] = {}
    for language, text in draft_versions(draft, field).items():
        found = problem(text) if text.strip() else None
        if found:
            errors[field + suffix(language)] = found
    if required and none_written(draft, field):
        errors[field] = required_message()
    return errors


def draft_of(draft_type: type[D], record: Any, *fields: str) -> D:
    """A draft (a dataclass whose other fields are named as the record's columns) of
    `record` as stored, with the versions of its texts `fields` (see `draft_fields`)."""
    texts = draft_fields(record, *fields)
    names = [column.name for column in dataclasses.fields(draft_type)]  # type: ignore[arg-type]
    return draft_type(**{name: texts[name] if name in texts else getattr(record, name) for name in names})


def plain(record: Any, field: str, language: str | None = None) -> str:
    """`record.field` for a reader of `language` as plain text (exports, <option>,
    attributes): the text, followed by "(in French)" when it is a fallback."""
    versions = versions_of(record, field)
    if not versions:
        return getattr(record, field) or ""
    return noted(versions, language)


def draft_names(*fields: str) -> list[str]:
    """The draft and form fields of `fields` in every language: title, title_ar, title_en..."""
    return [field + suffix(language) for field in fields for language in LANGUAGES]


def versions_text(table: str, translations: Mapping[str, Any]) -> str:
    """A `translations` value as a history shows it: "Title (Arabic): ...; Title (French): ..."."""
    from dialogue.labels import field_label

    return "; ".join(
        f"{field_label(table, field)} ({language_name(language)}): {text}"
        for field, versions in translations.items()
        for language, text in (versions or {}).items()
        if text and language in LANGUAGES
    )


def all_versions(record: Any, *fields: str) -> dict[str, dict[str, str]]:
    """The written versions of each of `fields` of `record` (the API's `versions`)."""
    return {field: versions_of(record, field) for field in fields}
