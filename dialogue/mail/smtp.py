"""SMTP: the server from `DIALOGUE_SMTP_URL`, the MIME message (RFC 6047 for invitations),
and sending it with aiosmtplib.

    smtp://relay.local               plain SMTP (a local relay), port 25
    smtp+starttls://user:pw@host     STARTTLS required, port 587
    smtps://user:pw@host             TLS from the first byte, port 465

Credentials are URL-encoded in the URL (`p%40ss` for `p@ss`). `?timeout=30` sets the
network timeout in seconds (default 30).
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # "plain", "starttls" or "tls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """Parse `DIALOGUE_SMTP_URL`; a ValueError names what is wrong (never the password)."""
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise ValueError(f"DIALOGUE_SMTP_URL: unknown scheme {scheme!r}; use smtp://, smtp+starttls:// or smtps://")
        if not parts.hostname:
            raise ValueError("DIALOGUE_SMTP_URL: no host")
        security, default_port = SCHEMES[scheme]
        try:
            port = parts.port or default_port
        except ValueError as error:
            raise ValueError("DIALOGUE_SMTP_URL: the port is not a number between 1 and 65535") from error
        query = parse_qs(parts.query)
        timeout = DEFAULT_TIMEOUT
        if "timeout" in query:
            try:
                timeout = float(query["timeout"][-1])
            except ValueError as error:
                raise ValueError("DIALOGUE_SMTP_URL: timeout is not a number") from error
            if not 0 < timeout <= 600:
                raise ValueError("DIALOGUE_SMTP_URL: timeout must be between 0 and 600 seconds")
        username = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password is not None else None
        return cls(parts.hostname, port, security, username, password, timeout)


def mail_domain(mail_from: str) -> str:
    """The domain of the sender's address, for Message-IDs."""
    address = sender_address(mail_from)
    return address.rpartition("@")[2] or "localhost"


def sender_address(mail_from: str) -> str:
    """`secretariat@example.tn` from `Dialogue <secretariat@example.tn>`."""
    addresses = getaddresses([mail_from])
    if not addresses or not addresses[0][1]:
        raise ValueError(f"DIALOGUE_MAIL_FROM is not an email address: {mail_from!r}")
    return addresses[0][1]


def message_id(outbox_id: int, mail_from: str) -> str:
    """Stable per outbox row: a resend after a crash can be recognised by the receiver."""
    return f"<outbox-{outbox_id}@{mail_domain(mail_from)}>"


class Letter(Protocol):
    """What a message needs to be built (an `OutboxMessage` has all of it), only read."""

    @property
    def id(self) -> int: ...
    @property
    def to_address(self) -> str: ...
    @property
    def to_name(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def text_body(self) -> str: ...
    @property
    def html_body(self) -> str: ...
    @property
    def calendar(self) -> str | None: ...
    @property
    def calendar_method(self) -> Any: ...


# Header values -------------------------------------------------------------------------
# RFC 5322 lines of at most 78 characters, RFC 2047 encoded words for what is not ASCII.
# Every reader must decode them to exactly the text meant: Python's own folding does not
# (see build_message), and readers differ on the space between two adjacent encoded words
# in an address's display name (RFC 2047 drops it, Python's parser keeps it).

LINE = 78
HEADERS_AS_WRITTEN = policy.SMTP.clone(refold_source="none")


def unstructured_header(name: str, value: str) -> str:
    """A Subject-like value, folded. Non-ASCII text becomes a run of encoded words that
    carry their own spaces (the folding white space between them is dropped by every
    decoder, RFC 2047 6.2), so no space is lost or added at a fold."""
    value = " ".join(value.split())
    if value.isascii() and "=?" not in value:
        return _fold_words(len(name) + 2, value.split(" "))
    return Header(value, "utf-8", maxlinelen=LINE - 2, header_name=name).encode(linesep="\r\n")


def mailbox_header(name: str, display_name: str, address: str) -> str:
    """`Display Name <local@domain>`, folded. The display name is cut at its spaces into
    runs of ASCII words (one quoted string) and runs of other words (one encoded word),
    alternately: two encoded words are never side by side, so readers that drop the space
    between them and readers that keep it read the same name. Commas, quotes and
    backslashes are inside a quoted string or an encoded word, never bare. A run of
    non-ASCII words longer than an encoded word's 75 characters stays one encoded word
    on a longer line (within RFC 5322's 998): cutting it would put two side by side."""
    address = address.strip()
    words = " ".join(display_name.split()).split(" ") if display_name.strip() else []
    runs: list[tuple[bool, list[str]]] = []
    for word in words:
        ascii_word = word.isascii() and "=?" not in word
        if runs and runs[-1][0] == ascii_word:
            runs[-1][1].append(word)
        else:
            runs.append((ascii_word, [word]))
    tokens: list[str] = []
    for ascii_run, run in runs:
        if ascii_run:
            # A quoted string may be folded at its spaces: unfolding gives the same text.
            escaped = [w.replace("\\", "\\\\").replace('"', '\\"') for w in run]
            escaped[0] = '"' + escaped[0]
            escaped[-1] += '"'
            tokens += escaped
        else:
            encoded = base64.b64encode(" ".join(run).encode()).decode()
            tokens.append(f"=?utf-8?b?{encoded}?=")
    tokens.append(f"<{address}>")
    return _fold_words(len(name) + 2, tokens)


def _fold_words(start: int, words: list[str]) -> str:
    """Words joined by spaces, with a line break before a word that would pass LINE
    (`start`: the width of `Name: ` before the first word)."""
    lines: list[list[str]] = [[]]
    width = start
    for word in words:
        if lines[-1] and width + 1 + len(word) > LINE:
            lines.append([])
            width = 0  # the continuation's leading space is counted below
        width += len(word) + 1 if lines[-1] or width == 0 else len(word)
        lines[-1].append(word)
    return "\r\n ".join(" ".join(line) for line in lines)


def build_message(letter: Letter, mail_from: str, *, now: dt.datetime | None = None) -> EmailMessage:
    """The MIME message for one outbox row.

    With a calendar (RFC 6047): multipart/mixed [multipart/alternative [text/plain, text/html,
    text/calendar; method=M], application/ics "invite.ics"]. Without: multipart/alternative
    [text/plain, text/html], or text/plain alone when there is no HTML body. The calendar
    travels in base64 so that its CRLF line ends and folded lines arrive byte for byte.
    """
    # Subject, From and To are written already folded (set_raw, and never refolded): the
    # policy's own folding drops the space between two encoded words of a long subject
    # and unquotes long display names (Python 3.11's email package).
    message = EmailMessage(policy=HEADERS_AS_WRITTEN)
    sender_name, sender = parseaddr(mail_from)
    message.set_raw("From", mailbox_header("From", sender_name, sender or sender_address(mail_from)))
    message.set_raw("To", mailbox_header("To", letter.to_name or "", letter.to_address))
    message.set_raw("Subject", unstructured_header("Subject", letter.subject))
    message["Date"] = format_datetime(now or dt.datetime.now(dt.UTC))
    message["Message-ID"] = message_id(letter.id, mail_from)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(letter.text_body, cte="quoted-printable")
    if letter.html_body:
        message.add_alternative(letter.html_body, subtype="html", cte="quoted-printable")
    if letter.calendar:
        method = str(letter.calendar_method or calendar_method_of(letter.calendar) or "PUBLISH")
        data = letter.calendar.encode("utf-8")
        if message.get_content_type() == "text/plain":
            message.make_alternative()
        message.add_alternative(
            data,
            maintype="text",
            subtype="calendar",
            cte="base64",
            params={"method": method, "charset": "utf-8"},
        )
        message.add_attachment(data, maintype="application", subtype="ics", filename="invite.ics")
    # Last: making a message multipart moves the Content-* headers set before into its first part.
    message["Content-Language"] = letter.language
    return message


def calendar_method_of(calendar: str) -> str | None:
    """The METHOD property of a calendar (before its first component), or None."""
    for line in calendar.splitlines():
        name, _, value = line.partition(":")
        if name.upper() == "METHOD":
            return value.strip().upper()
        if name.upper() == "BEGIN" and value.strip().upper() != "VCALENDAR":
            return None
    return None


class PermanentFailure(Exception):
    """The server refused the message for good (5xx on the recipient or the content)."""


class ServerUnavailable(Exception):
    """No connection to the SMTP server (down, unreachable, TLS or login refused)."""


class SmtpConnection:
    """One connection for a batch of messages, reopened once when the server drops it."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self.client: aiosmtplib.SMTP | None = None

    async def _connect(self) -> aiosmtplib.SMTP:
        server = self.server
        client = aiosmtplib.SMTP(
            hostname=server.host,
            port=server.port,
            timeout=server.timeout,
            use_tls=server.security == "tls",
            start_tls=server.security == "starttls",  # never opportunistic: smtp:// stays plain
            username=server.username,
            password=server.password,
        )
        await client.connect()
        return client

    async def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Send, or raise: `ServerUnavailable` when no connection could be opened (the rest
        of the batch would fail the same way), `PermanentFailure` when retrying this message
        cannot help, anything else when a later try may succeed (4xx, dropped connection)."""
        if self.client is None or not self.client.is_connected:
            self.client = None
            try:
                self.client = await self._connect()
            except Exception as error:
                raise ServerUnavailable(describe(error)) from error
        try:
            # Our bytes, not aiosmtplib's flattening: it would refold the headers with
            # policy.SMTP and lose what build_message wrote (see HEADERS_AS_WRITTEN).
            await self.client.sendmail(sender, [recipient], message.as_bytes())
        except aiosmtplib.SMTPRecipientsRefused as error:
            await self.close()
            if all(refusal.code >= 500 for refusal in error.recipients):
                raise PermanentFailure(describe(error)) from error
            raise
        except (aiosmtplib.SMTPDataError, aiosmtplib.SMTPRecipientRefused) as error:
            await self.close()
            if error.code >= 500:
                raise PermanentFailure(describe(error)) from error
            raise
        except Exception:
            # Whatever state the session is in, the next message starts on a new one.
            await self.close()
            raise

    async def close(self) -> None:
        client, self.client = self.client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except Exception:  # noqa: BLE001  (closing a broken connection may fail too)
                client.close()


def describe(error: BaseException) -> str:
    """An SMTP error as the secretariat will read it on the outbox page."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return "; ".join(describe(refusal) for refusal in error.recipients)
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return f"{error.code} {error.message}".strip()
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
