"""A press release as a printable document: blocks of dialogue/minutes/formats.py that the
minutes' writers print as PDF, Word and HTML, in French, Arabic or English. Pure: no
database, so that it runs in the export processes."""

from __future__ import annotations

from dialogue import i18n
from dialogue.i18n import _
from dialogue.minutes import formats
from dialogue.minutes.formats import Block, Fields, Heading, Items, Layout, Paragraph, Table
from dialogue.press.record import ReleaseRecord

FORMATS = ("pdf", "docx", "html")
MEDIA_TYPES = {fmt: formats.MEDIA_TYPES[fmt] for fmt in FORMATS}


def when(record: ReleaseRecord) -> str:
    """ "27 July 2022, 11:00–16:00" (Africa/Tunis), or two dates for an event of several days."""
    start, end = i18n.local(record.starts_at), i18n.local(record.ends_at)
    if start.date() == end.date():
        return (
            f"{i18n.format_date(start, 'long')}{i18n.list_separator()}{i18n.format_time(start)}–{i18n.format_time(end)}"
        )
    return f"{i18n.format_date(start, 'long')} – {i18n.format_date(end, 'long')}"


def organisation_name(name: str, acronym: str) -> str:
    return f"{name} ({acronym})" if acronym and acronym != name else name


def fields(record: ReleaseRecord) -> tuple[tuple[str, str], ...]:
    """Date, place, kind, and the body and project when there are, in the current language."""
    rows = [(_("Date"), when(record)), (_("Place"), record.place or record.venue), (_("Kind"), record.kind_label)]
    if record.body:
        rows.append((_("Body"), record.body))
    if record.project is not None:
        rows.append((_("Project"), record.project.display_name))
    return tuple(rows)


def layout(record: ReleaseRecord, language: str) -> Layout:
    """The release in `language`: its texts as the secretariat wrote them, the labels,
    dates and roles in `language`."""
    with i18n.using_language(language):
        direction = i18n.text_direction(language)
        blocks: list[Block] = [
            Heading(record.title, 1),
            Fields(fields(record)),
        ]
        if record.summary.strip():
            blocks.append(Paragraph(record.summary, user=True))
        if record.outcome_points:
            blocks += [Heading(_("What was achieved")), Items(record.outcome_points)]
        partners = [line for line in record.organisations if line.is_partner]
        if partners:
            blocks += [
                Heading(_("Partners and their roles")),
                Table(
                    (_("Organisation"), _("Role")),
                    tuple((organisation_name(line.name, line.acronym), line.role_label) for line in partners),
                    user_columns=frozenset({0}),
                    widths=(70, 30),
                ),
            ]
        if record.contacts.strip():
            blocks += [Heading(_("Contacts")), Paragraph(record.contacts, user=True)]
        published = record.published_at or record.updated_at
        return Layout(
            language=language,
            title=record.title,
            blocks=tuple(blocks),
            running_head=(_("Press release"), formats.title_text(record.title, direction)),
            running_foot=formats.joined((record.place, i18n.format_date(record.starts_at, "long")), " · ", direction),
            watermark=None if record.published else _("DRAFT"),
            banner=_("Press release") if record.published else _("Press release – draft, not published"),
            dated=published,
        )


def write(record: ReleaseRecord, fmt: str, language: str) -> bytes:
    """The release as a `fmt` file in `language` (the same bytes for the same record)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown press release format: {fmt!r}")
    document = layout(record, language)
    with i18n.using_language(language):
        return formats.write_file(document, fmt)


def file_name(record: ReleaseRecord, fmt: str, language: str) -> str:
    return f"press-release-{record.slug}-{language}.{fmt}"
