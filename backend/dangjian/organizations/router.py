"""/organizations — the tree, committees (posts) and terms."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dangjian.authz.service import visible_organization
from dangjian.core.errors import PROBLEM_RESPONSES
from dangjian.core.responses import PlainJSONResponse
from dangjian.core.routing import TransactionalRoute, read_only
from dangjian.core.schemas import Page, PageDep
from dangjian.deps import PrincipalDep, SessionDep
from dangjian.models.enums import OrgKind
from dangjian.organizations import service
from dangjian.organizations import tree as tree_model
from dangjian.organizations.schemas import (
    OrganizationCreate,
    OrganizationMove,
    OrganizationNode,
    OrganizationRead,
    OrganizationUpdate,
    PostCreate,
    PostRead,
    PostUpdate,
    TermCreate,
    TermRead,
)

router = APIRouter(
    prefix="/organizations",
    tags=["organizations"],
    route_class=TransactionalRoute,
    responses=PROBLEM_RESPONSES,
)


@router.get("/tree", response_model=list[OrganizationNode])
@read_only
async def tree(session: SessionDep, principal: PrincipalDep) -> PlainJSONResponse:
    """组织树（本人可见范围，含各组织党员人数）。"""
    # Serialised directly: see organizations.tree (the response model documents the shape).
    return PlainJSONResponse(await tree_model.tree(session, principal))


@router.get("", response_model=Page[OrganizationRead])
@read_only
async def list_organizations(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    q: Annotated[str | None, Query(max_length=50, description="名称关键字")] = None,
    kind: OrgKind | None = None,
    parent_id: int | None = None,
) -> Page[OrganizationRead]:
    """党组织列表（可按名称、类型、上级筛选）。"""
    rows, total = await service.list_organizations(
        session, principal, q=q, kind=kind, parent_id=parent_id, page=page
    )
    return Page(
        items=[OrganizationRead.model_validate(r) for r in rows],
        total=total,
        page=page.page,
        size=page.size,
    )


@router.post("", response_model=OrganizationRead, status_code=status.HTTP_201_CREATED)
async def create_organization(
    body: OrganizationCreate, session: SessionDep, principal: PrincipalDep
) -> OrganizationRead:
    """新建党组织。"""
    return OrganizationRead.model_validate(await service.create(session, principal, body))


@router.get("/{org_id}", response_model=OrganizationRead)
async def get_organization(
    org_id: int, session: SessionDep, principal: PrincipalDep
) -> OrganizationRead:
    """党组织详情。"""
    return OrganizationRead.model_validate(await visible_organization(session, principal, org_id))


@router.patch("/{org_id}", response_model=OrganizationRead)
async def update_organization(
    org_id: int, body: OrganizationUpdate, session: SessionDep, principal: PrincipalDep
) -> OrganizationRead:
    """修改党组织信息。"""
    return OrganizationRead.model_validate(
        await service.update_org(session, principal, org_id, body)
    )


@router.delete("/{org_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_organization(org_id: int, session: SessionDep, principal: PrincipalDep) -> None:
    """删除党组织（仅限无下级、无党员、无职务、无账号的组织）。"""
    await service.delete(session, principal, org_id)


@router.post("/{org_id}/move", response_model=OrganizationRead)
async def move_organization(
    org_id: int, body: OrganizationMove, session: SessionDep, principal: PrincipalDep
) -> OrganizationRead:
    """调整隶属关系：将党组织及其全部下级移到新的上级之下。"""
    return OrganizationRead.model_validate(
        await service.move(session, principal, org_id, body.new_parent_id)
    )


@router.get("/{org_id}/posts", response_model=list[PostRead])
async def list_posts(org_id: int, session: SessionDep, principal: PrincipalDep) -> list[PostRead]:
    """班子成员与职务（含已离任）。"""
    return await service.list_posts(session, principal, org_id)


@router.post("/{org_id}/posts", response_model=PostRead, status_code=status.HTTP_201_CREATED)
async def create_post(
    org_id: int, body: PostCreate, session: SessionDep, principal: PrincipalDep
) -> PostRead:
    """任命职务。"""
    return await service.create_post(session, principal, org_id, body)


@router.patch("/{org_id}/posts/{post_id}", response_model=PostRead)
async def update_post(
    org_id: int, post_id: int, body: PostUpdate, session: SessionDep, principal: PrincipalDep
) -> PostRead:
    """修改任职日期或登记离任。"""
    return await service.update_post(session, principal, org_id, post_id, body)


@router.get("/{org_id}/terms", response_model=list[TermRead])
async def list_terms(org_id: int, session: SessionDep, principal: PrincipalDep) -> list[TermRead]:
    """届次与换届提醒。"""
    return await service.list_terms(session, principal, org_id)


@router.post("/{org_id}/terms", response_model=TermRead, status_code=status.HTTP_201_CREATED)
async def create_term(
    org_id: int, body: TermCreate, session: SessionDep, principal: PrincipalDep
) -> TermRead:
    """登记新一届（届满日期按任期自动计算）。"""
    return await service.create_term(session, principal, org_id, body)
