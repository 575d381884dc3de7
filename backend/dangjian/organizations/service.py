"""Organisation tree, posts and terms: the rules that need the database."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import exists, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import is_within, subtree
from dangjian.authz.principal import Principal
from dangjian.authz.service import require, scoped_organizations, visible_organization
from dangjian.core import clock
from dangjian.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from dangjian.core.pagination import paginate
from dangjian.core.schemas import PageParams
from dangjian.models import Member, Organization, OrganizationTerm, Post, User
from dangjian.models.enums import LABELS, MemberKind, OrgKind, PostKind
from dangjian.organizations import rules
from dangjian.organizations.schemas import (
    OrganizationCreate,
    OrganizationRead,
    OrganizationUpdate,
    PostCreate,
    PostRead,
    PostUpdate,
    TermCreate,
    TermRead,
)
from dangjian.users.authority import (
    AdminCannotHoldPost,
    AppointeeIssuedByYou,
    appointer_lacks_capabilities,
    appointment_refusal,
    issued_by,
)


def snapshot(org: Organization) -> dict[str, Any]:
    return OrganizationRead.model_validate(org).model_dump(mode="json")


async def list_organizations(
    session: AsyncSession,
    principal: Principal,
    *,
    q: str | None,
    kind: OrgKind | None,
    parent_id: int | None,
    page: PageParams,
) -> tuple[list[Organization], int]:
    stmt = scoped_organizations(principal)
    if q:
        stmt = stmt.where(
            Organization.name.contains(q, autoescape=True)
            | Organization.short_name.contains(q, autoescape=True)
        )
    if kind:
        stmt = stmt.where(Organization.kind == kind)
    if parent_id is not None:
        stmt = stmt.where(Organization.parent_id == parent_id)
    return await paginate(session, stmt, order_by=[Organization.path], page=page)


def _in_unit(parent: Organization | None, kind: OrgKind) -> bool:
    return kind in (OrgKind.resident_unit, OrgKind.home_unit) or (
        parent is not None and parent.kind in (OrgKind.resident_unit, OrgKind.home_unit)
    )


async def create(
    session: AsyncSession, principal: Principal, body: OrganizationCreate
) -> Organization:
    parent: Organization | None = None
    if body.parent_id is None:
        if Cap.org_manage not in principal.global_capabilities:
            raise Forbidden("只有系统管理员可以创建顶级党组织")
    else:
        parent = await visible_organization(session, principal, body.parent_id)
        require(principal, Cap.org_manage, parent)
    if not rules.may_stand_under(body.kind, parent.kind if parent else None):
        raise Unprocessable(_kind_message(body.kind, parent), code="organization_kind_not_allowed")
    org = Organization(
        **body.model_dump(),
        path=f"/pending-{uuid.uuid4().hex}/",
        depth=(parent.depth + 1) if parent else 0,
    )
    session.add(org)
    await session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="organization.create",
        entity="organization",
        entity_id=org.id,
        organization_path=org.path,
        after=snapshot(org),
    )
    return org


def _kind_message(kind: OrgKind, parent: Organization | None) -> str:
    if parent is None:
        return f"{LABELS[kind]}不能作为顶级党组织"
    return f"{LABELS[parent.kind]}下不能设立{LABELS[kind]}"


async def update_org(
    session: AsyncSession, principal: Principal, org_id: int, body: OrganizationUpdate
) -> Organization:
    org = await visible_organization(session, principal, org_id)
    require(principal, Cap.org_manage, org)
    before = snapshot(org)
    for key, value in body.model_dump(exclude_unset=True).items():
        setattr(org, key, value)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="organization.update",
        entity="organization",
        entity_id=org.id,
        organization_path=org.path,
        before=before,
        after=snapshot(org),
    )
    return org


async def _parent_for_change(
    session: AsyncSession, principal: Principal, org: Organization
) -> Organization | None:
    """Removing or moving O changes its parent: the caller must manage the parent too."""
    if org.parent_id is None:
        if Cap.org_manage not in principal.global_capabilities:
            raise Forbidden()
        return None
    parent = await session.get(Organization, org.parent_id)
    if parent is None or not principal.can(Cap.org_manage, parent.path):
        raise Forbidden("须由上级党组织操作")
    return parent


async def delete(session: AsyncSession, principal: Principal, org_id: int) -> None:
    org = await visible_organization(session, principal, org_id)
    await _parent_for_change(session, principal, org)
    in_use = await session.scalar(
        select(
            exists().where(Organization.parent_id == org.id)
            | exists().where(Member.organization_id == org.id)
            | exists().where(Post.organization_id == org.id)
            | exists().where(User.organization_id == org.id)
        )
    )
    if in_use:
        raise Conflict(
            "该党组织下仍有下级组织、党员、职务或账号，不能删除", code="organization_not_empty"
        )
    before = snapshot(org)
    await session.execute(
        sql_delete(OrganizationTerm).where(OrganizationTerm.organization_id == org.id)
    )
    await session.delete(org)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="organization.delete",
        entity="organization",
        entity_id=org_id,
        organization_path=before["path"],
        before=before,
    )


async def move(
    session: AsyncSession, principal: Principal, org_id: int, new_parent_id: int
) -> Organization:
    """Move a subtree under a new parent, rewriting every path below it in one statement."""
    org = await visible_organization(session, principal, org_id)
    await _parent_for_change(session, principal, org)
    new_parent = await visible_organization(session, principal, new_parent_id)
    require(principal, Cap.org_manage, new_parent)
    if is_within(new_parent.path, org):
        raise Conflict("不能移动到本组织或其下级之下", code="organization_move_cycle")
    if not rules.may_stand_under(org.kind, new_parent.kind):
        raise Unprocessable(
            _kind_message(org.kind, new_parent), code="organization_kind_not_allowed"
        )
    before = snapshot(org)
    old_path, new_path = org.path, f"{new_parent.path}{org.id}/"
    delta = new_parent.depth + 1 - org.depth
    await session.execute(
        update(Organization)
        .where(subtree(Organization.path, old_path))
        .values(
            path=literal(new_path) + func.substr(Organization.path, len(old_path) + 1),
            depth=Organization.depth + delta,
        )
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Organization)
        .where(Organization.id == org.id)
        .values(parent_id=new_parent.id)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    await session.refresh(org)
    await audit.record(
        session,
        actor=principal,
        action="organization.move",
        entity="organization",
        entity_id=org.id,
        organization_path=org.path,
        before=before,
        after=snapshot(org),
    )
    return org


# ---------------------------------------------------------------- posts


def _active(post: Post, today: date | None = None) -> bool:
    d = today or clock.today()
    return post.start_date <= d and (post.end_date is None or post.end_date >= d)


def _post_read(post: Post, name: str) -> PostRead:
    return PostRead(
        id=post.id,
        organization_id=post.organization_id,
        user_id=post.user_id,
        user_display_name=name,
        kind=post.kind,
        start_date=post.start_date,
        end_date=post.end_date,
        active=_active(post),
    )


async def list_posts(session: AsyncSession, principal: Principal, org_id: int) -> list[PostRead]:
    org = await visible_organization(session, principal, org_id)
    rows = (
        await session.execute(
            select(Post, User.display_name)
            .join(User, User.id == Post.user_id)
            .where(Post.organization_id == org.id)
            .order_by(Post.end_date.is_not(None), Post.start_date.desc())
        )
    ).all()
    return [
        _post_read(p, name).model_copy(
            update={"editable": appointment_refusal(principal, org.path, p.kind, p.user_id) is None}
        )
        for p, name in rows
    ]


async def create_post(
    session: AsyncSession, principal: Principal, org_id: int, body: PostCreate
) -> PostRead:
    org = await visible_organization(session, principal, org_id)
    require(principal, Cap.org_manage, org)
    user = await _assignable_user(session, principal, body.user_id)
    await _require_appointer(session, principal, org, body.kind, user.id)
    if user.is_admin:
        raise AdminCannotHoldPost()
    if not rules.post_allowed_at(body.kind, org.kind):
        raise Unprocessable("该职务不能设在此类党组织", code="post_not_allowed_here")
    if body.kind is PostKind.group_leader:
        # R: ORG-05 — 党小组长 must be a formal member.
        member = await session.get(Member, user.member_id) if user.member_id else None
        if member is None or member.kind is not MemberKind.formal:
            raise Conflict("党小组长须由正式党员担任", code="post_requires_formal_member")
    _check_dates(body.start_date, body.end_date)
    post = Post(organization_id=org.id, **body.model_dump())
    session.add(post)
    await session.flush()
    read = _post_read(post, user.display_name)
    await audit.record(
        session,
        actor=principal,
        action="post.create",
        entity="post",
        entity_id=post.id,
        organization_path=org.path,
        after=read.model_dump(mode="json", exclude={"editable"}),
    )
    return read.model_copy(update={"editable": True})


async def _require_appointer(
    session: AsyncSession,
    principal: Principal,
    org: Organization,
    kind: PostKind,
    appointee_id: int,
) -> None:
    """A committee is appointed by the next-higher organisation, never by its own members, and
    nobody hands out capabilities they lack (users.authority). Where a post carries capabilities
    the appointer does not hold (street staff through posts.appoint, the administrator), the
    appointee must not be an account whose password the appointer issued — otherwise the
    appointer could sign in as a puppet and hold them after all. At a root organisation only the
    administrator can appoint, so there it sets up the first accounts itself."""
    refusal = appointment_refusal(principal, org.path, kind, appointee_id)
    if refusal is not None:
        raise refusal
    if (
        org.parent_id is not None
        and appointer_lacks_capabilities(principal, org.path, kind)
        and await issued_by(session, principal, appointee_id)
    ):
        raise AppointeeIssuedByYou()


def _check_dates(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise Unprocessable("离任日期不能早于任职日期", code="post_dates_invalid")


async def _assignable_user(session: AsyncSession, principal: Principal, user_id: int) -> User:
    """A user the caller can see: one whose organisation lies in the caller's org.manage scope."""
    user = await session.scalar(
        select(User)
        .outerjoin(Organization, Organization.id == User.organization_id)
        .where(
            User.id == user_id,
            User.is_active.is_(True),
            principal.readable(Organization.path, Cap.org_manage),
        )
    )
    if user is None:
        raise NotFound("用户不存在或不在本组织范围内", code="user_not_found")
    return user


async def update_post(
    session: AsyncSession, principal: Principal, org_id: int, post_id: int, body: PostUpdate
) -> PostRead:
    org = await visible_organization(session, principal, org_id)
    post = await session.scalar(
        select(Post).where(Post.id == post_id, Post.organization_id == org.id)
    )
    if post is None:
        raise NotFound()
    require(principal, Cap.org_manage, org)
    await _require_appointer(session, principal, org, post.kind, post.user_id)
    user = await session.get(User, post.user_id)
    assert user is not None
    before = _post_read(post, user.display_name).model_dump(mode="json", exclude={"editable"})
    for key, value in body.model_dump(exclude_unset=True).items():
        setattr(post, key, value)
    _check_dates(post.start_date, post.end_date)
    await session.flush()
    read = _post_read(post, user.display_name)
    await audit.record(
        session,
        actor=principal,
        action="post.update",
        entity="post",
        entity_id=post.id,
        organization_path=org.path,
        before=before,
        after=read.model_dump(mode="json", exclude={"editable"}),
    )
    return read.model_copy(update={"editable": True})


# ---------------------------------------------------------------- terms (ORG-04)


def term_read(term: OrganizationTerm, today: date | None = None) -> TermRead:
    return TermRead(
        id=term.id,
        organization_id=term.organization_id,
        number=term.number,
        elected_on=term.elected_on,
        term_years=term.term_years,
        ends_on=term.ends_on,
        approval_document=term.approval_document,
        status=rules.term_status(term.ends_on, today or clock.today()),
    )


async def list_terms(session: AsyncSession, principal: Principal, org_id: int) -> list[TermRead]:
    org = await visible_organization(session, principal, org_id)
    rows = (
        await session.scalars(
            select(OrganizationTerm)
            .where(OrganizationTerm.organization_id == org.id)
            .order_by(OrganizationTerm.number.desc())
        )
    ).all()
    return [term_read(t) for t in rows]


async def create_term(
    session: AsyncSession, principal: Principal, org_id: int, body: TermCreate
) -> TermRead:
    org = await visible_organization(session, principal, org_id)
    require(principal, Cap.org_manage, org)
    parent = await session.get(Organization, org.parent_id) if org.parent_id else None
    years = body.term_years or rules.default_term_years(
        org.category, in_unit=_in_unit(parent, org.kind)
    )
    clash = await session.scalar(
        select(OrganizationTerm.id).where(
            OrganizationTerm.organization_id == org.id, OrganizationTerm.number == body.number
        )
    )
    if clash:
        raise Conflict(f"第 {body.number} 届已登记", code="term_exists")
    term = OrganizationTerm(
        organization_id=org.id,
        number=body.number,
        elected_on=body.elected_on,
        term_years=years,
        ends_on=rules.add_years(body.elected_on, years),
        approval_document=body.approval_document,
    )
    session.add(term)
    await session.flush()
    read = term_read(term)
    await audit.record(
        session,
        actor=principal,
        action="term.create",
        entity="organization_term",
        entity_id=term.id,
        organization_path=org.path,
        after=read.model_dump(mode="json"),
    )
    return read
