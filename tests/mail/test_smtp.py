"""The SMTP URL and the MIME message, without a server."""

from __future__ import annotations

import datetime as dt
import email
from dataclasses import dataclass
from email import policy

import pytest

from dialogue.mail.delivery import MAX_ATTEMPTS, backoff
from dialogue.mail.models import CalendarMethod
from dialogue.mail.smtp import SmtpServer, build_message, calendar_method_of, message_id
from dialogue.settings import Settings

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Dialogue//FR\r\nMETHOD:CANCEL\r\n"
    "BEGIN:VEVENT\r\nUID:meeting-1@example.tn\r\nSUMMARY:Réunion — اجتماع\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@dataclass
class Letter:
    id: int = 42
    to_address: str = "samir@example.tn"
    to_name: str = "Samir Ben Ali, Comité"
    language: str = "ar"
    subject: str = "Réunion du comité — اجتماع اللجنة"
    text_body: str = "Bonjour,\nla réunion est annulée.\n"
    html_body: str = "<p>Bonjour, <b>la réunion</b> est annulée.</p>"
    calendar: str | None = CALENDAR
    calendar_method: CalendarMethod | None = CalendarMethod.CANCEL


def test_smtp_url_schemes_choose_security_and_default_port() -> None:
    assert SmtpServer.from_url("smtp://relay.local") == SmtpServer("relay.local", 25, "plain")
    assert SmtpServer.from_url("smtp+starttls://mail.example.tn").port == 587
    assert SmtpServer.from_url("smtp+starttls://mail.example.tn").security == "starttls"
    assert SmtpServer.from_url("smtps://mail.example.tn").port == 465
    assert SmtpServer.from_url("smtps://mail.example.tn").security == "tls"
    assert SmtpServer.from_url("smtp://127.0.0.1:2525?timeout=5").port == 2525
    assert SmtpServer.from_url("smtp://127.0.0.1:2525?timeout=5").timeout == 5


def test_smtp_url_credentials_are_url_decoded_and_never_shown() -> None:
    server = SmtpServer.from_url("smtp+starttls://secr%40example.tn:p%40ss%3Aw%2Fd@mail.example.tn:587")
    assert (server.username, server.password) == ("secr@example.tn", "p@ss:w/d")
    assert "p@ss" not in repr(server)
    settings = Settings(smtp_url="smtps://u:hunter2@host")
    assert "hunter2" not in repr(settings)


@pytest.mark.parametrize(
    "url",
    ["http://mail.example.tn", "smtp://", "smtp://host:99999", "smtp://host?timeout=abc", "smtp://host?timeout=0"],
)
def test_bad_smtp_url_is_refused_with_a_reason(url: str) -> None:
    with pytest.raises(ValueError, match="DIALOGUE_SMTP_URL"):
        SmtpServer.from_url(url)


def test_settings_read_smtp_url_and_sender_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "DIALOGUE_SECRET_KEY": "k" * 40,
            "DIALOGUE_SMTP_URL": "smtp://relay:25",
            "DIALOGUE_MAIL_FROM": "CNDS <s@cnds.tn>",
        }
    )
    assert (settings.smtp_url, settings.mail_from) == ("smtp://relay:25", "CNDS <s@cnds.tn>")
    default = Settings.from_env({"DIALOGUE_SECRET_KEY": "k" * 40})
    assert default.smtp_url is None
    assert default.mail_from == "Dialogue <secretariat@localhost>"


def test_invitation_is_built_per_rfc_6047() -> None:
    now = dt.datetime(2026, 5, 4, 8, 30, tzinfo=dt.UTC)
    raw = build_message(Letter(), "Secrétariat CNDS <secretariat@cnds.tn>", now=now).as_bytes()
    assert all(ord(" ") <= byte < 127 or byte in b"\r\n\t" for byte in raw), "7-bit clean on the wire"
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, attachment = parsed.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html, calendar = alternative.get_payload()
    assert plain.get_content_type() == "text/plain" and plain.get_content_charset() == "utf-8"
    assert plain.get_content().replace("\r\n", "\n") == Letter.text_body
    assert html.get_content_type() == "text/html" and "<b>la réunion</b>" in html.get_content()
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "CANCEL" and calendar.get_content_charset() == "utf-8"
    assert calendar.get_payload(decode=True) == CALENDAR.encode()
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics" and attachment.get_content_disposition() == "attachment"
    assert attachment.get_payload(decode=True) == CALENDAR.encode()
    assert parsed["Subject"] == Letter.subject
    assert parsed["To"].addresses[0].display_name == Letter.to_name
    assert parsed["To"].addresses[0].addr_spec == "samir@example.tn"
    assert parsed["From"].addresses[0].display_name == "Secrétariat CNDS"
    assert parsed["Message-ID"] == "<outbox-42@cnds.tn>" == message_id(42, "Secrétariat CNDS <secretariat@cnds.tn>")
    assert parsed["Content-Language"] == "ar"
    assert parsed["Date"].datetime == now


def test_message_without_calendar_or_html_stays_simple() -> None:
    no_calendar = email.message_from_bytes(
        build_message(Letter(calendar=None, calendar_method=None), "s@cnds.tn").as_bytes(), policy=policy.default
    )
    assert no_calendar.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in no_calendar.get_payload()] == ["text/plain", "text/html"]
    text_only = email.message_from_bytes(
        build_message(Letter(calendar=None, html_body=""), "s@cnds.tn").as_bytes(), policy=policy.default
    )
    assert text_only.get_content_type() == "text/plain"
    with_calendar_only = email.message_from_bytes(
        build_message(Letter(html_body=""), "s@cnds.tn").as_bytes(), policy=policy.default
    )
    assert [p.get_content_type() for p in with_calendar_only.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/calendar",
        "application/ics",
    ]


def test_calendar_method_is_read_before_the_first_component() -> None:
    assert calendar_method_of(CALENDAR) == "CANCEL"
    assert calendar_method_of("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nMETHOD:X\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n") is None


def test_backoff_grows_then_settles_every_six_hours() -> None:
    minutes = [backoff(n).total_seconds() / 60 for n in range(1, MAX_ATTEMPTS + 1)]
    assert minutes[:5] == [1, 5, 15, 60, 360]
    assert minutes[-1] == 360
