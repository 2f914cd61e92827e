"""Files are sent to be saved (Content-Disposition: attachment, RFC 6266), with their name
in UTF-8 when it is not plain ASCII (RFC 5987); calendar feeds, read by calendar apps, not."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.web import attachment
from tests import factories
from tests.calendar.test_feeds_subscriptions import create, fetch
from tests.minutes.test_workflow import circulated


def test_a_plain_name_is_sent_as_is() -> None:
    assert attachment("meeting-12.ics") == {"Content-Disposition": 'attachment; filename="meeting-12.ics"'}


def test_a_name_in_french_or_arabic_has_an_ascii_fallback_and_its_utf8_form() -> None:
    value = attachment("procès-verbal 2026.pdf")["Content-Disposition"]
    assert value.startswith("attachment; filename=\"proces-verbal 2026.pdf\"; filename*=UTF-8''")
    assert unquote(value.split("UTF-8''", 1)[1]) == "procès-verbal 2026.pdf"
    arabic = attachment("محضر.docx")["Content-Disposition"]
    assert 'filename="download.docx"' in arabic and unquote(arabic.split("UTF-8''", 1)[1]) == "محضر.docx"
    # Quotes, semicolons and line breaks never reach the header's syntax.
    tricky = attachment('a";b\r\nc.csv')["Content-Disposition"]
    assert (
        tricky.startswith('attachment; filename="abc.csv"; filename*=')
        and "\n" not in tricky
        and tricky.count('"') == 2
    )


async def test_every_file_is_an_attachment_but_the_calendar_feeds(
    client: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await circulated(client, db)
    meeting_id = world["meeting"].id
    names = ("invite.ics", "minutes.json?version=1", "minutes.html?version=1", "minutes.md?version=1", "follow-up.csv")
    for name in names:
        response = await client.get(f"/meetings/{meeting_id}/{name}")
        disposition = response.headers.get("content-disposition", "")
        assert (response.status_code, disposition[:21]) == (200, "attachment; filename="), name
    body = await factories.body(db)
    await db.commit()
    feed = await fetch(client, await create(client, "body", body.id))
    assert feed.status_code == 200 and "content-disposition" not in feed.headers
