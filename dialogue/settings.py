"""Settings, read once from the environment (``DIALOGUE_*``) and passed to ``create_app``."""

from __future__ import annotations

import ipaddress
import os
import re
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


class ConfigurationError(RuntimeError):
    """Settings Dialogue cannot start with; the message says what to set, in the current language."""


# The HTTP servers `dialogue run` can serve with (DIALOGUE_SERVER, `--server`).
SERVERS = ("granian", "uvicorn")


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
    # "development" (the default, `make run`) or "production" (the Docker image): production
    # refuses to start without a public URL, a secret key and the trusted proxies.
    mode: str = "development"
    # Addresses or networks (CIDR) of the reverse proxies whose X-Forwarded-For is believed:
    # the client's address (sign-in throttling, audit trail) is read from it only when the
    # request comes from one of them.
    trusted_proxies: tuple[str, ...] = ()
    # False when DIALOGUE_SECRET_KEY was not set (the key was generated into var/secret.key).
    secret_key_configured: bool = True
    # Server processes of `dialogue run`; None: one per CPU in production, one in development.
    workers: int | None = None
    # The HTTP server of `dialogue run`: "granian" or "uvicorn" (bench/README.md, "uvicorn or
    # granian": granian measured better here).
    server: str = "granian"
    # Processes that render PDF and Word exports, per server process
    # (dialogue/minutes/render_pool.py); None: half the CPUs, at least one.
    render_workers: int | None = None
    # "json" (one object per line, the default in production) or "text"; and the level.
    log_format: str = "text"
    log_level: str = "info"
    # Whether the web server also delivers the outbox (when SMTP is set). False where a
    # separate `dialogue worker` process does it (deploy/compose.yaml, the systemd units).
    outbox_in_app: bool = True
    # When `dialogue worker` queues the weekly digest of commitments: "<weekday> HH:MM" in
    # the time zone above, or "off".
    digest_at: str = "monday 07:00"
    # Where the files of documents are kept (dialogue/documents/storage.py): a directory
    # (a path or file:///path; empty: var/documents beside the code) or s3://bucket[/prefix]
    # for S3-compatible object storage, with its endpoint, region and keys below.
    storage_url: str = ""
    storage_endpoint: str = ""
    storage_region: str = ""
    storage_access_key: str = field(default="", repr=False)
    storage_secret_key: str = field(default="", repr=False)
    # The largest document one may upload, in megabytes.
    upload_max_mb: int = 25
    # Memory for the pages each server process serves again while the record is unchanged
    # (dialogue/page_cache.py), in megabytes; 0 turns it off.
    page_cache_mb: int = 32

    def __post_init__(self) -> None:
        if not self.calendar_domain:
            host = urlsplit(self.public_url).hostname or "localhost"
            object.__setattr__(self, "calendar_domain", host)

    @property
    def https(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def production(self) -> bool:
        return self.mode == "production"

    @property
    def proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """The trusted proxies as networks (a bad entry is reported by `problems`)."""
        networks = []
        for entry in self.trusted_proxies:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                continue
        return tuple(networks)

    def problems(self) -> list[str]:
        """What stops Dialogue from starting with these settings, in the current language:
        empty when all is well. Production needs an https public URL, a secret key of its
        own and the trusted proxies; any mode refuses an unreadable proxy address."""
        from dialogue.i18n import _

        found = []
        if self.mode not in {"development", "production"}:
            found.append(_("DIALOGUE_MODE must be development or production, not {value}.").format(value=self.mode))
        for entry in self.trusted_proxies:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                found.append(
                    _("DIALOGUE_TRUSTED_PROXIES: {value} is not an address or a network (such as 10.0.0.0/8).").format(
                        value=entry
                    )
                )
        if self.log_format not in {"json", "text"}:
            found.append(_("DIALOGUE_LOG_FORMAT must be json or text, not {value}.").format(value=self.log_format))
        if self.server not in SERVERS:
            found.append(
                _("DIALOGUE_SERVER must be one of {servers}, not {value}.").format(
                    servers=", ".join(SERVERS), value=self.server
                )
            )
        if self.workers is not None and self.workers < 1:
            found.append(_("DIALOGUE_WORKERS must be a number of processes, at least 1."))
        if self.upload_max_mb < 1:
            found.append(_("DIALOGUE_UPLOAD_MAX_MB must be a number of megabytes, at least 1."))
        if self.storage_url.startswith("s3://") and not self.storage_url[5:].strip("/"):
            found.append(_("DIALOGUE_STORAGE_URL must name a bucket, such as s3://dialogue-documents."))
        if self.page_cache_mb < 0:
            found.append(_("DIALOGUE_PAGE_CACHE_MB must be a number of megabytes, 0 or more."))
        if self.render_workers is not None and self.render_workers < 1:
            found.append(_("DIALOGUE_RENDER_WORKERS must be a number of processes, at least 1."))
        try:
            from dialogue.schedule import Weekly

            Weekly.parse(self.digest_at, self.tz)
        except ValueError:
            found.append(
                _("DIALOGUE_DIGEST_AT must be a day and a time (such as monday 07:00) or off, not {value}.").format(
                    value=self.digest_at
                )
            )
        if self.production:
            if not self.public_url.startswith("https://"):
                found.append(
                    _(
                        "Set DIALOGUE_PUBLIC_URL to the https:// address people use (such as https://dialogue.example.tn)."
                    )
                )
            if not self.secret_key_configured or len(self.secret_key) < 32:
                found.append(
                    _("Set DIALOGUE_SECRET_KEY to a secret of at least 32 characters (openssl rand -base64 48).")
                )
            if not self.trusted_proxies:
                found.append(
                    _(
                        "Set DIALOGUE_TRUSTED_PROXIES to the addresses or networks of the reverse proxies in front of Dialogue."
                    )
                )
        return found

    def check(self) -> None:
        """Refuse to go on with `problems` (create_app and `dialogue run` call this)."""
        found = self.problems()
        if found:
            raise ConfigurationError("\n".join(found))

    @property
    def server_workers(self) -> int:
        """How many server processes `dialogue run` starts."""
        if self.workers:
            return self.workers
        return (os.cpu_count() or 1) if self.production else 1

    @property
    def render_processes(self) -> int:
        """How many processes each server process renders exports in."""
        return self.render_workers or max(1, (os.cpu_count() or 1) // 2)

    @property
    def storage_location(self) -> str:
        return self.storage_url or str(ROOT / "var" / "documents")

    @property
    def upload_max_bytes(self) -> int:
        return self.upload_max_mb * 1024 * 1024

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
        mode = env.get("DIALOGUE_MODE", cls.mode).strip().lower() or cls.mode
        secret = env.get("DIALOGUE_SECRET_KEY", "").strip()
        configured = bool(secret)
        if not secret and mode != "production":  # production refuses to start instead
            secret = _secret_from_file(ROOT / "var" / "secret.key")
        default_url = "" if mode == "production" else f"http://127.0.0.1:{env.get('DIALOGUE_PORT', cls.port)}"
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
            public_url=(env.get("DIALOGUE_PUBLIC_URL", "").strip() or default_url).rstrip("/"),
            session_idle_minutes=int(env.get("DIALOGUE_SESSION_IDLE_MINUTES", cls.session_idle_minutes)),
            session_max_hours=int(env.get("DIALOGUE_SESSION_MAX_HOURS", cls.session_max_hours)),
            smtp_url=env.get("DIALOGUE_SMTP_URL") or None,
            mail_from=env.get("DIALOGUE_MAIL_FROM") or cls.mail_from,
            calendar_domain=env.get("DIALOGUE_CALENDAR_DOMAIN", "").strip(),
            mode=mode,
            trusted_proxies=tuple(
                re.split(r"[\s,;]+", env.get("DIALOGUE_TRUSTED_PROXIES", "").strip())
                if env.get("DIALOGUE_TRUSTED_PROXIES", "").strip()
                else ()
            ),
            secret_key_configured=configured,
            workers=int(env["DIALOGUE_WORKERS"]) if env.get("DIALOGUE_WORKERS", "").strip() else None,
            server=env.get("DIALOGUE_SERVER", "").strip().lower() or cls.server,
            render_workers=(
                int(env["DIALOGUE_RENDER_WORKERS"]) if env.get("DIALOGUE_RENDER_WORKERS", "").strip() else None
            ),
            log_format=env.get("DIALOGUE_LOG_FORMAT", "").strip().lower()
            or ("json" if mode == "production" else "text"),
            log_level=env.get("DIALOGUE_LOG_LEVEL", "").strip().lower() or cls.log_level,
            outbox_in_app=env.get("DIALOGUE_OUTBOX_IN_APP", "true").strip().lower() not in {"0", "false", "no"},
            digest_at=env.get("DIALOGUE_DIGEST_AT", "").strip().lower() or cls.digest_at,
            storage_url=env.get("DIALOGUE_STORAGE_URL", "").strip(),
            storage_endpoint=env.get("DIALOGUE_STORAGE_ENDPOINT", "").strip(),
            storage_region=env.get("DIALOGUE_STORAGE_REGION", "").strip(),
            storage_access_key=env.get("DIALOGUE_STORAGE_ACCESS_KEY", "").strip(),
            storage_secret_key=env.get("DIALOGUE_STORAGE_SECRET_KEY", "").strip(),
            upload_max_mb=int(env.get("DIALOGUE_UPLOAD_MAX_MB", "").strip() or cls.upload_max_mb),
            page_cache_mb=int(env.get("DIALOGUE_PAGE_CACHE_MB", "").strip() or cls.page_cache_mb),
        )
