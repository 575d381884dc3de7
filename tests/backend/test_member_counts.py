"""member_counts, kept by triggers on `members` (migration c0ffee5e0002), always equals a count of
the members themselves, whatever writes them; the organisation tree and the dashboard read it."""

from __future__ import annotations

from typing import Any

from conftest import Ctx, fresh_member
from sqlalchemy import delete, func, insert, select, update

from dangjian.core import clock
from dangjian.members.rules import ON_ROSTER
from dangjian.models import Member, MemberCount, Organization
from dangjian.models.enums import MemberKind, MemberStatus

M = "/api/v1/members"


async def assert_counts_match(ctx: Ctx) -> None:
    async with ctx.db.sessionmaker() as s:
        real = (
            await s.execute(
                select(Member.organization_id, Member.kind, Member.status, func.count()).group_by(
                    Member.organization_id, Member.kind, Member.status
                )
            )
        ).all()
        kept = (
            await s.execute(
                select(
                    MemberCount.organization_id,
                    MemberCount.kind,
                    MemberCount.status,
                    MemberCount.members,
                ).where(MemberCount.members != 0)
            )
        ).all()
    assert real, "the seeded template holds members"
    assert sorted(map(tuple, kept)) == sorted(map(tuple, real))


async def test_counts_follow_every_kind_of_write(ctx: Ctx) -> None:
    await assert_counts_match(ctx)  # the seed (inserted before and after the migration's backfill)
    m = await fresh_member(ctx, ctx.ids["child"])  # ORM insert
    await assert_counts_match(ctx)
    tag = (await ctx.get(f"{M}/{m.id}", "clerk")).headers["etag"]
    moved = await ctx.client.patch(  # a transfer inside the community and a change of kind
        f"{M}/{m.id}",
        json={"organization_id": ctx.ids["group"], "kind": "probationary", "converted_on": None},
        headers={**ctx.auth("clerk"), "If-Match": tag},
    )
    assert moved.status_code == 200, moved.text
    await assert_counts_match(ctx)
    # A status event (MEM-02): the stored status changes. Dated today: the generated member's
    # joining date is random, and an event before it is refused (event_before_joining).
    event = await ctx.post(
        f"{M}/{m.id}/events",
        "clerk",
        json={
            "type": "lost_contact",
            "occurred_on": clock.today().isoformat(),
            "reason": "长期联系不上",
        },
    )
    assert event.status_code == 201, event.text
    await assert_counts_match(ctx)
    async with ctx.db.sessionmaker() as s, s.begin():
        template: dict[str, Any] = {
            c.key: getattr(m, c.key)
            for c in Member.__table__.columns
            if c.key not in {"id", "id_number_index", "mobile_index", "organization_id"}
        }
        await s.execute(  # a bulk insert of several rows in one statement (as the import does)
            insert(Member),
            [
                {**template, "organization_id": org, "id_number_index": f"bulk-{n}"}
                for n, org in enumerate([ctx.ids["child"], ctx.ids["child"], ctx.ids["sibling"]])
            ],
        )
        await s.execute(  # a bulk update that leaves organisation, kind and status alone
            update(Member).where(Member.id_number_index.like("bulk-%")).values(name="批量")
        )
        await s.execute(  # and one that moves them all
            update(Member)
            .where(Member.id_number_index.like("bulk-%"))
            .values(status=MemberStatus.deceased, organization_id=ctx.ids["group"])
        )
    await assert_counts_match(ctx)
    async with ctx.db.sessionmaker() as s, s.begin():
        await s.execute(delete(Member).where(Member.id_number_index.like("bulk-%")))
    await assert_counts_match(ctx)


async def test_tree_and_dashboard_totals_are_the_members_of_the_subtree(ctx: Ctx) -> None:
    await fresh_member(ctx, ctx.ids["group"], kind=MemberKind.probationary, converted_on=None)
    await fresh_member(ctx, ctx.ids["child"], status=MemberStatus.deceased)

    async def in_subtree(org_key: str, *conditions: Any) -> dict[MemberKind, int]:
        async with ctx.db.sessionmaker() as s:
            path = await s.scalar(
                select(Organization.path).where(Organization.id == ctx.ids[org_key])
            )
            assert path is not None
            rows = (
                await s.execute(
                    select(Member.kind, func.count())
                    .join(Organization, Organization.id == Member.organization_id)
                    .where(Organization.path.startswith(path), *conditions)
                    .group_by(Member.kind)
                )
            ).all()
        return {kind: n for kind, n in rows}

    tree = (await ctx.get("/api/v1/organizations/tree", "secretary")).json()
    assert [n["id"] for n in tree] == [ctx.ids["own"]]
    # The tree counts every member of the subtree (all statuses), as it always has.
    assert tree[0]["member_count"] == sum((await in_subtree("own")).values())

    def find(nodes: list[dict[str, Any]], org_id: int) -> dict[str, Any] | None:
        for node in nodes:
            if node["id"] == org_id:
                return node
            if (found := find(node["children"], org_id)) is not None:
                return found
        return None

    child = find(tree, ctx.ids["child"])
    assert child is not None and child["member_count"] >= 1
    assert child["member_count"] == sum((await in_subtree("child")).values())
    # The dashboard counts those on the roster (MEM-06), by kind.
    dashboard = (await ctx.get("/api/v1/dashboard", "secretary")).json()
    own = next(o for o in dashboard["organizations"] if o["id"] == ctx.ids["own"])
    on_roster = await in_subtree("own", Member.status.in_(ON_ROSTER))
    assert own["member_counts"] == {
        "formal": on_roster.get(MemberKind.formal, 0),
        "probationary": on_roster.get(MemberKind.probationary, 0),
    }
    assert own["member_counts"]["probationary"] >= 1
