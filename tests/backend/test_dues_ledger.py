"""The dues ledger computed in Python (dues/ledger.py), without a database: what is due, paid and
owed per month at the edges of DUES-01/03/04/06/08."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from dangjian.core.calendar import month_index
from dangjian.dues import ledger
from dangjian.dues.enums import MonthState
from dangjian.dues.ledger import Exemption, MemberFacts, arrears, due_in, month_cells, year_basis
from dangjian.models import DuesBasis
from dangjian.models.enums import DuesCategory, ExemptionKind

_ids = itertools.count(1)
D = Decimal


def m(year: int, month: int) -> int:
    return month_index(year, month)


def basis(year: int, month: int, amount: str) -> DuesBasis:
    return DuesBasis(
        id=next(_ids),
        member_id=1,
        category=DuesCategory.salaried,
        monthly_amount=D(amount),
        effective_from=date(year, month, 1),
        recorded_by="测试",
    )


def states(facts: MemberFacts, first: int, last: int, current: int) -> list[MonthState]:
    return [c.state for c in month_cells(facts, range(first, last + 1), current)]


def test_dues04_dues_start_with_the_admission_month_even_mid_month() -> None:
    """Admitted by the branch assembly on 15 March: February is not due, March is in full."""
    facts = MemberFacts(joined_on=date(2026, 3, 15), bases=[basis(2026, 1, "15.00")])
    assert due_in(facts, m(2026, 2)) == (None, MonthState.not_member)
    assert due_in(facts, m(2026, 3)) == (D("15.00"), None)
    cells = month_cells(facts, range(m(2026, 1), m(2026, 5)), current=m(2026, 6))
    assert [c.state for c in cells] == [
        MonthState.not_member,
        MonthState.not_member,
        MonthState.unpaid,
        MonthState.unpaid,
    ]
    assert [c.balance for c in cells] == [D(0), D(0), D("15.00"), D("15.00")]
    # a month before admission owes nothing even if the basis was recorded earlier
    assert cells[0].due is None and cells[0].read().due is None


def test_dues01_no_basis_no_due() -> None:
    facts = MemberFacts(joined_on=date(2001, 7, 1), bases=[basis(2026, 4, "20.00")])
    assert due_in(facts, m(2026, 3)) == (None, MonthState.no_basis)
    assert due_in(facts, m(2026, 4)) == (D("20.00"), None)
    assert arrears(MemberFacts(joined_on=date(2001, 7, 1)), m(2026, 6)) == ledger.Arrears(
        0, D(0), None, 0
    )


def test_dues03_exemption_zeroes_and_reduction_replaces_only_their_months() -> None:
    facts = MemberFacts(
        joined_on=date(2001, 7, 1),
        bases=[basis(2025, 1, "30.00")],
        exemptions=[
            Exemption(ExemptionKind.exempt, None, m(2026, 2), m(2026, 3)),
            Exemption(ExemptionKind.reduce, D("5.00"), m(2026, 5), m(2026, 6)),
        ],
    )
    cells = month_cells(facts, range(m(2026, 1), m(2026, 8)), current=m(2026, 12))
    assert [(c.due, c.state) for c in cells] == [
        (D("30.00"), MonthState.unpaid),
        (D("0.00"), MonthState.exempt),
        (D("0.00"), MonthState.exempt),
        (D("30.00"), MonthState.unpaid),
        (D("5.00"), MonthState.unpaid),
        (D("5.00"), MonthState.unpaid),
        (D("30.00"), MonthState.unpaid),
    ]
    assert cells[1].read().state_label == "免交" and cells[1].balance == 0
    # a reduced month is paid with the reduced amount
    facts.paid[m(2026, 5)] = D("5.00")
    assert month_cells(facts, [m(2026, 5)], m(2026, 12))[0].state is MonthState.paid


def test_dues01_basis_change_mid_year_monthly_mode_applies_from_its_month() -> None:
    facts = MemberFacts(
        joined_on=date(2001, 7, 1), bases=[basis(2025, 6, "15.00"), basis(2026, 6, "45.00")]
    )
    dues = [due_in(facts, i)[0] for i in range(m(2026, 4), m(2026, 9))]
    assert dues == [D("15.00"), D("15.00"), D("45.00"), D("45.00"), D("45.00")]


def test_dues01_annual_fixed_mode_keeps_the_january_amount_all_year() -> None:
    bases = [basis(2025, 6, "15.00"), basis(2026, 6, "45.00")]
    facts = MemberFacts(joined_on=date(2001, 7, 1), bases=bases, annual=True)
    assert [due_in(facts, i)[0] for i in range(m(2026, 1), m(2027, 1))] == [D("15.00")] * 12
    # the new amount starts with next year's assessment
    assert due_in(facts, m(2027, 1))[0] == D("45.00")
    assert year_basis(bases, m(2026, 12)) is bases[0]
    assert year_basis(bases, m(2027, 3)) is bases[1]


def test_dues01_annual_fixed_mode_for_a_member_whose_first_basis_starts_within_the_year() -> None:
    bases = [basis(2026, 3, "10.00"), basis(2026, 8, "40.00")]
    facts = MemberFacts(joined_on=date(2026, 3, 10), bases=bases, annual=True)
    assert due_in(facts, m(2026, 2)) == (None, MonthState.not_member)
    assert [due_in(facts, i)[0] for i in range(m(2026, 3), m(2027, 1))] == [D("10.00")] * 10
    assert year_basis(bases, m(2026, 2)) is None
    assert due_in(facts, m(2027, 1))[0] == D("40.00")


def test_dues01_a_mode_set_mid_year_applies_from_its_month_only() -> None:
    """The mode is judged month by month: set to annual-fixed from August, the months before
    keep the monthly amounts that were due then; from August on, January's amount applies."""
    bases = [basis(2025, 6, "15.00"), basis(2026, 4, "45.00")]
    facts = MemberFacts(joined_on=date(2001, 7, 1), bases=bases, annual=((m(2026, 8), True),))
    dues = [due_in(facts, i)[0] for i in range(m(2026, 1), m(2027, 1))]
    assert dues == [D("15.00")] * 3 + [D("45.00")] * 4 + [D("15.00")] * 5
    assert not facts.annual_in(m(2026, 7)) and facts.annual_in(m(2026, 8))
    # and back to monthly from next March
    facts.annual = ((m(2026, 8), True), (m(2027, 3), False))
    assert facts.annual_in(m(2027, 2)) and not facts.annual_in(m(2027, 3))
    assert due_in(facts, m(2027, 2))[0] == D("45.00")  # January 2027's basis
    assert due_in(facts, m(2027, 3))[0] == D("45.00")


def test_dues06_quarterly_advance_and_partial_payments() -> None:
    facts = MemberFacts(joined_on=date(2001, 7, 1), bases=[basis(2025, 1, "15.00")])
    now = m(2026, 5)
    # a quarter paid at once (April to June): June, still to come, is paid too
    for i in (m(2026, 4), m(2026, 5), m(2026, 6)):
        facts.paid[i] = D("15.00")
    # paid in advance (before going abroad): August and September
    facts.paid[m(2026, 8)] = D("15.00")
    facts.paid[m(2026, 9)] = D("15.00")
    # March partly paid
    facts.paid[m(2026, 3)] = D("5.00")
    cells = month_cells(facts, range(m(2026, 1), m(2026, 11)), now)
    assert [c.state for c in cells] == [
        MonthState.unpaid,
        MonthState.unpaid,
        MonthState.partial,
        MonthState.paid,
        MonthState.paid,
        MonthState.paid,
        MonthState.upcoming,
        MonthState.paid,
        MonthState.paid,
        MonthState.upcoming,
    ]
    assert cells[2].balance == D("10.00") and cells[2].read().balance == "10.00"
    assert cells[6].balance == D("15.00")  # upcoming still shows what will be due
    # a reversed payment nets to zero: the month is unpaid again
    facts.paid[m(2026, 4)] = D("0.00")
    assert month_cells(facts, [m(2026, 4)], now)[0].state is MonthState.unpaid


def test_dues08_arrears_count_to_the_previous_month() -> None:
    """The current month can still be paid: arrears are counted up to last month."""
    facts = MemberFacts(joined_on=date(2001, 7, 1), bases=[basis(2026, 1, "15.00")])
    a = arrears(facts, m(2026, 5))
    assert a == ledger.Arrears(
        owed_months=4,
        owed_amount=D("60.00"),
        first_owed=m(2026, 1),
        consecutive=4,
        months=tuple(m(2026, k) for k in range(1, 5)),
    )
    facts.paid[m(2026, 4)] = D("15.00")
    a = arrears(facts, m(2026, 5))
    # R: DUES-08 — last month paid: January–March are still a run of three
    assert (a.owed_months, a.consecutive) == (3, 3)
    facts.paid[m(2026, 5)] = D("15.00")  # paying the current month changes nothing
    assert arrears(facts, m(2026, 5)).owed_months == 3


def test_dues08_an_exempt_month_breaks_the_run_of_unpaid_months() -> None:
    facts = MemberFacts(
        joined_on=date(2001, 7, 1),
        bases=[basis(2025, 10, "15.00")],
        exemptions=[Exemption(ExemptionKind.exempt, None, m(2026, 2), m(2026, 2))],
    )
    a = arrears(facts, m(2026, 7))
    # Oct–Jan and Mar–Jun unpaid; February exempt
    assert a.owed_months == 8 and a.owed_amount == D("120.00")
    assert a.consecutive == 4 and a.first_owed == m(2025, 10)


def test_dues08_a_partly_paid_month_is_owed_but_breaks_the_run() -> None:
    facts = MemberFacts(joined_on=date(2001, 7, 1), bases=[basis(2025, 10, "15.00")])
    facts.paid[m(2026, 3)] = D("5.00")
    a = arrears(facts, m(2026, 7))
    assert a.owed_months == 9
    assert a.owed_amount == D("130.00")  # 8 × 15 + the 10 still owed for March
    assert a.consecutive == 5  # October–February, the longest run still unpaid


def test_dues04_arrears_start_with_admission_not_with_an_earlier_basis() -> None:
    facts = MemberFacts(joined_on=date(2026, 4, 20), bases=[basis(2026, 1, "15.00")])
    a = arrears(facts, m(2026, 7))
    assert (a.owed_months, a.first_owed, a.consecutive) == (3, m(2026, 4), 3)


def test_dues10_totals_by_month_sum_the_cells() -> None:
    one = MemberFacts(joined_on=date(2001, 7, 1), bases=[basis(2026, 1, "15.00")])
    one.paid[m(2026, 1)] = D("15.00")
    two = MemberFacts(joined_on=date(2026, 2, 1), bases=[basis(2026, 2, "30.00")])
    two.paid[m(2026, 2)] = D("10.00")
    rows = [month_cells(f, range(m(2026, 1), m(2026, 3)), m(2026, 6)) for f in (one, two)]
    totals = ledger.totals_by_month(rows)
    assert totals[m(2026, 1)] == (D("15.00"), D("15.00"), D("0.00"))
    assert totals[m(2026, 2)] == (D("45.00"), D("10.00"), D("35.00"))
