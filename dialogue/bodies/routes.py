"""Pages of the bodies area: bodies, their members (HTMX) and their meetings."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from dialogue import idempotency
from dialogue.accounts.permissions import Permission
from dialogue.bodies import service
from dialogue.bodies.models import Body, BodyKind, Membership, MembershipKind, QuorumRule
from dialogue.bodies.service import BodyDraft, MemberDraft
from dialogue.crud import RecordList, RecordPages, as_typed, check
from dialogue.errors import Invalid
from dialogue.forms import Form
from dialogue.i18n import _
from dialogue.listing import Column
from dialogue.meetings.visibility import sees_drafts
from dialogue.people.models import Side
from dialogue.web import DB, render, see_other, wants_fragment


def _body_columns() -> list[Column]:
    return [
        Column(_("Body"), lambda row: row.body.name),
        Column(_("Short name"), lambda row: row.body.short_name),
        Column(_("Kind"), lambda row: row.body.kind.label),
        Column(_("Titular members"), lambda row: row.titulars),
        Column(_("Alternates"), lambda row: row.alternates),
        Column(_("Meetings"), lambda row: row.meetings),
        Column(_("Archived"), lambda row: row.body.archived_at is not None),
    ]


BODY_LIST = RecordList.searched("/bodies", service.list_bodies, service.SORT_KEYS, _body_columns, lambda: _("bodies"))


async def _body_form(db: DB, body: Body | None) -> dict[str, Any]:
    return {"body": body, "kinds": BodyKind.options(), "rules": QuorumRule.options()}


def read_body_form(form: Form) -> BodyDraft:
    return BodyDraft(
        name=form.text("name", required=True, max_length=200),
        short_name=form.text("short_name", max_length=60),
        kind=form.choice("kind", BodyKind, default=BodyKind.COMMITTEE),
        description=form.text("description", max_length=service.DESCRIPTION_MAX),
        quorum_rule=form.choice("quorum_rule", QuorumRule, default=QuorumRule.EACH_SIDE),
        quorum_min_per_side=form.integer("quorum_min_per_side", minimum=1, maximum=service.QUORUM_MAX),
    )


@get("/bodies/new", opt={"permission": Permission.SECRETARIAT})
async def new_body(request: Request, db: DB) -> Response[Any]:
    values = {"kind": BodyKind.COMMITTEE.value, "quorum_rule": QuorumRule.EACH_SIDE.value, "quorum_min_per_side": 1}
    return await BODY_PAGES.new(request, db, values)


async def _members_context(db: DB, body: Body, **extra: Any) -> dict[str, Any]:
    memberships = await service.body_members(db, body.id, include_archived=True)
    return {
        "body": body,
        "groups": service.members_by_side(memberships),
        "member_count": len(memberships),
        "candidates": await service.member_candidates(db, body.id),
        "kinds": MembershipKind.options(),
        "errors": {},
        "values": {},
        **extra,
    }


async def _body_page(request: Request, db: DB, body: Body, **extra: Any) -> dict[str, Any]:
    upcoming, recent = await service.body_meetings(db, body.id, drafts=sees_drafts(request.scope.get("user")))
    return {
        **(await _members_context(db, body)),
        "quorum": service.quorum_text(body),
        "upcoming": upcoming,
        "recent": recent,
        "sides": list(Side),
        **extra,
    }


BODY_PAGES = RecordPages.of(
    service, "body", path="/bodies", templates="bodies/body", page=_body_page, form=_body_form, read=read_body_form
)


# Members: HTMX answers the members section alone; without HTMX, back to the body page.


async def _members_answer(request: Request, db: DB, body: Body) -> Response[Any]:
    if wants_fragment(request):
        return render(request, "bodies/_members.html", await _members_context(db, body))
    return see_other(request, f"/bodies/{body.id}#members")


@post("/bodies/{body_id:int}/members")
async def add_member(request: Request, db: DB, body_id: FromPath[int]) -> Response[Any]:
    body = await service.get_body(db, body_id)
    form = Form(await request.form())
    await idempotency.replay(db, request, form)
    draft = MemberDraft(
        person_id=form.integer("person_id", required=True, minimum=1, maximum=2**31 - 1),
        kind=form.choice("kind", MembershipKind, default=MembershipKind.TITULAR),
    )
    try:
        check(form, await service.member_errors(db, body, draft))
        await service.add_member(db, body, draft)
        await idempotency.remember(db, request, form, f"/bodies/{body.id}#members")
    except Invalid as error:
        extra = {"errors": error.errors, "values": as_typed(error, form).values}
        if wants_fragment(request):
            context = await _members_context(db, body, **extra)
            return render(request, "bodies/_members.html", context, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        context = await _body_page(request, db, body, **extra)
        return render(request, "bodies/body.html", context, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    await db.commit()
    return await _members_answer(request, db, body)


async def _member(db: DB, body_id: FromPath[int], membership_id: FromPath[int]) -> tuple[Body, Membership]:
    """The body and the membership that a member's address names (404 when either is unknown)."""
    body = await service.get_body(db, body_id)
    return body, await service.get_membership(db, body.id, membership_id)


MEMBER = {"member": Provide(_member)}
Member = NamedDependency[tuple[Body, Membership]]


@post("/bodies/{body_id:int}/members/{membership_id:int}/kind", dependencies=MEMBER)
async def change_member_kind(request: Request, db: DB, member: Member) -> Response[Any]:
    body, membership = member
    form = Form(await request.form())
    kind = form.choice("kind", MembershipKind)
    form.check()  # Invalid: 422 error page
    await service.change_member_kind(db, membership, kind)
    await db.commit()
    return await _members_answer(request, db, body)


@post("/bodies/{body_id:int}/members/{membership_id:int}/remove", dependencies=MEMBER)
async def remove_member(request: Request, db: DB, member: Member) -> Response[Any]:
    body, membership = member
    await service.remove_member(db, membership)
    await db.commit()
    return await _members_answer(request, db, body)


routes: list[Any] = [
    *BODY_LIST.handlers(),
    new_body,
    *BODY_PAGES.handlers(),
    add_member,
    change_member_kind,
    remove_member,
]
