"""The audit tests read English pages and look at each answer itself (no redirects followed)."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.audit.models import AuditEvent
from tests.conftest import open_session


@pytest.fixture
def english(english: Any) -> Any:
    english.follow_redirects = False
    return english


SECRETARIAT = "secretariat@example.tn"  # who the `client` fixture signs in


async def act_as(client: AsyncTestClient[Any], email: str) -> AsyncTestClient[Any]:
    """The same browser, signed in again as `email` (a second test client would run the
    app on another event loop, which PostgreSQL's pooled connections do not survive)."""
    open_session(client, email)
    return client


async def events(db: AsyncSession, **where: Any) -> list[AuditEvent]:
    """The trail as it stands (read fresh), oldest first, filtered by column values."""
    await db.commit()  # end any read transaction: see what the requests wrote since
    query = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(await db.scalars(query))


async def event_count(db: AsyncSession) -> int:
    await db.commit()
    return await db.scalar(select(func.count()).select_from(AuditEvent)) or 0
