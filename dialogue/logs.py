"""Logs: one line per request with its id, the account and the time it took, and every other
log line of that request carrying the same id.

In production each line is one JSON object (`DIALOGUE_LOG_FORMAT=json`), for a log collector;
in development, readable text. The request id comes back in the `X-Request-ID` header and on
error pages ("Reference: ..."), so that a person can quote it and an operator find the lines.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import secrets
import time
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from dialogue.settings import Settings

REQUEST_ID_HEADER = "X-Request-ID"
# An id sent by a proxy in front (Caddy, a load balancer) is kept when it is plain: letters,
# digits and . _ : - only, at most 64 of them; anything else gets a fresh id.
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# Addresses that carry a secret (invitation and password links, calendar feeds, answers to
# invitations) are logged without it: a long token-like segment keeps its first 4 characters.
_TOKEN_SEGMENT = re.compile(r"(?<=/)([A-Za-z0-9_-]{4})[A-Za-z0-9_-]{16,}")

# The scope of the request being answered: its id, and the account once authentication ran.
_request: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("dialogue_request", default=None)

access_log = logging.getLogger("dialogue.access")


def new_request_id() -> str:
    return secrets.token_hex(8)


def incoming_request_id(value: str | None) -> str:
    """The id a proxy sent when it is sane, else a new one."""
    if value and _SANE_ID.fullmatch(value):
        return value
    return new_request_id()


def loggable_path(path: str) -> str:
    """`path` with the secrets it may carry cut short ("/welcome/AbCd…")."""
    return _TOKEN_SEGMENT.sub(r"\1…", path)


def current_request_id() -> str | None:
    """The id of the request being answered (None outside a request)."""
    scope = _request.get()
    return scope["state"].get("request_id") if scope is not None else None


def _account_id(scope: Scope | None) -> int | None:
    return getattr(scope.get("user"), "id", None) if scope is not None else None


class RequestContext(logging.Filter):
    """Puts the current request's id and account on every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        scope = _request.get()
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        if not hasattr(record, "account_id"):
            record.account_id = _account_id(scope)
        return True


# Attributes every LogRecord has: the rest were passed with `extra=` and go into the JSON.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the request's
    id and account when there is one, the fields given with `extra=`, and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
        }
        entry.update(
            (key, value)
            for key, value in record.__dict__.items()
            if key not in _STANDARD and value is not None and not key.startswith("_")
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Readable lines for development, with the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        rid = getattr(record, "request_id", None)
        return f"{line} [{rid}]" if rid else line


def log_config(settings: Settings) -> dict[str, Any]:
    """The `logging.config.dictConfig` of a Dialogue process (the server, each of its worker
    processes, `dialogue worker`): Dialogue's and the server's (uvicorn's or granian's)
    loggers to stderr in the configured format. The server's own access log is replaced by
    `dialogue.access`."""
    formatter = "json" if settings.log_format == "json" else "text"
    level = settings.log_level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        # By name, not by class: uvicorn sends this to each server process it starts, which
        # then imports Dialogue only once it answers the supervisor's health checks.
        "filters": {"request": {"()": f"{__name__}.RequestContext"}},
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}, "text": {"()": f"{__name__}.TextFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": formatter,
                "filters": ["request"],
            }
        },
        "loggers": {
            name: {"handlers": ["stderr"], "level": level, "propagate": False}
            for name in ("dialogue", "uvicorn", "uvicorn.error", "_granian")
        }
        | {
            name: {"handlers": [], "level": "WARNING", "propagate": False}
            for name in ("uvicorn.access", "granian.access")
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }


def configure(settings: Settings) -> None:
    """Set up logging in this process (the CLI's long-running commands)."""
    import logging.config

    logging.config.dictConfig(log_config(settings))


def request_log(app: ASGIApp) -> ASGIApp:
    """Wraps the whole application (outside routing, so that a 404 of an unknown address is
    logged too): gives each request its id, returns it in `X-Request-ID`, and logs one line
    when the answer is sent, with the method, path, status, duration and account."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        sent_id = next((v.decode("latin-1") for k, v in scope["headers"] if k.lower() == b"x-request-id"), None)
        rid = incoming_request_id(sent_id)
        scope.setdefault("state", {})["request_id"] = rid
        token = _request.set(scope)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = rid
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            path = loggable_path(scope["path"])
            access_log.info(
                "%s %s %s",
                scope["method"],
                path,
                status,
                extra={
                    "method": scope["method"],
                    "path": path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "request_id": rid,
                    "account_id": _account_id(scope),
                },
            )
            _request.reset(token)

    return wrapped
