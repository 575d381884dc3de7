"""MTG-02, MTG-03 — meetings held against the work-system policy, per organisation of a subtree
and type of meeting: required, held, short notice and a colour.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import is_within, subtree
from dangjian.authz.principal import Principal
from dangjian.compliance.schemas import (
    Colour,
    ColourTotals,
    MeetingCompliance,
    MeetingComplianceRow,
)
from dangjian.compliance.service.common import _held_meeting, _path_key, _period, _stats_org, within
from dangjian.compliance.service.periods import (
    Regime,
    Window,
    colour,
    counted_periods,
    policy_periods,
    window_of,
)
from dangjian.meetings.enums import HELD_BY, MEETING_TYPE_LABELS
from dangjian.members import roster
from dangjian.models import Meeting, Member, Organization
from dangjian.models.enums import MeetingType, OrgKind
from dangjian.policies.params import PERIOD_LABELS
from dangjian.policies.service import history

# R: ORG-03 — a branch with at least this many formal members has a committee (支部委员会);
# with fewer the secretary alone leads it and no 支委会 is required (MTG-02).
COMMITTEE_MIN_FORMAL = 7


def required_of(kind: OrgKind, has_committee: bool) -> list[MeetingType]:
    """R: MTG-02 × ORG-03 — the meeting types whose frequency an organisation is judged by.

    Those its level holds (HELD_BY), except: a 支部党员大会 is the branch's (and a 总支's)
    assembly, not the community Party committee's; and a branch without a committee (fewer than
    `COMMITTEE_MIN_FORMAL` formal members) holds no 支部委员会."""
    types = [t for t in MeetingType if kind in HELD_BY[t]]
    if kind is OrgKind.community:
        types.remove(MeetingType.branch_assembly)
    if kind is OrgKind.branch and not has_committee:
        types.remove(MeetingType.committee)
    return types


def frequency_key(meeting_type: MeetingType) -> str:
    return f"meetings.frequency.{meeting_type.value}"


# ---------------------------------------------------------------- MTG-02 meetings held


async def meeting_compliance(
    session: AsyncSession, principal: Principal, org_id: int, period: str | None, today: date
) -> MeetingCompliance:
    """R: MTG-02, MTG-03 — for each organisation of the subtree and each type of meeting its
    level holds with a policy count > 0: required, held, short notice and a colour.

    Each policy period judged in the report period is judged by the value in force on its first
    day (`policy_periods`), and required is the sum of their counts: a change made later does not
    rewrite a past verdict, and a value set ahead (effective from a later date) judges the periods
    that begin on or after its date. The policy history of the whole subtree is read at once."""
    org = await _stats_org(session, principal, org_id)
    report = _period(period, today)
    in_subtree = and_(
        subtree(Organization.path, org),
        principal.readable(Organization.path, Cap.stats_export),
    )
    holding_kinds = {kind for kinds in HELD_BY.values() for kind in kinds}
    orgs = (
        await session.scalars(
            select(Organization).where(in_subtree, Organization.kind.in_(list(holding_kinds)))
        )
    ).all()

    # R: ORG-03 — a branch has a committee by its formal members on the roster as it stood at
    # the end of the report period (today while it runs)
    branches = [o for o in orgs if o.kind is OrgKind.branch]
    formal = await _formal_members(session, branches, min(report.ends_on, today))
    policies = await history(session, orgs, [frequency_key(t) for t in MeetingType])
    # (organisation, type, regime shown, required, window) for every requirement in force
    wanted: list[tuple[Organization, MeetingType, Regime, int, Window]] = []
    for o in sorted(orgs, key=lambda o: _path_key(o.path)):
        for t in required_of(o.kind, formal.get(o.id, 0) >= COMMITTEE_MIN_FORMAL):

            def regime_on(day: date, path: str = o.path, key: str = frequency_key(t)) -> Regime:
                return Regime.of(policies.value_on(path, key, day))

            periods = policy_periods(regime_on, report.first_month, report.last_month)
            counted = counted_periods(periods, report)
            required = sum(p.regime.count for p in counted)
            # shown: the regime of the window's last period (the last period walked when none
            # ends inside the report period: it contains the report's last month)
            shown = (counted or periods)[-1].regime
            if required > 0 or shown.count > 0:
                wanted.append((o, t, shown, required, window_of(counted, report)))

    counts = await _held_counts(session, in_subtree, [w for *_, w in wanted])
    rows: list[MeetingComplianceRow] = []
    for o, t, shown, required, window in wanted:
        held, short = counts.get((o.id, t, window), (0, 0))
        rows.append(
            MeetingComplianceRow(
                organization_id=o.id,
                organization_name=o.name,
                organization_path=o.path,
                type=t,
                type_label=MEETING_TYPE_LABELS[t],
                count=shown.count,
                per=shown.per,
                per_label=PERIOD_LABELS[shown.per],
                required=required,
                held=held,
                short_notice=short,
                counted_from=window.starts_on,
                counted_to=window.ends_on,
                colour=colour(required, held, window, today),
            )
        )
    tally = Counter(r.colour for r in rows)
    return MeetingCompliance(
        org_id=org.id,
        period=report.label,
        starts_on=report.starts_on,
        ends_on=report.ends_on,
        policy_on=report.ends_on,
        rows=rows,
        totals=ColourTotals(
            green=tally[Colour.green], amber=tally[Colour.amber], red=tally[Colour.red]
        ),
    )


async def _formal_members(
    session: AsyncSession, branches: list[Organization], on: date
) -> dict[int, int]:
    """R: ORG-03 — formal members on the roster of each branch (its groups included) on `on`,
    as the roster stood then (MEM-06), from one aggregate per organisation of the subtrees."""
    if not branches:
        return {}
    under = or_(*(subtree(Organization.path, b) for b in branches))
    stmt = (
        select(Organization.path, func.count(Member.id))
        .join(Member, Member.organization_id == Organization.id)
        .where(
            under,
            roster.formal_on(on),
            roster.on_roster_on(on),
        )
        .group_by(Organization.path)
    )
    by_path = [(path, int(n)) for path, n in (await session.execute(stmt)).all()]
    return {b.id: sum(n for path, n in by_path if is_within(path, b)) for b in branches}


async def _held_counts(
    session: AsyncSession, in_subtree: ColumnElement[bool], windows: Iterable[Window]
) -> dict[tuple[int, MeetingType, Window], tuple[int, int]]:
    """One aggregate: held meetings and those among them with short notice, GROUP BY
    organisation and type, one pair of conditional sums per distinct counting window (a few: one
    per kind of policy period, and one per mix of kinds where a unit changed in the year)."""
    distinct = sorted(set(windows), key=lambda w: (w.starts_on, w.ends_on))
    if not distinct:
        return {}
    columns: list[Any] = []
    for i, w in enumerate(distinct):
        inside = within(Meeting.starts_at, w.starts_on, w.ends_on)
        columns.append(func.sum(case((inside, 1), else_=0)).label(f"held_{i}"))
        short = and_(inside, Meeting.notice_short.is_(True))
        columns.append(func.sum(case((short, 1), else_=0)).label(f"short_{i}"))
    first = min(w.starts_on for w in distinct)
    last = max(w.ends_on for w in distinct)
    stmt = (
        select(Meeting.organization_id, Meeting.type, func.count().label("n"), *columns)
        .join(Organization, Organization.id == Meeting.organization_id)
        .where(in_subtree, _held_meeting(), within(Meeting.starts_at, first, last))
        .group_by(Meeting.organization_id, Meeting.type)
    )
    out: dict[tuple[int, MeetingType, Window], tuple[int, int]] = {}
    for row in (await session.execute(stmt)).all():
        for i, w in enumerate(distinct):
            held, short = row[3 + 2 * i], row[4 + 2 * i]
            out[(row[0], MeetingType(row[1]), w)] = (int(held or 0), int(short or 0))
    return out
