"""Meetings: life cycle, expected attendees from the roster, leave and sign-in, computed quorum and
votes, agenda, minutes and their confidentiality, follow-up of resolutions (MTG-01..10, MEM-03/04).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import subtree
from dangjian.authz.principal import Principal
from dangjian.authz.service import visible_organization
from dangjian.core import clock
from dangjian.core.db import utcnow
from dangjian.core.errors import AppError, Conflict, Forbidden, NotFound, Unprocessable
from dangjian.meetings import rules
from dangjian.meetings.enums import (
    HELD_BY,
    HELD_STATUSES,
    MEETING_STATUS_LABELS,
    MEETING_TYPE_LABELS,
)
from dangjian.meetings.schemas import (
    AgendaCreate,
    AgendaDecision,
    AgendaRead,
    AttachmentRead,
    AttendanceSheet,
    AttendeeAdd,
    AttendeeRead,
    AttendeeUpdate,
    FollowUpUpdate,
    HoldRequest,
    MeetingCreate,
    MeetingListItem,
    MeetingRead,
    MeetingUpdate,
    MinutesRead,
    MinutesUpdate,
    MyMeetingRead,
    QuorumRead,
    ResolutionCreate,
    ResolutionRead,
)
from dangjian.members import roster
from dangjian.members import rules as member_rules
from dangjian.members.enums import Category, EventType
from dangjian.members.service import has_category
from dangjian.models import (
    AgendaItem,
    Meeting,
    MeetingAttachment,
    MeetingAttendee,
    Member,
    MemberEvent,
    Organization,
    Post,
    Resolution,
    User,
)
from dangjian.models.enums import (
    AgendaStatus,
    Attendance,
    AttendeeRole,
    FollowUp,
    LeaveStatus,
    MeetingStatus,
    MeetingType,
    MemberKind,
    MemberStatus,
    PostKind,
    VoteRule,
)
from dangjian.notifications import service as inbox
from dangjian.policies import service as policies

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
        raise Unprocessable(
            f"开始时间 {_local(starts_at)} 已过；补录已召开的会议须填写补录原因",
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
        .order_by(MeetingAttendee.role, MeetingAttendee.name, MeetingAttendee.id)
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


async def _changed(
    session: AsyncSession,
    principal: Principal,
    action: str,
    meeting: Meeting,
    org: Organization,
    **kw: Any,
) -> MeetingRead:
    """Flush a change, audit it and answer the meeting as it now is."""
    await session.flush()
    await record(session, principal, action, meeting, org, **kw)
    return await meeting_read(session, principal, meeting, org)


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


# ---------------------------------------------------------------- expected attendees (MTG-01)


async def _committee(session: AsyncSession, org_id: int, on: date) -> list[User]:
    rows = await session.scalars(
        select(User)
        .join(Post, Post.user_id == User.id)
        .where(
            Post.organization_id == org_id,
            Post.kind.in_(COMMITTEE_POSTS),
            Post.start_date <= on,
            (Post.end_date.is_(None)) | (Post.end_date >= on),
            User.is_active.is_(True),
        )
        .distinct()
        .order_by(User.display_name, User.id)
    )
    return list(rows)


def meeting_day(meeting: Meeting) -> date:
    """The local calendar day the meeting is held on: the roster of that day counts."""
    return clock.local(meeting.starts_at).date()


@dataclass(frozen=True)
class Expected:
    member: Member
    user_id: int | None
    voter: bool


async def _members(
    session: AsyncSession, org: Organization, mtype: MeetingType, on: date
) -> list[Expected]:
    """R: MTG-01, MTG-07, MEM-06, MEM-07 — the members expected at a meeting of `org` held on
    `on`, from the roster as it stood that day (a death or transfer dated by then removes a
    member; later events change nothing). Members whose organisation life is suspended are
    not expected (MEM-07). Members out of contact stay expected: only the cases MTG-07 lists
    may be left out, each with the higher committee's consent recorded on the attendee."""
    stmt = (
        select(Member, User.id)
        .join(Organization, Organization.id == Member.organization_id)
        .outerjoin(User, (User.member_id == Member.id) & User.is_active.is_(True))
        .where(
            subtree(Organization.path, org),
            roster.on_roster_on(on),
        )
        .order_by(Member.name, Member.id)
    )
    if mtype is MeetingType.inservice_meeting:
        stmt = stmt.where(has_category("inservice"))
    rows = [(m, uid) for m, uid in (await session.execute(stmt)).all()]
    events: dict[int, list[member_rules.EventFact]] = defaultdict(list)
    ids = [m.id for m, _ in rows]
    for chunk in (ids[i : i + 5000] for i in range(0, len(ids), 5000)):
        for e in await session.scalars(select(MemberEvent).where(MemberEvent.member_id.in_(chunk))):
            events[e.member_id].append(
                member_rules.EventFact(EventType(e.type), e.occurred_on, e.ends_on, e.id)
            )
    out = []
    for m, uid in rows:
        status = member_rules.status_on(events[m.id], on, m.status)
        if status is None or status not in member_rules.ON_ROSTER:
            continue
        if status is MemberStatus.suspended:
            continue  # R: MEM-07 — not expected at organisation life during the suspension
        out.append(Expected(m, uid, _voter(m, status, on)))
    return out


def _voter(m: Member, status: MemberStatus, on: date) -> bool:
    """R: MTG-07, XFER-06 — formal members on the day have a vote; probationary members and
    those under 留党察看 do not, nor do flow-in members (they vote at home, XFER-06)."""
    formal = member_rules.formal_on(m.kind is MemberKind.formal, m.converted_on, on)
    floating_in = Category.floating_in.value in (m.categories or [])
    return formal and status is not MemberStatus.probation and not floating_in


def _expected_row(meeting: Meeting, e: Expected) -> MeetingAttendee:
    return MeetingAttendee(
        meeting_id=meeting.id,
        member_id=e.member.id,
        user_id=e.user_id,
        name=e.member.name,
        role=AttendeeRole.expected,
        voter=e.voter,
        elderly="elderly_or_sick" in (e.member.categories or []),
    )


async def _invite(session: AsyncSession, meeting: Meeting, org: Organization) -> None:
    people: list[MeetingAttendee] = []
    if meeting.type in COMMITTEE_TYPES:
        for user in await _committee(session, org.id, meeting_day(meeting)):
            people.append(
                MeetingAttendee(
                    meeting_id=meeting.id,
                    user_id=user.id,
                    member_id=user.member_id,
                    name=user.display_name,
                    role=AttendeeRole.expected,
                    voter=True,
                )
            )
    elif meeting.type in MEMBER_TYPES or meeting.type is MeetingType.inservice_meeting:
        for e in await _members(session, org, meeting.type, meeting_day(meeting)):
            people.append(_expected_row(meeting, e))
    session.add_all(people)


async def fix_expected(
    session: AsyncSession, meeting: Meeting, org: Organization
) -> list[MeetingAttendee]:
    """R: MTG-07 — the expected members and the entitled voters are fixed when the meeting is
    held and again when a vote is recorded, from the roster on the meeting's day (the list made
    at drafting may be stale): a member who died, left or was suspended by then is no longer
    expected (kept as 列席 if they did sign in), a vote lost to 留党察看 is gone, a member who
    joined the roster by then is added. Recorded attendance, leave and exclusions are kept."""
    attendees = await _attendees(session, meeting.id)
    if not (meeting.type in MEMBER_TYPES or meeting.type is MeetingType.inservice_meeting):
        return attendees
    wanted = {
        e.member.id: e for e in await _members(session, org, meeting.type, meeting_day(meeting))
    }
    seen: set[int] = set()
    for a in attendees:
        if a.role is not AttendeeRole.expected or a.member_id is None:
            continue
        seen.add(a.member_id)
        e = wanted.get(a.member_id)
        if e is not None:
            a.voter = e.voter
        elif a.attendance in (Attendance.present, Attendance.sitting_in):
            a.role, a.voter = AttendeeRole.sitting_in, False
        else:
            await session.delete(a)
    session.add_all(_expected_row(meeting, e) for mid, e in wanted.items() if mid not in seen)
    await session.flush()
    return await _attendees(session, meeting.id)


# ---------------------------------------------------------------- reads


async def list_meetings(
    session: AsyncSession,
    principal: Principal,
    *,
    org_id: int | None,
    start: datetime | None,
    end: datetime | None,
    mtype: MeetingType | None,
    status: MeetingStatus | None,
) -> list[MeetingListItem]:
    stmt = _scoped(principal)
    if org_id is not None:
        org = await visible_organization(session, principal, org_id, Cap.meeting_read)
        stmt = stmt.where(subtree(Organization.path, org))
    if start is not None:
        stmt = stmt.where(Meeting.starts_at >= start)
    if end is not None:
        stmt = stmt.where(Meeting.starts_at < end)
    if mtype is not None:
        stmt = stmt.where(Meeting.type == mtype)
    if status is not None:
        stmt = stmt.where(Meeting.status == status)
    rows = await session.execute(stmt.order_by(Meeting.starts_at, Meeting.id).limit(500))
    return [_list_item(m, o) for m, o in rows.all()]


def _list_item(m: Meeting, org: Organization) -> MeetingListItem:
    return MeetingListItem(
        id=m.id,
        organization_id=org.id,
        organization_name=org.name,
        type=m.type,
        title=m.title,
        starts_at=m.starts_at,
        ends_at=m.ends_at,
        place=m.place,
        status=m.status,
        notice_short=m.notice_short,
        confidential=m.confidential,
    )


def _attendee_read(a: MeetingAttendee) -> AttendeeRead:
    return AttendeeRead.model_validate(a)


def _attendee_of(principal: Principal, attendees: list[MeetingAttendee]) -> MeetingAttendee | None:
    user_id = principal.user.id if principal.user else None
    member_id = principal.member.id if principal.member else None
    for a in attendees:
        if (user_id is not None and a.user_id == user_id) or (
            member_id is not None and a.member_id == member_id
        ):
            return a
    return None


def may_see_minutes(
    principal: Principal, meeting: Meeting, org: Organization, mine: MeetingAttendee | None
) -> bool:
    """R: MTG-08 / ROLES.md rule 4 — confidential minutes: those present, the committee
    (minutes.confidential) and street staff; others get nothing (404 on the minutes)."""
    if not meeting.confidential:
        return mine is not None or principal.can(Cap.meeting_read, org.path)
    if mine is not None and mine.attendance in (Attendance.present, Attendance.sitting_in):
        return True  # those who were in the room, guests who sat in included
    return principal.can(Cap.minutes_confidential, org.path)


async def _attachments(
    session: AsyncSession, meeting_id: int, purpose: str | None = None
) -> list[AttachmentRead]:
    stmt = select(MeetingAttachment).where(MeetingAttachment.meeting_id == meeting_id)
    if purpose is not None:
        stmt = stmt.where(MeetingAttachment.purpose == purpose)
    rows = await session.scalars(stmt.order_by(MeetingAttachment.id))
    return [AttachmentRead.model_validate(r) for r in rows]


async def _minutes(session: AsyncSession, meeting: Meeting) -> MinutesRead:
    return MinutesRead(
        minutes=meeting.minutes,
        decisions_announced=meeting.decisions_announced,
        confidential=meeting.confidential,
        approved_at=meeting.minutes_approved_at,
        approved_by=meeting.minutes_approved_by,
        attachments=await _attachments(session, meeting.id, "minutes"),
    )


async def _agenda(session: AsyncSession, meeting_id: int) -> list[AgendaRead]:
    rows = await session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    return [AgendaRead.model_validate(r) for r in rows]


def resolution_read(r: Resolution, today: date) -> ResolutionRead:
    outcome = (
        rules.decide(
            r.rule,
            expected=r.expected,
            present=r.present,
            tally=rules.Tally(r.yes, r.no, r.abstain, r.invalid),
            written_opinions=r.written_opinions,
        )
        if not r.emergency
        else None
    )
    read = ResolutionRead.model_validate(r)
    overdue = (
        r.passed
        and r.due_on is not None
        and r.due_on < today
        and r.follow_up in (FollowUp.open, FollowUp.in_progress, None)
    )
    message = outcome.message if outcome else "紧急情况下作出的决定，须向下次委员会会议报告"
    return read.model_copy(
        update={"message": message, "voted_count": len(r.voted or []), "overdue": overdue}
    )


async def _resolutions(session: AsyncSession, meeting_id: int, today: date) -> list[ResolutionRead]:
    rows = await session.scalars(
        select(Resolution).where(Resolution.meeting_id == meeting_id).order_by(Resolution.id)
    )
    return [resolution_read(r, today) for r in rows]


async def meeting_read(
    session: AsyncSession, principal: Principal, meeting: Meeting, org: Organization
) -> MeetingRead:
    attendees = await _attendees(session, meeting.id)
    mine = _attendee_of(principal, attendees)
    visible = may_see_minutes(principal, meeting, org, mine)
    return MeetingRead(
        **_list_item(meeting, org).model_dump(),
        host=meeting.host,
        recorder=meeting.recorder,
        materials=meeting.materials,
        notified_at=meeting.notified_at,
        notice_days_required=meeting.notice_days_required,
        cancel_reason=meeting.cancel_reason,
        held_at=meeting.held_at,
        emergency=meeting.emergency,
        emergency_reason=meeting.emergency_reason,
        version=meeting.version,
        quorum=quorum(meeting, attendees),
        attendees=[_attendee_read(a) for a in attendees],
        agenda=await _agenda(session, meeting.id),
        resolutions=await _resolutions(session, meeting.id, clock.today()),
        materials_attachments=await _attachments(session, meeting.id, "material"),
        minutes=await _minutes(session, meeting) if visible else None,
        minutes_hidden=not visible,
        can_manage=can_manage(principal, meeting.type, org.path),
        can_decide_agenda=principal.can(Cap.meeting_agenda, org.path),
        to_deliver=[a.name for a in attendees if a.elderly and a.user_id is None],
    )


async def get_meeting(session: AsyncSession, principal: Principal, meeting_id: int) -> MeetingRead:
    meeting, org = await _load(session, principal, meeting_id)
    return await meeting_read(session, principal, meeting, org)


# ---------------------------------------------------------------- life cycle (MTG-02/03)


async def create_meeting(
    session: AsyncSession, principal: Principal, body: MeetingCreate
) -> MeetingRead:
    org = await visible_organization(session, principal, body.organization_id, Cap.meeting_read)
    if not can_manage(principal, body.type, org.path):
        raise Forbidden()
    if org.kind not in HELD_BY[body.type]:
        raise Unprocessable(
            f"{MEETING_TYPE_LABELS[body.type]}不由该级党组织召开", code="meeting_type_level"
        )
    late = _late_record(body.starts_at, body.late_reason, utcnow())
    meeting = Meeting(
        organization_id=org.id,
        type=body.type,
        title=body.title,
        starts_at=body.starts_at,
        ends_at=body.ends_at or body.starts_at + timedelta(hours=2),
        place=body.place,
        host=body.host,
        recorder=body.recorder,
        materials=body.materials,
        confidential=body.confidential,
        status=MeetingStatus.draft,
        checkin_token=secrets.token_urlsafe(18),
        created_by=principal.label,
    )
    session.add(meeting)
    await session.flush()
    await _invite(session, meeting, org)
    session.add_all(
        MeetingAttendee(meeting_id=meeting.id, name=g, role=AttendeeRole.sitting_in)
        for g in dict.fromkeys(x.strip() for x in body.guests if x.strip())
    )
    await session.flush()
    if meeting.type is MeetingType.committee:
        await carry_emergency_decisions(session, org.id)
    after = _audit_meeting(meeting) | ({"late_record_reason": late} if late else {})
    await record(session, principal, "meeting.create", meeting, org, after=after)
    return await meeting_read(session, principal, meeting, org)


async def update_meeting(
    session: AsyncSession, principal: Principal, meeting_id: int, body: MeetingUpdate
) -> MeetingRead:
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, CHANGEABLE | {MeetingStatus.held}, "修改")
    before = _audit_meeting(meeting)
    changes = body.model_dump(exclude_unset=True)
    late_reason = changes.pop("late_reason", None)
    late = None
    if (starts := changes.get("starts_at")) is not None and starts != meeting.starts_at:
        now = utcnow()
        if meeting.status is MeetingStatus.held:
            _not_in_future(starts, now)  # R: LEDG-03 — a held meeting cannot move to the future
        else:
            late = _late_record(starts, late_reason, now)
    for key, value in changes.items():
        if value is not None:
            setattr(meeting, key, value)
    if meeting.ends_at <= meeting.starts_at:
        raise Unprocessable("结束时间须晚于开始时间", code="meeting_times")
    meeting.version += 1
    return await _changed(
        session,
        principal,
        "meeting.update",
        meeting,
        org,
        before=before,
        after=_audit_meeting(meeting) | ({"late_record_reason": late} if late else {}),
    )


async def notify(session: AsyncSession, principal: Principal, meeting_id: int) -> MeetingRead:
    """Send the notice with date, place, agenda and materials to every expected attendee
    (MTG-03); flag a notice shorter than the policy's lead time — flagged, not blocked."""
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, CHANGEABLE, "发送通知")
    now = utcnow()
    if meeting.starts_at <= now:
        # R: LEDG-03, MTG-03 — a notice is sent before the meeting; one already begun is
        # recorded as a late record (created with its reason) and confirmed held directly.
        raise Unprocessable(
            f"会议开始时间 {_local(meeting.starts_at)} 已过，不能再发送通知；"
            "已召开的会议请补录并填写补录原因",
            code="meeting_start_past",
        )
    required = await policies.value(
        session, org, f"meetings.notice_days.{meeting.type.value}", clock.local(now).date()
    )
    meeting.notified_at = now
    meeting.notice_days_required = int(required)
    meeting.notice_short = meeting.starts_at - now < timedelta(days=int(required))
    meeting.status = MeetingStatus.notified
    attendees = await _attendees(session, meeting.id)
    agenda = [
        a.title for a in await _agenda(session, meeting.id) if a.status is AgendaStatus.accepted
    ]
    body = "\n".join(
        [
            f"时间：{clock.local(meeting.starts_at):%Y-%m-%d %H:%M}",
            f"地点：{meeting.place or '另行通知'}",
            "议程：" + ("；".join(agenda) if agenda else "另行通知"),
            f"材料：{meeting.materials}" if meeting.materials else "",
        ]
    ).strip()
    link = f"/my/meetings/{meeting.id}"
    sent = await inbox.send(
        session,
        [a.user_id for a in attendees if a.user_id is not None],
        kind="meeting_notice",
        title=f"会议通知：{MEETING_TYPE_LABELS[meeting.type]}「{meeting.title}」",
        body=body,
        link=link,
    )
    # R: MEM-04 — elderly or sick members get the agenda and may send an opinion beforehand.
    await inbox.send(
        session,
        [a.user_id for a in attendees if a.elderly and a.user_id is not None],
        kind="meeting_agenda",
        title=f"议程送达：「{meeting.title}」，如不能到会可提交书面意见",
        body=body,
        link=link,
    )
    return await _changed(
        session,
        principal,
        "meeting.notify",
        meeting,
        org,
        after={"sent": sent, "notice_short": meeting.notice_short, "days_required": required},
    )


async def cancel(
    session: AsyncSession, principal: Principal, meeting_id: int, reason: str
) -> MeetingRead:
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, CHANGEABLE, "取消")
    was_notified = meeting.status is MeetingStatus.notified
    meeting.status = MeetingStatus.cancelled
    meeting.cancel_reason = reason
    if was_notified:
        attendees = await _attendees(session, meeting.id)
        await inbox.send(
            session,
            [a.user_id for a in attendees if a.user_id is not None],
            kind="meeting_cancelled",
            title=f"会议取消：「{meeting.title}」",
            body=f"原因：{reason}",
            link=f"/my/meetings/{meeting.id}",
        )
    return await _changed(
        session, principal, "meeting.cancel", meeting, org, after={"reason": reason}
    )


async def hold(
    session: AsyncSession, principal: Principal, meeting_id: int, body: HoldRequest
) -> MeetingRead:
    """Confirm the meeting took place. A committee or assembly below quorum cannot be held
    (MTG-05/07) — except an emergency, which is marked (MTG-06)."""
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, CHANGEABLE, "确认召开")
    _not_in_future(meeting.starts_at, utcnow())  # R: LEDG-03
    attendees = await fix_expected(session, meeting, org)  # R: MTG-07 — fixed when held
    q = quorum(meeting, attendees)
    if q.met is False:
        if not body.emergency:
            raise QuorumNotMet(q.message or "到会人数不足")
        if q.rule is not VoteRule.committee:
            # R: MTG-06 — the emergency below quorum is a committee rule; an assembly has none.
            raise Unprocessable(
                "紧急情况下不足半数召开只适用于委员会会议，党员大会须到会过半数",
                code="emergency_vote",
            )
        if not (body.emergency_reason or "").strip():
            raise Unprocessable("紧急情况须说明原因", code="emergency_reason")
        meeting.emergency = True
        meeting.emergency_reason = body.emergency_reason
    if meeting.notified_at is None:
        meeting.notice_short = True  # R: MTG-03 — held without a notice: flagged
    for a in attendees:
        if a.role is AttendeeRole.expected and a.attendance is None:
            a.attendance = Attendance.absent
    meeting.status = MeetingStatus.held
    meeting.held_at = utcnow()
    await session.flush()
    await _send_resolutions_to_elderly(session, meeting, attendees)
    await record(
        session,
        principal,
        "meeting.hold",
        meeting,
        org,
        after={"quorum": q.message, "emergency": meeting.emergency},
    )
    return await meeting_read(session, principal, meeting, org)


async def _send_resolutions_to_elderly(
    session: AsyncSession, meeting: Meeting, attendees: list[MeetingAttendee]
) -> None:
    """R: MEM-04 — after the meeting, the resolutions go to elderly or sick members."""
    rows = list(
        await session.scalars(select(Resolution).where(Resolution.meeting_id == meeting.id))
    )
    if not rows:
        return
    lines = [f"{_subject(r)}：{'通过' if r.passed else '未通过'}" for r in rows]
    await inbox.send(
        session,
        [a.user_id for a in attendees if a.elderly and a.user_id is not None],
        kind="meeting_resolutions",
        title=f"会议决议：「{meeting.title}」",
        body="\n".join(lines),
        link=f"/my/meetings/{meeting.id}",
    )


def _subject(r: Resolution) -> str:
    return f"{r.title}（{r.candidate}）" if r.candidate else r.title


async def approve_minutes(
    session: AsyncSession, principal: Principal, meeting_id: int
) -> MeetingRead:
    meeting, org = await _load(session, principal, meeting_id)
    if not principal.can(Cap.meeting_agenda, org.path):
        raise Forbidden("纪要由书记（或主持工作的副书记）审定")
    _require_state(meeting, frozenset({MeetingStatus.held}), "审定纪要")
    if not meeting.minutes.strip():
        raise Unprocessable("请先填写会议纪要", code="minutes_empty")
    meeting.status = MeetingStatus.minutes_approved
    meeting.minutes_approved_at = utcnow()
    meeting.minutes_approved_by = principal.label
    return await _changed(session, principal, "meeting.minutes_approve", meeting, org)


async def archive(session: AsyncSession, principal: Principal, meeting_id: int) -> MeetingRead:
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, frozenset({MeetingStatus.minutes_approved}), "归档")
    meeting.status = MeetingStatus.archived
    return await _changed(session, principal, "meeting.archive", meeting, org)


async def save_minutes(
    session: AsyncSession, principal: Principal, meeting_id: int, body: MinutesUpdate
) -> MeetingRead:
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, frozenset({MeetingStatus.held}), "修改纪要")
    before = {"minutes": meeting.minutes, "confidential": meeting.confidential}
    meeting.minutes = body.minutes
    meeting.decisions_announced = body.decisions_announced
    if body.confidential is not None:
        meeting.confidential = body.confidential
    return await _changed(
        session,
        principal,
        "meeting.minutes",
        meeting,
        org,
        before=before,
        after={"minutes": meeting.minutes, "confidential": meeting.confidential},
    )


async def minutes_of(session: AsyncSession, principal: Principal, meeting_id: int) -> MinutesRead:
    """The minutes for staff in scope and for invitees; confidential ones 404 to the others."""
    meeting, org, mine = await visible_to(session, principal, meeting_id)
    if not may_see_minutes(principal, meeting, org, mine):
        raise NotFound()
    return await _minutes(session, meeting)


async def visible_to(
    session: AsyncSession, principal: Principal, meeting_id: int
) -> tuple[Meeting, Organization, MeetingAttendee | None]:
    """The meeting for staff in scope or for one of its invitees (404 otherwise)."""
    row = (
        await session.execute(
            select(Meeting, Organization)
            .join(Organization, Organization.id == Meeting.organization_id)
            .where(Meeting.id == meeting_id)
        )
    ).first()
    if row is None:
        raise NotFound()
    meeting, org = row[0], row[1]
    mine = _attendee_of(principal, await _attendees(session, meeting.id))
    if mine is None and not principal.can(Cap.meeting_read, org.path):
        raise NotFound()
    return meeting, org, mine


# ---------------------------------------------------------------- attendees, leave, sign-in


async def add_attendee(
    session: AsyncSession, principal: Principal, meeting_id: int, body: AttendeeAdd
) -> MeetingRead:
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, IN_SESSION, "增加人员")
    user_id = None
    if body.member_id is not None:
        member = await session.scalar(
            select(Member)
            .join(Organization, Organization.id == Member.organization_id)
            .where(
                Member.id == body.member_id,
                principal.readable(Organization.path, Cap.roster_read),
            )
        )
        if member is None:
            raise NotFound("找不到该党员")
        user_id = await session.scalar(select(User.id).where(User.member_id == member.id))
    attendee = MeetingAttendee(
        meeting_id=meeting.id,
        member_id=body.member_id,
        user_id=user_id,
        name=body.name,
        role=body.role,
        voter=False,
    )
    session.add(attendee)
    return await _changed(
        session, principal, "meeting.attendee_add", meeting, org,
        after={"name": body.name, "role": body.role.value},
    )  # fmt: skip


async def update_attendee(
    session: AsyncSession,
    principal: Principal,
    meeting_id: int,
    attendee_id: int,
    body: AttendeeUpdate,
) -> MeetingRead:
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, IN_SESSION, "修改参会人员")
    attendee = await _attendee(session, meeting.id, attendee_id)
    changes = body.model_dump(exclude_unset=True)
    if "excluded" in changes and meeting.type is not MeetingType.branch_assembly:
        raise Unprocessable("只有支部党员大会可经同意不计入应到人数", code="exclusion_type")
    opinion = body.opinion is not None or changes.get("written_opinion") is True
    if opinion and utcnow() >= meeting.starts_at:
        # R: MTG-07 — an opinion recorded after the start is not a written opinion before it.
        raise WrongState("会议已开始，不能再登记会前书面意见", code="opinion_too_late")
    before = {k: getattr(attendee, k) for k in changes}
    for key, value in changes.items():
        setattr(attendee, key, value)
    if opinion:
        attendee.opinion_at = utcnow()
    await session.flush()
    # Staff acting for an elderly member without a phone (MEM-04) is logged here.
    await record(
        session, principal, "meeting.attendee_update", meeting, org,
        before={"attendee": attendee.name, **_plain(before)},
        after={"attendee": attendee.name, **_plain(changes)},
    )  # fmt: skip
    return await meeting_read(session, principal, meeting, org)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


async def _attendee(session: AsyncSession, meeting_id: int, attendee_id: int) -> MeetingAttendee:
    a = await session.scalar(
        select(MeetingAttendee).where(
            MeetingAttendee.id == attendee_id, MeetingAttendee.meeting_id == meeting_id
        )
    )
    if a is None:
        raise NotFound()
    return a


async def sign_in_sheet(
    session: AsyncSession, principal: Principal, meeting_id: int, body: AttendanceSheet
) -> MeetingRead:
    """Staff mark the sheet (MTG-09). After the meeting was held, a correction needs a reason and
    is audited with the values before and after."""
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, IN_SESSION | {MeetingStatus.minutes_approved}, "签到")
    after_the_fact = meeting.status in HELD_STATUSES
    if after_the_fact and not (body.reason or "").strip():
        raise Unprocessable("会后更正签到须填写理由", code="correction_reason")
    attendees = {a.id: a for a in await _attendees(session, meeting.id)}
    before: dict[str, str | None] = {}
    after: dict[str, str | None] = {}
    for entry in body.entries:
        a = attendees.get(entry.attendee_id)
        if a is None:
            raise Unprocessable(f"参会人员 {entry.attendee_id} 不属于本次会议", code="attendee")
        if a.attendance is entry.attendance:
            continue
        # guests sit in or are excused (approved leave); only expected people are present/absent
        guest = a.role is AttendeeRole.sitting_in
        allowed = {Attendance.sitting_in, Attendance.excused, None} if guest else set(Attendance)
        if entry.attendance not in allowed or (
            not guest and entry.attendance is Attendance.sitting_in
        ):
            raise Unprocessable(f"{a.name}：列席人员只能登记为列席或请假", code="attendance_role")
        before[a.name] = a.attendance.value if a.attendance else None
        after[a.name] = entry.attendance.value if entry.attendance else None
        a.attendance = entry.attendance
        a.checked_in_at = utcnow() if entry.attendance is Attendance.present else a.checked_in_at
        a.checked_in_by = principal.label
    await session.flush()
    if after:
        await record(
            session, principal,
            "meeting.attendance_correct" if after_the_fact else "meeting.attendance",
            meeting, org, before=before, after={**after, "reason": body.reason},
        )  # fmt: skip
    return await meeting_read(session, principal, meeting, org)


async def decide_leave(
    session: AsyncSession, principal: Principal, meeting_id: int, attendee_id: int, approve: bool
) -> MeetingRead:
    """R: MEM-03 — approved leave is 'excused', not 'absent'."""
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, IN_SESSION, "审批请假")
    a = await _attendee(session, meeting.id, attendee_id)
    if a.leave_status is not LeaveStatus.requested:
        raise Conflict("没有待审批的请假", code="no_leave_request")
    a.leave_status = LeaveStatus.approved if approve else LeaveStatus.refused
    a.leave_decided_by = principal.label
    if approve:
        a.attendance = Attendance.excused
    if a.user_id is not None:
        await inbox.send(
            session,
            [a.user_id],
            kind="leave_decision",
            title=f"请假{'已批准' if approve else '未获批准'}：「{meeting.title}」",
            link=f"/my/meetings/{meeting.id}",
        )
    return await _changed(
        session, principal, "meeting.leave_decide", meeting, org,
        after={"attendee": a.name, "approved": approve},
    )  # fmt: skip


def check_in_window(meeting: Meeting) -> tuple[datetime, datetime]:
    return meeting.starts_at - CHECK_IN_EARLY, meeting.ends_at + CHECK_IN_LATE


# ---------------------------------------------------------------- the invitee's side


async def my_meetings(session: AsyncSession, principal: Principal) -> list[MeetingListItem]:
    conds = []
    if principal.user is not None:
        conds.append(MeetingAttendee.user_id == principal.user.id)
    if principal.member is not None:
        conds.append(MeetingAttendee.member_id == principal.member.id)
    if not conds:
        return []
    rows = await session.execute(
        select(Meeting, Organization)
        .join(Organization, Organization.id == Meeting.organization_id)
        .join(MeetingAttendee, MeetingAttendee.meeting_id == Meeting.id)
        .where(or_(*conds), Meeting.status != MeetingStatus.draft)
        .distinct()
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(200)
    )
    return [_list_item(m, o) for m, o in rows.all()]


async def _mine(
    session: AsyncSession, principal: Principal, meeting_id: int
) -> tuple[Meeting, Organization, MeetingAttendee]:
    meeting, org, mine = await visible_to(session, principal, meeting_id)
    if mine is None or meeting.status is MeetingStatus.draft:
        raise NotFound()
    return meeting, org, mine


async def my_meeting(session: AsyncSession, principal: Principal, meeting_id: int) -> MyMeetingRead:
    meeting, org, mine = await _mine(session, principal, meeting_id)
    visible = meeting.status in HELD_STATUSES and may_see_minutes(principal, meeting, org, mine)
    opens, closes = check_in_window(meeting)
    now = utcnow()
    return MyMeetingRead(
        **_list_item(meeting, org).model_dump(),
        host=meeting.host,
        materials=meeting.materials,
        agenda=[a for a in await _agenda(session, meeting.id) if a.status is AgendaStatus.accepted],
        me=_attendee_read(mine),
        materials_attachments=await _attachments(session, meeting.id, "material"),
        check_in_open=meeting.status in CHANGEABLE and opens <= now <= closes,
        resolutions=await _resolutions(session, meeting.id, clock.today())
        if meeting.status in HELD_STATUSES
        else [],
        minutes=await _minutes(session, meeting) if visible else None,
        minutes_hidden=not visible,
    )


async def request_leave(
    session: AsyncSession, principal: Principal, meeting_id: int, reason: str
) -> MyMeetingRead:
    meeting, org, mine = await _mine(session, principal, meeting_id)
    if meeting.status is not MeetingStatus.notified or utcnow() >= meeting.starts_at:
        raise WrongState("请假须在会议开始前提出", code="leave_too_late")
    mine.leave_status = LeaveStatus.requested
    mine.leave_reason = reason
    await session.flush()
    await record(
        session, principal, "meeting.leave_request", meeting, org,
        after={"attendee": mine.name, "reason": reason},
    )  # fmt: skip
    return await my_meeting(session, principal, meeting.id)


async def check_in(
    session: AsyncSession, principal: Principal, meeting_id: int, token: str
) -> MyMeetingRead:
    """Self check-in by the meeting's QR code within its window. Never required: a sheet marked
    by staff is as valid (no ranking by check-ins)."""
    meeting, org, mine = await _mine(session, principal, meeting_id)
    if not secrets.compare_digest(token, meeting.checkin_token):
        raise NotFound("签到码无效", code="checkin_token")
    opens, closes = check_in_window(meeting)
    if meeting.status not in CHANGEABLE or not opens <= utcnow() <= closes:
        raise WrongState("不在签到时间内（会前30分钟至会后30分钟）", code="checkin_closed")
    mine.attendance = (
        Attendance.sitting_in if mine.role is AttendeeRole.sitting_in else Attendance.present
    )
    mine.checked_in_at = utcnow()
    mine.checked_in_by = "本人扫码"
    await session.flush()
    await record(
        session, principal, "meeting.check_in", meeting, org, after={"attendee": mine.name}
    )
    return await my_meeting(session, principal, meeting.id)


async def send_opinion(
    session: AsyncSession, principal: Principal, meeting_id: int, opinion: str
) -> MyMeetingRead:
    """R: MEM-04 / MTG-07 — an invitee who cannot come sends an opinion before the meeting; an
    absent voter's written opinion counts for the assembly."""
    meeting, org, mine = await _mine(session, principal, meeting_id)
    # R: MTG-07 — only an opinion handed in before the meeting starts counts.
    if meeting.status not in CHANGEABLE or utcnow() >= meeting.starts_at:
        raise WrongState("会议已开始，不能再提交会前书面意见", code="opinion_too_late")
    mine.opinion = opinion
    mine.opinion_at = utcnow()
    mine.written_opinion = mine.voter
    await session.flush()
    await record(session, principal, "meeting.opinion", meeting, org, after={"attendee": mine.name})
    return await my_meeting(session, principal, meeting.id)


async def check_in_code(
    session: AsyncSession, principal: Principal, meeting_id: int
) -> tuple[Meeting, datetime, datetime]:
    meeting, _ = await managed(session, principal, meeting_id)
    opens, closes = check_in_window(meeting)
    return meeting, opens, closes


# ---------------------------------------------------------------- agenda (MTG-04)


async def propose_topic(
    session: AsyncSession, principal: Principal, meeting_id: int, body: AgendaCreate
) -> MeetingRead:
    """Committee members propose; the secretary (or the acting deputy) accepts or declines.
    A topic put by someone who sets the agenda is accepted at once."""
    meeting, org = await _load(session, principal, meeting_id)
    _require_state(meeting, CHANGEABLE, "提出议题")
    decides = principal.can(Cap.meeting_agenda, org.path)
    if not decides and not can_manage(principal, meeting.type, org.path):
        committee = {u.id for u in await _committee(session, org.id, clock.today())}
        if principal.user is None or principal.user.id not in committee:
            raise Forbidden("议题由委员提出")
    position = (
        await session.scalar(
            select(func.coalesce(func.max(AgendaItem.position), 0)).where(
                AgendaItem.meeting_id == meeting.id
            )
        )
        or 0
    )
    item = AgendaItem(
        meeting_id=meeting.id,
        title=body.title,
        description=body.description,
        status=AgendaStatus.accepted if decides else AgendaStatus.proposed,
        proposed_by=principal.label,
        decided_by=principal.label if decides else None,
        position=position + 1,
    )
    session.add(item)
    return await _changed(
        session, principal, "meeting.agenda_propose", meeting, org,
        after={"title": body.title, "status": item.status.value},
    )  # fmt: skip


async def decide_topic(
    session: AsyncSession,
    principal: Principal,
    meeting_id: int,
    item_id: int,
    body: AgendaDecision,
) -> MeetingRead:
    meeting, org = await _load(session, principal, meeting_id)
    if not principal.can(Cap.meeting_agenda, org.path):
        raise Forbidden("议题由书记（或主持工作的副书记）确定")
    _require_state(meeting, CHANGEABLE, "确定议题")
    item = await session.scalar(
        select(AgendaItem).where(AgendaItem.id == item_id, AgendaItem.meeting_id == meeting.id)
    )
    if item is None:
        raise NotFound()
    if not body.accept and not (body.reason or "").strip():
        raise Unprocessable("不采纳议题须说明理由", code="decline_reason")
    item.status = AgendaStatus.accepted if body.accept else AgendaStatus.declined
    item.decided_by = principal.label
    item.decline_reason = None if body.accept else body.reason
    return await _changed(
        session, principal, "meeting.agenda_decide", meeting, org,
        after={"title": item.title, "status": item.status.value, "reason": body.reason},
    )  # fmt: skip


# ---------------------------------------------------------------- votes (MTG-05/06/07/07a)


async def record_vote(
    session: AsyncSession, principal: Principal, meeting_id: int, body: ResolutionCreate
) -> MeetingRead:
    """Record the tallies; the outcome is computed. Declaring a vote passed that the arithmetic
    says failed is refused with 409 and the numbers."""
    meeting, org = await managed(session, principal, meeting_id)
    _require_state(meeting, IN_SESSION, "表决")
    rule = vote_rule(meeting.type, body.rule)
    if body.secret and body.names:
        raise Unprocessable("无记名投票不得记录谁投了什么票", code="secret_names")
    attendees = await fix_expected(session, meeting, org)  # R: MTG-07 — and at each vote
    c = counts(meeting, attendees)
    voters = [
        a for a in attendees if a.role is AttendeeRole.expected and a.excluded is None and a.voter
    ]
    if rule is VoteRule.committee:
        voters = [a for a in attendees if a.role is AttendeeRole.expected]
    tally = rules.Tally(body.yes, body.no, body.abstain, body.invalid)
    written = c.written_opinions if rule is VoteRule.assembly else 0
    try:
        outcome = rules.decide(
            rule, expected=c.expected, present=c.present, tally=tally, written_opinions=written
        )
    except ValueError as exc:
        raise Unprocessable(str(exc), code="vote_numbers") from exc
    emergency = False
    passed = outcome.passed
    if body.emergency:
        # R: MTG-06 — a major decision taken in an emergency by fewer than half of the committee.
        if rule is not VoteRule.committee or outcome.quorum.met:
            raise Unprocessable("紧急决定只适用于到会不足半数的委员会会议", code="emergency_vote")
        if 2 * tally.yes <= c.present:
            raise MajorityNotReached(
                f"到会委员 {c.present} 人，赞成 {tally.yes} 票，未过到会人数半数"
            )
        emergency = passed = True
    elif body.declared == "passed" and not outcome.passed:
        error = QuorumNotMet if outcome.code == rules.QUORUM_NOT_MET else MajorityNotReached
        raise error(outcome.message)
    elif body.declared == "failed" and outcome.passed:
        raise Conflict(f"{outcome.message}：按票数已通过，不能记为未通过", code="declared_mismatch")
    voted_ids = body.voted_attendee_ids
    if voted_ids is None:
        voted_ids = [a.id for a in voters if a.attendance is Attendance.present]
    elif not set(voted_ids) <= {a.id for a in voters}:
        raise Unprocessable("已投票者须是本次会议的表决权人", code="voted_attendees")
    resolution = Resolution(
        meeting_id=meeting.id,
        organization_id=org.id,
        title=body.title,
        candidate=body.candidate,
        rule=rule,
        secret=body.secret,
        yes=tally.yes,
        no=tally.no,
        abstain=tally.abstain,
        invalid=tally.invalid,
        written_opinions=written,
        expected=c.expected,
        present=c.present,
        passed=passed,
        emergency=emergency,
        # the entitled voters, snapshotted as the vote closes
        entitled=[{"attendee_id": a.id, "member_id": a.member_id, "name": a.name} for a in voters],
        voted=sorted(voted_ids),
        names={k: list(v) for k, v in body.names.items()} if body.names else None,
        follow_up=FollowUp.open if passed else None,
    )
    session.add(resolution)
    await session.flush()
    if emergency:
        await carry_emergency_decisions(session, org.id)
    await record(
        session, principal, "meeting.vote", meeting, org,
        after={
            "title": body.title, "candidate": body.candidate, "rule": rule.value,
            "yes": tally.yes, "no": tally.no, "abstain": tally.abstain, "invalid": tally.invalid,
            "expected": c.expected, "present": c.present, "passed": passed, "emergency": emergency,
        },
    )  # fmt: skip
    return await meeting_read(session, principal, meeting, org)


async def carry_emergency_decisions(session: AsyncSession, org_id: int) -> None:
    """R: MTG-06 — an emergency decision is put on the agenda of the next committee meeting
    (one not yet held), once."""
    pending = list(
        await session.scalars(
            select(Resolution)
            .join(Meeting, Meeting.id == Resolution.meeting_id)
            .where(
                Resolution.organization_id == org_id,
                Resolution.emergency.is_(True),
                ~select(AgendaItem.id)
                .where(AgendaItem.from_resolution_id == Resolution.id)
                .exists(),
            )
            .order_by(Resolution.id)
        )
    )
    for r in pending:
        origin = await session.get(Meeting, r.meeting_id)
        assert origin is not None
        target = await session.scalar(
            select(Meeting)
            .where(
                Meeting.organization_id == org_id,
                Meeting.type == MeetingType.committee,
                Meeting.status.in_(CHANGEABLE),
                Meeting.starts_at > origin.starts_at,
                Meeting.id != origin.id,
            )
            .order_by(Meeting.starts_at)
            .limit(1)
        )
        if target is None:
            continue
        session.add(
            AgendaItem(
                meeting_id=target.id,
                title=f"报告紧急决定：{r.title}",
                description=f"{clock.local(origin.starts_at):%Y-%m-%d} 在到会不足半数时作出，"
                "须向本次会议报告",
                status=AgendaStatus.accepted,
                proposed_by="系统（MTG-06）",
                decided_by="系统（MTG-06）",
                position=0,
                from_resolution_id=r.id,
            )
        )
    await session.flush()


# ---------------------------------------------------------------- follow-up (MTG-10)


async def list_resolutions(
    session: AsyncSession,
    principal: Principal,
    *,
    org_id: int | None,
    follow_up: FollowUp | None,
    overdue: bool,
    mine: bool,
    today: date,
) -> list[ResolutionRead]:
    stmt = (
        select(Resolution)
        .join(Organization, Organization.id == Resolution.organization_id)
        .where(Resolution.passed.is_(True))
    )
    if mine:
        if principal.user is None:
            return []
        stmt = stmt.where(Resolution.owner_user_id == principal.user.id)
    else:
        stmt = stmt.where(principal.readable(Organization.path, Cap.meeting_read))
    if org_id is not None:
        org = await visible_organization(session, principal, org_id, Cap.meeting_read)
        stmt = stmt.where(subtree(Organization.path, org))
    if follow_up is not None:
        stmt = stmt.where(Resolution.follow_up == follow_up)
    if overdue:
        stmt = stmt.where(
            Resolution.due_on < today,
            Resolution.follow_up.in_((FollowUp.open, FollowUp.in_progress)),
        )
    rows = await session.scalars(stmt.order_by(Resolution.due_on, Resolution.id).limit(500))
    return [resolution_read(r, today) for r in rows]


async def update_follow_up(
    session: AsyncSession,
    principal: Principal,
    resolution_id: int,
    body: FollowUpUpdate,
    today: date,
) -> ResolutionRead:
    row = (
        await session.execute(
            select(Resolution, Organization)
            .join(Organization, Organization.id == Resolution.organization_id)
            .where(
                Resolution.id == resolution_id,
                principal.readable(Organization.path, Cap.meeting_read),
            )
        )
    ).first()
    if row is None:
        raise NotFound()
    r, org = row[0], row[1]
    meeting = await session.get(Meeting, r.meeting_id)
    assert meeting is not None
    owner = principal.user is not None and r.owner_user_id == principal.user.id
    if not (can_manage(principal, meeting.type, org.path) or owner):
        raise Forbidden()
    if not r.passed:
        raise Conflict("未通过的表决事项无须落实", code="not_passed")
    changes = body.model_dump(exclude_unset=True)
    if changes.get("follow_up") is FollowUp.verified and not changes.get(
        "verified_meeting_id", r.verified_meeting_id
    ):
        raise Unprocessable("核实落实情况须注明在哪次会议上核实", code="verified_meeting")
    if (vm := changes.get("verified_meeting_id")) is not None:
        await _load(session, principal, vm)
    if (uid := changes.get("owner_user_id")) is not None:
        user = await session.get(User, uid)
        if user is None:
            raise NotFound("找不到责任人账号")
    before = {k: getattr(r, k) for k in changes}
    for key, value in changes.items():
        setattr(r, key, value)
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="resolution.follow_up",
        entity="resolution",
        entity_id=r.id,
        organization_path=org.path,
        before=_plain({k: v.isoformat() if isinstance(v, date) else v for k, v in before.items()}),
        after=_plain({k: v.isoformat() if isinstance(v, date) else v for k, v in changes.items()}),
    )
    return resolution_read(r, today)
