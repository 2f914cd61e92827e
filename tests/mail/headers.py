"""Reading back what Dialogue sends: every message is parsed as a mail reader would, and
its Subject, From and To must decode to exactly what was meant. `tests/conftest.py` runs
`check_headers` on every message any test builds."""

from __future__ import annotations

import email
from email import policy
from email.header import decode_header, make_header
from email.utils import parseaddr
from typing import Any


def _strict(raw_value: str) -> str:
    """An unstructured header as RFC 2047 reads it (the legacy decoder: the white space
    between two encoded words is dropped)."""
    return str(make_header(decode_header(raw_value)))


def check_headers(raw: bytes, letter: Any, mail_from: str) -> None:
    """Assert that the message `raw` says exactly what `letter` meant (Subject, To) and
    comes from `mail_from`; lines stay within 998 octets, 78 unless an encoded word
    cannot be cut."""
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    for line in header_block.split(b"\r\n"):
        assert len(line) <= 998, line
        assert len(line) <= 78 or b"=?utf-8?b?" in line, line
    parsed = email.message_from_bytes(raw, policy=policy.default)
    meant_subject = " ".join(letter.subject.split())
    assert str(parsed["Subject"]) == meant_subject
    unfolded = email.message_from_bytes(raw, policy=policy.compat32)
    assert _strict(unfolded["Subject"]) == meant_subject
    to = parsed["To"].addresses
    assert len(to) == 1, to
    assert to[0].addr_spec == letter.to_address
    assert to[0].display_name == " ".join((letter.to_name or "").split())
    sender = parsed["From"].addresses
    name, address = parseaddr(mail_from)
    assert len(sender) == 1 and sender[0].addr_spec == address
    assert sender[0].display_name == " ".join(name.split())
