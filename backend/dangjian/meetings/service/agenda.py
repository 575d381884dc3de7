"""Agenda (MTG-04) and votes (MTG-05/06/07/07a)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import Principal
from dangjian.core import clock
from dangjian.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from dangjian.meetings import rules
from dangjian.meetings.schemas import (
    AgendaCreate,
    AgendaDecision,
    MeetingRead,
    ResolutionCreate,
)
from dangjian.meetings.service.attendance import _committee, fix_expected
from dangjian.meetings.service.common import (
    CHANGEABLE,
    IN_SESSION,
    MajorityNotReached,
    QuorumNotMet,
    _load,
    _require_state,
    can_manage,
    counts,
    managed,
    record,
    vote_rule,
)
from dangjian.meetings.service.reads import _changed, meeting_read
from dangjian.models import (
    AgendaItem,
    Meeting,
    Resolution,
)
from dangjian.models.enums import (
    AgendaStatus,
    Attendance,
    AttendeeRole,
    FollowUp,
    MeetingType,
    VoteRule,
)

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
    # an open vote (举手) unless asked otherwise; an election by secret ballot (MTG-07a)
    secret = body.secret if body.secret is not None else rule is VoteRule.election
    if secret and body.names:
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
        secret=secret,
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
                # R: MTG-06 — the system puts the emergency report on the agenda
                proposed_by="系统",
                decided_by="系统",
                position=0,
                from_resolution_id=r.id,
            )
        )
    await session.flush()
