"""The dues' to-dos (待办, issue 18): applications to decide or approve (DUES-03), members in
arrears in the organisations the caller collects for (DUES-08), and the caller's own arrears."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import minimal
from dangjian.authz.principal import Principal
from dangjian.core.calendar import index_of
from dangjian.dues import accounts, exemptions, ledger
from dangjian.models import Organization
from dangjian.todos.schemas import TodoKind, TodoRead


async def staff_todos(session: AsyncSession, principal: Principal, today: date) -> list[TodoRead]:
    out: list[TodoRead] = []
    to_decide, to_approve = await exemptions.awaiting(session, principal)
    if to_decide:
        link = "/dues/exemptions?status=proposed"
        out.append(TodoRead(kind=TodoKind.exemptions_decide, count=to_decide, link=link))
    if to_approve:
        link = "/dues/exemptions?status=branch_approved"
        out.append(TodoRead(kind=TodoKind.exemptions_approve, count=to_approve, link=link))
    # R: DUES-08 — the arrears list of each organisation the caller collects dues for
    paths = minimal(principal.paths_with(Cap.dues_manage))
    if paths:
        orgs = await session.scalars(
            select(Organization).where(Organization.path.in_(paths)).order_by(Organization.path)
        )
        for org in orgs:
            if n := await accounts.arrears_count(session, principal, org, today):
                out.append(
                    TodoRead(
                        kind=TodoKind.dues_arrears,
                        count=n,
                        link=f"/dues/arrears?org={org.id}",
                        organization_name=org.name,
                    )
                )
    return out


async def member_todos(session: AsyncSession, principal: Principal, today: date) -> list[TodoRead]:
    """The caller's own unpaid months up to last month (DUES-08 counts them the same way)."""
    if principal.member is None:
        return []
    _org, facts = await accounts.member_facts(session, principal.member)
    owed = ledger.arrears(facts, index_of(today))
    if not owed.owed_months:
        return []
    return [
        TodoRead(
            kind=TodoKind.dues_owed,
            count=owed.owed_months,
            link="/my/dues",
            amount=ledger.money(owed.owed_amount),
        )
    ]
