"""Text that comes in, and text that goes out into files.

Coming in, in one place per channel:
  - `refuse_unreadable_bytes`, a middleware: a NUL byte or bytes that are not UTF-8 in the
    address, the query string or a form body are refused with 400 before any handler runs
    (PostgreSQL refuses NUL in text with an error, and nobody types one);
  - `clean` strips the other control characters from every form field (`dialogue.forms`)
    and every string of the API's input structs (`Input`); a JSON NUL (`\\u0000`) is refused
    there with the field's name.
Going out, `printable` drops what XML (DOCX, XLSX), HTML, PDF and calendar files cannot hold,
for text stored before input was cleaned.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_to_bytes

import msgspec
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_400_BAD_REQUEST
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from dialogue.i18n import _

# C0 controls but tab, line feed and carriage return; Word's manual line break (\x0b) and
# page break (\x0c) become line ends.
_LINE_BREAKS = re.compile(r"[\x0b\x0c]")
_CONTROLS = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")
# What XML 1.0 cannot hold at all: C0 controls but \t \n \r, lone surrogates, U+FFFE/U+FFFF.
_NOT_PRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORM_TYPES = (b"application/x-www-form-urlencoded", b"multipart/form-data")
# Where files are uploaded: their bytes are anything, and the route limits their size
# (dialogue/imports/routes.py); the fields around them are read by `Form`, which cleans them.
UPLOAD_PATHS = frozenset({"/import", "/settings/letterhead"})
# and documents (dialogue/documents/routes.py): a new document, a new version.
UPLOAD_PATTERN = re.compile(
    r"^/(?:meetings/\d+/documents|agenda/\d+/files|agenda/\d+/positions/[a-z]+/files|commitments/\d+/updates/\d+/files)$"
)


def is_upload_path(path: str) -> bool:
    return path in UPLOAD_PATHS or UPLOAD_PATTERN.match(path) is not None


def clean(value: str) -> str:
    """`value` without control characters (tab and line ends kept; vertical tab and form
    feed become line ends). A NUL is left for the caller to refuse."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", value))


def printable(value: str) -> str:
    """`value` as every file format can hold it (for text already stored)."""
    return _NOT_PRINTABLE.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "", value)


def not_allowed_message() -> str:
    return _("This text contains a character that is not allowed.")


def text_problem(value: str, maximum: int, *, required: bool = False) -> str | None:
    """Why `value` cannot be saved as a text of at most `maximum` characters (None if it can):
    missing (an empty one, when `required`), too long, or holding a NUL."""
    if not value:
        return _("This field is required.") if required else None
    if len(value) > maximum:
        return _("At most {n} characters.").format(n=maximum)
    if "\x00" in value:
        return not_allowed_message()
    return None


class Input(msgspec.Struct):
    """Base of the API's request bodies: every string field is cleaned of control
    characters, and a NUL is refused (a validation error naming the field)."""

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if isinstance(value, str):
                if "\x00" in value:
                    raise ValueError(f"{not_allowed_message()} ({name})")
                setattr(self, name, clean(value))


def _unreadable(data: bytes, *, form: bool = False) -> bool:
    """True when `data` (percent-encoded) holds a NUL or is not UTF-8 once decoded."""
    decoded = unquote_to_bytes(data.replace(b"+", b" ") if form else data)
    if b"\x00" in decoded:
        return True
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _refuse() -> HTTPException:
    return HTTPException(
        status_code=HTTP_400_BAD_REQUEST,
        detail=_("The request contains characters that are not allowed (a NUL byte, or bytes that are not UTF-8)."),
    )


def refuse_unreadable_bytes(app: ASGIApp) -> ASGIApp:
    """Middleware: refuse a NUL or non-UTF-8 bytes in the path, the query or a form body."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
        if _unreadable(raw_path) or _unreadable(scope.get("query_string", b"")):
            raise _refuse()
        content_type = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
        if content_type in _FORM_TYPES and not is_upload_path(scope["path"]):
            messages: list[ReceiveMessage] = []
            body = b""
            while True:
                message = await receive()
                messages.append(message)
                if message["type"] != "http.request":
                    break
                body += message.get("body", b"")
                if not message.get("more_body", False):
                    break
            # Multipart bodies are not percent-encoded (files go to UPLOAD_PATHS only).
            if _unreadable(body, form=True) if content_type == _FORM_TYPES[0] else _unreadable(body.replace(b"%", b"")):
                raise _refuse()

            async def replay() -> Any:
                return messages.pop(0) if messages else await receive()

            await app(scope, replay, send)
            return
        await app(scope, receive, send)

    return middleware
