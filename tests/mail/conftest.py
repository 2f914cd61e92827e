"""A real SMTP server (aiosmtpd) on 127.0.0.1, and helpers for the outbox tests."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dialogue.app import create_app
from dialogue.mail.worker import start_mail_worker
from dialogue.session_factory import session_factory
from dialogue.settings import Settings
from tests.conftest import open_session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Inbox:
    """What the SMTP server received, across restarts."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def by_message_id(self) -> Counter[str]:
        return Counter(str(message["Message-ID"]) for message in self.messages)


class Handler:
    """aiosmtpd handler: keeps every message; optionally goes down after `stop_after`
    messages (the listening socket and the current connection are closed right after the
    250 answer, so that message counts as delivered and the next ones find no server)."""

    def __init__(self, inbox: Inbox, stop_after: int | None = None, refuse: set[str] | None = None) -> None:
        self.inbox = inbox
        self.stop_after = stop_after
        self.refuse = refuse or set()
        self.controller: Controller | None = None
        self.received = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.inbox.lock:
            self.inbox.messages.append(parsed)  # type: ignore[arg-type]
            self.inbox.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.received += 1
        if self.stop_after is not None and self.received >= self.stop_after and self.controller is not None:
            listener = self.controller.server
            asyncio.get_running_loop().call_soon(lambda: (listener.close(), server.transport.close()))
        return "250 OK"


@dataclass
class SmtpServer:
    url: str
    inbox: Inbox
    handler: Handler
    controller: Controller


@pytest.fixture
def smtp_servers() -> Iterator[Any]:
    """`start(inbox, stop_after=None)` starts an SMTP server on a free port; all stop at the end."""
    started: list[Controller] = []

    def start(inbox: Inbox | None = None, **options: Any) -> SmtpServer:
        inbox = inbox or Inbox()
        handler = Handler(inbox, **options)
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        handler.controller = controller
        controller.start()
        started.append(controller)
        return SmtpServer(f"smtp://127.0.0.1:{port}?timeout=5", inbox, handler, controller)

    yield start
    for controller in started:
        controller.stop(no_assert=True)


@pytest.fixture
def smtp_server(smtp_servers: Any) -> SmtpServer:
    return smtp_servers()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
async def smtp_client(
    client: AsyncTestClient[Any], settings: Settings, smtp_server: SmtpServer
) -> AsyncIterator[AsyncTestClient[Any]]:
    """The secretariat's browser on an app that sends through `smtp_server`, in English."""
    app = create_app(replace(settings, smtp_url=smtp_server.url))
    # No background worker here: the test decides when messages go out.
    if start_mail_worker in app.on_startup:
        app.on_startup.remove(start_mail_worker)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as browser:
        open_session(browser, "secretariat@example.tn")
        browser.headers["accept-language"] = "en"
        yield browser
