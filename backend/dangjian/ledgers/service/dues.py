"""LEDG-01 — the dues books as spreadsheets: the 党费收缴登记册 (one row per member on the roster
of a subtree in a year, what was paid toward each month, DUES-10, computed as the dues ledger
computes it, `dues.ledger.month_cells`), the 收缴记录 as filtered on its page, and the 欠交党费
reminder list (DUES-08). Each is scoped to the caller's subtree, needs the ledger export right
and is audited.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit.exports import export_book
from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import Principal
from dangjian.authz.service import visible_organization
from dangjian.core.calendar import index_of, month_index
from dangjian.core.collation import pinyin, pinyin_key
from dangjian.core.errors import Forbidden
from dangjian.core.exports import export_heading
from dangjian.dues import accounts, ledger, payments
from dangjian.dues.accounts import roster_facts, roster_query
from dangjian.dues.schemas import PaymentRead
from dangjian.models import DuesPayment, Member, Organization
from dangjian.models.enums import PaymentKind

ZERO = ledger.ZERO

REGISTER_COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 6),
    ("姓名", 10),
    ("所在组织", 22),
    ("每月应交", 10),
    *((f"{m}月", 9) for m in range(1, 13)),
    ("全年应交", 11),
    ("已交", 11),
    ("未交", 11),
)


async def _export_org(session: AsyncSession, principal: Principal, org_id: int) -> Organization:
    """The organisation of a dues export: outside the caller's dues scope 404, inside it without
    the ledger export right 403."""
    org = await visible_organization(session, principal, org_id, Cap.dues_read)
    if not principal.can(Cap.stats_export, org.path):
        raise Forbidden()
    return org


def _heading(org: Organization, what: str, principal: Principal, now: datetime) -> str:
    return export_heading(org.name, what, by=principal.label, at=now)


async def dues_register(
    session: AsyncSession, principal: Principal, org_id: int, year: int, today: date, now: datetime
) -> tuple[bytes, str]:
    """R: LEDG-01/DUES-10 — one row per member: what was paid toward each month of the year."""
    org = await _export_org(session, principal, org_id)
    rows = (
        await session.execute(
            roster_query(org, principal, year).order_by(
                Organization.path, pinyin(Member.name), Member.id
            )
        )
    ).all()
    first, last = month_index(year, 1), month_index(year, 12)
    facts = await roster_facts(session, rows, first, last)
    current = index_of(today)
    out: list[list[Any]] = []
    for n, r in enumerate(rows, start=1):
        cells = ledger.month_cells(facts[r.id], range(first, last + 1), current)
        now_due, _ = ledger.due_in(facts[r.id], min(current, last))  # as in the ledger
        out.append(
            [
                n,
                r.name,
                r.org_name,
                None if now_due is None else float(now_due),
                *(_cell_text(c) for c in cells),
                float(ledger.sum_money(c.due or ZERO for c in cells)),
                float(ledger.sum_money(c.paid for c in cells)),
                float(ledger.sum_money(c.balance for c in cells)),
            ]
        )
    title = "党费收缴登记册"
    heading = _heading(org, f"{year}年{title}", principal, now)
    content = await export_book(
        session,
        principal,
        out,
        title=title,
        heading=heading,
        columns=REGISTER_COLUMNS,
        action="ledger.export",
        entity="dues_register",
        entity_id=org.id,
        organization_path=org.path,
        after={"year": year, "rows": len(out)},
    )
    return content, f"{org.name}{year}年{title}.xlsx"


def _cell_text(cell: ledger.Cell) -> Any:
    """Paid amounts as numbers; a state word where nothing was paid."""
    if cell.paid:
        return float(cell.paid)
    return {
        "not_member": "—",
        "off_roster": "不在册",
        "no_basis": "",
        "exempt": "免交",
        "unpaid": "未交",
        "upcoming": "",
        "partial": float(cell.paid),
        "paid": float(cell.paid),
    }[cell.state.value]


# ---------------------------------------------------------------- 收缴记录

PAYMENT_COLUMNS: tuple[tuple[str, int], ...] = (
    ("交纳日期", 12),
    ("收据编号", 14),
    ("姓名", 10),
    ("收缴组织", 22),
    ("类型", 10),
    ("所交月份", 24),
    ("金额（元）", 11),
    ("交纳方式", 9),
    ("流水号", 18),
    ("代交人", 10),
    ("收款人", 16),
    ("状态", 16),
    ("备注", 24),
)

EXPORT_MAX_ROWS = 50_000  # far beyond a community's payments; keeps one request bounded


def months_text(months: list[str]) -> str:
    """["2026-01", "2026-02", "2027-01"] → "2026年1月、2月，2027年1月" (as the SPA shows them)."""
    by_year: dict[str, list[str]] = {}
    for m in sorted(months):
        by_year.setdefault(m[:4], []).append(f"{int(m[5:7])}月")
    return "，".join(f"{y}年{'、'.join(ms)}" for y, ms in by_year.items())


def _payment_status(p: PaymentRead) -> str:
    parts = []
    if p.reversed_by_id is not None:
        parts.append("已冲正")
    if p.back_payment:
        parts.append("补交")
    if p.advance:
        parts.append("预交")
    if p.remit_required:
        parts.append(f"已上缴中央 {p.remitted_on:%Y-%m-%d}" if p.remitted_on else "待上缴中央")
    return "、".join(parts)


async def payments_export(
    session: AsyncSession,
    principal: Principal,
    now: datetime,
    *,
    org_id: int,
    year: int | None,
    remit: str | None,
    kind: PaymentKind | None,
    q: str | None,
) -> tuple[bytes, str]:
    """R: LEDG-01/DUES-10 — the 收缴记录 of a subtree as the page filters them, newest first."""
    org = await _export_org(session, principal, org_id)
    stmt = await payments.payments_query(
        session, principal, org_id=org.id, member_id=None, year=year, remit=remit, kind=kind, q=q
    )
    stmt = stmt.order_by(DuesPayment.paid_on.desc(), DuesPayment.id.desc()).limit(EXPORT_MAX_ROWS)
    found = await payments.read_payments(session, list((await session.scalars(stmt)).all()))
    out: list[list[Any]] = [
        [
            p.paid_on.isoformat(),
            p.receipt_no or "冲正记录",
            p.member_name,
            p.organization_name,
            p.kind_label,
            months_text([m.month for m in p.months]),
            float(p.amount),
            p.method_label,
            p.reference or "",
            p.payer_name or "",
            p.collector,
            _payment_status(p),
            p.note or "",
        ]
        for p in found
    ]
    title = "党费收缴记录"
    what = f"{year}年{title}" if year else title
    content = await export_book(
        session,
        principal,
        out,
        title=title,
        heading=_heading(org, what, principal, now),
        columns=PAYMENT_COLUMNS,
        wrapped={"所交月份", "备注"},
        action="ledger.export",
        entity="dues_payments",
        entity_id=org.id,
        organization_path=org.path,
        after={"year": year, "kind": kind, "remit": remit, "q": q or None, "rows": len(out)},
    )
    return content, f"{org.name}{what}.xlsx"


# ---------------------------------------------------------------- 欠交党费提醒名单

ARREARS_COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 6),
    ("所在组织", 22),
    ("姓名", 10),
    ("欠交月数", 9),
    ("欠交月份", 30),
    ("欠交金额（元）", 13),
    ("最长连续未交", 12),
    ("情况", 24),
    ("提醒方式", 14),
)


async def arrears_export(
    session: AsyncSession, principal: Principal, org_id: int, today: date, now: datetime
) -> tuple[bytes, str]:
    """R: DUES-08 — the members behind by the reminder threshold, by organisation then name,
    with the months and the amount owed (the 自行脱党 cases named for the branch assembly)."""
    org = await _export_org(session, principal, org_id)
    report = await accounts.arrears_report(session, principal, org.id, today)
    rows = sorted(report.rows, key=lambda r: (r.organization_name, pinyin_key(r.name), r.member_id))
    out: list[list[Any]] = [
        [
            n,
            r.organization_name,
            r.name,
            r.owed_months,
            months_text(r.months),
            float(r.owed_amount),
            f"{r.consecutive_months}个月",
            "连续未交达到规定月数，提交支部党员大会讨论" if r.lapse_case else "欠交",
            "站内提醒" if r.has_account else "当面或电话提醒",
        ]
        for n, r in enumerate(rows, start=1)
    ]
    title = "欠交党费提醒名单"
    as_of = f"{int(report.as_of[:4])}年{int(report.as_of[5:7])}月"
    content = await export_book(
        session,
        principal,
        out,
        title=title,
        heading=_heading(org, f"{title}（统计至{as_of}）", principal, now),
        columns=ARREARS_COLUMNS,
        wrapped={"欠交月份", "情况"},
        action="ledger.export",
        entity="dues_arrears",
        entity_id=org.id,
        organization_path=org.path,
        after={"as_of": report.as_of, "rows": len(out)},
    )
    return content, f"{org.name}{title}.xlsx"
