"""Resolve and set work-system policies.

The value of a parameter for organisation O on day d: among O and its ancestors, the nearest one
whose latest setting on or before d is a value (a cleared setting passes the question upward);
failing that, the default in code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import Principal
from dangjian.authz.service import require, visible_organization
from dangjian.core.errors import Unprocessable
from dangjian.models import Organization, PolicyValue
from dangjian.policies.params import PARAMS, check
from dangjian.policies.schemas import PolicyItem, PolicyRead, PolicyUpdate


@dataclass(frozen=True)
class Resolved:
    value: Any
    organization: Organization | None  # None: the default in code
    effective_from: date | None


def ancestor_ids(org: Organization) -> list[int]:
    """O and its ancestors, nearest first, from the materialised path."""
    return [int(part) for part in reversed(org.path.strip("/").split("/"))]


async def resolve(
    session: AsyncSession, org: Organization, on: date, keys: list[str] | None = None
) -> dict[str, Resolved]:
    ids = ancestor_ids(org)
    stmt = (
        select(PolicyValue, Organization)
        .join(Organization, Organization.id == PolicyValue.organization_id)
        .where(PolicyValue.organization_id.in_(ids), PolicyValue.effective_from <= on)
        .order_by(PolicyValue.effective_from, PolicyValue.id)
    )
    if keys is not None:
        stmt = stmt.where(PolicyValue.key.in_(keys))
    # the latest setting per (organisation, key) on that day
    latest: dict[tuple[int, str], tuple[PolicyValue, Organization]] = {}
    for row, owner in (await session.execute(stmt)).all():
        latest[(row.organization_id, row.key)] = (row, owner)
    out: dict[str, Resolved] = {}
    for key in keys if keys is not None else list(PARAMS):
        param = PARAMS[key]
        out[key] = Resolved(param.default, None, None)
        for org_id in ids:
            found = latest.get((org_id, key))
            if found is not None and found[0].value is not None:
                out[key] = Resolved(found[0].value, found[1], found[0].effective_from)
                break
    return out


@dataclass
class PolicyHistory:
    """Every setting of some keys for some organisations and their ancestors, in order: the
    batch form of `resolve` for reports that ask about many organisations and days."""

    settings: dict[tuple[int, str], list[tuple[date, Any]]] = field(default_factory=dict)

    def value_on(self, path: str, key: str, on: date) -> Any:
        """The value for the organisation at `path` on `on`, as `resolve` finds it: the nearest
        organisation whose latest setting by then is a value; the default in code otherwise."""
        for part in reversed(path.strip("/").split("/")):
            latest = None
            for start, value in self.settings.get((int(part), key), ()):
                if start > on:
                    break
                latest = value
            if latest is not None:
                return latest
        return PARAMS[key].default


async def history(
    session: AsyncSession, orgs: Iterable[Organization], keys: list[str]
) -> PolicyHistory:
    """The settings of `keys` for `orgs` and all their ancestors, past and future-dated — one
    query, whatever the number of organisations."""
    ancestors = {int(p) for o in orgs for p in o.path.strip("/").split("/")}
    out: dict[tuple[int, str], list[tuple[date, Any]]] = defaultdict(list)
    if not ancestors or not keys:
        return PolicyHistory()
    rows = await session.execute(
        select(
            PolicyValue.organization_id,
            PolicyValue.key,
            PolicyValue.effective_from,
            PolicyValue.value,
        )
        .where(PolicyValue.organization_id.in_(ancestors), PolicyValue.key.in_(keys))
        .order_by(PolicyValue.effective_from, PolicyValue.id)
    )
    for org_id, key, start, value in rows.all():
        out[(org_id, key)].append((start, value))
    return PolicyHistory(dict(out))


async def value(session: AsyncSession, org: Organization, key: str, on: date) -> Any:
    return (await resolve(session, org, on, [key]))[key].value


async def read(session: AsyncSession, principal: Principal, org_id: int, on: date) -> PolicyRead:
    org = await visible_organization(session, principal, org_id)
    resolved = await resolve(session, org, on)
    items = []
    for key, r in resolved.items():
        p = PARAMS[key]
        source = (
            "default"
            if r.organization is None
            else ("set" if r.organization.id == org.id else "inherited")
        )
        items.append(
            PolicyItem(
                key=key,
                label=p.label,
                rule=p.rule,
                group=p.group,
                kind=p.kind,
                options=p.options,
                value=r.value,
                default=p.default,
                source=source,
                source_organization_id=r.organization.id if r.organization else None,
                source_organization_name=r.organization.name if r.organization else None,
                effective_from=r.effective_from,
            )
        )
    return PolicyRead(
        organization_id=org.id,
        on=on,
        editable=principal.can(Cap.policy_manage, org.path),
        items=items,
    )


async def update(
    session: AsyncSession, principal: Principal, org_id: int, body: PolicyUpdate, today: date
) -> PolicyRead:
    org = await visible_organization(session, principal, org_id)
    require(principal, Cap.policy_manage, org)
    start = body.effective_from or today
    if start < today:
        # Versioning: what was in force on a past day stays as it was (judgements depend on it).
        raise Unprocessable(
            "生效日期不能早于今天：已过去的时段按当时的参数评判", code="policy_past"
        )
    problems = {k: msg for k, v in body.values.items() if v is not None and (msg := check(k, v))}
    problems |= {k: "没有这个参数" for k in body.values if k not in PARAMS}
    if problems:
        detail = "；".join(
            f"{PARAMS[k].label if k in PARAMS else k}：{m}" for k, m in problems.items()
        )
        raise Unprocessable(detail, code="policy_invalid")
    before = {
        k: r.value for k, r in (await resolve(session, org, start, list(body.values))).items()
    }
    for key, new in body.values.items():
        row = await session.scalar(
            select(PolicyValue).where(
                PolicyValue.organization_id == org.id,
                PolicyValue.key == key,
                PolicyValue.effective_from == start,
            )
        )
        if row is None:
            row = PolicyValue(organization_id=org.id, key=key, effective_from=start)
            session.add(row)
        row.value = new
        row.set_by = principal.label
        row.note = body.note
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="policy.update",
        entity="organization",
        entity_id=org.id,
        organization_path=org.path,
        before=before,
        after={"values": body.values, "effective_from": start.isoformat(), "note": body.note},
    )
    return await read(session, principal, org.id, start)
