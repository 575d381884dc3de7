"""Organisation tree, posts and terms (ORG-01, ORG-04, ORG-05)."""

from __future__ import annotations

from conftest import Ctx, fresh_member
from sqlalchemy import select

from dangjian.models import AuditLog, Organization, User
from dangjian.models.enums import MemberKind

ORGS = "/api/v1/organizations"


async def paths(ctx: Ctx) -> dict[int, tuple[str, int]]:
    async with ctx.db.sessionmaker() as s:
        return {o.id: (o.path, o.depth) for o in (await s.scalars(select(Organization))).all()}


class TestCreate:
    async def test_secretary_creates_a_branch_and_it_joins_the_tree(self, ctx: Ctx) -> None:
        r = await ctx.post(
            ORGS,
            "secretary",
            json={
                "parent_id": ctx.ids["own"],
                "name": "第三党支部",
                "kind": "branch",
                "category": "branch",
            },
        )
        assert r.status_code == 201
        org = r.json()
        assert org["path"] == f"/1/2/{org['id']}/" and org["depth"] == 2
        tree = (await ctx.get(f"{ORGS}/tree", "secretary")).json()
        assert "第三党支部" in {c["name"] for c in tree[0]["children"]}

    async def test_org01_kind_must_fit_under_the_parent(self, ctx: Ctx) -> None:
        r = await ctx.post(
            ORGS,
            "secretary",
            json={"parent_id": ctx.ids["own"], "name": "错误街道", "kind": "street"},
        )
        assert r.status_code == 422 and r.json()["code"] == "organization_kind_not_allowed"
        assert r.json()["detail"] == "社区党组织下不能设立街道党工委"

    async def test_only_the_administrator_creates_roots(self, ctx: Ctx) -> None:
        body = {"name": "另一街道党工委", "kind": "street"}
        assert (await ctx.post(ORGS, "street", json=body)).status_code == 403
        r = await ctx.post(ORGS, "admin", json=body)
        assert r.status_code == 201 and r.json()["path"] == f"/{r.json()['id']}/"


class TestMove:
    async def test_moving_a_subtree_rewrites_every_path_below_and_nothing_else(
        self, ctx: Ctx
    ) -> None:
        before = await paths(ctx)
        branch = ctx.ids["child"]  # /1/2/3/4/ with groups below
        target = ctx.ids["own"]  # /1/2/
        r = await ctx.post(f"{ORGS}/{branch}/move", "secretary", json={"new_parent_id": target})
        assert r.status_code == 200 and r.json()["path"] == f"/1/2/{branch}/"
        after = await paths(ctx)
        for oid, (path, depth) in before.items():
            if path.startswith("/1/2/3/4/"):
                assert after[oid] == (path.replace("/1/2/3/4/", f"/1/2/{branch}/", 1), depth - 1)
            else:
                assert after[oid] == (path, depth), oid
        assert after[ctx.ids["lookalike"]] == ("/1/20/", 1)

    async def test_cannot_move_under_its_own_subtree(self, ctx: Ctx) -> None:
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['child']}/move", "street", json={"new_parent_id": ctx.ids["group"]}
        )
        assert r.status_code == 409 and r.json()["code"] == "organization_move_cycle"

    async def test_moving_needs_the_old_parent_too(self, ctx: Ctx) -> None:
        # the secretary manages 东风 but not the street above it: 东风 itself cannot be moved
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['own']}/move", "secretary", json={"new_parent_id": ctx.ids["own"]}
        )
        assert r.status_code == 403

    async def test_street_moves_a_branch_between_communities(self, ctx: Ctx) -> None:
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['child']}/move", "street", json={"new_parent_id": ctx.ids["sibling"]}
        )
        assert r.status_code == 200
        # the secretary of 东风 no longer sees it; secretary2 does
        assert (await ctx.get(f"{ORGS}/{ctx.ids['child']}", "secretary")).status_code == 404
        assert (await ctx.get(f"{ORGS}/{ctx.ids['child']}", "secretary2")).status_code == 200


class TestDelete:
    async def test_an_organisation_in_use_is_not_deleted(self, ctx: Ctx) -> None:
        r = await ctx.delete(f"{ORGS}/{ctx.ids['child']}", "secretary")
        assert r.status_code == 409 and r.json()["code"] == "organization_not_empty"

    async def test_an_empty_one_is(self, ctx: Ctx) -> None:
        new = (
            await ctx.post(
                ORGS,
                "secretary",
                json={"parent_id": ctx.ids["own"], "name": "临时党支部", "kind": "branch"},
            )
        ).json()
        assert (await ctx.delete(f"{ORGS}/{new['id']}", "secretary")).status_code == 204
        assert (await ctx.get(f"{ORGS}/{new['id']}", "secretary")).status_code == 404


class TestPosts:
    async def _user_for(self, ctx: Ctx, org: str, kind: MemberKind) -> int:
        member = await fresh_member(ctx, ctx.ids[org], kind=kind)
        async with ctx.db.sessionmaker() as s, s.begin():
            user = User(
                username=f"m{member.id}",
                display_name=member.name,
                password_hash="x",
                organization_id=ctx.ids[org],
                member_id=member.id,
            )
            s.add(user)
            await s.flush()
            return user.id

    async def test_assigned_post_grants_its_capabilities_at_once(self, ctx: Ctx) -> None:
        new = (
            await ctx.post(
                ORGS,
                "secretary",
                json={"parent_id": ctx.ids["own"], "name": "第四党支部", "kind": "branch"},
            )
        ).json()
        uid = await self._user_for(ctx, "own", MemberKind.formal)
        r = await ctx.post(
            f"{ORGS}/{new['id']}/posts",
            "secretary",
            json={"user_id": uid, "kind": "organization_member", "start_date": "2026-01-01"},
        )
        assert r.status_code == 201 and r.json()["active"] is True
        posts = (await ctx.get(f"{ORGS}/{new['id']}/posts", "secretary")).json()
        assert [(p["user_id"], p["kind"]) for p in posts] == [(uid, "organization_member")]

    async def test_org05_group_leader_must_be_a_formal_member(self, ctx: Ctx) -> None:
        probationary = await self._user_for(ctx, "group", MemberKind.probationary)
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['group']}/posts",
            "secretary",
            json={"user_id": probationary, "kind": "group_leader", "start_date": "2026-01-01"},
        )
        assert r.status_code == 409 and r.json()["code"] == "post_requires_formal_member"
        formal = await self._user_for(ctx, "group", MemberKind.formal)
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['group']}/posts",
            "secretary",
            json={"user_id": formal, "kind": "group_leader", "start_date": "2026-01-01"},
        )
        assert r.status_code == 201

    async def test_org05_post_must_fit_the_organisation(self, ctx: Ctx) -> None:
        # the community's own committee is appointed from above (the administrator here)
        uid = await self._user_for(ctx, "own", MemberKind.formal)
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['own']}/posts",
            "admin",
            json={"user_id": uid, "kind": "group_leader", "start_date": "2026-01-01"},
        )
        assert r.status_code == 422 and r.json()["code"] == "post_not_allowed_here"

    async def test_a_user_outside_the_scope_cannot_be_assigned(self, ctx: Ctx) -> None:
        async with ctx.db.sessionmaker() as s:
            uid = await s.scalar(select(User.id).where(User.username == "secretary2"))
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['own']}/posts",
            "secretary",
            json={"user_id": uid, "kind": "clerk", "start_date": "2026-01-01"},
        )
        assert r.status_code == 404

    async def test_ending_a_post_and_date_order(self, ctx: Ctx) -> None:
        # a branch's committee is appointed by the community secretary above it
        uid = await self._user_for(ctx, "child", MemberKind.formal)
        post = (
            await ctx.post(
                f"{ORGS}/{ctx.ids['child']}/posts",
                "secretary",
                json={"user_id": uid, "kind": "clerk", "start_date": "2026-01-01"},
            )
        ).json()
        url = f"{ORGS}/{ctx.ids['child']}/posts/{post['id']}"
        bad = await ctx.patch(url, "secretary", json={"end_date": "2025-12-31"})
        assert bad.status_code == 422 and bad.json()["code"] == "post_dates_invalid"
        ended = await ctx.patch(url, "secretary", json={"end_date": "2026-02-01"})
        assert ended.status_code == 200 and ended.json()["active"] is False


class TestTerms:
    async def test_org04_term_end_is_computed_and_flagged(self, ctx: Ctx) -> None:
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['child']}/terms",
            "secretary",
            json={"number": 3, "elected_on": "2024-02-29"},
        )
        assert r.status_code == 201
        term = r.json()
        assert (
            term["term_years"] == 5 and term["ends_on"] == "2029-02-28" and term["status"] == "ok"
        )
        dup = await ctx.post(
            f"{ORGS}/{ctx.ids['child']}/terms",
            "secretary",
            json={"number": 3, "elected_on": "2024-03-01"},
        )
        assert dup.status_code == 409 and dup.json()["code"] == "term_exists"

    async def test_org04_home_unit_branch_defaults_to_three_years(self, ctx: Ctx) -> None:
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['outside']}/terms",
            "admin",
            json={"number": 1, "elected_on": "2025-01-10"},
        )
        assert r.json()["term_years"] == 3 and r.json()["ends_on"] == "2028-01-10"

    async def test_dashboard_lists_due_and_overdue_terms(self, ctx: Ctx) -> None:
        body = (await ctx.get("/api/v1/dashboard", "street")).json()
        statuses = {a["organization_name"]: a["status"] for a in body["term_alerts"]}
        assert statuses["向阳社区党支部"] == "overdue"  # elected 2021-06-18, 5 years
        counts = {o["name"]: o["member_counts"] for o in body["organizations"]}
        assert counts["东风街道党工委"]["formal"] > 150
        assert body["recent_audit"] is not None


class TestAuditOfWrites:
    async def test_each_write_leaves_one_audit_row_with_before_and_after(self, ctx: Ctx) -> None:
        r = await ctx.patch(
            f"{ORGS}/{ctx.ids['child']}", "secretary", json={"short_name": "一支部"}
        )
        assert r.status_code == 200
        async with ctx.db.sessionmaker() as s:
            row = await s.scalar(select(AuditLog).order_by(AuditLog.seq.desc()).limit(1))
        assert row is not None and row.action == "organization.update"
        assert row.before is not None and row.after is not None
        assert row.before["short_name"] is None and row.after["short_name"] == "一支部"
        assert row.actor_label.endswith("（secretary）") and row.ip == "127.0.0.1"
        assert row.organization_path == "/1/2/3/4/"
