"""Pure rules for organisations (no database)."""

from __future__ import annotations

import calendar
from datetime import date
from enum import StrEnum

from dangjian.models.enums import OrgCategory, OrgKind, PostKind

# R: ORG-01 — which kind of organisation may stand under which.
ALLOWED_CHILDREN: dict[OrgKind, frozenset[OrgKind]] = {
    OrgKind.street: frozenset({OrgKind.community, OrgKind.resident_unit, OrgKind.home_unit}),
    OrgKind.community: frozenset(
        {OrgKind.general_branch, OrgKind.branch, OrgKind.group, OrgKind.resident_unit}
    ),
    OrgKind.general_branch: frozenset({OrgKind.branch}),
    OrgKind.branch: frozenset({OrgKind.group}),
    OrgKind.group: frozenset(),
    OrgKind.resident_unit: frozenset({OrgKind.branch}),
    OrgKind.home_unit: frozenset({OrgKind.branch}),
}
ROOT_KINDS = frozenset({OrgKind.street, OrgKind.home_unit, OrgKind.resident_unit})


def may_stand_under(child: OrgKind, parent: OrgKind | None) -> bool:
    if parent is None:
        return child in ROOT_KINDS
    return child in ALLOWED_CHILDREN[parent]


# R: ORG-05 — where each post is held.
def post_allowed_at(post: PostKind, org_kind: OrgKind) -> bool:
    if post is PostKind.group_leader:
        return org_kind is OrgKind.group
    if post is PostKind.street_staff:
        return org_kind is OrgKind.street
    return org_kind is not OrgKind.group


# R: ORG-04 — default term: 5 years for community (社区) 党委/总支/支部, the street's committee
# and any 基层党委; 3 years for 支部/总支 of ordinary units (resident units, home units).
def default_term_years(category: OrgCategory | None, *, in_unit: bool) -> int:
    if not in_unit or category is OrgCategory.party_committee:
        return 5
    return 3


def add_years(start: date, years: int) -> date:
    """Anniversary `years` later, clamped to month end (29 Feb → 28 Feb)."""
    year = start.year + years
    day = min(start.day, calendar.monthrange(year, start.month)[1])
    return date(year, start.month, day)


def add_months(start: date, months: int) -> date:
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


class TermStatus(StrEnum):
    ok = "ok"
    due_soon = "due_soon"
    overdue = "overdue"


# R: ORG-04 — a to-do 6 months before 换届 and when overdue.
TERM_WARNING_MONTHS = 6


def term_status(ends_on: date, today: date) -> TermStatus:
    if today > ends_on:
        return TermStatus.overdue
    if today >= add_months(ends_on, -TERM_WARNING_MONTHS):
        return TermStatus.due_soon
    return TermStatus.ok
