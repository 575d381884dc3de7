"""The dues ledger: what is due, paid and owed per member per month (DUES-01/03/04/10).

Nothing here is typed in: a month's due comes from the basis (or the year's fixed amount) in
force, zero before the admission month and in approved exemption months; what is paid is the sum
of the payments allocated to the month, reversals included. `month_cells` is pure; the loaders
fetch the facts for a set of members in a few queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.core.calendar import ONE_DAY, index_of, month_label, month_start
from dangjian.dues.enums import MONTH_STATE_LABELS, MonthState
from dangjian.dues.schemas import MonthCell
from dangjian.members.enums import EventType
from dangjian.members.rules import EventFact, on_roster_during
from dangjian.models import (
    DuesBasis,
    DuesExemption,
    DuesPaymentMonth,
    Member,
    MemberEvent,
    Organization,
)
from dangjian.models.enums import ExemptionKind, ExemptionStatus, MemberStatus
from dangjian.policies.params import PARAMS
from dangjian.policies.service import history

ZERO = Decimal("0.00")
MODE_KEY = "dues.mode"
ANNUAL = "annual_fixed"


def money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


@dataclass(frozen=True)
class Exemption:
    kind: ExemptionKind
    monthly_amount: Decimal | None
    first: int  # month indexes, inclusive
    last: int


# The dues mode of an organisation month by month: (first month, annual-fixed?) in order;
# monthly before the first entry. A month is judged by the mode in force on its first day.
Timeline = tuple[tuple[int, bool], ...]


@dataclass
class MemberFacts:
    """What the ledger of one member is computed from."""

    joined_on: date | None
    bases: list[DuesBasis] = field(default_factory=list)
    # The member's dated roster events: a month off this roster owes nothing here (MEM-06).
    events: list[EventFact] = field(default_factory=list)
    status: MemberStatus = MemberStatus.normal  # as stored (members without any event)
    exemptions: list[Exemption] = field(default_factory=list)
    paid: dict[int, Decimal] = field(default_factory=dict)  # month index → net paid
    # The organisation fixes the amount once a year (DUES-01): for every month (a bool) or from
    # the months a timeline says — a mode set later never rewrites the months before it.
    annual: bool | Timeline = False

    def annual_in(self, month: int) -> bool:
        if isinstance(self.annual, bool):
            return self.annual
        value = False
        for first, annual in self.annual:
            if first > month:
                break
            value = annual
        return value


@dataclass(frozen=True)
class Cell:
    month: int
    due: Decimal | None
    paid: Decimal
    state: MonthState

    @property
    def balance(self) -> Decimal:
        return max((self.due or ZERO) - self.paid, ZERO)

    def read(self) -> MonthCell:
        return MonthCell(
            month=month_label(self.month),
            due=None if self.due is None else money(self.due),
            paid=money(self.paid),
            balance=money(self.balance),
            state=self.state,
            state_label=MONTH_STATE_LABELS[self.state],
        )


def basis_in_force(bases: Sequence[DuesBasis], month: int) -> DuesBasis | None:
    """The latest recorded basis among those whose month has begun (DUES-01)."""
    start = month_start(month)
    started = [b for b in bases if b.effective_from <= start]
    return max(started, key=lambda b: (b.effective_from, b.id), default=None)


def year_basis(bases: Sequence[DuesBasis], month: int) -> DuesBasis | None:
    """Annual-fixed mode: the basis in force at the start of the month's year, or — for a member
    whose first basis starts within the year — that first basis (DUES-01, 年初核定)."""
    january = month - (month % 12)
    at_start = basis_in_force(bases, january)
    if at_start is not None:
        return at_start
    within = [b for b in bases if january <= index_of(b.effective_from) <= month]
    return min(within, key=lambda b: (b.effective_from, b.id), default=None)


def due_in(facts: MemberFacts, month: int) -> tuple[Decimal | None, MonthState | None]:
    """The month's due, or None with the reason it cannot be due."""
    if facts.joined_on is not None and month < index_of(facts.joined_on):
        # R: DUES-04 — dues start with the month the branch assembly admitted the member
        return None, MonthState.not_member
    first = month_start(month)
    last = month_start(month + 1) - ONE_DAY
    if not on_roster_during(facts.events, facts.joined_on, first, last, facts.status):
        # R: MEM-06, DUES-10 — a month in which the member was not on this roster at all, as
        # the events dated up to then say (died or left before it, or not yet transferred in)
        return None, MonthState.off_roster
    for ex in facts.exemptions:
        if ex.first <= month <= ex.last:
            # R: DUES-03 — an approved reduction or exemption replaces the amount for its months
            if ex.kind is ExemptionKind.exempt:
                return ZERO, MonthState.exempt
            return ex.monthly_amount or ZERO, None
    if facts.annual_in(month):
        basis = year_basis(facts.bases, month)
    else:
        basis = basis_in_force(facts.bases, month)
    if basis is None:
        return None, MonthState.no_basis
    return basis.monthly_amount, None


def month_cells(facts: MemberFacts, months: Iterable[int], current: int) -> list[Cell]:
    cells = []
    for m in months:
        due, state = due_in(facts, m)
        paid = facts.paid.get(m, ZERO)
        if state is None:
            assert due is not None
            if due == ZERO:
                state = MonthState.exempt
            elif paid >= due:
                state = MonthState.paid
            elif paid > ZERO:
                state = MonthState.partial
            else:
                state = MonthState.unpaid if m <= current else MonthState.upcoming
        cells.append(Cell(m, due, paid, state))
    return cells


@dataclass(frozen=True)
class Arrears:
    owed_months: int  # months before `current` not fully paid
    owed_amount: Decimal
    first_owed: int | None
    # The longest run of wholly unpaid months before `current` that are still unpaid: paying
    # later months never shortens an older run (R: DUES-08, DISC-01).
    consecutive: int
    # The months owed (unpaid or part paid), oldest first — the reminder list names them.
    months: tuple[int, ...] = ()


def unpaid_run(cells: Sequence[Cell]) -> int:
    """R: DUES-08 — the longest run of consecutive, wholly unpaid months among `cells`."""
    best = run = 0
    for c in cells:
        run = run + 1 if c.state is MonthState.unpaid else 0
        best = max(best, run)
    return best


def arrears(facts: MemberFacts, current: int) -> Arrears:
    """R: DUES-08 — counted up to the previous month (the current month can still be paid).

    An exemption month or a month without a basis ends a run of unpaid months; a partly paid
    month counts as owed but ends the run too (something was paid). The consecutive count is
    the longest run still unpaid, wherever it lies: paying months 10–12 while 1–9 stay unpaid
    leaves a run of 9 (a 自行脱党 case for the branch), not 0."""
    starts = [index_of(b.effective_from) for b in facts.bases]
    if not starts:
        return Arrears(0, ZERO, None, 0)
    first = min(starts)
    if facts.joined_on is not None:
        first = max(first, index_of(facts.joined_on))
    cells = month_cells(facts, range(first, current), current)
    owed = [c for c in cells if c.state in (MonthState.unpaid, MonthState.partial)]
    return Arrears(
        owed_months=len(owed),
        owed_amount=sum((c.balance for c in owed), ZERO),
        first_owed=owed[0].month if owed else None,
        consecutive=unpaid_run(cells),
        months=tuple(c.month for c in owed),
    )


# ---------------------------------------------------------------- loading the facts


async def annual_orgs(session: AsyncSession, orgs: Iterable[Organization], on: date) -> set[int]:
    """The organisations among `orgs` whose dues mode on `on` is annual-fixed (inherited from
    the nearest organisation that set it; the default in code otherwise) — one query."""
    orgs = list(orgs)
    modes = await history(session, orgs, [MODE_KEY], until=on)
    return {o.id for o in orgs if modes.value_on(o.path, MODE_KEY, on) == ANNUAL}


async def annual_timelines(
    session: AsyncSession, orgs: Iterable[Organization]
) -> dict[int, Timeline]:
    """R: DUES-01 — each organisation's dues mode month by month: a month is judged by the mode
    in force on its first day, so a mode set today applies from the next month that begins on or
    after its date and the months before keep what was due then (the SQL reports judge the same
    way, `annual_orgs(…, month_start(m))`) — one query."""
    orgs = list(orgs)
    modes = await history(session, orgs, [MODE_KEY])
    out: dict[int, Timeline] = {}
    for o in orgs:
        starts = sorted(
            {
                index_of(start) + (0 if start.day == 1 else 1)
                for start in modes.change_dates(o.path, MODE_KEY)
            }
        )
        default = (0, bool(PARAMS[MODE_KEY].default == ANNUAL))  # before any setting
        changes = [(m, modes.value_on(o.path, MODE_KEY, month_start(m)) == ANNUAL) for m in starts]
        out[o.id] = (default, *changes)
    return out


async def load_facts(
    session: AsyncSession,
    members: Iterable[tuple[int, date | None, bool | Timeline]],
    first: int | None = None,
    last: int | None = None,
) -> dict[int, MemberFacts]:
    """Bases, approved exemptions and paid sums of members given as (id, joined_on, mode);
    paid sums limited to months first..last when given."""
    facts = {mid: MemberFacts(joined_on=joined, annual=annual) for mid, joined, annual in members}
    ids = list(facts)
    if not ids:
        return facts
    for chunk in _chunks(ids):
        for b in await session.scalars(
            select(DuesBasis)
            .where(DuesBasis.member_id.in_(chunk))
            .order_by(DuesBasis.effective_from, DuesBasis.id)
        ):
            facts[b.member_id].bases.append(b)
        for mid, status in await session.execute(
            select(Member.id, Member.status).where(Member.id.in_(chunk))
        ):
            facts[mid].status = status
        for ev in await session.scalars(
            select(MemberEvent)
            .where(MemberEvent.member_id.in_(chunk))
            .order_by(MemberEvent.occurred_on, MemberEvent.id)
        ):
            facts[ev.member_id].events.append(
                EventFact(EventType(ev.type), ev.occurred_on, ev.ends_on, ev.id)
            )
        for e in await session.scalars(
            select(DuesExemption).where(
                DuesExemption.member_id.in_(chunk),
                DuesExemption.status == ExemptionStatus.approved,
            )
        ):
            facts[e.member_id].exemptions.append(
                Exemption(e.kind, e.monthly_amount, index_of(e.first_month), index_of(e.last_month))
            )
        stmt = (
            select(
                DuesPaymentMonth.member_id,
                DuesPaymentMonth.month,
                func.sum(DuesPaymentMonth.amount),
            )
            .where(DuesPaymentMonth.member_id.in_(chunk))
            .group_by(DuesPaymentMonth.member_id, DuesPaymentMonth.month)
        )
        if first is not None:
            stmt = stmt.where(DuesPaymentMonth.month >= month_start(first))
        if last is not None:
            stmt = stmt.where(DuesPaymentMonth.month <= month_start(last))
        for mid, month, total in (await session.execute(stmt)).all():
            facts[mid].paid[index_of(month)] = Decimal(total)
    return facts


def _chunks(ids: list[int], size: int = 5000) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def sum_money(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


def totals_by_month(rows: Iterable[list[Cell]]) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    acc: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for cells in rows:
        for c in cells:
            t = acc[c.month]
            t[0] += c.due or ZERO
            t[1] += c.paid
            t[2] += c.balance
    return {m: (t[0], t[1], t[2]) for m, t in acc.items()}
