"""党员统计 as a spreadsheet: what the statistics page shows — the headline counts, each
breakdown (kind, gender, age, education, ethnicity, work post, joining period) with its share,
and the yearly flows onto and off the roster (MEM-09) — for one organisation's subtree on a day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit.exports import export_book
from dangjian.authz.principal import Principal
from dangjian.authz.service import visible_organization
from dangjian.core.exports import export_heading
from dangjian.members import service
from dangjian.members.enums import LABELS, EventType
from dangjian.members.schemas import CountRow, MemberStatistics

COLUMNS: tuple[tuple[str, int], ...] = (("统计项", 16), ("分类", 40), ("人数", 10), ("占比", 10))
UNRECORDED = "未填写"
# R: MEM-09 — the events that bring a member onto the roster and take one off it.
JOINING = frozenset(
    {
        EventType.joined_development,
        EventType.transfer_in,
        EventType.restoration,
        EventType.readmission,
    }
)
LEAVING = frozenset(
    {
        EventType.transfer_out,
        EventType.death,
        EventType.expulsion,
        EventType.removal,
        EventType.withdrawal,
        EventType.cancelled_probation,
        EventType.stop_membership,
    }
)


def _share(count: int, total: int) -> str:
    return f"{count * 100 / total:.1f}%" if total else "—"


def _section(
    title: str, rows: list[CountRow], total: int, *, labelled: bool = False, unit: str = ""
) -> list[list[Any]]:
    """One breakdown, the 未填写 bucket last (as the page's charts); keys labelled as there."""

    def name(key: str) -> str:
        if key == UNRECORDED:
            return key
        return (LABELS.get(key, key) if labelled else key) + unit

    ordered = [r for r in rows if r.key != UNRECORDED] + [r for r in rows if r.key == UNRECORDED]
    return [[title, name(r.key), r.count, _share(r.count, total)] for r in ordered]


def _direction(event: EventType) -> str:
    return "增加" if event in JOINING else "减少" if event in LEAVING else "状态变化"


def statistics_rows(s: MemberStatistics) -> list[list[Any]]:
    total = s.total
    count = {r.key: r.count for r in s.by_kind}
    female = next((r.count for r in s.by_gender if r.key == "female"), 0)
    rows: list[list[Any]] = [
        ["总体", "在册党员", total, _share(total, total)],
        [
            "总体",
            "预备党员",
            count.get("probationary", 0),
            _share(count.get("probationary", 0), total),
        ],
        ["总体", "女党员", female, _share(female, total)],
        ["总体", "少数民族", s.minority, _share(s.minority, total)],
    ]
    rows += _section("党员类别", s.by_kind, total, labelled=True)
    rows += _section("性别", s.by_gender, total, labelled=True)
    rows += _section("年龄结构", s.by_age_band, total, unit="岁")
    rows += _section("学历", s.by_education, total)
    rows += _section("民族", sorted(s.by_ethnicity, key=lambda r: -r.count), total)
    rows += _section("工作岗位", sorted(s.by_work_post, key=lambda r: -r.count), total)
    rows += _section("入党时间", s.by_joining_period, total)
    rows += [
        [
            f"历年党员增减（{f.year}年）",
            f"{_direction(f.type)}：{LABELS.get(f.type, f.type)}",
            f.count,
            "",
        ]
        for f in s.flows
    ]
    return rows


async def export_statistics(
    session: AsyncSession, principal: Principal, org_id: int, on: date, now: datetime
) -> tuple[bytes, str]:
    """The page's statistics (same scope and rights as GET /members/statistics), audited.
    Returns the .xlsx content and a file name."""
    stats = await service.statistics(session, principal, org_id, on)
    org = await visible_organization(session, principal, org_id)
    rows = statistics_rows(stats)
    heading = export_heading(
        "党员统计",
        f"{org.name}（含下级）",
        f"统计日期：{on.isoformat()}",
        by=principal.label,
        at=now,
    )
    content = await export_book(
        session,
        principal,
        rows,
        title="党员统计",
        heading=heading,
        columns=COLUMNS,
        action="stats.export",
        entity="member_statistics",
        entity_id=org.id,
        organization_path=org.path,
        after={"on": on.isoformat(), "total": stats.total},
    )
    return content, f"党员统计_{org.name}_{on:%Y%m%d}.xlsx"
