"""Pages: the subscription feeds themselves (public: the token is the credential), one's
feed links (create, regenerate, revoke), and the secretariat's "send the weekly digest"."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.status_codes import HTTP_201_CREATED

from dialogue import idempotency
from dialogue.accounts.models import Account
from dialogue.accounts.permissions import PUBLIC, SECRETARIAT, SIGNED_IN
from dialogue.accounts.revocation import ended_notice
from dialogue.calendar import digest, feeds
from dialogue.calendar.models import FeedScope, FeedToken
from dialogue.forms import Form
from dialogue.web import DB, Config, render, see_other


@get("/calendars/{token:str}", opt=PUBLIC, cache=False)
async def calendar_feed(db: DB, settings: Config, token: FromPath[str]) -> Response[bytes]:
    """`/calendars/<token>.ics`: the feed, for calendar apps (no cookie, no session)."""
    if not token.endswith(".ics"):
        raise NotFoundException()
    row, account = await feeds.token_owner(db, token.removesuffix(".ics"))
    body = await feeds.build_feed(db, row, account, settings)
    return Response(
        content=body,
        media_type="text/calendar",  # Litestar adds "; charset=utf-8"
        headers={
            "Cache-Control": "private, max-age=300",
            "Referrer-Policy": "no-referrer",
        },
    )


async def _context(db: DB, account: Account, settings: Config, **extra: Any) -> dict[str, Any]:
    tokens = await feeds.live_tokens(db, account.id)
    bodies = await feeds.bodies_of(db, tokens)
    choices = feeds.available_feeds(account, list(bodies.values()))
    live = {(t.scope, t.scope_key): t for t in tokens}
    return {
        "feeds": [(choice, live.get((choice.scope, choice.key))) for choice in choices],
        "new_link": None,
        "done": "",
        "feeds_ended": await ended_notice(db, account, FeedToken),
        **extra,
    }


@get("/account/calendars", opt=SIGNED_IN)
async def my_feeds(request: Request, db: DB, settings: Config, revoked: FromQuery[str | None] = None) -> Response[Any]:
    context = await _context(db, request.user, settings, done="revoked" if revoked else "")
    return render(request, "calendar/feeds.html", context, fragment="calendar/_feeds.html")


@post("/account/calendars", opt=SIGNED_IN)
async def create_feed(request: Request, db: DB, settings: Config) -> Response[Any]:
    """Create (or regenerate: the old address stops working) a feed; its address is shown
    on this answer only."""
    form = Form(await request.form())
    # A second click would regenerate the address just shown, and so kill it.
    await idempotency.replay(db, request, form)
    try:
        scope = FeedScope(form.raw("scope"))
    except ValueError:
        raise NotFoundException() from None
    key = form.raw("key")[:40]
    account: Account = request.user
    row, token = await feeds.issue_token(db, account, scope, key)
    await idempotency.remember(db, request, form, "/account/calendars")
    await db.commit()
    new_link = {
        "scope": row.scope,
        "key": row.scope_key,
        "https": feeds.feed_url(settings, token),
        "webcal": feeds.webcal_url(settings, token),
    }
    context = await _context(db, account, settings, new_link=new_link)
    response = render(
        request,
        "calendar/feeds.html",
        context,
        fragment="calendar/_feeds.html",
        status_code=HTTP_201_CREATED,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@post("/account/calendars/{feed_id:int}/revoke", opt=SIGNED_IN)
async def revoke_feed(request: Request, db: DB, feed_id: FromPath[int]) -> Response[Any]:
    await feeds.revoke_token(db, request.user, feed_id)
    await db.commit()
    return see_other(request, "/account/calendars?revoked=1")


@post("/reminders/digest", opt=SECRETARIAT)
async def send_digest(request: Request, db: DB, settings: Config) -> Response[Any]:
    """Queue the weekly digest now (the same as `dialogue reminders send`); a second click
    on the same button queues nothing more and shows the outbox."""
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    queued = await digest.queue_digests(db, settings)
    await idempotency.remember(db, request, form, "/outbox")
    await db.commit()
    return render(request, "calendar/digest_sent.html", {"queued": queued})


routes: list[Any] = [calendar_feed, my_feeds, create_feed, revoke_feed, send_digest]
