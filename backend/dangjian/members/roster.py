"""The roster as it stood on a day, in SQL (MEM-02, MEM-06, DUES-10).

Every count over a past period asks who was on the roster *then*: the status follows from the
dated member events, never from the status stored today, so recording a death or a transfer
later does not change a past report. `members.rules.on_roster_during` is the same rule in
Python (the per-member ledgers); the tests hold the two equal.

Most members have no event after the day asked about: for them the stored status (derived from
all their events) is the status of that day, and only the others pay for the correlated look-ups.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, or_, select

from dangjian.members import rules
from dangjian.models import Member, MemberEvent
from dangjian.models.enums import MemberKind

_ON_ROSTER = [s.value for s in rules.ON_ROSTER]
_JOINING = [t.value for t in rules.JOINING]
_TO_ROSTER = [t.value for t in rules.TO_ROSTER]


def _latest_type_by(day: date) -> Any:
    """The type of the member's latest event dated on or before `day` (NULL: none)."""
    return (
        select(MemberEvent.type)
        .where(MemberEvent.member_id == Member.id, MemberEvent.occurred_on <= day)
        .order_by(MemberEvent.occurred_on.desc(), MemberEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _first_type() -> Any:
    return (
        select(MemberEvent.type)
        .where(MemberEvent.member_id == Member.id)
        .order_by(MemberEvent.occurred_on, MemberEvent.id)
        .limit(1)
        .scalar_subquery()
    )


def on_roster_during(first: date, last: date) -> ColumnElement[bool]:
    """R: MEM-06, DUES-04, DUES-10 — the member was on the roster on at least one day of
    [first, last]: admitted by `last`, and on the roster on `first` (from the events dated up
    to it) or brought onto it by an event inside the range."""
    latest = _latest_type_by(first)
    on_first = case(
        (latest.is_(None), _first_type().not_in(_JOINING)),
        else_=latest.in_(_TO_ROSTER),
    )
    entered = exists().where(
        MemberEvent.member_id == Member.id,
        MemberEvent.occurred_on > first,
        MemberEvent.occurred_on <= last,
        MemberEvent.type.in_(_TO_ROSTER),
    )
    changed_since = select(MemberEvent.member_id).where(MemberEvent.occurred_on > first)
    as_then = case(
        (Member.id.in_(changed_since), or_(on_first, entered)),
        else_=Member.status.in_(_ON_ROSTER),
    )
    admitted = or_(Member.joined_on.is_(None), Member.joined_on <= last)
    return and_(admitted, as_then)


def on_roster_on(day: date) -> ColumnElement[bool]:
    """R: MEM-02, MEM-06 — on the roster on `day`, as it stood then."""
    return on_roster_during(day, day)


def formal_on(day: date) -> ColumnElement[bool]:
    """A formal member on `day`: formal now and converted by then (MEM-02, DEV-12)."""
    return and_(
        Member.kind == MemberKind.formal,
        or_(Member.converted_on.is_(None), Member.converted_on <= day),
    )
