"""Partner organisations: the side 'Partners' and their category, through the form and the list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from dialogue.people.models import Organisation, OrganisationCategory, Side
from tests import factories as f
from tests.meetings.helpers import text


async def test_a_partner_needs_a_category_and_the_list_filters_partners(english: Any, db: Any) -> None:
    form = await english.get("/organisations/new")
    assert '<option value="partners"' in form.text and '<option value="donor"' in form.text
    assert "never count for quorum or parity" in form.text

    data = {"name": "Italian cooperation", "acronym": "AICS", "slug": "aics", "side": "partners"}
    refused = await english.post("/organisations", data=data)
    assert refused.status_code == 422
    assert "Say what kind of partner this organisation is." in text(refused)
    assert await db.scalar(select(func.count(Organisation.id))) == 0

    made = await english.post("/organisations", data={**data, "category": "donor"}, follow_redirects=False)
    assert made.status_code == 303
    aics = await db.scalar(select(Organisation))
    assert aics.side == Side.PARTNERS and aics.category == OrganisationCategory.DONOR
    page = await english.get(made.headers["location"])
    assert "Kind of partner" in page.text and "Donor" in text(page)

    # A side's organisation keeps no category.
    workers = {"name": "Union", "slug": "union", "side": "workers", "category": "ngo"}
    assert (await english.post("/organisations", data=workers, follow_redirects=False)).status_code == 303
    union = await db.scalar(select(Organisation).where(Organisation.slug == "union"))
    assert union.category is None

    await f.organisation(db, Side.WORKERS, name="Syndicat")
    await db.commit()
    partners = await english.get("/organisations", params={"side": "partners"})
    assert "Italian cooperation" in partners.text and "Syndicat" not in partners.text
