"""Pages of the dashboard area: the home page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from dialogue.accounts.permissions import own_side
from dialogue.commitments.models import CommitmentStatus
from dialogue.dashboard.service import build_dashboard
from dialogue.meetings.models import MeetingStatus
from dialogue.meetings.visibility import sees_drafts
from dialogue.people.models import Side
from dialogue.web import DB, Template, render


@get("/", name="dashboard", include_in_schema=False, cache=False)
async def dashboard_page(request: Request[Any, Any, Any], db: DB) -> Template:
    """Next meetings, commitments to chase, and whether the C144 rhythm is kept."""
    account = request.scope.get("user")
    board = await build_dashboard(db, side=own_side(account), drafts=sees_drafts(account))
    context = {
        "board": board,
        "Side": Side,
        "CommitmentStatus": CommitmentStatus,
        "MeetingStatus": MeetingStatus,
    }
    return render(request, "dashboard/page.html", context, fragment="dashboard/_board.html")


routes: list[Any] = [dashboard_page]
