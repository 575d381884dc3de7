"""The 三会一课 grid as a spreadsheet: the report of `meeting_compliance` laid out as the SPA shows
it — one row per organisation (in tree order, indented), one column per type of meeting, each
cell held / required with its state (MTG-02) and the meetings held with short notice (MTG-03)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit.exports import export_book
from dangjian.authz.principal import Principal
from dangjian.compliance.schemas import Colour, MeetingComplianceRow
from dangjian.compliance.service.common import _stats_org
from dangjian.compliance.service.meeting_counts import meeting_compliance
from dangjian.core.exports import export_heading
from dangjian.meetings.enums import MEETING_TYPE_LABELS
from dangjian.models.enums import MeetingType

# Column order: the 三会一课 first, then the other meetings (as frontend compliance/matrix.ts).
TYPE_ORDER: tuple[MeetingType, ...] = (
    MeetingType.branch_assembly,
    MeetingType.committee,
    MeetingType.group_meeting,
    MeetingType.party_lecture,
    MeetingType.theme_day,
    MeetingType.org_life,
    MeetingType.democratic_life,
    MeetingType.council,
    MeetingType.joint_meeting,
    MeetingType.enlarged_meeting,
    MeetingType.secretary_office,
    MeetingType.youth_league,
    MeetingType.inservice_meeting,
    MeetingType.residents_forum,
)
STATE_LABELS: dict[Colour, str] = {
    Colour.green: "达到要求",
    Colour.amber: "尚未达到",
    Colour.red: "应开未开",
}
NOTHING_DUE = "本期无应开要求"
INDENT = "　"  # a full-width space per level below the report's organisation


def cell_text(row: MeetingComplianceRow) -> str:
    """R: MTG-02, MTG-03 — 已开 / 应开, the state, and short notices when there were any."""
    state = (
        NOTHING_DUE
        if row.required == 0 and row.held == 0 and row.colour is Colour.green
        else STATE_LABELS[row.colour]
    )
    text = f"{row.held} / {row.required}（{state}）"
    return text + (f"，通知不足 {row.short_notice} 次" if row.short_notice else "")


def _depth(path: str) -> int:
    return len([p for p in path.split("/") if p])


def grid_rows(rows: list[MeetingComplianceRow]) -> tuple[list[MeetingType], list[list[Any]]]:
    """The types shown (those with a cell) and one row per organisation, in the report's order."""
    present = {r.type for r in rows}
    types = [t for t in TYPE_ORDER if t in present]
    top = min((_depth(r.organization_path) for r in rows), default=0)
    by_org: dict[int, tuple[str, dict[MeetingType, MeetingComplianceRow]]] = {}
    for r in rows:
        name = INDENT * (_depth(r.organization_path) - top) + r.organization_name
        by_org.setdefault(r.organization_id, (name, {}))[1][r.type] = r
    out = [
        [name, *(cell_text(cells[t]) if t in cells else "—" for t in types)]
        for name, cells in by_org.values()
    ]
    return types, out


async def export_grid(
    session: AsyncSession,
    principal: Principal,
    org_id: int,
    period: str | None,
    today: date,
    now: datetime,
) -> tuple[bytes, str]:
    """The grid of one report period over the organisation's subtree, audited. Returns the
    .xlsx content and a file name."""
    org = await _stats_org(session, principal, org_id)
    report = await meeting_compliance(session, principal, org_id, period, today)
    types, rows = grid_rows(report.rows)
    columns = [("党组织", 30), *((MEETING_TYPE_LABELS[t], 22) for t in types)]
    heading = export_heading(
        "三会一课召开情况",
        org.name,
        f"{report.period}（{report.starts_on} 至 {report.ends_on}）",
        "已开 / 应开",
        by=principal.label,
        at=now,
    )
    content = await export_book(
        session,
        principal,
        rows,
        title="三会一课",
        heading=heading,
        columns=columns,
        wrapped={"党组织"},
        action="compliance.export",
        entity="meeting_compliance",
        entity_id=org.id,
        organization_path=org.path,
        after={"period": report.period, "rows": len(rows)},
    )
    return content, f"三会一课_{org.name}_{report.period}.xlsx"
