"""Pure roster rules: status from events, Party standing, dates the work needs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dangjian.members.enums import EventType
from dangjian.models.enums import MemberStatus
from dangjian.organizations.rules import add_months, add_years

E = EventType

# R: MEM-02, MEM-09 — what each event makes of the member's status.
EVENT_STATUS: dict[EventType, MemberStatus] = {
    E.joined_development: MemberStatus.normal,
    E.transfer_in: MemberStatus.normal,
    E.restoration: MemberStatus.normal,
    E.readmission: MemberStatus.normal,
    E.transfer_out: MemberStatus.transferred_out,
    E.death: MemberStatus.deceased,
    E.expulsion: MemberStatus.expelled,
    E.removal: MemberStatus.removed,
    E.withdrawal: MemberStatus.removed,
    E.cancelled_probation: MemberStatus.removed,
    E.stop_membership: MemberStatus.stopped,
    E.suspension: MemberStatus.suspended,
    E.suspension_end: MemberStatus.normal,
    E.party_probation: MemberStatus.probation,
    E.lost_contact: MemberStatus.lost_contact,
    E.contact_restored: MemberStatus.normal,
}

# Statuses of members who are on the roster (MEM-06: the deceased leave all counts).
ON_ROSTER: frozenset[MemberStatus] = frozenset(
    {MemberStatus.normal, MemberStatus.suspended, MemberStatus.probation, MemberStatus.lost_contact}
)


@dataclass(frozen=True)
class EventFact:
    type: EventType
    on: date
    ends_on: date | None = None
    sequence: int = 0


def derive_status(events: Iterable[EventFact], today: date) -> MemberStatus:
    """R: MEM-02 — the current status is the effect of the latest event up to today; 留党察看
    ends by itself at its end date (MEM-07). No events: a normal member."""
    status = MemberStatus.normal
    for event in sorted(events, key=lambda e: (e.on, e.sequence)):
        if event.on > today:
            break
        status = EVENT_STATUS[event.type]
        if event.type is E.party_probation and event.ends_on is not None and event.ends_on <= today:
            status = MemberStatus.normal
    return status


# R: MEM-09 — events that bring a member onto this roster. When a member's first recorded event
# is one of them, the member was not on the roster before it.
JOINING: frozenset[EventType] = frozenset(
    {E.joined_development, E.transfer_in, E.restoration, E.readmission}
)
# Events after which the member is on the roster (with whatever status).
TO_ROSTER: frozenset[EventType] = frozenset(t for t, s in EVENT_STATUS.items() if s in ON_ROSTER)


def status_on(
    events: Iterable[EventFact], day: date, stored: MemberStatus = MemberStatus.normal
) -> MemberStatus | None:
    """R: MEM-02, MEM-06 — the status on `day` from the events dated up to it (later events never
    change it); None: not yet on this roster (the first event, later, brings the member in). A
    member without any event has the status stored on the record (as `roster` in SQL)."""
    ordered = sorted(events, key=lambda e: (e.on, e.sequence))
    if not ordered:
        return stored
    if not any(e.on <= day for e in ordered):
        return None if ordered and ordered[0].type in JOINING else MemberStatus.normal
    return derive_status(ordered, day)


def on_roster_during(
    events: Iterable[EventFact],
    joined_on: date | None,
    first: date,
    last: date,
    stored: MemberStatus = MemberStatus.normal,
) -> bool:
    """R: MEM-06, DUES-04, DUES-10 — on the roster on at least one day of [first, last], as it
    stood then: admitted by `last`, and on the roster on `first` or brought onto it by an event
    inside the range. `members.roster.on_roster_during` is the same rule in SQL."""
    if joined_on is not None and joined_on > last:
        return False
    events = list(events)
    status = status_on(events, first, stored)
    if status is not None and status in ON_ROSTER:
        return True
    return any(first < e.on <= last and e.type in TO_ROSTER for e in events)


def formal_on(kind_is_formal: bool, converted_on: date | None, day: date) -> bool:
    """A formal member on `day`: formal now and converted by then (MEM-02, DEV-12)."""
    return kind_is_formal and (converted_on is None or converted_on <= day)


def party_standing_years(converted_on: date | None, correction_months: int, today: date) -> int:
    """党龄: whole years since conversion to formal membership, plus a correction (national.md
    §3.1 党龄校正值, in months). Probationary members have none."""
    if converted_on is None:
        return 0
    months = (today.year - converted_on.year) * 12 + today.month - converted_on.month
    if today.day < converted_on.day:
        months -= 1
    return max(0, (months + correction_months) // 12)


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def current_status(
    stored: MemberStatus, probation_ends_on: date | None, today: date
) -> MemberStatus:
    """R: DISC-03, MEM-07 — the stored status as of today: 留党察看 ends by itself on its end
    date, whether or not a later event has been recorded since."""
    if stored is MemberStatus.probation and probation_ends_on and probation_ends_on <= today:
        return MemberStatus.normal
    return stored


# R: MEM-08 — lost contact ≥ 6 months → 停止党籍 (a branch decision); still unreachable 2 years
# after 停止党籍 → 自行脱党. Before the stop is recorded, the second date is a projection from the
# earliest possible stop.
def lost_contact_deadlines(since: date, stopped_on: date | None = None) -> tuple[date, date]:
    stop = add_months(since, 6)
    if stopped_on is not None and stopped_on >= since:
        return stop, add_years(stopped_on, 2)
    return stop, add_years(stop, 2)


# R: DISC-03 — 留党察看 lasts one or two years.
def probation_term_ok(starts_on: date, ends_on: date) -> bool:
    return ends_on in (add_years(starts_on, 1), add_years(starts_on, 2))


# R: DISC-03, DISC-04 — 留党察看 and organisational handling (除名) do not apply to probationary
# members (their probation is cancelled instead); nor does 开除党籍 (Party discipline rules: a
# sanction above 撤销党内职务 cancels the probation).
NOT_FOR_PROBATIONARY: frozenset[EventType] = frozenset({E.party_probation, E.removal, E.expulsion})


def lost_since_on(events: Iterable[EventFact], on: date) -> date | None:
    """R: MEM-08 — the start of the loss of contact in force on `on` (None: not lost then)."""
    since: date | None = None
    for event in sorted(events, key=lambda e: (e.on, e.sequence)):
        if event.on > on:
            break
        if event.type is E.lost_contact:
            since = since or event.on
        elif event.type is not E.stop_membership:
            since = None
    return since


def conversion_due(joined_on: date) -> date:
    """A probationary member's one-year probation ends on the anniversary of admission."""
    return add_years(joined_on, 1)


# Age bands of the Party statistics (national.md §3.4).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("≤30", 0, 30), ("31–35", 31, 35), ("36–40", 36, 40), ("41–45", 41, 45), ("46–50", 46, 50),
    ("51–55", 51, 55), ("56–60", 56, 60), ("≥61", 61, 200),
)  # fmt: skip

# 入党时间段 (national.md §3.4): boundaries are the founding of the PRC, the Third Plenum of the
# 11th Central Committee (1978-12-18) and the 18th Party Congress (2012-11-08).
JOINING_PERIODS: tuple[tuple[str, date | None, date | None], ...] = (
    ("新中国成立前", None, date(1949, 10, 1)),
    ("新中国成立后至党的十一届三中全会前", date(1949, 10, 1), date(1978, 12, 18)),
    ("党的十一届三中全会后至党的十八大前", date(1978, 12, 18), date(2012, 11, 8)),
    ("党的十八大以来", date(2012, 11, 8), None),
)
