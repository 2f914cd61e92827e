"""The Markdown export shows people's text as they typed it: a CommonMark reader (markdown-it-py,
with GitHub's tables and strike-through) makes no link, image, emphasis, code, raw HTML,
heading, list or quote out of it."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from litestar.testing import AsyncTestClient
from markdown_it import MarkdownIt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.agenda.models import Outcome, Position
from dialogue.commitments.models import Commitment
from dialogue.people.models import Side
from tests.minutes.world import held_meeting

INLINE = (
    "[clic](javascript:alert(1)) ![](https://evil.example/x.png) <https://evil.example> "
    "<b>gras</b> &amp; *étoile* **fort** _souligné_ `code` ~~barré~~ a|b fin\\"
)
BLOCKS = "# pas un titre\n- pas une liste\n1. pas un numéro\n> pas une citation\n===\n    pas du code\n---"
NOT_FROM_USERS = {"a", "img", "code", "pre", "s", "del", "blockquote", "b", "script", "hr"}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _flat(text: str) -> str:
    return " ".join(text.split())


async def test_markdown_minutes_show_users_text_literally_to_a_commonmark_reader(
    english: AsyncTestClient[Any], db: AsyncSession
) -> None:
    world = await held_meeting(db)
    position = await db.scalar(
        select(Position).where(Position.item_id == world["item"].id, Position.side == Side.WORKERS)
    )
    outcome = await db.scalar(select(Outcome).where(Outcome.item_id == world["item"].id))
    commitment = await db.scalar(select(Commitment).where(Commitment.meeting_id == world["meeting"].id))
    assert position is not None and outcome is not None and commitment is not None
    position.statement = INLINE
    outcome.text = BLOCKS
    commitment.title = "*Étude* [salariale](https://evil.example)"
    world["item"].title = "`Salaire` _minimum_ #1"
    await db.commit()
    meeting_id = world["meeting"].id
    assert (await english.post(f"/meetings/{meeting_id}/minutes")).status_code == 200

    response = await english.get(f"/meetings/{meeting_id}/minutes.md?version=0")
    assert response.status_code == 200
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(response.text)
    reader = _Reader()
    reader.feed(html)
    text = _flat("".join(reader.text))

    assert not NOT_FROM_USERS & set(reader.tags), sorted(NOT_FROM_USERS & set(reader.tags))
    assert _flat(INLINE) in text
    for line in BLOCKS.splitlines():
        assert line.strip() in text, line
    assert "*Étude* [salariale](https://evil.example)" in text
    assert "`Salaire` _minimum_ #1" in text
    # The document's own structure is still there: headings, tables, bold labels.
    assert {"h1", "h2", "table", "strong"} <= set(reader.tags)
