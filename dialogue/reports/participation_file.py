"""The participation report in words, in the current language: the definitions, the summary
figures, the chart, and the whole report as a file (`report_file(data, language)`, run in the
export processes). Pure: no database."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from dialogue import i18n
from dialogue.i18n import N_, _
from dialogue.meetings.quorum import Parity
from dialogue.minutes.formats import Block, Fields, Figure, Heading, Items, Layout, Paragraph, Table
from dialogue.people.models import Side
from dialogue.reports import charts
from dialogue.reports.common import ReportFile, Sheet
from dialogue.reports.participation_data import Counts, MeetingLine, Participation


def definitions() -> tuple[str, ...]:
    """How every number is counted, in the current language (the page and the files)."""
    return (
        _(
            "Only meetings held in the period count (a meeting belongs to the day it starts, in Tunis time); "
            "cancelled, postponed and scheduled meetings are left out."
        ),
        _(
            "Attendance rate = present ÷ recorded, where recorded = present + excused + absent. "
            "Excused counts as not present; invitations whose attendance was not recorded are left out."
        ),
        _(
            "An alternate present on behalf of someone fills that person's seat: the seat counts once, as the "
            "alternate's (for the alternate's organisation), and the invitation of the person represented is "
            "shown as “represented” and left out of the rate."
        ),
        _(
            "Observers, and anyone invited as an observer or as secretariat, are shown apart: they never count "
            "in a rate, in the parity or in the quorum."
        ),
        _(
            "Parity and quorum follow the rule of each meeting's page: parity when as many workers as "
            "employers are present; a side missed a meeting when nobody who counts was present for it."
        ),
    )


def percent(value: float | None) -> str:
    """A rate (0..1) as "66.7 %" in the current language; "–" when there is none."""
    if value is None:
        return "–"
    number = i18n.format_number(round(value * 100, 1))
    return f"{number}\u00a0%" if i18n.current_language() == "fr" else f"{number}%"


def not_held_text(data: Participation) -> str:
    """ "1 cancelled, 2 postponed" (or "none")."""
    if not data.not_held:
        return _("None")
    return i18n.listed(
        _("{count} {status}").format(count=i18n.format_number(count), status=status.label.lower())
        for status, count in data.not_held
    )


def summary_fields(data: Participation) -> tuple[tuple[str, str], ...]:
    return (
        (_("Period"), data.period.label()),
        (_("Body"), data.body_name or _("All bodies")),
        (_("Meetings held"), i18n.format_number(len(data.meetings))),
        (_("Meetings not counted"), not_held_text(data)),
        (_("Meetings with parity"), i18n.format_number(data.balanced())),
    )


def rate_chart(data: Participation) -> Markup:
    """The attendance rate of each side, as bars (the table beside it has the numbers)."""
    sides = data.sides
    described = i18n.listed(
        _("{side}: {rate}").format(side=line.side.label, rate=percent(line.counts.rate)) for line in sides
    )
    return charts.bar_chart(
        title=_("Attendance rate per side"),
        description=described,
        categories=[line.side.label for line in sides],
        series=[(_("Attendance rate"), [line.counts.percent or 0.0 for line in sides])],
        unit="%",
        direction=i18n.text_direction(),
    )


COUNT_HEADERS = (N_("Invited"), N_("Present"), N_("Excused"), N_("Absent"), N_("Not recorded"), N_("Represented"))


def count_headers() -> tuple[str, ...]:
    return tuple(_(header) for header in COUNT_HEADERS)


def count_cells(counts: Counts) -> tuple[str, ...]:
    values = (counts.invited, counts.present, counts.excused, counts.absent, counts.unrecorded, counts.represented)
    return tuple(i18n.format_number(value) for value in values)


def count_values(counts: Counts) -> tuple[int, ...]:
    return (counts.invited, counts.present, counts.excused, counts.absent, counts.unrecorded, counts.represented)


def parity_text(line: MeetingLine) -> str:
    return {
        Parity.EQUAL: _("Parity"),
        Parity.BOTH_PRESENT: _("Unequal numbers"),
        Parity.MISSING: _("Workers or employers missing"),
    }[line.parity]


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def meeting_name(line: MeetingLine) -> str:
    return f"{i18n.format_date(line.starts_at)} – {line.title}"


def _layout_blocks(data: Participation) -> Iterable[Block]:
    yield Heading(_("Participation report"), level=1)
    yield Fields(summary_fields(data))
    yield Heading(_("How it is counted"))
    yield Items(definitions(), user=False)
    yield Heading(_("Attendance rate per side"))
    if data.total.invited:
        yield Figure(str(rate_chart(data)), caption=_("Attendance rate per side"))
    yield Table(
        headers=(_("Side"), *count_headers(), _("Attendance rate")),
        rows=(
            *((line.side.label, *count_cells(line.counts), percent(line.counts.rate)) for line in data.sides),
            (_("All three sides"), *count_cells(data.total), percent(data.total.rate)),
        ),
    )
    yield Heading(_("Attendance rate per organisation"))
    if data.organisations:
        yield Table(
            headers=(_("Organisation"), _("Side"), *count_headers(), _("Attendance rate")),
            rows=tuple(
                (line.display_name, line.side.label, *count_cells(line.counts), percent(line.counts.rate))
                for line in data.organisations
            ),
            user_columns=frozenset({0}),
        )
    else:
        yield Paragraph(_("Nobody was invited to a meeting held in this period."), note=True)
    yield Heading(_("Parity of each meeting"))
    if data.meetings:
        yield Table(
            headers=(
                _("Date"),
                _("Meeting"),
                _("Body"),
                *(side.label for side in Side.parties()),
                _("Parity"),
                _("Quorum met"),
                _("Present, not counted"),
            ),
            rows=tuple(
                (
                    i18n.format_date(line.starts_at),
                    line.title,
                    line.body,
                    *(i18n.format_number(n) for n in line.present),
                    parity_text(line),
                    yes_no(line.quorum_met),
                    i18n.format_number(line.not_counted_present),
                )
                for line in data.meetings
            ),
            user_columns=frozenset({1, 2}),
        )
    else:
        yield Paragraph(_("No meeting was held in this period."), note=True)
    yield Heading(_("Meetings each side missed"))
    yield Table(
        headers=(_("Side"), _("Meetings missed"), _("Which")),
        rows=tuple(
            (
                line.side.label,
                i18n.format_number(len(line.meetings)),
                i18n.listed((meeting_name(meeting) for meeting in line.meetings), semicolons=True) or "–",
            )
            for line in data.missed
        ),
        user_columns=frozenset({2}),
        widths=(20, 15, 65),
    )
    yield Heading(_("Observers and others who do not count"))
    if data.not_counted:
        yield Table(
            headers=(_("Organisation"), _("Side"), *count_headers()[:5]),
            rows=tuple(
                (line.display_name, line.side.label, *count_cells(line.counts)[:5]) for line in data.not_counted
            ),
            user_columns=frozenset({0}),
        )
    else:
        yield Paragraph(_("No observer was invited."), note=True)
    if data.partners:
        yield Heading(_("Partners"))
        yield Paragraph(
            _("Organisations with a role on the meetings: they never count for a rate, the parity or the quorum."),
            note=True,
        )
        yield Table(
            headers=(_("Organisation"), _("Role"), _("Meetings")),
            rows=tuple(
                (line.display_name, line.role.label, i18n.format_number(line.meetings)) for line in data.partners
            ),
            user_columns=frozenset({0}),
        )


def _sheets(data: Participation) -> tuple[Sheet, ...]:
    rate = _("Attendance rate (%)")
    return (
        Sheet(
            _("Per side"),
            (_("Side"), *count_headers(), _("Attendance recorded"), rate),
            (
                *(
                    (line.side.label, *count_values(line.counts), line.counts.recorded, line.counts.percent)
                    for line in data.sides
                ),
                (_("All three sides"), *count_values(data.total), data.total.recorded, data.total.percent),
            ),
        ),
        Sheet(
            _("Per organisation"),
            (_("Organisation"), _("Acronym"), _("Side"), *count_headers(), _("Attendance recorded"), rate),
            tuple(
                (
                    line.name,
                    line.acronym,
                    line.side.label,
                    *count_values(line.counts),
                    line.counts.recorded,
                    line.counts.percent,
                )
                for line in data.organisations
            ),
        ),
        Sheet(
            _("Parity"),
            (
                _("Starts"),
                _("Meeting"),
                _("Body"),
                *(side.label for side in Side.parties()),
                _("Parity"),
                _("Quorum met"),
                _("Present, not counted"),
            ),
            tuple(
                (
                    line.starts_at,
                    line.title,
                    line.body,
                    *line.present,
                    parity_text(line),
                    line.quorum_met,
                    line.not_counted_present,
                )
                for line in data.meetings
            ),
        ),
        Sheet(
            _("Meetings missed"),
            (_("Side"), _("Starts"), _("Meeting"), _("Body")),
            tuple(
                (missed.side.label, line.starts_at, line.title, line.body)
                for missed in data.missed
                for line in missed.meetings
            ),
        ),
        Sheet(
            _("Not counted"),
            (_("Organisation"), _("Acronym"), _("Side"), *count_headers()[:5]),
            tuple(
                (line.name, line.acronym, line.side.label, *count_values(line.counts)[:5]) for line in data.not_counted
            ),
        ),
        Sheet(
            _("Partners"),
            (_("Organisation"), _("Acronym"), _("Role"), _("Meetings")),
            tuple((line.name, line.acronym, line.role.label, line.meetings) for line in data.partners),
        ),
    )


def report_file(data: Participation, language: str) -> ReportFile:
    """The report in `language` (already the current one: exports.write sets it)."""
    with i18n.using_language(language):
        layout = Layout(
            language=i18n.current_language(),
            title=_("Participation report"),
            blocks=tuple(_layout_blocks(data)),
            running_head=(_("Participation report"), data.period.label()),
            running_foot=data.body_name or _("All bodies"),
            landscape=True,
        )
        stem = f"participation-{data.period.start.isoformat()}-{data.period.end.isoformat()}"
        return ReportFile(name=stem, layout=layout, sheets=_sheets(data))
