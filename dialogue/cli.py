"""The `dialogue` command: serve, migrate, load demo data. It speaks the configured language
(DIALOGUE_LANGUAGE, default fr): every message goes through the catalogs."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import click

from dialogue.accounts.models import Role
from dialogue.i18n import _, ngettext, set_language
from dialogue.settings import SERVERS, Settings


class Failed(click.ClickException):
    """A refusal, already in the configured language: shown without click's English "Error:"
    prefix, on stderr, with exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def _run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@click.group()
def main() -> None:
    """Dialogue: the record of tripartite social dialogue."""
    set_language(os.environ.get("DIALOGUE_LANGUAGE") or Settings.default_language)


@main.command()
@click.option("--host", default=None, help="Address to listen on (DIALOGUE_HOST, default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (DIALOGUE_PORT, default 8000).")
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(min=1),
    help="Server processes (DIALOGUE_WORKERS; default: one per CPU in production, one in development).",
)
@click.option(
    "--server",
    "server_name",
    default=None,
    type=click.Choice(SERVERS),
    help="The HTTP server (DIALOGUE_SERVER, default granian).",
)
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
def run(host: str | None, port: int | None, workers: int | None, server_name: str | None, reload: bool) -> None:
    """Serve Dialogue over HTTP."""
    settings = Settings.from_env()
    problems = settings.problems()
    if problems:
        raise Failed("\n".join([_("Dialogue cannot start:"), *problems]))
    processes = 1 if reload else workers or settings.server_workers
    click.echo(_("Dialogue: {url}  (Ctrl-C to stop)").format(url=settings.public_url))
    serve = _uvicorn if (server_name or settings.server) == "uvicorn" else _granian
    serve(settings, host or settings.host, port or settings.port, processes, reload)


# Both servers: each process builds its own app (and its own pool of database connections),
# no state is shared between them but the database (deploy/OPERATIONS.md, scaling out); the
# client's address is read from X-Forwarded-For by Dialogue itself, only from
# DIALOGUE_TRUSTED_PROXIES (dialogue/accounts/middleware.py), never by the server; one line
# per request comes from Dialogue (dialogue/logs.py), with its id and account, so the
# server's own access log is off; requests under way get 30 s to finish at shutdown.
GRACE_SECONDS = 30


def _uvicorn(settings: Settings, host: str, port: int, processes: int, reload: bool) -> None:
    import uvicorn

    from dialogue.logs import log_config

    uvicorn.run(
        "dialogue.app:served_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        workers=processes,
        proxy_headers=False,
        log_config=log_config(settings),
        access_log=False,
        timeout_graceful_shutdown=GRACE_SECONDS,
        # A process that starts slowly on a busy machine is not killed as hung.
        timeout_worker_healthcheck=30,
    )


def _granian(settings: Settings, host: str, port: int, processes: int, reload: bool) -> None:
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    from dialogue.logs import log_config

    Server(
        "dialogue.app:served_app",
        factory=True,
        interface=Interfaces.ASGI,
        address=host,
        port=port,
        workers=processes,
        reload=reload,
        websockets=False,
        log_dictconfig=log_config(settings),
        log_level=LogLevels(settings.log_level),
        log_access=False,
        workers_kill_timeout=GRACE_SECONDS,
        # A server process that dies (out of memory) is replaced, as uvicorn's supervisor does.
        respawn_failed_workers=True,
    ).serve()


@main.command()
def worker() -> None:
    """Deliver the outbox and run the scheduled jobs (the weekly digest) until stopped."""
    from dialogue import worker as background
    from dialogue.logs import configure

    settings = Settings.from_env()
    problems = settings.problems()
    if problems:
        raise Failed("\n".join([_("Dialogue cannot start:"), *problems]))
    configure(settings)
    _run(background.serve(settings))


@main.group()
def database() -> None:
    """Migrate the database schema (Alembic)."""


async def _alembic(action: str, *args: Any, **kwargs: Any) -> None:
    from dialogue.db import create_engine, run_alembic

    engine = create_engine(Settings.from_env())
    try:
        await run_alembic(engine, action, *args, **kwargs)
    finally:
        await engine.dispose()


@database.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: the latest)."""
    _run(_alembic("upgrade", revision))
    click.echo(_("Database upgraded to {revision}.").format(revision=revision))


@database.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION (e.g. -1, base)."""
    _run(_alembic("downgrade", revision))


@database.command()
def current() -> None:
    """Show the current revision."""
    _run(_alembic("current", verbose=True))


@database.command()
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def backup(file: str) -> None:
    """Copy the SQLite database to FILE while Dialogue runs (PostgreSQL: use pg_dump)."""
    from dialogue.backup import NotSqlite, backup_sqlite

    try:
        pages = backup_sqlite(Settings.from_env(), file)
    except NotSqlite:
        raise Failed(_("The database is PostgreSQL: back it up with pg_dump (see deploy/OPERATIONS.md).")) from None
    click.echo(_("Database copied to {file} ({pages} pages).").format(file=file, pages=pages))


@database.command()
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
def revision(message: str, autogenerate: bool) -> None:
    """Write a new revision (autogenerated from the models: review it by hand)."""
    _run(_alembic("revision", message=message, autogenerate=autogenerate))


@main.command()
@click.option("--force", is_flag=True, help="Load even if the database already holds records.")
@click.option(
    "--serving", is_flag=True, help="Dialogue is started right after (`make run`): do not say how to start it."
)
@click.option(
    "--scale",
    default=1,
    type=click.IntRange(min=1, max=1000),
    help="Also load N - 1 earlier rounds of meetings: about ten years of history at 100 (for measuring).",
)
def demo(force: bool, serving: bool, scale: int) -> None:
    """Load the demo data (a Tunisian National Council) into an empty database."""
    from dialogue.demo import DatabaseNotEmpty, demo_accounts_text, load_demo

    settings = Settings.from_env()
    try:
        click.echo(_run(load_demo(settings, force=force, start_hint=not serving, scale=scale)))
    except DatabaseNotEmpty:
        click.echo(_("The database already holds records: demo data not loaded (use --force to add it anyway)."))
    accounts = _run(demo_accounts_text(settings))
    if accounts:
        click.echo(accounts)


@main.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(file: Path) -> None:
    """Write the whole record (not the sessions and secrets) to FILE, a zip of JSON files."""
    from dialogue.archive.service import export_archive

    async def export() -> bytes:
        from dialogue.db import create_engine

        engine = create_engine(Settings.from_env())
        try:
            return await export_archive(engine)
        finally:
            await engine.dispose()

    content = _run(export())
    partial = file.with_name(file.name + ".partial")
    partial.write_bytes(content)
    os.replace(partial, file)
    click.echo(_("Archive written to {file} ({size} bytes).").format(file=file, size=len(content)))


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Restore the archive FILE (made by `dialogue export`) into an empty, migrated database."""
    from dialogue.archive.service import ArchiveError, import_archive

    content = file.read_bytes()

    async def restore() -> Any:
        from dialogue.db import create_engine

        engine = create_engine(Settings.from_env())
        try:
            return await import_archive(engine, content)
        finally:
            await engine.dispose()

    try:
        archive = _run(restore())
    except ArchiveError as refused:
        # Each refusal has its own exit status (README, "Moving the record").
        click.echo(_("Nothing imported: {reason}").format(reason=refused.message), err=True)
        raise SystemExit(refused.exit_code) from None
    rows = sum(archive.counts.values())
    click.echo(
        ngettext("%(num)d row imported from %(file)s.", "%(num)d rows imported from %(file)s.", rows)
        % {"num": rows, "file": file}
    )


@main.group()
def users() -> None:
    """Accounts: invite someone, disable an account, send a new password link."""


async def _users(action: Any) -> Any:
    """Run `action(db, settings)` in one transaction, the trail naming the command line."""
    import dialogue.models  # noqa: F401  (every table, so that relationships resolve)
    from dialogue.audit.trail import Actor, set_actor
    from dialogue.db import create_engine
    from dialogue.session_factory import session_factory

    settings = Settings.from_env()
    engine = create_engine(settings)
    set_actor(Actor(None, "cli", ""))
    try:
        async with session_factory(engine)() as db:
            result = await action(db, settings)
            await db.commit()
            return result
    finally:
        await engine.dispose()


def _account_or_fail(account: Any, email: str) -> Any:
    if account is None:
        raise Failed(_("No account has the email {email}.").format(email=email))
    return account


def _explain(errors: dict[str, str]) -> str:
    names = {
        "email": _("email"),
        "role": "--role",
        "organisation": "--organisation",
        "person": _("person"),
        "is_approver": "--approver",
    }
    return "\n".join(f"{names.get(field, field)}: {message}" if field else message for field, message in errors.items())


@users.command("create")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice(Role.values(), case_sensitive=False),
    help="secretariat, delegate, coordinator or observer.",
)
@click.option(
    "--organisation",
    "organisation_slug",
    default=None,
    metavar="SLUG",
    help="The organisation's short identifier (required for a delegate).",
)
@click.option("--approver", is_flag=True, help="The delegate approves minutes for their side.")
def create_user(email: str, role: str, organisation_slug: str | None, approver: bool) -> None:
    """Create an account without a password and print its invitation link (7 days)."""
    from dialogue.accounts import links, service
    from dialogue.errors import Invalid

    async def action(db: Any, settings: Settings) -> tuple[str, str]:
        errors: dict[str, str] = {}
        organisation_id = None
        if organisation_slug:
            organisation = await service.organisation_by_slug(db, organisation_slug)
            if organisation is None:
                errors["organisation"] = _("no organisation has the short identifier {slug}.").format(
                    slug=repr(organisation_slug)
                )
            else:
                organisation_id = organisation.id
        draft = service.AccountDraft(
            role=Role(role.lower()), organisation_id=organisation_id, is_approver=approver, email=email
        )
        account, token = await service.invite(db, draft, errors=errors)
        return account.email, links.link_url(settings, token)

    try:
        created, link = _run(_users(action))
    except Invalid as invalid:
        raise Failed(_explain(invalid.errors)) from None
    click.echo(_("Account {email} created. Invitation link (works once, for 7 days):").format(email=created))
    click.echo(link)


@users.command("disable")
@click.argument("email")
def disable_user(email: str) -> None:
    """Disable an account: its sessions end at once, its tokens and links stop working."""
    from dialogue.accounts import service, sessions
    from dialogue.errors import Refused

    async def action(db: Any, _settings: Settings) -> bool:
        account = _account_or_fail(await sessions.account_by_email(db, email), email)
        was_active = account.is_active
        await service.disable_account(db, account)
        return was_active

    try:
        was_active = _run(_users(action))
    except Refused as refused:
        raise Failed(refused.message) from None
    message = _("Account {email} disabled.") if was_active else _("Account {email} was already disabled.")
    click.echo(message.format(email=email.strip().lower()))


@users.command("reset-password")
@click.argument("email")
def reset_password(email: str) -> None:
    """Print a one-time link (24 hours) with which the person chooses a new password."""
    from dialogue.accounts import links, sessions
    from dialogue.accounts.models import LinkPurpose
    from dialogue.errors import Refused

    async def action(db: Any, settings: Settings) -> tuple[LinkPurpose, str]:
        account = _account_or_fail(await sessions.account_by_email(db, email), email)
        purpose = links.link_purpose(account)
        return purpose, links.link_url(settings, await links.new_link(db, account, purpose))

    try:
        purpose, link = _run(_users(action))
    except Refused as refused:
        raise Failed(refused.message) from None
    if purpose is LinkPurpose.INVITE:
        click.echo(
            _("No password chosen yet: new invitation link (works once, for 7 days; earlier links no longer work):")
        )
    else:
        click.echo(_("Password link (works once, for 24 hours; earlier links no longer work):"))
    click.echo(link)


@main.group()
def reminders() -> None:
    """Reminders: the weekly digest of commitments to each side's delegates."""


@reminders.command("send")
def send_reminders() -> None:
    """Queue the digest of commitments due in the next 7 days and overdue (run weekly)."""
    from dialogue.calendar.digest import queue_digests

    async def action(db: Any, settings: Settings) -> int:
        return await queue_digests(db, settings)

    queued = _run(_users(action))
    click.echo(
        ngettext("%(num)d digest queued in the outbox.", "%(num)d digests queued in the outbox.", queued)
        % {"num": queued}
    )


@main.command("static-files")
@click.argument("folder", type=click.Path(file_okay=False, writable=True, path_type=Path))
def static_files(folder: Path) -> None:
    """Write the static files, with their hashed names and .br/.gz copies, into FOLDER, for a
    proxy that serves /static/ from disk (deploy/Caddyfile)."""
    from dialogue.static_files import StaticFiles

    written = StaticFiles().write(folder)
    click.echo(
        ngettext("%(num)d file written to %(folder)s.", "%(num)d files written to %(folder)s.", written)
        % {"num": written, "folder": folder}
    )


if __name__ == "__main__":
    main()
