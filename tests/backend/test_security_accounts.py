"""Account takeover and self-granted posts (security review): who may reset, deactivate and edit
accounts, and who may appoint posts (users.authority)."""

from __future__ import annotations

from datetime import date
from typing import Any

from conftest import DEMO_PASSWORD, Ctx, fresh_member
from sqlalchemy import func, select

from dangjian.models import AuditLog, Notification, Post, User
from dangjian.models.enums import PostKind

USERS = "/api/v1/users"
ORGS = "/api/v1/organizations"


async def uid(ctx: Ctx, username: str) -> int:
    async with ctx.db.sessionmaker() as s:
        found = await s.scalar(select(User.id).where(User.username == username))
    assert found is not None
    return int(found)


async def account(ctx: Ctx, username: str) -> User:
    async with ctx.db.sessionmaker() as s:
        user = await s.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


async def fresh_account(
    ctx: Ctx,
    target: str,
    *,
    post: PostKind | None = None,
    post_at: str | None = None,
    **kw: Any,
) -> int:
    """An account at the target organisation, holding `post` at `post_at` (default: target)."""
    member = await fresh_member(ctx, ctx.ids[target])
    async with ctx.db.sessionmaker() as s, s.begin():
        user = User(
            username=f"sec{member.id}",
            display_name=member.name,
            password_hash="x",
            organization_id=ctx.ids[target],
            member_id=member.id,
            **kw,
        )
        s.add(user)
        await s.flush()
        if post is not None:
            s.add(
                Post(
                    organization_id=ctx.ids[post_at or target],
                    user_id=user.id,
                    kind=post,
                    start_date=date(2025, 1, 1),
                )
            )
        return int(user.id)


async def me_status(ctx: Ctx, principal: str) -> int:
    return (await ctx.get("/api/v1/auth/me", principal)).status_code


async def audit_seq(ctx: Ctx) -> int:
    async with ctx.db.sessionmaker() as s:
        return int(await s.scalar(select(func.max(AuditLog.seq))) or 0)


class TestAccountTakeover:
    async def test_zuzhi_cannot_reset_deactivate_or_rename_the_secretary(self, ctx: Ctx) -> None:
        secretary = await account(ctx, "secretary")
        audits = await audit_seq(ctx)
        url = f"{USERS}/{secretary.id}"
        # still visible, but marked as not manageable
        seen = await ctx.get(url, "zuzhi")
        assert seen.status_code == 200 and seen.json()["manageable"] is False
        r = await ctx.post(f"{url}/reset-password", "zuzhi")
        assert r.status_code == 403, r.text
        assert r.json()["code"] == "account_outranks_you" and "initial_password" not in r.json()
        for body in ({"is_active": False}, {"display_name": "冒名"}):
            r = await ctx.patch(url, "zuzhi", json=body)
            assert r.status_code == 403 and r.json()["code"] == "account_outranks_you"
        after = await account(ctx, "secretary")
        assert after.password_hash == secretary.password_hash
        assert after.is_active and after.display_name == secretary.display_name
        assert not after.must_change_password
        assert await me_status(ctx, "secretary") == 200
        # the attempts are on record, at the secretary's organisation, for its audit readers
        async with ctx.db.sessionmaker() as s:
            rows = (
                await s.scalars(
                    select(AuditLog).where(AuditLog.seq > audits).order_by(AuditLog.seq)
                )
            ).all()
        assert [(a.action, a.entity_id, a.organization_path) for a in rows] == [
            ("user.password_reset_refused", str(secretary.id), "/1/2/"),
            ("user.update_refused", str(secretary.id), "/1/2/"),
            ("user.update_refused", str(secretary.id), "/1/2/"),
        ]
        r = await ctx.get("/api/v1/audit", "street", params={"action": "user.update_refused"})
        assert r.json()["total"] == 2

    async def test_secretary_cannot_take_over_a_post_holder_at_its_own_level(
        self, ctx: Ctx
    ) -> None:
        for username in ("deputy", "zuzhi", "jijian"):
            r = await ctx.post(f"{USERS}/{await uid(ctx, username)}/reset-password", "secretary")
            assert r.status_code == 403 and r.json()["code"] == "account_outranks_you", username

    async def test_a_post_holder_above_or_elsewhere_outranks(self, ctx: Ctx) -> None:
        # an account of the community whose post is at the street: not below the secretary
        above = await fresh_account(ctx, "own", post=PostKind.street_staff, post_at="parent")
        r = await ctx.post(f"{USERS}/{above}/reset-password", "secretary")
        assert r.status_code == 403 and r.json()["code"] == "account_outranks_you"

    async def test_capabilities_the_actor_lacks_outrank(self, ctx: Ctx) -> None:
        # a branch secretary holds policy.manage, audit.read … that the 组织委员 does not
        branch_secretary = await fresh_account(ctx, "child", post=PostKind.secretary)
        r = await ctx.post(f"{USERS}/{branch_secretary}/reset-password", "zuzhi")
        assert r.status_code == 403 and r.json()["code"] == "account_outranks_you"
        assert (await ctx.get(f"{USERS}/{branch_secretary}", "zuzhi")).json()["manageable"] is False
        # … the community secretary holds all of them above the branch
        assert (await ctx.get(f"{USERS}/{branch_secretary}", "secretary")).json()["manageable"]
        r = await ctx.post(f"{USERS}/{branch_secretary}/reset-password", "secretary")
        assert r.status_code == 200
        # a branch clerk has nothing the 组织委员 lacks
        clerk = await fresh_account(ctx, "child", post=PostKind.clerk)
        assert (await ctx.post(f"{USERS}/{clerk}/reset-password", "zuzhi")).status_code == 200
        # a group leader: meeting.manage covers the group-meeting capability; the agenda does not
        leader = await fresh_account(ctx, "group", post=PostKind.group_leader)
        assert (await ctx.post(f"{USERS}/{leader}/reset-password", "secretary")).status_code == 200
        r = await ctx.post(f"{USERS}/{leader}/reset-password", "zuzhi")
        assert r.status_code == 403 and r.json()["code"] == "account_outranks_you"

    async def test_street_staff_manage_community_members_not_its_committee(self, ctx: Ctx) -> None:
        resident = await uid(ctx, "resident")
        r = await ctx.post(f"{USERS}/{resident}/reset-password", "street")
        assert r.status_code == 200 and r.json()["initial_password"]
        # the community secretary holds roster.write, dues.manage … the street staff do not
        r = await ctx.post(f"{USERS}/{await uid(ctx, 'secretary')}/reset-password", "street")
        assert r.status_code == 403 and r.json()["code"] == "account_outranks_you"

    async def test_nobody_manages_their_own_account_here(self, ctx: Ctx) -> None:
        for principal in ("secretary", "street", "admin"):
            me = await uid(ctx, principal)
            r = await ctx.post(f"{USERS}/{me}/reset-password", principal)
            assert r.status_code == 403 and r.json()["code"] == "cannot_manage_self", principal
            r = await ctx.patch(f"{USERS}/{me}", principal, json={"is_active": False})
            assert r.status_code == 403 and r.json()["code"] == "cannot_manage_self", principal

    async def test_an_admin_account_is_managed_by_administrators_only(self, ctx: Ctx) -> None:
        other_admin = await fresh_account(ctx, "child", is_admin=True)
        seen = await ctx.get(f"{USERS}/{other_admin}", "secretary")
        assert seen.status_code == 200 and seen.json()["manageable"] is False
        r = await ctx.post(f"{USERS}/{other_admin}/reset-password", "secretary")
        assert r.status_code == 403 and r.json()["code"] == "admin_account_protected"
        r = await ctx.patch(f"{USERS}/{other_admin}", "secretary", json={"is_active": False})
        assert r.status_code == 403
        assert (await ctx.post(f"{USERS}/{other_admin}/reset-password", "admin")).status_code == 200

    async def test_the_list_says_which_accounts_the_caller_may_manage(self, ctx: Ctx) -> None:
        r = await ctx.get(USERS, "zuzhi", params={"size": 100})
        flags = {u["username"]: u["manageable"] for u in r.json()["items"]}
        assert flags["secretary"] is False and flags["deputy"] is False
        assert flags["zuzhi"] is False  # itself
        assert flags["resident"] is True and flags["member"] is True
        admin = {
            u["username"]: u["manageable"] for u in (await ctx.get(USERS, "admin")).json()["items"]
        }
        assert admin["secretary"] is True and admin["admin"] is False


class TestPasswordReset:
    async def test_admin_reset_forces_a_change_ends_sessions_and_tells_the_holder(
        self, ctx: Ctx
    ) -> None:
        secretary = await uid(ctx, "secretary")
        assert await me_status(ctx, "secretary") == 200
        r = await ctx.post(f"{USERS}/{secretary}/reset-password", "admin")
        assert r.status_code == 200
        password = r.json()["initial_password"]
        assert password and password != DEMO_PASSWORD
        user = await account(ctx, "secretary")
        assert user.must_change_password is True
        assert await me_status(ctx, "secretary") == 401  # every session ended
        async with ctx.db.sessionmaker() as s:
            notes = (
                await s.scalars(select(Notification).where(Notification.user_id == secretary))
            ).all()
            row = await s.scalar(
                select(AuditLog).where(
                    AuditLog.action == "user.password_reset",
                    AuditLog.entity_id == str(secretary),
                )
            )
        assert len(notes) == 1 and notes[0].kind == "password_reset"
        assert "重置" in notes[0].title and "系统管理员" in notes[0].body
        assert password not in notes[0].title + notes[0].body
        assert row is not None and row.organization_path == "/1/2/"
        # the street's audit reader sees it
        r = await ctx.get("/api/v1/audit", "street", params={"action": "user.password_reset"})
        assert [a["entity_id"] for a in r.json()["items"]] == [str(secretary)]
        # the one-time password signs in, and must be changed first
        login = await ctx.client.post(
            "/api/v1/auth/login", data={"username": "secretary", "password": password}
        )
        assert login.status_code == 200 and login.json()["must_change_password"] is True


class TestSelfGrantedPosts:
    async def test_admin_cannot_appoint_itself(self, ctx: Ctx) -> None:
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['own']}/posts",
            "admin",
            json={
                "user_id": await uid(ctx, "admin"),
                "kind": "secretary",
                "start_date": "2026-01-01",
            },
        )
        assert r.status_code == 403 and r.json()["code"] == "cannot_appoint_self"
        async with ctx.db.sessionmaker() as s:
            assert not (
                await s.scalars(select(Post).where(Post.user_id == await uid(ctx, "admin")))
            ).all()

    async def test_an_admin_account_never_holds_a_post(self, ctx: Ctx) -> None:
        other_admin = await fresh_account(ctx, "own", is_admin=True)
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['own']}/posts",
            "admin",
            json={
                "user_id": other_admin,
                "kind": "secretary",
                "start_date": "2026-01-01",
            },
        )
        assert r.status_code == 422 and r.json()["code"] == "admin_cannot_hold_post"

    async def test_zuzhi_cannot_appoint_itself_or_end_the_secretary(self, ctx: Ctx) -> None:
        zuzhi = await uid(ctx, "zuzhi")
        for target in ("own", "child"):
            r = await ctx.post(
                f"{ORGS}/{ctx.ids[target]}/posts",
                "zuzhi",
                json={
                    "user_id": zuzhi,
                    "kind": "secretary",
                    "start_date": "2026-01-01",
                },
            )
            assert r.status_code == 403, target
        assert r.json()["code"] == "cannot_appoint_self"
        posts = (await ctx.get(f"{ORGS}/{ctx.ids['own']}/posts", "zuzhi")).json()
        assert posts and not any(p["editable"] for p in posts)
        secretary_post = next(p for p in posts if p["kind"] == "secretary")
        r = await ctx.patch(
            f"{ORGS}/{ctx.ids['own']}/posts/{secretary_post['id']}",
            "zuzhi",
            json={"end_date": "2026-01-02"},
        )
        assert r.status_code == 403 and r.json()["code"] == "post_appointed_by_higher"
        async with ctx.db.sessionmaker() as s:
            post = await s.get(Post, secretary_post["id"])
            assert post is not None and post.end_date is None

    async def test_nobody_changes_their_own_post(self, ctx: Ctx) -> None:
        # a community secretary who also holds a branch post cannot end it themselves
        async with ctx.db.sessionmaker() as s, s.begin():
            post = Post(
                organization_id=ctx.ids["child"],
                user_id=await uid(ctx, "secretary"),
                kind=PostKind.clerk,
                start_date=date(2025, 1, 1),
            )
            s.add(post)
        r = await ctx.patch(
            f"{ORGS}/{ctx.ids['child']}/posts/{post.id}",
            "secretary",
            json={"end_date": "2026-01-02"},
        )
        assert r.status_code == 403 and r.json()["code"] == "cannot_appoint_self"

    async def test_a_committee_is_appointed_by_the_next_higher_organisation(self, ctx: Ctx) -> None:
        body = {"kind": "clerk", "start_date": "2026-01-01"}
        own = await fresh_account(ctx, "own")
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['own']}/posts", "secretary", json={**body, "user_id": own}
        )
        assert r.status_code == 403 and r.json()["code"] == "post_appointed_by_higher"
        r = await ctx.post(f"{ORGS}/{ctx.ids['own']}/posts", "admin", json={**body, "user_id": own})
        assert r.status_code == 201
        branch = await fresh_account(ctx, "child")
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['child']}/posts",
            "zuzhi",
            json={**body, "user_id": branch},
        )
        assert r.status_code == 201 and r.json()["editable"] is True
        posts = (await ctx.get(f"{ORGS}/{ctx.ids['child']}/posts", "zuzhi")).json()
        assert [p["editable"] for p in posts] == [True]

    async def test_nobody_grants_capabilities_they_lack(self, ctx: Ctx) -> None:
        branch = await fresh_account(ctx, "child")
        body = {"user_id": branch, "kind": "secretary", "start_date": "2026-01-01"}
        r = await ctx.post(f"{ORGS}/{ctx.ids['child']}/posts", "zuzhi", json=body)
        assert r.status_code == 403 and r.json()["code"] == "post_grants_more"
        assert (
            await ctx.post(f"{ORGS}/{ctx.ids['child']}/posts", "secretary", json=body)
        ).status_code == 201

    async def test_street_staff_appoint_the_community_committee(self, ctx: Ctx) -> None:
        # ORG-04/05: the street working committee appoints (approves) the community committee,
        # although it does not itself hold the committee's roster or dues capabilities …
        own = await fresh_account(ctx, "own")
        body = {"user_id": own, "kind": "secretary", "start_date": "2026-01-01"}
        r = await ctx.post(f"{ORGS}/{ctx.ids['own']}/posts", "street", json=body)
        assert r.status_code == 201 and r.json()["editable"] is True
        # … but not the posts of its own committee, and never its own post
        street_peer = await fresh_account(ctx, "parent")
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['parent']}/posts",
            "street",
            json={**body, "user_id": street_peer, "kind": "street_staff"},
        )
        assert r.status_code == 403 and r.json()["code"] == "post_appointed_by_higher"
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['own']}/posts",
            "street",
            json={**body, "user_id": await uid(ctx, "street")},
        )
        assert r.status_code == 403 and r.json()["code"] == "cannot_appoint_self"

    async def test_no_puppet_account_for_powers_the_appointer_lacks(self, ctx: Ctx) -> None:
        # Street staff open an account (and so know its password) and try to make it the
        # community's secretary, whose roster and dues powers they do not hold themselves.
        created = await ctx.post(
            USERS,
            "street",
            json={"username": "puppet1", "display_name": "傀儡", "organization_id": ctx.ids["own"]},
        )
        assert created.status_code == 201, created.text
        puppet = created.json()["user"]["id"]
        body = {"user_id": puppet, "kind": "secretary", "start_date": "2026-01-01"}
        r = await ctx.post(f"{ORGS}/{ctx.ids['own']}/posts", "street", json=body)
        assert r.status_code == 403 and r.json()["code"] == "appointee_issued_by_you"
        # the same holds after a password reset by the appointer
        other = await fresh_account(ctx, "own")
        assert (await ctx.post(f"{USERS}/{other}/reset-password", "street")).status_code == 200
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['own']}/posts", "street", json={**body, "user_id": other}
        )
        assert r.status_code == 403 and r.json()["code"] == "appointee_issued_by_you"
        # another party may appoint it (two people: one issues the account, one appoints)
        r = await ctx.post(f"{ORGS}/{ctx.ids['own']}/posts", "admin", json=body)
        assert r.status_code == 201, r.text
        # a secretary who holds everything a branch post gives may appoint accounts it opened
        mine = await ctx.post(
            USERS,
            "secretary",
            json={
                "username": "branchclerk",
                "display_name": "干事",
                "organization_id": ctx.ids["child"],
            },
        )
        r = await ctx.post(
            f"{ORGS}/{ctx.ids['child']}/posts",
            "secretary",
            json={
                "user_id": mine.json()["user"]["id"],
                "kind": "clerk",
                "start_date": "2026-01-01",
            },
        )
        assert r.status_code == 201, r.text
