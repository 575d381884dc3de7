"""Scope first, then permission (STYLE habit 3): a foreign object is 404, a visible one the caller
may not change is 403."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import Principal
from dangjian.core.errors import Forbidden, NotFound
from dangjian.models import Organization


def scoped_organizations(principal: Principal, cap: Cap = Cap.org_read) -> Select[Organization]:
    return select(Organization).where(principal.readable(Organization.path, cap))


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
