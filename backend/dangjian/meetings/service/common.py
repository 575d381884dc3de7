"""Shared pieces of the meeting services: constants per meeting type, errors, loading a meeting
in the caller's scope, audit, and the computed counts and quorum (MTG-05/07).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import Principal
from dangjian.core import clock
from dangjian.core.collation import pinyin
from dangjian.core.errors import AppError, Forbidden, NotFound, Unprocessable
from dangjian.meetings import rules
from dangjian.meetings.enums import (
    MEETING_STATUS_LABELS,
    MEETING_TYPE_LABELS,
)
from dangjian.meetings.schemas import (
    QuorumRead,
)
from dangjian.models import (
    Meeting,
    MeetingAttendee,
    Organization,
)
from dangjian.models.enums import (
    Attendance,
    AttendeeRole,
    MeetingStatus,
    MeetingType,
    PostKind,
    VoteRule,
)

# Committee posts: those who sit on the committee (支委会) and vote there (MTG-05/06).
COMMITTEE_POSTS = frozenset(
    {
        PostKind.secretary,
        PostKind.deputy_secretary,
        PostKind.organization_member,
        PostKind.propaganda_member,
        PostKind.discipline_member,
    }
)
# Who is expected, by type (MTG-01): the committee, the members of the subtree, or invitees only.
COMMITTEE_TYPES = frozenset(
    {
        MeetingType.committee,
        MeetingType.secretary_office,
        MeetingType.council,
        MeetingType.democratic_life,
        MeetingType.enlarged_meeting,
        MeetingType.joint_meeting,
        MeetingType.youth_league,
    }
)
MEMBER_TYPES = frozenset(
    {
        MeetingType.branch_assembly,
        MeetingType.party_lecture,
        MeetingType.theme_day,
        MeetingType.org_life,
        MeetingType.group_meeting,
    }
)
# The vote rule a meeting type decides by (None: no quorum, no binding votes).
VOTE_RULES: dict[MeetingType, VoteRule] = {
    MeetingType.committee: VoteRule.committee,
    MeetingType.branch_assembly: VoteRule.assembly,
}
# R: MTG-07a — an election (换届) is held by the branch assembly, besides its ordinary votes.
ELECTION_TYPES = frozenset({MeetingType.branch_assembly})
# R: LEDG-03 — a meeting is recorded as it happens: it may be confirmed held from this long
# before its start, and one entered with a start further in the past is a late record (补录).
HOLD_EARLY = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=30)
CHECK_IN_EARLY = timedelta(minutes=30)
CHECK_IN_LATE = timedelta(minutes=30)
CHANGEABLE = frozenset({MeetingStatus.draft, MeetingStatus.notified})
IN_SESSION = frozenset({MeetingStatus.draft, MeetingStatus.notified, MeetingStatus.held})
SPECIAL_MANAGERS: dict[MeetingType, Cap] = {
    MeetingType.party_lecture: Cap.meeting_manage_lecture,
    MeetingType.democratic_life: Cap.meeting_manage_democratic_life,
    MeetingType.group_meeting: Cap.meeting_manage_group,
}


class QuorumNotMet(AppError):
    status, code, title = 409, "quorum_not_met", "到会人数不足"


class MajorityNotReached(AppError):
    status, code, title = 409, "majority_not_reached", "赞成票不足"


class NotStarted(AppError):
    status, code, title = 409, "meeting_not_started", "会议尚未开始"


class WrongState(AppError):
    status, code, title = 409, "meeting_state", "会议当前状态不允许此操作"


def vote_rule(mtype: MeetingType, asked: VoteRule | None) -> VoteRule:
    """R: MTG-05/06, MTG-07, MTG-07a — the rule a vote is judged by follows from the type of
    the meeting: a committee decides by the committee rule, a branch assembly by the assembly
    rule (or holds an election). A client's `rule` may only repeat that; a type that does not
    decide (党课, 主题党日 …) refuses votes, so nobody counts probationary members as voters."""
    own = VOTE_RULES.get(mtype)
    label = MEETING_TYPE_LABELS[mtype]
    if own is None:
        raise Unprocessable(
            f"{label}不作表决；表决在支部委员会或支部党员大会进行", code="vote_type"
        )
    if asked is None or asked is own:
        return own
    if asked is VoteRule.election:
        if mtype in ELECTION_TYPES:
            return asked
        raise Unprocessable("选举在支部党员大会进行", code="vote_type")
    raise Unprocessable(
        f"{label}按{rules.VOTE_RULE_LABELS[own]}的规则表决，不能按"
        f"{rules.VOTE_RULE_LABELS[VoteRule(asked)]}计票",
        code="vote_rule",
    )


def _local(moment: datetime) -> str:
    return f"{clock.local(moment):%Y-%m-%d %H:%M}"


def _not_in_future(starts_at: datetime, now: datetime) -> None:
    """R: LEDG-03 — a meeting cannot be confirmed held before it begins (small tolerance)."""
    if now < starts_at - HOLD_EARLY:
        raise NotStarted(f"会议定于 {_local(starts_at)} 开始，开始前不能确认召开")


def _late_record(starts_at: datetime, reason: str | None, now: datetime) -> str | None:
    """R: LEDG-03 — a start already past is accepted only as a late record with a reason."""
    if starts_at >= now - LATE_AFTER:
        return None
    if not (reason or "").strip():
        # R: LEDG-03 — a start in the past is refused as a schedule; only a late record of a
        # meeting already held, with its reason, may have one
        raise Unprocessable(
            f"开始时间 {_local(starts_at)} 已过：安排会议请选择以后的时间；"
            "补录已召开的会议须填写补录原因",
            code="late_record_reason",
        )
    return (reason or "").strip()


def can_manage(principal: Principal, mtype: MeetingType, path: str) -> bool:
    """ROLES.md: meetings are run by 书记, 副书记, 组织委员, 党务干事 — and by 宣传委员 (党课),
    纪检委员 (民主生活会) and 党小组长 (党小组会) for their own type."""
    if principal.can(Cap.meeting_manage, path):
        return True
    special = SPECIAL_MANAGERS.get(mtype)
    return special is not None and principal.can(special, path)


def _scoped(principal: Principal) -> Select[Meeting, Organization]:
    return (
        select(Meeting, Organization)
        .join(Organization, Organization.id == Meeting.organization_id)
        .where(principal.readable(Organization.path, Cap.meeting_read))
    )


async def _load(
    session: AsyncSession, principal: Principal, meeting_id: int
) -> tuple[Meeting, Organization]:
    row = (await session.execute(_scoped(principal).where(Meeting.id == meeting_id))).first()
    if row is None:
        raise NotFound()
    return row[0], row[1]


async def managed(
    session: AsyncSession, principal: Principal, meeting_id: int
) -> tuple[Meeting, Organization]:
    meeting, org = await _load(session, principal, meeting_id)
    if not can_manage(principal, meeting.type, org.path):
        raise Forbidden()
    return meeting, org


def _require_state(meeting: Meeting, allowed: frozenset[MeetingStatus], action: str) -> None:
    if meeting.status not in allowed:
        raise WrongState(f"会议{_status_label(meeting)}，不能{action}")


def _status_label(meeting: Meeting) -> str:
    return MEETING_STATUS_LABELS[meeting.status]


async def _attendees(session: AsyncSession, meeting_id: int) -> list[MeetingAttendee]:
    rows = await session.scalars(
        select(MeetingAttendee)
        .where(MeetingAttendee.meeting_id == meeting_id)
        .order_by(MeetingAttendee.role, pinyin(MeetingAttendee.name), MeetingAttendee.id)
    )
    return list(rows)


def _audit_meeting(m: Meeting) -> dict[str, Any]:
    return {
        "type": m.type.value,
        "title": m.title,
        "starts_at": m.starts_at.isoformat(),
        "place": m.place,
        "status": m.status.value,
        "confidential": m.confidential,
    }


async def record(
    session: AsyncSession,
    principal: Principal,
    action: str,
    meeting: Meeting,
    org: Organization,
    **kw: Any,
) -> None:
    await audit.record(
        session,
        actor=principal,
        action=action,
        entity="meeting",
        entity_id=meeting.id,
        organization_path=org.path,
        **kw,
    )


# ---------------------------------------------------------------- quorum (computed, MTG-05/07)


@dataclass(frozen=True)
class Counts:
    expected: int
    present: int
    excused: int
    absent: int
    sitting_in: int
    unmarked: int
    written_opinions: int


def counts(meeting: Meeting, attendees: list[MeetingAttendee]) -> Counts:
    """Who counts: for assemblies the voters (MTG-07), otherwise everyone expected; members left
    out with the higher committee's consent do not count; 列席 never counts (MTG-05)."""
    assembly = VOTE_RULES.get(meeting.type) is VoteRule.assembly
    counted = [
        a
        for a in attendees
        if a.role is AttendeeRole.expected and a.excluded is None and (a.voter or not assembly)
    ]
    by = {s: sum(1 for a in counted if a.attendance is s) for s in Attendance}
    written = (
        sum(
            1
            for a in counted
            if a.attendance is not Attendance.present and opinion_in_time(meeting, a)
        )
        if assembly
        else 0
    )
    return Counts(
        expected=len(counted),
        present=by[Attendance.present],
        excused=by[Attendance.excused],
        absent=by[Attendance.absent],
        sitting_in=sum(1 for a in attendees if a.role is AttendeeRole.sitting_in),
        unmarked=sum(1 for a in counted if a.attendance is None),
        written_opinions=written,
    )


def opinion_in_time(meeting: Meeting, a: MeetingAttendee) -> bool:
    """R: MTG-07 — a written opinion counts as a vote only when it was handed in before the
    meeting started; one dated at or after the start does not."""
    if not a.written_opinion:
        return False
    return a.opinion_at is None or a.opinion_at < meeting.starts_at


def quorum(meeting: Meeting, attendees: list[MeetingAttendee]) -> QuorumRead:
    c = counts(meeting, attendees)
    rule = VOTE_RULES.get(meeting.type)
    q: rules.Quorum | None = None
    if rule is VoteRule.committee and c.expected:
        q = rules.committee_quorum(c.expected, c.present)
    elif rule is VoteRule.assembly and c.expected:
        q = rules.assembly_quorum(c.expected, c.present, c.written_opinions)
    return QuorumRead(
        rule=rule,
        expected=c.expected,
        present=c.present,
        excused=c.excused,
        absent=c.absent,
        sitting_in=c.sitting_in,
        unmarked=c.unmarked,
        written_opinions=c.written_opinions,
        met=q.met if q else None,
        minimum_present=rules.minimum_present(rule, c.expected) if rule and c.expected else None,
        message=q.message if q else None,
    )


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}
