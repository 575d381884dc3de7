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
from dangjian.authz.paths import ancestor_ids
from dangjian.authz.principal import Principal
from dangjian.authz.service import require, visible_organization
from dangjian.core.errors import Unprocessable
from dangjian.models import Organization, PolicyValue
from dangjian.policies.params import PARAMS, check
from dangjian.policies.schemas import PolicyItem, PolicyRead, PolicyUpdate


@dataclass(frozen=True)
class Resolved:
    value: Any
    organization_id: int | None  # the organisation whose setting is in force; None: the default
    organization_name: str | None
    effective_from: date | None


@dataclass(frozen=True)
class Setting:
    effective_from: date
    value: Any  # None: cleared, the question passes upward
    organization_name: str


@dataclass
class PolicyHistory:
    """Every setting of some keys for some organisations and their ancestors, in order (by date,
    then as recorded). The one place the inheritance rule is applied: `resolve` and the reports
    that ask about many organisations and days all read through it."""

    settings: dict[tuple[int, str], list[Setting]] = field(default_factory=dict)

    def in_force(self, path: str, key: str, on: date) -> tuple[int, Setting] | None:
        """The setting for the organisation at `path` on `on`: that of the nearest organisation
        whose latest setting by then is a value (None: none is, the default in code applies)."""
        for org_id in ancestor_ids(path):
            latest = None
            for setting in self.settings.get((org_id, key), ()):
                if setting.effective_from > on:
                    break
                latest = setting
            if latest is not None and latest.value is not None:
                return org_id, latest
        return None

    def value_on(self, path: str, key: str, on: date) -> Any:
        found = self.in_force(path, key, on)
        return PARAMS[key].default if found is None else found[1].value

    def resolved(self, path: str, key: str, on: date) -> Resolved:
        found = self.in_force(path, key, on)
        if found is None:
            return Resolved(PARAMS[key].default, None, None, None)
        org_id, setting = found
        return Resolved(setting.value, org_id, setting.organization_name, setting.effective_from)

    def change_dates(self, path: str, key: str) -> set[date]:
        """Every date a setting of `key` takes effect at the organisation or above it."""
        return {
            setting.effective_from
            for org_id in ancestor_ids(path)
            for setting in self.settings.get((org_id, key), ())
        }


async def history(
    session: AsyncSession,
    orgs: Iterable[Organization],
    keys: Iterable[str],
    *,
    until: date | None = None,
) -> PolicyHistory:
    """The settings of `keys` for `orgs` and all their ancestors, past and future-dated (those
    effective by `until` only, when given) — one query, whatever the number of organisations."""
    ancestors = {a for o in orgs for a in ancestor_ids(o.path)}
    keys = list(keys)
    if not ancestors or not keys:
        return PolicyHistory()
    stmt = (
        select(
            PolicyValue.organization_id,
            PolicyValue.key,
            PolicyValue.effective_from,
            PolicyValue.value,
            Organization.name,
        )
        .join(Organization, Organization.id == PolicyValue.organization_id)
        .where(PolicyValue.organization_id.in_(ancestors), PolicyValue.key.in_(keys))
        .order_by(PolicyValue.effective_from, PolicyValue.id)
    )
    if until is not None:
        stmt = stmt.where(PolicyValue.effective_from <= until)
    out: dict[tuple[int, str], list[Setting]] = defaultdict(list)
    for org_id, key, start, value, name in (await session.execute(stmt)).all():
        out[(org_id, key)].append(Setting(start, value, name))
    return PolicyHistory(dict(out))


async def resolve_many(
    session: AsyncSession,
    orgs: Iterable[Organization],
    on: date,
    keys: Iterable[str] | None = None,
) -> dict[int, dict[str, Resolved]]:
    """The parameters in force on `on` for each of `orgs` (organisation id → key → value) — one
    query for all of them."""
    orgs = list(orgs)
    wanted = list(keys) if keys is not None else list(PARAMS)
    found = await history(session, orgs, wanted, until=on)
    return {o.id: {key: found.resolved(o.path, key, on) for key in wanted} for o in orgs}


async def resolve(
    session: AsyncSession, org: Organization, on: date, keys: list[str] | None = None
) -> dict[str, Resolved]:
    return (await resolve_many(session, [org], on, keys))[org.id]


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
            if r.organization_id is None
            else ("set" if r.organization_id == org.id else "inherited")
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
                source_organization_id=r.organization_id,
                source_organization_name=r.organization_name,
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
