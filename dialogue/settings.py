"""Settings, read once from the environment (``DIALOGUE_*``) and passed to ``create_app``."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent


def _secret_from_file(path: Path) -> str:
    """A secret kept beside the SQLite database, so that `make run` needs no configuration."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite+aiosqlite:///var/dialogue.db"
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(48), repr=False)
    timezone: str = "Africa/Tunis"
    default_language: str = "fr"
    page_size: int = 25
    debug: bool = False
    echo_sql: bool = False
    # The address people reach Dialogue at: links in messages, and Secure cookies and HSTS
    # when it starts with https://.
    public_url: str = "http://127.0.0.1:8000"
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    # Outgoing mail (dialogue/mail/smtp.py): smtp://, smtp+starttls:// or smtps://user:pass@host:port.
    # None: messages stay in the outbox, readable on /outbox.
    smtp_url: str | None = field(default=None, repr=False)
    mail_from: str = "Dialogue <secretariat@localhost>"
    # The domain of calendar UIDs (`meeting-<id>@<domain>`); empty: the host of public_url.
    calendar_domain: str = ""

    def __post_init__(self) -> None:
        if not self.calendar_domain:
            host = urlsplit(self.public_url).hostname or "localhost"
            object.__setattr__(self, "calendar_domain", host)

    @property
    def https(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, env: os._Environ[str] | dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        database_url = env.get("DIALOGUE_DATABASE_URL", cls.database_url)
        secret = env.get("DIALOGUE_SECRET_KEY") or _secret_from_file(ROOT / "var" / "secret.key")
        timezone = env.get("DIALOGUE_TIMEZONE", cls.timezone)
        ZoneInfo(timezone)  # fail at start-up, not at the first page
        return cls(
            database_url=database_url,
            host=env.get("DIALOGUE_HOST", cls.host),
            port=int(env.get("DIALOGUE_PORT", cls.port)),
            secret_key=secret,
            timezone=timezone,
            default_language=env.get("DIALOGUE_LANGUAGE", cls.default_language),
            page_size=int(env.get("DIALOGUE_PAGE_SIZE", cls.page_size)),
            debug=env.get("DIALOGUE_DEBUG", "") in {"1", "true", "yes"},
            echo_sql=env.get("DIALOGUE_ECHO_SQL", "") in {"1", "true", "yes"},
            public_url=env.get(
                "DIALOGUE_PUBLIC_URL", f"http://127.0.0.1:{env.get('DIALOGUE_PORT', cls.port)}"
            ).rstrip("/"),
            session_idle_minutes=int(env.get("DIALOGUE_SESSION_IDLE_MINUTES", cls.session_idle_minutes)),
            session_max_hours=int(env.get("DIALOGUE_SESSION_MAX_HOURS", cls.session_max_hours)),
            smtp_url=env.get("DIALOGUE_SMTP_URL") or None,
            mail_from=env.get("DIALOGUE_MAIL_FROM") or cls.mail_from,
            calendar_domain=env.get("DIALOGUE_CALENDAR_DOMAIN", "").strip(),
        )
