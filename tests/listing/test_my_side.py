"""A delegate lands on their own side: the dashboard shows their side's overdue and due-soon
commitments first, and /commitments opens on their side with one click to see all sides
(kept in the URL). The secretariat, coordinators and observers keep the whole view."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest

from dialogue import i18n
from dialogue.accounts.models import Role
from dialogue.people.models import Side
from tests import factories as f
from tests.conftest import open_session

SIDES = {Side.GOVERNMENT: "mas", Side.WORKERS: "ugtt", Side.EMPLOYERS: "utica"}


async def council(db: Any) -> dict[str, Any]:
    """One overdue and one due-soon commitment per side, and an account per role."""
    world = await f.table(db)
    today = i18n.today()
    for side, key in SIDES.items():
        await f.commitment(
            db, side, title=f"En retard {key}", due_on=today - dt.timedelta(days=3), organisation_id=world[key].id
        )
        await f.commitment(
            db, side, title=f"Bientôt {key}", due_on=today + dt.timedelta(days=5), organisation_id=world[key].id
        )
        await f.account(db, Role.DELEGATE, world[key], email=f"{key}@example.tn")
    await f.account(db, Role.COORDINATOR, email="coordination@example.tn")
    await f.account(db, Role.OBSERVER, world["ilo"], email="observateur@example.tn")
    await db.commit()
    return world


def titles(page: str) -> set[str]:
    return set(re.findall(r"<bdi[^>]*>((?:En retard|Bientôt) \w+)</bdi>", page))


@pytest.mark.parametrize("side", list(SIDES))
async def test_a_delegate_lands_on_their_side_and_can_see_all(anonymous: Any, db: Any, side: Side) -> None:
    await council(db)
    key = SIDES[side]
    open_session(anonymous, f"{key}@example.tn")
    anonymous.headers["accept-language"] = "en"

    page = html.unescape((await anonymous.get("/commitments")).text)
    assert titles(page) == {f"En retard {key}", f"Bientôt {key}"}
    assert '<nav class="scope-toggle"' in page
    assert re.search(r'<a href="\?scope=mine" aria-current="true">My side', page)
    assert '<a href="?scope=all" >All sides</a>' in page or '<a href="?scope=all">All sides</a>' in page

    page = html.unescape((await anonymous.get("/commitments?scope=all")).text)
    assert titles(page) == {f"{kind} {k}" for kind in ("En retard", "Bientôt") for k in SIDES.values()}
    assert re.search(r'<a href="\?scope=all" aria-current="true">All sides', page)
    # filters keep the choice
    assert '<input type="hidden" name="scope" value="all">' in page
    page = html.unescape((await anonymous.get("/commitments?scope=all&overdue=true")).text)
    assert titles(page) == {f"En retard {k}" for k in SIDES.values()}
    page = html.unescape((await anonymous.get("/commitments?overdue=true")).text)
    assert titles(page) == {f"En retard {key}"}

    # a link to one side (the dashboard's table per side) shows that side
    other_side, other = next((s, k) for s, k in SIDES.items() if s is not side)
    page = html.unescape((await anonymous.get(f"/commitments?side={other_side.value}&overdue=true")).text)
    assert titles(page) == {f"En retard {other}"}

    board = html.unescape((await anonymous.get("/")).text)
    assert f"My side: {side.label}" in board
    # the whole council's panels lead to the whole council's list
    assert 'href="/commitments?overdue=true&scope=all"' in board
    mine = board[board.index('class="card dash-mine') : board.index("</section>", board.index('class="card dash-mine'))]
    assert titles(mine) == {f"En retard {key}", f"Bientôt {key}"}
    assert mine.index(f"En retard {key}") < mine.index(f"Bientôt {key}")
    # their side comes first on the page
    assert board.index('class="card dash-mine') < board.index('class="card dash-overdue')


@pytest.mark.parametrize("email", ["secretariat@example.tn", "coordination@example.tn", "observateur@example.tn"])
async def test_secretariat_coordinator_and_observer_keep_the_whole_view(anonymous: Any, db: Any, email: str) -> None:
    await council(db)
    if email == "secretariat@example.tn":
        await f.account(db, Role.SECRETARIAT, email=email)
        await db.commit()
    open_session(anonymous, email)
    anonymous.headers["accept-language"] = "en"
    page = html.unescape((await anonymous.get("/commitments")).text)
    assert titles(page) == {f"{kind} {k}" for kind in ("En retard", "Bientôt") for k in SIDES.values()}
    assert "scope-toggle" not in page
    board = (await anonymous.get("/")).text
    assert "dash-mine" not in board
