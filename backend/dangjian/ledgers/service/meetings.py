"""LEDG-01 — the 党员大会记录簿 and the 支委会记录簿 as spreadsheets: one row per held meeting of
one organisation in a year, a view of the platform's records (attendance, accepted agenda,
resolutions). Confidential content stays hidden from those who may not read it (MTG-08)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit.exports import export_book
from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import Principal
from dangjian.authz.service import require, visible_organization
from dangjian.compliance.service import attendance_class, within
from dangjian.core import clock
from dangjian.core.exports import export_heading
from dangjian.meetings.enums import HELD_STATUSES
from dangjian.models import AgendaItem, Meeting, MeetingAttendee, Organization, Resolution
from dangjian.models.enums import AgendaStatus, AttendeeRole, MeetingType, VoteRule


class LedgerBook(StrEnum):
    """The two meeting books of LEDG-01 kept from meeting records."""

    branch_assembly = "branch_assembly"
    committee = "committee"


BOOK_TITLES: dict[LedgerBook, str] = {
    LedgerBook.branch_assembly: "党员大会记录簿",
    LedgerBook.committee: "支委会记录簿",
}
CONFIDENTIAL = "（保密）"
SEP = "、"

# (header, width)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 6),
    ("会议日期", 12),
    ("时间", 13),
    ("会议主题", 28),
    ("地点", 18),
    ("主持人", 10),
    ("记录人", 10),
    ("应到", 6),
    ("实到", 6),
    ("请假", 6),
    ("缺席", 6),
    ("实到人员", 30),
    ("请假人员", 20),
    ("缺席人员", 20),
    ("列席人员", 20),
    ("议题", 40),
    ("决议", 50),
)
HEADERS = [header for header, _ in COLUMNS]
WRAPPED = {"会议主题", "实到人员", "请假人员", "缺席人员", "列席人员", "议题", "决议"}


def _decision(r: Resolution) -> str:
    """R: MTG-06, MTG-07 — the question, its tallies and the computed outcome."""
    subject = r.title + (f"（{r.candidate}）" if r.candidate else "")
    election = VoteRule(r.rule) is VoteRule.election
    outcome = ("当选" if r.passed else "未当选") if election else ("通过" if r.passed else "未通过")
    return (
        f"{subject}：赞成 {r.yes}，反对 {r.no}，弃权 {r.abstain}，无效 {r.invalid}"
        f"（应到 {r.expected}，实到 {r.present}）— {outcome}"
    )


def _numbered(lines: Sequence[str]) -> str:
    return "\n".join(f"{i}. {line}" for i, line in enumerate(lines, start=1))


def _row(
    number: int,
    m: Meeting,
    attendees: list[MeetingAttendee],
    agenda: list[AgendaItem],
    resolutions: list[Resolution],
    show_confidential: bool,
) -> list[Any]:
    names: dict[str, list[str]] = defaultdict(list)
    for a in attendees:
        if a.role == AttendeeRole.sitting_in:
            names["sitting_in"].append(a.name)
        elif a.excluded is None:  # R: MTG-07 — excluded with consent: not expected
            names[attendance_class(a.attendance, a.leave_status)].append(a.name)
    present, excused, absent = names["present"], names["excused"], names["absent"]
    starts = clock.local(m.starts_at)
    ends = clock.local(m.ends_at)
    hidden = m.confidential and not show_confidential  # R: MTG-08
    return [
        number,
        starts.date().isoformat(),
        f"{starts:%H:%M}–{ends:%H:%M}",
        m.title,
        m.place,
        m.host,
        m.recorder,
        len(present) + len(excused) + len(absent),
        len(present),
        len(excused),
        len(absent),
        SEP.join(present),
        SEP.join(excused),
        SEP.join(absent),
        SEP.join(names["sitting_in"]),
        CONFIDENTIAL if hidden else _numbered([a.title for a in agenda]),
        CONFIDENTIAL if hidden else _numbered([_decision(r) for r in resolutions]),
    ]


async def meeting_ledger(
    session: AsyncSession,
    principal: Principal,
    org_id: int,
    book: LedgerBook,
    year: int,
    now: datetime,
) -> tuple[bytes, str]:
    """R: LEDG-01 — the book of one organisation (not its subtree) for one year, audited.

    Returns the .xlsx content and a file name."""
    org = await visible_organization(session, principal, org_id)
    require(principal, Cap.stats_export, org)
    meetings = (
        await session.scalars(
            select(Meeting)
            .join(Organization, Organization.id == Meeting.organization_id)
            .where(
                Meeting.organization_id == org.id,
                principal.readable(Organization.path, Cap.stats_export),
                Meeting.type == MeetingType(book.value),
                Meeting.status.in_(list(HELD_STATUSES)),
                within(Meeting.starts_at, date(year, 1, 1), date(year, 12, 31)),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    ).all()
    ids = [m.id for m in meetings]
    attendees: dict[int, list[MeetingAttendee]] = defaultdict(list)
    agenda: dict[int, list[AgendaItem]] = defaultdict(list)
    resolutions: dict[int, list[Resolution]] = defaultdict(list)
    if ids:
        for a in await session.scalars(
            select(MeetingAttendee)
            .where(MeetingAttendee.meeting_id.in_(ids))
            .order_by(MeetingAttendee.meeting_id, MeetingAttendee.id)
        ):
            attendees[a.meeting_id].append(a)
        for item in await session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id.in_(ids), AgendaItem.status == AgendaStatus.accepted)
            .order_by(AgendaItem.meeting_id, AgendaItem.position, AgendaItem.id)
        ):
            agenda[item.meeting_id].append(item)
        for r in await session.scalars(
            select(Resolution)
            .where(Resolution.meeting_id.in_(ids))
            .order_by(Resolution.meeting_id, Resolution.id)
        ):
            resolutions[r.meeting_id].append(r)

    show = principal.can(Cap.minutes_confidential, org.path)
    hidden = sum(1 for m in meetings if m.confidential and not show)
    rows = [
        _row(n, m, attendees[m.id], agenda[m.id], resolutions[m.id], show)
        for n, m in enumerate(meetings, start=1)
    ]
    title = BOOK_TITLES[book]
    note = f"（{hidden} 次保密会议的议题和决议未显示）" if hidden else ""
    heading = export_heading(title, org.name, f"{year}年", by=principal.label, at=now) + note
    content = await export_book(
        session,
        principal,
        rows,
        title=title,
        heading=heading,
        columns=COLUMNS,
        wrapped=WRAPPED,
        action="ledger.export",
        entity="meeting_ledger",
        entity_id=org.id,
        organization_path=org.path,
        after={"book": book.value, "year": year, "rows": len(rows), "confidential_hidden": hidden},
    )
    return content, f"{title}_{org.name}_{year}.xlsx"
