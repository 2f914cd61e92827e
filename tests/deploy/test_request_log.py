"""Every request has an id: returned in X-Request-ID, shown on error pages for the person to
quote, and on the request's log line with the account and the time it took."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest

from dialogue.logs import JsonFormatter, RequestContext, incoming_request_id, log_config, loggable_path
from dialogue.settings import Settings


async def test_each_answer_carries_a_fresh_request_id(anonymous: Any) -> None:
    first = await anonymous.get("/login")
    second = await anonymous.get("/login")
    assert re.fullmatch(r"[0-9a-f]{16}", first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_an_id_sent_by_the_proxy_is_kept_when_sane(anonymous: Any) -> None:
    kept = await anonymous.get("/login", headers={"X-Request-ID": "caddy-7f3a.01:2"})
    assert kept.headers["x-request-id"] == "caddy-7f3a.01:2"
    for insane in ("<script>", "a" * 65, "two words", "é"):
        replaced = await anonymous.get("/login", headers={"X-Request-ID": insane.encode()})
        assert re.fullmatch(r"[0-9a-f]{16}", replaced.headers["x-request-id"]), insane


def test_incoming_ids_are_checked() -> None:
    assert incoming_request_id("abc-123") == "abc-123"
    assert incoming_request_id(None) != incoming_request_id(None)
    assert incoming_request_id("") != ""


async def test_the_error_page_gives_the_reference_to_quote(english: Any) -> None:
    response = await english.get("/no-such-page")
    assert response.status_code == 404
    reference = response.headers["x-request-id"]
    assert f"Reference: <bdi>{reference}</bdi>" in response.text


async def test_an_unexpected_error_names_its_reference_in_the_page_and_the_log(
    english: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dialogue.dashboard import routes as dashboard

    async def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(dashboard, "build_dashboard", broken)
    caplog.handler.addFilter(RequestContext())  # as the configured handler does
    with caplog.at_level(logging.INFO):
        response = await english.get("/")
    assert response.status_code == 500
    reference = response.headers["x-request-id"]
    assert f"Reference: <bdi>{reference}</bdi>" in response.text
    failures = [r for r in caplog.records if r.name == "dialogue" and r.levelno == logging.ERROR]
    assert failures and all(r.request_id == reference and isinstance(r.account_id, int) for r in failures)


async def test_one_log_line_per_request_with_account_and_timing(client: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="dialogue.access"):
        response = await client.get("/meetings")
    (line,) = [r for r in caplog.records if r.name == "dialogue.access"]
    assert (line.method, line.path, line.status) == ("GET", "/meetings", 200)
    assert line.duration_ms >= 0
    assert line.request_id == response.headers["x-request-id"]
    assert isinstance(line.account_id, int)


async def test_an_unknown_address_is_logged_too(anonymous: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="dialogue.access"):
        await anonymous.get("/no-such-page")
    (line,) = [r for r in caplog.records if r.name == "dialogue.access"]
    assert (line.path, line.status) == ("/no-such-page", 404)


def test_json_lines_hold_one_object_each() -> None:
    record = logging.LogRecord("dialogue.access", logging.INFO, __file__, 1, "GET %s 200", ("/",), None)
    record.duration_ms = 3.5
    record.request_id, record.account_id = "abc", 7
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "GET / 200"
    assert (entry["level"], entry["logger"], entry["request_id"], entry["account_id"], entry["duration_ms"]) == (
        "info",
        "dialogue.access",
        "abc",
        7,
        3.5,
    )
    try:
        raise ValueError("line one\nline two")
    except ValueError:
        import sys

        failed = logging.LogRecord("dialogue", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    text = JsonFormatter().format(failed)
    assert "\n" not in text
    assert "line two" in json.loads(text)["exception"]


def test_production_logs_json_and_development_text() -> None:
    production = Settings.from_env({"DIALOGUE_MODE": "production", "DIALOGUE_SECRET_KEY": "k" * 40})
    development = Settings.from_env({"DIALOGUE_SECRET_KEY": "k" * 40})
    assert log_config(production)["handlers"]["stderr"]["formatter"] == "json"
    assert log_config(development)["handlers"]["stderr"]["formatter"] == "text"
    forced = Settings.from_env({"DIALOGUE_SECRET_KEY": "k" * 40, "DIALOGUE_LOG_FORMAT": "json"})
    assert log_config(forced)["handlers"]["stderr"]["formatter"] == "json"


def test_secrets_in_addresses_stay_out_of_the_log() -> None:
    token = "Zx9_abcDEFghiJKLmnoPQRstu-vwxyz0123456789AB"
    assert loggable_path(f"/welcome/{token}") == "/welcome/Zx9_…"
    assert loggable_path(f"/calendars/{token}.ics") == "/calendars/Zx9_….ics"
    assert loggable_path("/invitations/12/" + "ab" * 32) == "/invitations/12/abab…"
    assert loggable_path("/meetings/12/minutes") == "/meetings/12/minutes"
