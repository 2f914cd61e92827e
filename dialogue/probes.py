"""`/ready`: may this process be sent requests? (`/health`, in app.py, says it is alive.)

Ready means the database answers and its schema is at the migrations' head: an app started
before the migrator finished, or on a database of another version, answers 503 with the
reason, so that a load balancer or an orchestrator holds traffic back. No session, cookie or
account is read: probes come without them.
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

from alembic.script import ScriptDirectory
from litestar import Request, Response, get
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError

from dialogue.accounts.permissions import Permission
from dialogue.db import alembic_config

DATABASE_TIMEOUT = 5.0  # seconds: a probe that hangs is as bad as one that fails


@cache
def migration_heads() -> frozenset[str]:
    """The head revision(s) of the migrations shipped with this code (read once)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


async def readiness(engine: Any) -> str | None:
    """Why this app is not ready (in English, for operators), or None when it is."""
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            try:
                current = frozenset((await connection.scalars(text("SELECT version_num FROM alembic_version"))).all())
            except (ProgrammingError, OperationalError):  # no such table: never migrated
                current = frozenset()
    except Exception as exc:  # noqa: BLE001  (any failure to reach the database means "not ready")
        return f"database unreachable: {type(exc).__name__}"
    expected = migration_heads()
    if current != expected:
        at = ", ".join(sorted(current)) or "no migration applied"
        return f"database schema at {at}, code expects {', '.join(sorted(expected))}: run `dialogue database upgrade`"
    return None


@get("/ready", include_in_schema=False, cache=False, opt={"permission": Permission.PUBLIC})
async def ready(request: Request) -> Response[str]:
    reason = await readiness(request.app.state.engine)
    if reason is not None:
        return Response(
            content=f"not ready: {reason}", media_type="text/plain", status_code=HTTP_503_SERVICE_UNAVAILABLE
        )
    return Response(content="ready", media_type="text/plain")


routes: list[Any] = [ready]
