"""A meeting's life cycle (MTG-02/03): draft, notify, cancel, hold, minutes, archive."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import Principal
from dangjian.authz.service import visible_organization
from dangjian.core import clock
from dangjian.core.db import utcnow
from dangjian.core.errors import Forbidden, NotFound, Unprocessable
from dangjian.meetings.enums import (
    HELD_BY,
    MEETING_TYPE_LABELS,
)
from dangjian.meetings.schemas import (
    HoldRequest,
    MeetingCreate,
    MeetingRead,
    MeetingUpdate,
    MinutesRead,
    MinutesUpdate,
)
from dangjian.meetings.service.agenda import carry_emergency_decisions
from dangjian.meetings.service.attendance import _invite, fix_expected
from dangjian.meetings.service.common import (
    CHANGEABLE,
    QuorumNotMet,
    _attendees,
    _audit_meeting,
    _late_record,
    _load,
    _local,
    _not_in_future,
    _require_state,
    can_manage,
    managed,
    quorum,
    record,
)
from dangjian.meetings.service.reads import (
    _agenda,
    _attendee_of,
    _changed,
    _minutes,
    may_see_minutes,
    meeting_read,
)
from dangjian.models import (
    Meeting,
    MeetingAttendee,
    Organization,
    Resolution,
)
from dangjian.models.enums import (
    AgendaStatus,
    Attendance,
    AttendeeRole,
    MeetingStatus,
    MeetingType,
    VoteRule,
)
from dangjian.notifications import service as inbox
from dangjian.policies import service as policies

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
