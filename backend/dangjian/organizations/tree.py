"""The organisation tree read model: the caller's visible organisations as a forest, each node
with its subtree member total.

A street's tree is ~2 100 nodes. Its structure changes a few times a year, its member totals
every day, so the two are read differently:
- the structure (the node rows of a scope) is kept per scope in this process, valid while the
  'organizations' change stamp is unchanged (triggers give it a new random value on every write
  to organizations, migration c0ffee5e0003): one primary-key read per request checks it;
- the direct counts come from the trigger-kept member_counts on every request, so a member
  registered a moment ago is counted at once.

Nodes are plain dicts in the shape of OrganizationNode for core.responses.PlainJSONResponse:
ORM objects, a model per node or validating the response would each cost more than the queries.
The values come straight from columns the write paths validated.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Enum, String, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import minimal
from dangjian.authz.principal import Principal
from dangjian.authz.service import scoped_organizations
from dangjian.models import ChangeStamp, MemberCount, Organization
from dangjian.organizations.schemas import OrganizationRead

# The columns of an OrganizationRead, read as plain rows. Enum columns come back as their stored
# strings (the response model documents them as enums).
_NODE_FIELDS = tuple(OrganizationRead.model_fields)
_NODE_COLUMNS = tuple(
    type_coerce(column, String).label(name)
    if isinstance((column := getattr(Organization, name)).type, Enum)
    else column
    for name in _NODE_FIELDS
)
_STAMP = select(ChangeStamp.stamp).where(ChangeStamp.name == "organizations")
# Scopes kept per database; past this many, the oldest is dropped (one per post-holding
# organisation at most, so a district's worth fits).
MAX_SCOPES = 512


@dataclass(frozen=True, slots=True)
class _Structure:
    stamp: str
    nodes: tuple[dict[str, Any], ...]  # in (depth, sort order, id) order


# Per engine (one database), weakly: a test that disposes its engine drops its cache with it.
_cache: weakref.WeakKeyDictionary[Engine, dict[tuple[str, ...] | None, _Structure]] = (
    weakref.WeakKeyDictionary()
)


def _scope_key(principal: Principal) -> tuple[str, ...] | None:
    """The roots of what the caller may read (None: everything)."""
    if Cap.org_read in principal.global_capabilities:
        return None
    return tuple(minimal(principal.paths_with(Cap.org_read)))


async def _structure(conn: AsyncConnection, principal: Principal, scope: Any) -> _Structure:
    # The stamp first, then the rows: rows newer than their stamp only cost a rebuild at the
    # next request; rows older than their stamp could never be noticed.
    stamp = await conn.scalar(_STAMP)
    if stamp is None:  # the migration inserts the row; a database without it caches nothing
        stamp = ""
    scopes = _cache.setdefault(conn.sync_engine, {})
    key = _scope_key(principal)
    cached = scopes.get(key)
    if cached is not None and stamp and cached.stamp == stamp:
        return cached
    rows = await conn.execute(
        select(*_NODE_COLUMNS)
        .where(scope)
        .order_by(Organization.depth, Organization.sort_order, Organization.id)
    )
    structure = _Structure(stamp, tuple(dict(zip(_NODE_FIELDS, r, strict=True)) for r in rows))
    if stamp:
        scopes.pop(key, None)
        if len(scopes) >= MAX_SCOPES:
            del scopes[next(iter(scopes))]
        scopes[key] = structure
    return structure


async def tree(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    """The caller's visible organisations as a forest rooted at its scope roots."""
    scope = scoped_organizations(principal).whereclause
    conn = await session.connection()
    structure = await _structure(conn, principal, scope)
    if not structure.nodes:
        return []
    # Direct counts from the trigger-kept member_counts (every kind and status).
    direct: dict[int, int] = dict(
        (
            await conn.execute(
                select(MemberCount.organization_id, func.sum(MemberCount.members))
                .join(Organization, Organization.id == MemberCount.organization_id)
                .where(scope)  # type: ignore[arg-type]
                .group_by(MemberCount.organization_id)
            )
        ).all()
    )
    nodes: dict[int, dict[str, Any]] = {
        base["id"]: {**base, "member_count": int(direct.get(base["id"]) or 0), "children": []}
        for base in structure.nodes
    }
    # Subtree totals bottom-up (rows come by depth): the visible set is a union of whole
    # subtrees, so every visible ancestor is reached through visible parents.
    for node in reversed(nodes.values()):
        parent = nodes.get(node["parent_id"]) if node["parent_id"] else None
        if parent is not None:
            parent["member_count"] += node["member_count"]
    roots: list[dict[str, Any]] = []
    for node in nodes.values():  # insertion order: depth, sort order, id
        parent = nodes.get(node["parent_id"]) if node["parent_id"] else None
        (parent["children"] if parent else roots).append(node)
    return roots
