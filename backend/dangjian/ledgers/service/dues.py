"""LEDG-01 — the 党费收缴登记册 as a spreadsheet: one row per member on the roster of a subtree
in a year, what was paid toward each month (DUES-10), computed as the dues ledger computes it
(`dues.ledger.month_cells`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import Principal
from dangjian.authz.service import visible_organization
from dangjian.core import clock
from dangjian.core.calendar import index_of, month_index
from dangjian.core.collation import pinyin
from dangjian.core.cpu import run_cpu
from dangjian.core.errors import Forbidden
from dangjian.core.exports import workbook
from dangjian.dues import ledger
from dangjian.dues.accounts import roster_facts, roster_query
from dangjian.models import Member, Organization

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


async def dues_register(
    session: AsyncSession, principal: Principal, org_id: int, year: int, today: date, now: datetime
) -> tuple[bytes, str]:
    """R: LEDG-01/DUES-10 — one row per member: what was paid toward each month of the year."""
    org = await visible_organization(session, principal, org_id, Cap.dues_read)
    if not principal.can(Cap.stats_export, org.path):
        raise Forbidden()
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
    heading = (
        f"{org.name} {year}年{title}（导出：{principal.label}，{clock.local(now):%Y-%m-%d %H:%M}）"
    )
    content = await run_cpu(workbook, out, title=title, heading=heading, columns=REGISTER_COLUMNS)
    await audit.record(
        session,
        actor=principal,
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
