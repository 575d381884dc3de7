"""Ledger views over an organisation subtree or one member: the grid, the per-member statement,
arrears and reminders (DUES-08/10, DISC-01). Group leaders see their group only: every query is
scoped by the caller's `dues.read` subtree."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import subtree
from dangjian.authz.principal import Principal
from dangjian.authz.service import require, visible_organization
from dangjian.core.calendar import index_of, month_index, month_label
from dangjian.core.collation import pinyin, pinyin_key
from dangjian.core.pagination import paginate_rows
from dangjian.core.schemas import PageParams
from dangjian.dues import ledger, rules
from dangjian.dues.payments import payments_of
from dangjian.dues.schemas import (
    ArrearsReport,
    ArrearsRow,
    LedgerColumnTotal,
    LedgerGrid,
    LedgerRow,
    MemberStatement,
    RemindRequest,
    RemindResult,
)
from dangjian.dues.service import dues_member, dues_policies, dues_policy
from dangjian.members import roster
from dangjian.members.rules import ON_ROSTER
from dangjian.models import Member, Notification, Organization, User
from dangjian.notifications import service as notifications

REMINDER_KIND = "dues_arrears"


def roster_query(org: Organization, principal: Principal, year: int | None = None) -> Any:
    """Members on the roster of `org`'s subtree that the caller may see the dues of: today, or
    — for a year's ledger — at any time in `year` as the roster stood then (MEM-06, DUES-10)."""
    on_roster = (
        Member.status.in_(list(ON_ROSTER))
        if year is None
        else roster.on_roster_during(date(year, 1, 1), date(year, 12, 31))
    )
    return (
        select(
            Member.id,
            Member.name,
            Member.joined_on,
            Organization.id.label("org_id"),
            Organization.name.label("org_name"),
            Organization.path,
        )
        .join(Organization, Organization.id == Member.organization_id)
        .where(
            subtree(Organization.path, org),
            principal.readable(Organization.path, Cap.dues_read),
            on_roster,
        )
    )


async def roster_facts(
    session: AsyncSession,
    rows: Sequence[Row[Any]],
    first: int | None = None,
    last: int | None = None,
) -> dict[int, ledger.MemberFacts]:
    orgs = {r.org_id: Organization(id=r.org_id, path=r.path) for r in rows}
    # R: DUES-01 — each month under the mode in force on its first day (as the SQL reports)
    modes = await ledger.annual_timelines(session, orgs.values())
    return await ledger.load_facts(
        session, [(r.id, r.joined_on, modes[r.org_id]) for r in rows], first, last
    )


def name_like(q: str | None) -> Any:
    """Members whose name contains `q` (SQL LIKE, wildcards escaped), or None for no filter."""
    q = (q or "").strip()
    return Member.name.contains(q, autoescape=True) if q else None


async def grid(
    session: AsyncSession,
    principal: Principal,
    org_id: int,
    year: int,
    page: PageParams,
    today: date,
    q: str | None = None,
) -> LedgerGrid:
    """R: DUES-10 — members × the twelve months of a year, with totals per row and column;
    `q` narrows the members to those whose name contains it (filtered in SQL, before paging)."""
    org = await visible_organization(session, principal, org_id, Cap.dues_read)
    stmt = roster_query(org, principal, year)
    if (named := name_like(q)) is not None:
        stmt = stmt.where(named)
    order = [Organization.path, pinyin(Member.name), Member.id]
    rows, total = await paginate_rows(session, stmt, order_by=order, page=page)
    first, last = month_index(year, 1), month_index(year, 12)
    current = index_of(today)
    facts = await roster_facts(session, rows, first, last)
    policy = await dues_policy(session, org, today)
    out_rows, all_cells = [], []
    for r in rows:
        f = facts[r.id]
        cells = ledger.month_cells(f, range(first, last + 1), current)
        all_cells.append(cells)
        # 每月应交 as of the ledger's year: this month, or the year's last month for a past
        # year (a later event never changes a closed year's ledger, DUES-10)
        now_due, _ = ledger.due_in(f, min(current, last))
        out_rows.append(
            LedgerRow(
                member_id=r.id,
                name=r.name,
                organization_id=r.org_id,
                organization_name=r.org_name,
                monthly_amount=None if now_due is None else ledger.money(now_due),
                months=[c.read() for c in cells],
                due_total=ledger.money(ledger.sum_money(c.due or ledger.ZERO for c in cells)),
                paid_total=ledger.money(ledger.sum_money(c.paid for c in cells)),
                balance_total=ledger.money(ledger.sum_money(c.balance for c in cells)),
            )
        )
    by_month = ledger.totals_by_month(all_cells)
    totals = [
        LedgerColumnTotal(
            month=month_label(m),
            due=ledger.money(by_month.get(m, (ledger.ZERO,) * 3)[0]),
            paid=ledger.money(by_month.get(m, (ledger.ZERO,) * 3)[1]),
            balance=ledger.money(by_month.get(m, (ledger.ZERO,) * 3)[2]),
        )
        for m in range(first, last + 1)
    ]
    return LedgerGrid(
        organization_id=org.id,
        year=year,
        current_month=month_label(current),
        mode=policy.mode,
        rows=out_rows,
        totals=totals,
        due_total=ledger.money(ledger.sum_money(t[0] for t in by_month.values())),
        paid_total=ledger.money(ledger.sum_money(t[1] for t in by_month.values())),
        balance_total=ledger.money(ledger.sum_money(t[2] for t in by_month.values())),
        total=total,
        page=page.page,
        size=page.size,
        can_collect=principal.can(Cap.dues_manage, org.path),
    )


async def member_facts(
    session: AsyncSession, member: Member
) -> tuple[Organization, ledger.MemberFacts]:
    """One member's organisation and dues facts (bases, payments, exemptions, modes)."""
    org = await session.get(Organization, member.organization_id)
    assert org is not None
    modes = (await ledger.annual_timelines(session, [org]))[org.id]
    facts = (await ledger.load_facts(session, [(member.id, member.joined_on, modes)]))[member.id]
    return org, facts


async def statement(
    session: AsyncSession, principal: Principal, member_id: int, year: int, today: date
) -> MemberStatement:
    """The per-member ledger of a year — for staff in scope and for the member themself."""
    member, _path = await dues_member(session, principal, member_id)
    org, facts = await member_facts(session, member)
    current = index_of(today)
    first, last = month_index(year, 1), month_index(year, 12)
    cells = ledger.month_cells(facts, range(first, last + 1), current)
    owed = ledger.arrears(facts, current)
    basis = ledger.basis_in_force(facts.bases, current)
    now_due, _ = ledger.due_in(facts, current)
    return MemberStatement(
        member_id=member.id,
        name=member.name,
        organization_name=org.name,
        year=year,
        monthly_amount=None if now_due is None else ledger.money(now_due),
        category_label=rules.DUES_CATEGORY_LABELS[basis.category] if basis else None,
        months=[c.read() for c in cells],
        payments=await payments_of(session, member.id, year),
        due_total=ledger.money(ledger.sum_money(c.due or ledger.ZERO for c in cells)),
        paid_total=ledger.money(ledger.sum_money(c.paid for c in cells)),
        balance_total=ledger.money(ledger.sum_money(c.balance for c in cells)),
        owed_months=owed.owed_months,
        owed_amount=ledger.money(owed.owed_amount),
    )


# ---------------------------------------------------------------- arrears (DUES-08, DISC-01)


async def _thresholds(
    session: AsyncSession, org_ids: set[int], today: date
) -> dict[int, tuple[int, int]]:
    orgs = (await session.scalars(select(Organization).where(Organization.id.in_(org_ids)))).all()
    policies = await dues_policies(session, orgs, today)
    return {oid: (p.reminder_months, p.lapse_months) for oid, p in policies.items()}


async def _last_reminded(session: AsyncSession, member_ids: list[int]) -> dict[int, datetime]:
    rows = await session.execute(
        select(User.member_id, func.max(Notification.created_at))
        .join(Notification, Notification.user_id == User.id)
        .where(User.member_id.in_(member_ids), Notification.kind == REMINDER_KIND)
        .group_by(User.member_id)
    )
    return {mid: at for mid, at in rows.all() if mid is not None}


async def _accounts(session: AsyncSession, member_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for uid, mid in (
        await session.execute(
            select(User.id, User.member_id).where(
                User.member_id.in_(member_ids), User.is_active.is_(True)
            )
        )
    ).all():
        if mid is not None:
            out.setdefault(mid, []).append(uid)
    return out


async def _arrears_rows(
    session: AsyncSession, principal: Principal, org: Organization, today: date
) -> list[tuple[ArrearsRow, ledger.Arrears]]:
    rows = (await session.execute(roster_query(org, principal))).all()
    facts = await roster_facts(session, rows)
    current = index_of(today)
    found = {r.id: (r, a) for r in rows if (a := ledger.arrears(facts[r.id], current)).owed_months}
    if not found:
        return []
    thresholds = await _thresholds(session, {r.org_id for r, _ in found.values()}, today)
    ids = list(found)
    reminded = await _last_reminded(session, ids)
    accounts = await _accounts(session, ids)
    out = []
    for mid, (r, a) in found.items():
        remind_at, lapse_at = thresholds[r.org_id]
        if a.owed_months < remind_at and a.consecutive < lapse_at:
            continue
        assert a.first_owed is not None
        out.append(
            (
                ArrearsRow(
                    member_id=mid,
                    name=r.name,
                    organization_id=r.org_id,
                    organization_name=r.org_name,
                    owed_months=a.owed_months,
                    owed_amount=ledger.money(a.owed_amount),
                    first_owed=month_label(a.first_owed),
                    months=[month_label(m) for m in a.months],
                    consecutive_months=a.consecutive,
                    # R: DUES-08/DISC-01 — listed for the branch assembly, never acted on
                    lapse_case=a.consecutive >= lapse_at,
                    has_account=mid in accounts,
                    last_reminded_at=reminded.get(mid),
                ),
                a,
            )
        )
    out.sort(key=lambda x: (-x[0].owed_months, pinyin_key(x[0].name), x[0].member_id))
    return out


async def arrears_count(
    session: AsyncSession, principal: Principal, org: Organization, today: date
) -> int:
    """How many members of `org`'s subtree the arrears list shows (DUES-08)."""
    return len(await _arrears_rows(session, principal, org, today))


async def arrears_report(
    session: AsyncSession, principal: Principal, org_id: int, today: date
) -> ArrearsReport:
    """R: DUES-08 — members behind by the reminder threshold (3 months by default), and the
    自行脱党 cases (6 consecutive unpaid months by default) for the branch assembly to decide."""
    org = await visible_organization(session, principal, org_id, Cap.dues_read)
    rows = await _arrears_rows(session, principal, org, today)
    return ArrearsReport(
        organization_id=org.id,
        as_of=month_label(index_of(today) - 1),
        rows=[r for r, _ in rows],
    )


async def remind(
    session: AsyncSession, principal: Principal, org_id: int, body: RemindRequest, today: date
) -> RemindResult:
    """Send each chosen member in arrears an inbox message with the months and the amount.
    Members without an account are returned for a reminder in person (MEM-04 spirit)."""
    # Scope first, then permission: an organisation whose dues the caller reads is 403, not 404.
    org = await visible_organization(session, principal, org_id, Cap.dues_read)
    require(principal, Cap.dues_manage, org)
    wanted = set(body.member_ids)
    rows = [
        (r, a)
        for r, a in await _arrears_rows(session, principal, org, today)
        if r.member_id in wanted
    ]
    listed = {r.member_id for r, _ in rows}
    # Names of the chosen members the caller may see there only (no existence leaks).
    visible = roster_query(org, principal).where(Member.id.in_(wanted)).subquery()
    names: dict[int, str] = dict(
        (await session.execute(select(visible.c.id, visible.c.name))).all()
    )
    accounts = await _accounts(session, list(listed))
    sent, without = 0, []
    for r, a in rows:
        users = accounts.get(r.member_id)
        if not users:
            without.append(r.name)
            continue
        await notifications.send(
            session,
            users,
            kind=REMINDER_KIND,
            title="党费交纳提醒",
            body=(
                f"{r.name}同志：您自 {r.first_owed} 起有 {a.owed_months} 个月的党费未交足，"
                f"共 {r.owed_amount} 元。请及时向党支部交纳；如有困难，可向支部申请少交或免交。"
            ),
            link="/my/dues",
        )
        sent += 1
    await audit.record(
        session,
        actor=principal,
        action="dues.remind",
        entity="organization",
        entity_id=org.id,
        organization_path=org.path,
        after={"sent": sent, "members": sorted(listed)},
    )
    return RemindResult(
        sent=sent,
        without_account=without,
        not_owing=sorted((names[m] for m in wanted - listed if m in names), key=pinyin_key),
    )
