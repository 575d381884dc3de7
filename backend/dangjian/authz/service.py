"""Scope first, then permission (STYLE habit 3): a foreign object is 404, a visible one the caller
may not change is 403."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import PathColumn, subtree_of_column
from dangjian.authz.principal import Principal
from dangjian.core.errors import Forbidden, NotFound
from dangjian.models import Organization


def scoped_organizations(principal: Principal, cap: Cap = Cap.org_read) -> Select[Organization]:
    return select(Organization).where(principal.readable(Organization.path, cap))


# The organisation a filter names, beside the statement's own `organizations` (built once).
_TARGET = aliased(Organization, name="target_organization")


def in_visible_subtree(
    column: PathColumn, principal: Principal, org_id: int, cap: Cap = Cap.org_read
) -> ColumnElement[bool]:
    """SQL: `column` lies in organisation `org_id`'s subtree, the organisation being in the
    caller's scope for `cap` — `visible_organization` and `subtree` folded into the statement
    that uses them, which saves a round trip. An organisation out of scope or missing matches
    nothing; to answer 404 rather than an empty list, ask `visible_organization` when the
    result is empty."""
    org = _TARGET
    path = (
        select(org.path)
        .where(org.id == org_id, principal.readable(org.path, cap))
        .scalar_subquery()
    )
    return subtree_of_column(column, path)


async def visible_organization(
    session: AsyncSession, principal: Principal, org_id: int, cap: Cap = Cap.org_read
) -> Organization:
    """The organisation if it lies in the caller's scope for `cap`, else 404 (same as missing)."""
    org = await session.scalar(
        scoped_organizations(principal, cap).where(Organization.id == org_id)
    )
    if org is None:
        raise NotFound()
    return org


def require(principal: Principal, cap: Cap, org: Organization) -> None:
    """403 when the caller, who can see `org`, may not do `cap` there."""
    if not principal.can(cap, org.path):
        raise Forbidden()
