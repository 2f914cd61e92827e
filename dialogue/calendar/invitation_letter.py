"""The email that carries an invitation, an update or a cancellation, in its reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment

from dialogue import i18n
from dialogue.calendar.answers import answer_url
from dialogue.calendar.meeting_event import MeetingForCalendar, meeting_url
from dialogue.i18n import _
from dialogue.meetings.models import Invitation, MeetingStatus
from dialogue.meetings.sessions import session_label
from dialogue.people.models import Person
from dialogue.settings import Settings
from dialogue.templating import jinja_environment


def language_of(person: Person, settings: Settings) -> str:
    """The language of what a person is sent: theirs, else the default."""
    return person.language.value if person.language else settings.default_language


@cache
def _environments() -> tuple[Environment, Environment]:
    """(HTML, text) template environments: the app's, and the same without HTML escaping."""
    html = jinja_environment()
    return html, html.overlay(autoescape=False)


def _render(name: str, context: dict[str, Any], *, text: bool) -> str:
    html, plain = _environments()
    return (plain if text else html).get_template(name).render(context)


@dataclass
class Letter:
    subject: str
    text: str
    html: str


def _letter(
    kind: str,
    data: MeetingForCalendar,
    invitation: Invitation | None,
    person: Person,
    settings: Settings,
) -> Letter:
    """One person's email, in their language (the current language is restored after)."""
    previous = i18n.current_language()
    i18n.set_language(language_of(person, settings))
    try:
        meeting = data.meeting
        subjects = {
            "invitation": _("Invitation: {title}"),
            "update": _("Updated: {title}"),
            "cancellation": _("Cancelled: {title}"),
        }
        context = {
            "kind": kind,
            "meeting": meeting,
            "session": session_label(meeting),
            "person": person,
            "invitation": invitation,
            "items": list(zip(data.items, data.schedule.slots, strict=False)),
            "meeting_url": meeting_url(meeting.id, settings),
            # The meeting's documents are linked, never attached (dialogue/documents).
            "documents_url": meeting_url(meeting.id, settings) + "/documents" if kind != "cancellation" else "",
            "answer_url": answer_url(invitation.id, settings)
            if invitation is not None and kind != "cancellation"
            else "",
            "removed": kind == "cancellation" and meeting.status is not MeetingStatus.CANCELLED,
            "language": i18n.current_language(),
            "direction": i18n.text_direction(),
        }
        return Letter(
            subject=subjects[kind].format(title=i18n.isolate(meeting.title)),
            text=_render("mail/invitation.txt", context, text=True),
            html=_render("mail/invitation.html", context, text=False),
        )
    finally:
        i18n.set_language(previous)
