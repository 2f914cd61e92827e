"""The C144 annual report in words, in the current language: the texts a government can
paste into its report to the ILO, the summary figures, the chart, and the whole report as
a file (`make(report, language)`, run in the export processes). Pure: no database."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from dialogue import i18n
from dialogue.agenda.models import C144Matter, OutcomeKind
from dialogue.i18n import _, format_date, format_time, ngettext
from dialogue.meetings.models import MeetingStatus
from dialogue.minutes.formats import Block, Fields, Figure, Heading, Layout, Paragraph, Table
from dialogue.people.models import Side
from dialogue.reports import charts
from dialogue.reports.c144 import C144Report, ItemLine, MatterCount, MeetingLine
from dialogue.reports.common import ReportFile, Sheet


def title(report: C144Report) -> str:
    if report.body:
        return _("C144 annual report {year}: {body}").format(year=report.year, body=i18n.isolate(report.body))
    return _("C144 annual report {year}").format(year=report.year)


def matter_label(matter: C144Matter | None) -> str:
    return matter.label if matter is not None else _("Other items (no C144 matter)")


def item_title(item: ItemLine) -> str:
    """The carry-over item's title in the current language (its stored title is in the
    language of whoever scheduled the meeting)."""
    return _("Follow-up of commitments") if item.follow_up else item.title


def outcome_text(item: ItemLine) -> str:
    """ "Tripartite agreement: text", "Bilateral agreement (Government, Workers)", or "No
    outcome recorded"."""
    if item.outcome is None:
        return _("No outcome recorded")
    text = item.outcome.label
    if item.outcome_sides:
        text += " (" + i18n.listed(side.label for side in item.outcome_sides) + ")"
    if item.outcome_text.strip():
        text += _(": ") + item.outcome_text.strip()
    return text


def outcome_label(kind: OutcomeKind | None) -> str:
    return kind.label if kind is not None else _("No outcome recorded")


def requirement_definition() -> str:
    return _(
        "How this is decided: the requirement of Article 5(2) (consultations at least once a year) is met "
        "for a year when at least one meeting held in that year (status “held”, starting in the year, "
        "Africa/Tunis time) had at least one agenda item on a matter of Article 5(1), (a) to (e). "
        "Planned, postponed and cancelled meetings do not count, nor held meetings with no item on those matters."
    )


def requirement_status(report: C144Report) -> str:
    if report.requirement_met:
        return ngettext(
            "Requirement of Article 5(2) met in {year}: {count} meeting held on matters of Article 5(1).",
            "Requirement of Article 5(2) met in {year}: {count} meetings held on matters of Article 5(1).",
            len(report.c144_meetings),
        ).format(year=report.year, count=len(report.c144_meetings))
    if report.held:
        return _(
            "Requirement of Article 5(2) not met in {year}: no meeting held in the year dealt with a matter "
            "of Article 5(1)."
        ).format(year=report.year)
    return _("Requirement of Article 5(2) not met in {year}: no meeting was held in the year.").format(year=report.year)


def _dates(lines: Iterable[MeetingLine]) -> str:
    """ "Plenary: 12 March 2026, 5 June 2026; Committee: 1 July 2026" (bodies in order of
    their first meeting)."""
    by_body: dict[str, list[str]] = {}
    for line in lines:
        by_body.setdefault(line.body, []).append(format_date(line.starts_at, "long"))
    return i18n.listed(
        (f"{i18n.isolate(body)}{_(': ')}{i18n.listed(days)}" for body, days in by_body.items()), semicolons=True
    )


def _matters_list(report: C144Report) -> str:
    return i18n.listed(
        (
            ngettext("{matter} ({count} item)", "{matter} ({count} items)", count.items).format(
                matter=count.matter.label if count.matter else "", count=count.items
            )
            for count in report.matters
            if count.matter is not None and count.items
        ),
        semicolons=True,
    )


def _outcomes_list(counts: Iterable[MatterCount]) -> str:
    total: dict[OutcomeKind | None, int] = {}
    for count in counts:
        for kind, number in count.outcomes:
            total[kind] = total.get(kind, 0) + number
    order: list[OutcomeKind | None] = [*OutcomeKind, None]
    return i18n.listed(
        (f"{outcome_label(kind)}{_(': ')}{total[kind]}" for kind in order if total.get(kind)), semicolons=True
    )


def paste_text(report: C144Report) -> tuple[str, ...]:
    """Paragraphs a government can paste into its report to the ILO, in the current language."""
    year, held = report.year, len(report.held)
    paragraphs: list[str] = []
    body = i18n.isolate(report.body)
    if not held:
        paragraphs.append(
            _("In {year}, {body} held no tripartite consultation meeting.").format(year=year, body=body)
            if report.body
            else _("In {year}, no tripartite consultation meeting was held.").format(year=year)
        )
    elif report.body:
        paragraphs.append(
            ngettext(
                "In {year}, {body} held {count} tripartite consultation meeting ({dates}).",
                "In {year}, {body} held {count} tripartite consultation meetings ({dates}).",
                held,
            ).format(
                year=year,
                body=body,
                count=held,
                dates=i18n.listed(format_date(line.starts_at, "long") for line in report.held),
            )
        )
    else:
        paragraphs.append(
            ngettext(
                "In {year}, {count} tripartite consultation meeting was held ({dates}).",
                "In {year}, {count} tripartite consultation meetings were held ({dates}).",
                held,
            ).format(year=year, count=held, dates=_dates(report.held))
        )
    if held:
        content: list[str] = []
        c144 = len(report.c144_meetings)
        if c144:
            content.append(
                ngettext(
                    "{count} of these meetings dealt with matters of Article 5(1) of Convention No. 144: {matters}.",
                    "{count} of these meetings dealt with matters of Article 5(1) of Convention No. 144: {matters}.",
                    c144,
                ).format(count=c144, matters=_matters_list(report))
            )
            outcomes = _outcomes_list(count for count in report.matters if count.matter is not None)
            content.append(_("Outcomes on these matters: {outcomes}.").format(outcomes=outcomes))
        else:
            content.append(_("None of these meetings dealt with a matter of Article 5(1) of Convention No. 144."))
        if report.other_items:
            content.append(
                ngettext(
                    "{count} other agenda item was discussed.",
                    "{count} other agenda items were discussed.",
                    report.other_items,
                ).format(count=report.other_items)
            )
        paragraphs.append(" ".join(content))
        workers, employers = report.took_part(Side.WORKERS), report.took_part(Side.EMPLOYERS)
        government = report.took_part(Side.GOVERNMENT)
        part: list[str] = []
        if report.unrecorded == held:
            part.append(
                ngettext("Attendance was not recorded for it.", "Attendance was not recorded for any of them.", held)
            )
        elif workers == employers == held:
            part.append(
                ngettext(
                    "The workers' and employers' organisations took part in it.",
                    "The workers' and employers' organisations took part in all of them.",
                    held,
                )
            )
        else:
            part.append(
                _(
                    "The workers' organisations took part in {workers} of them and the employers' organisations "
                    "in {employers}."
                ).format(workers=workers, employers=employers)
            )
        if government != held and report.unrecorded != held:
            part.append(_("The government was represented at {count} of them.").format(count=government))
        if report.unrecorded and report.unrecorded != held:
            part.append(_("Attendance was not recorded for {count} of them.").format(count=report.unrecorded))
        if report.observers:
            part.append(
                _("Observers also attended: {observers}.").format(
                    observers=i18n.listed(i18n.isolate(name) for name in report.observers)
                )
            )
        paragraphs.append(" ".join(part))
    paragraphs.append(
        _(
            "The requirement of Article 5(2) of the Convention (consultations at least once a year) was met in {year}."
        ).format(year=year)
        if report.requirement_met
        else _(
            "The requirement of Article 5(2) of the Convention (consultations at least once a year) was not met "
            "in {year}."
        ).format(year=year)
    )
    if report.planned:
        paragraphs.append(
            ngettext(
                "{count} further meeting is planned in {year} ({dates}).",
                "{count} further meetings are planned in {year} ({dates}).",
                len(report.planned),
            ).format(count=len(report.planned), year=year, dates=_dates(report.planned))
        )
    if report.cancelled:
        paragraphs.append(
            ngettext(
                "{count} meeting was cancelled ({dates}).",
                "{count} meetings were cancelled ({dates}).",
                len(report.cancelled),
            ).format(count=len(report.cancelled), dates=_dates(report.cancelled))
        )
    return tuple(paragraphs)


def summary(report: C144Report) -> tuple[tuple[str, int], ...]:
    """The key figures, as (label, number)."""
    return (
        (_("Consultations held"), len(report.held)),
        (_("Held meetings on C144 matters"), len(report.c144_meetings)),
        (_("Consultations planned"), len(report.planned)),
        (_("Meetings cancelled (not counted)"), len(report.cancelled)),
        (_("Items on C144 matters"), report.c144_items),
        (_("Other items"), report.other_items),
    )


def chart(report: C144Report, direction: str) -> Markup:
    return charts.bar_chart(
        title=_("Items discussed per Article 5(1) matter, {year}").format(year=report.year),
        description=_("Agenda items of the meetings held in {year}, per matter: {values}.").format(
            year=report.year,
            values=i18n.listed(f"{matter_short(count.matter)}{_(': ')}{count.items}" for count in report.matters),
        ),
        categories=[matter_short(count.matter) for count in report.matters],
        series=[(_("Items"), [float(count.items) for count in report.matters])],
        direction=direction,
    )


def matter_short(matter: C144Matter | None) -> str:
    """ "(a)" ... "(e)", "Other": the chart's categories."""
    return f"({matter.letter})" if matter is not None else _("Other")


def attendance_cell(line: MeetingLine, side: Side) -> str:
    return str(line.present_of(side)) if line.attendance_recorded else "–"


def observers_cell(line: MeetingLine) -> str:
    """ "2 (AICS, OIT)"; "0" when nobody observed, "–" when attendance was not recorded."""
    if not line.observers_present:
        return "0" if line.attendance_recorded else "–"
    return f"{line.observers_present} ({i18n.listed(i18n.isolate(name) for name in line.observers)})"


# The file --------------------------------------------------------------------------------------


def _meetings_table(lines: tuple[MeetingLine, ...], *, held: bool) -> Table:
    if held:
        return Table(
            headers=(
                _("Date"),
                _("Body"),
                _("Meeting"),
                _("Items"),
                _("C144 items"),
                Side.GOVERNMENT.label,
                Side.WORKERS.label,
                Side.EMPLOYERS.label,
                _("Observers (not counted)"),
            ),
            rows=tuple(
                (
                    format_date(line.starts_at),
                    line.body,
                    line.title,
                    str(line.items),
                    str(line.c144_items),
                    *(attendance_cell(line, side) for side in Side.parties()),
                    observers_cell(line),
                )
                for line in lines
            ),
            user_columns=frozenset({1, 2, 8}),
            caption=_("Members present per side (– : attendance not recorded)"),
            widths=(10, 13, 21, 6, 6, 11, 10, 10, 13),
        )
    return Table(
        headers=(_("Date"), _("Time"), _("Body"), _("Meeting"), _("Status")),
        rows=tuple(
            (format_date(line.starts_at), format_time(line.starts_at), line.body, line.title, line.status.label)
            for line in lines
        ),
        user_columns=frozenset({2, 3}),
        widths=(14, 8, 22, 40, 16),
    )


def _blocks(report: C144Report, direction: str) -> Iterable[Block]:
    yield Heading(title(report), level=1)
    yield Fields(((_("Year"), str(report.year)), (_("Body"), report.body or _("All bodies"))))
    yield Heading(_("Requirement of Article 5(2)"))
    yield Paragraph(requirement_status(report))
    yield Paragraph(requirement_definition(), note=True)
    yield Heading(_("Summary"))
    yield Table(
        headers=(_("Figure"), _("Number")),
        rows=tuple((name, str(value)) for name, value in summary(report)),
        widths=(80, 20),
    )
    yield Heading(_("Text for the report to the ILO"))
    for paragraph in paste_text(report):
        yield Paragraph(paragraph)
    yield Heading(_("Consultations held"))
    if report.held:
        yield _meetings_table(report.held, held=True)
    else:
        yield Paragraph(_("No meeting was held in the year."), note=True)
    yield Heading(_("Consultations planned"))
    if report.planned:
        yield _meetings_table(report.planned, held=False)
    else:
        yield Paragraph(_("No other meeting is planned in the year."), note=True)
    if report.cancelled:
        yield Heading(_("Meetings cancelled (not counted as held)"))
        yield _meetings_table(report.cancelled, held=False)
    yield Heading(_("Items discussed per Article 5(1) matter"))
    if direction == "ltr":
        # WeasyPrint draws an SVG's text one character at a time: Arabic would come out
        # unjoined and reversed in the PDF. The table below holds the same numbers.
        yield Figure(str(chart(report, direction)), caption=_("Items discussed per Article 5(1) matter"))
    yield Table(
        headers=(_("Matter"), _("Items"), _("Meetings")),
        rows=tuple((matter_label(count.matter), str(count.items), str(count.meetings)) for count in report.matters),
    )
    for count in report.matters:
        if not count.items:
            continue
        yield Heading(matter_label(count.matter), level=3)
        yield Table(
            headers=(_("Date"), _("Meeting"), _("Item"), _("Outcome")),
            rows=tuple(
                (
                    format_date(report.meeting(item.meeting_id).starts_at),
                    report.meeting(item.meeting_id).title,
                    item_title(item),
                    outcome_text(item),
                )
                for item in report.items_on(count.matter)
            ),
            user_columns=frozenset({1, 2, 3}),
            widths=(14, 22, 30, 34),
        )


def _sheets(report: C144Report) -> tuple[Sheet, ...]:
    parties = Side.parties()
    lines = (*report.held, *report.planned, *report.cancelled)
    return (
        Sheet(
            _("Summary"),
            (_("Figure"), _("Number")),
            (
                (_("Year"), report.year),
                (_("Body"), report.body or _("All bodies")),
                *summary(report),
                (_("Requirement of Article 5(2) met"), report.requirement_met),
            ),
        ),
        Sheet(
            _("Meetings"),
            (
                _("Date"),
                _("Body"),
                _("Meeting"),
                _("Status"),
                _("Items"),
                _("C144 items"),
                *(_("{side} present").format(side=side.label) for side in parties),
                _("Observers present (not counted)"),
                _("Observers"),
            ),
            tuple(
                (
                    line.starts_at,
                    line.body,
                    line.title,
                    line.status.label,
                    line.items if line.status == MeetingStatus.HELD else None,
                    line.c144_items if line.status == MeetingStatus.HELD else None,
                    *(line.present_of(side) if line.attendance_recorded else None for side in parties),
                    line.observers_present if line.status == MeetingStatus.HELD else None,
                    i18n.listed(line.observers),
                )
                for line in lines
            ),
        ),
        Sheet(
            _("Matters"),
            (_("Matter"), _("Items"), _("Meetings")),
            tuple((matter_label(count.matter), count.items, count.meetings) for count in report.matters),
        ),
        Sheet(
            _("Items"),
            (_("Date"), _("Meeting"), _("Matter"), _("Item"), _("Outcome"), _("Outcome text")),
            tuple(
                (
                    report.meeting(item.meeting_id).starts_at,
                    report.meeting(item.meeting_id).title,
                    matter_label(item.matter),
                    item_title(item),
                    outcome_label(item.outcome),
                    item.outcome_text,
                )
                for item in report.items
            ),
        ),
        Sheet(_("Text"), (_("Text for the report to the ILO"),), tuple((text,) for text in paste_text(report))),
    )


def make(report: C144Report, language: str) -> ReportFile:
    """The report as a file in `language` (called with that language already in use)."""
    direction = i18n.text_direction(language)
    heading = title(report)
    layout = Layout(
        language=language,
        title=heading,
        blocks=tuple(_blocks(report, direction)),
        running_head=(heading, ""),
        landscape=True,
    )
    name = f"c144-{report.year}" + (f"-body-{report.body_id}" if report.body_id else "")
    return ReportFile(name=name, layout=layout, sheets=_sheets(report))
