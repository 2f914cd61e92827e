"""The reports' index (`/reports`). Each report has its own `<name>_routes.py`."""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from dialogue.web import Template, render


@get("/reports", name="reports", cache=False)
async def reports_page(request: Request[Any, Any, Any]) -> Template:
    """The reports everyone may read, with what each answers."""
    return render(request, "reports/index.html")


routes: list[Any] = [reports_page]
