"""How many SQL statements a report sends: a fixed number, whatever the number of organisations
in the subtree (STYLE habit 4: batched `IN` queries, never a query per row). Policies are
resolved for all organisations of a report at once (`policies.service.history` /
`resolve_many`), with MTG-02's sub-period semantics unchanged (test_rules_compliance)."""

from __future__ import annotations

from datetime import timedelta

from conftest import Ctx
from dues_support import API as DUES
from dues_support import member as dues_member
from dues_support import now
from sql_support import statements
from sqlalchemy import func, select
from test_meeting_compliance import TODAY, Att, held_meeting, member, month_shift

from dangjian.members.rules import ON_ROSTER
from dangjian.models import Member, Organization, Post, User
from dangjian.models.enums import Attendance, MeetingType, PostKind

C = "/api/v1/compliance"

# GET /compliance/meetings for the street: the session, the caller's posts, the organisation,
# the organisations of the subtree, formal members per branch (ORG-03), the policy history of
# the subtree, held meetings per organisation and type.
MEETINGS_REPORT_STATEMENTS = 7


def _policy_statements(sent: list[str]) -> int:
    return sum("policy_values" in s for s in sent)


async def test_meeting_compliance_for_the_street_is_a_fixed_number_of_statements(
    ctx: Ctx,
) -> None:
    params = {"org_id": ctx.ids["parent"], "period": str(TODAY.year)}
    # a first request: the session's last-seen touch (once a minute) is not the report's
    assert (await ctx.get(f"{C}/meetings", "street", params=params)).status_code == 200
    with statements(ctx.db) as sent:
        r = await ctx.get(f"{C}/meetings", "street", params=params)
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    assert len({row["organization_id"] for row in rows}) >= 10  # many organisations …
    assert len(sent) <= MEETINGS_REPORT_STATEMENTS  # … a fixed number of statements
    assert _policy_statements(sent) == 1


async def test_absence_thresholds_of_every_organisation_come_from_one_statement(
    ctx: Ctx,
) -> None:
    """DISC-01 thresholds are each member's organisation's policy: read for all at once."""
    in_branch = await member(ctx, "child", "支部缺席")
    in_group = await member(ctx, "group", "小组缺席")
    for offset in (-2, -1):
        day = month_shift(TODAY, offset) + timedelta(days=9)
        await held_meeting(
            ctx,
            ctx.ids["child"],
            MeetingType.branch_assembly,
            day,
            [Att(in_branch, Attendance.absent), Att(in_group, Attendance.absent)],
        )
    with statements(ctx.db) as sent:
        r = await ctx.get(f"{C}/absences", "secretary", params={"org_id": ctx.ids["own"]})
    assert r.status_code == 200, r.text
    organisations = {row["organization_name"] for row in r.json()["rows"]}
    assert len(organisations) == 2
    assert _policy_statements(sent) == 1


async def test_arrears_thresholds_of_every_organisation_come_from_one_statement(
    ctx: Ctx,
) -> None:
    """DUES-08 reminder and lapse thresholds per organisation: read for all at once."""
    for target in ("child", "group", "own"):
        await dues_member(ctx, target, since=now() - 4)
    with statements(ctx.db) as sent:
        r = await ctx.get(f"{DUES}/arrears", "zuzhi", params={"org_id": ctx.ids["own"]})
    assert r.status_code == 200, r.text
    assert len({row["organization_id"] for row in r.json()["rows"]}) == 3
    # the dues modes of the subtree (ledger.annual_timelines) and the thresholds of the three
    # organisations (dues_policies): two, not one per organisation
    assert _policy_statements(sent) == 2


async def test_the_dashboard_counts_every_held_organisation_in_one_statement(ctx: Ctx) -> None:
    """A post holder with posts in two communities: both organisations with their subtree's
    members on the roster (MEM-06) by kind, from one statement however many posts."""
    async with ctx.db.sessionmaker() as s, s.begin():
        user = await s.scalar(select(User).where(User.username == "secretary"))
        assert user is not None
        s.add(
            Post(
                organization_id=ctx.ids["sibling"],
                user_id=user.id,
                kind=PostKind.deputy_secretary,
                start_date=TODAY - timedelta(days=30),
            )
        )
    expected: dict[int, dict[str, int]] = {}
    async with ctx.db.sessionmaker() as s:
        for key in ("own", "sibling"):
            org = await s.get(Organization, ctx.ids[key])
            assert org is not None
            rows = await s.execute(
                select(Member.kind, func.count())
                .join(Organization, Organization.id == Member.organization_id)
                .where(Organization.path.like(f"{org.path}%"), Member.status.in_(ON_ROSTER))
                .group_by(Member.kind)
            )
            by_kind = {kind.value: n for kind, n in rows}
            expected[org.id] = {k: by_kind.get(k, 0) for k in ("formal", "probationary")}
    assert (await ctx.get("/api/v1/dashboard", "secretary")).status_code == 200
    with statements(ctx.db) as sent:
        r = await ctx.get("/api/v1/dashboard", "secretary")
    assert r.status_code == 200, r.text
    got = {o["id"]: o["member_counts"] for o in r.json()["organizations"]}
    assert got == expected
    assert sum(expected[ctx.ids["own"]].values()) > 0
    # one statement for the counts of both, one for the whole scope's; in all: the session with
    # its posts, the organisations held, their counts, the scope's, the term alerts, the recent
    # audit entries
    assert sum("member_counts" in s for s in sent) == 2, sent
    assert len(sent) <= 6, sent
