"""The organisation tree keeps each scope's structure in process while the 'organizations'
change stamp (triggers, migration c0ffee5e0003) is unchanged, and reads member counts fresh on
every request: whatever writes organisations — the API or plain SQL — the next tree shows it."""

from __future__ import annotations

from typing import Any

from conftest import Ctx, fresh_member
from sql_support import statements
from sqlalchemy import delete, insert, select, update

from dangjian.models import ChangeStamp, Organization

ORGS = "/api/v1/organizations"


def _find(nodes: list[dict[str, Any]], org_id: int) -> dict[str, Any] | None:
    for node in nodes:
        if node["id"] == org_id:
            return node
        found = _find(node["children"], org_id)
        if found is not None:
            return found
    return None


def _structure_reads(sent: list[str]) -> int:
    """Statements that read the organisation rows of the tree (not the stamp, not the counts)."""
    return sum("organizations.sort_order" in s and "member_counts" not in s for s in sent)


async def _stamp(ctx: Ctx) -> str:
    async with ctx.db.sessionmaker() as s:
        stamp = await s.scalar(select(ChangeStamp.stamp).where(ChangeStamp.name == "organizations"))
    assert stamp
    return stamp


async def test_every_write_to_organizations_gives_a_new_stamp(ctx: Ctx) -> None:
    stamps = [await _stamp(ctx)]
    async with ctx.db.sessionmaker() as s, s.begin():
        parent = await s.get(Organization, ctx.ids["own"])
        assert parent is not None
        new_id = (
            await s.execute(
                insert(Organization)
                .values(
                    parent_id=parent.id,
                    path="/pending/",
                    depth=2,
                    name="新建党支部",
                    kind="branch",
                    sort_order=0,
                )
                .returning(Organization.id)
            )
        ).scalar_one()
    stamps.append(await _stamp(ctx))
    async with ctx.db.sessionmaker() as s, s.begin():
        await s.execute(update(Organization).where(Organization.id == new_id).values(name="改名"))
    stamps.append(await _stamp(ctx))
    async with ctx.db.sessionmaker() as s, s.begin():
        await s.execute(delete(Organization).where(Organization.id == new_id))
    stamps.append(await _stamp(ctx))
    assert len(set(stamps)) == 4, stamps
    # a read changes nothing
    async with ctx.db.sessionmaker() as s:
        await s.execute(select(Organization))
    assert await _stamp(ctx) == stamps[-1]


async def test_an_unchanged_tree_is_not_read_again_and_counts_are_always_fresh(ctx: Ctx) -> None:
    first = (await ctx.get(f"{ORGS}/tree", "street")).json()
    with statements(ctx.db) as sent:
        again = (await ctx.get(f"{ORGS}/tree", "street")).json()
    assert again == first
    assert _structure_reads(sent) == 0, sent
    # a new member is counted at once, from member_counts, without reading the structure again
    before = _find(first, ctx.ids["child"])
    assert before is not None
    await fresh_member(ctx, ctx.ids["child"])
    with statements(ctx.db) as sent:
        after = (await ctx.get(f"{ORGS}/tree", "street")).json()
    assert _structure_reads(sent) == 0
    node = _find(after, ctx.ids["child"])
    assert node is not None and node["member_count"] == before["member_count"] + 1
    root = _find(after, ctx.ids["parent"])
    assert root is not None
    assert root["member_count"] == _find(first, ctx.ids["parent"])["member_count"] + 1  # type: ignore[index]


async def test_writes_through_the_api_show_in_the_next_tree(ctx: Ctx) -> None:
    tree = (await ctx.get(f"{ORGS}/tree", "secretary")).json()  # cached for this scope
    assert _find(tree, ctx.ids["own"]) is not None
    r = await ctx.post(
        ORGS,
        "secretary",
        json={"parent_id": ctx.ids["own"], "name": "第九党支部", "kind": "branch"},
    )
    assert r.status_code == 201, r.text
    new_id = r.json()["id"]
    tree = (await ctx.get(f"{ORGS}/tree", "secretary")).json()
    assert _find(tree, new_id) is not None
    r = await ctx.patch(f"{ORGS}/{new_id}", "secretary", json={"name": "第十党支部"})
    assert r.status_code == 200, r.text
    node = _find((await ctx.get(f"{ORGS}/tree", "secretary")).json(), new_id)
    assert node is not None and node["name"] == "第十党支部"
    # moved out of the secretary's community: gone from this scope, present in the street's
    await ctx.get(f"{ORGS}/tree", "street")  # the street's scope is cached too
    r = await ctx.post(
        f"{ORGS}/{new_id}/move", "street", json={"new_parent_id": ctx.ids["sibling"]}
    )
    assert r.status_code == 200, r.text
    assert _find((await ctx.get(f"{ORGS}/tree", "secretary")).json(), new_id) is None
    moved = _find((await ctx.get(f"{ORGS}/tree", "street")).json(), new_id)
    assert moved is not None and moved["parent_id"] == ctx.ids["sibling"]
    assert (await ctx.delete(f"{ORGS}/{new_id}", "street")).status_code == 204
    assert _find((await ctx.get(f"{ORGS}/tree", "street")).json(), new_id) is None


async def test_a_write_in_plain_sql_shows_in_the_next_tree(ctx: Ctx) -> None:
    await ctx.get(f"{ORGS}/tree", "street")
    async with ctx.db.sessionmaker() as s, s.begin():
        await s.execute(
            update(Organization).where(Organization.id == ctx.ids["child"]).values(name="直接改名")
        )
    with statements(ctx.db) as sent:
        tree = (await ctx.get(f"{ORGS}/tree", "street")).json()
    assert _structure_reads(sent) == 1
    node = _find(tree, ctx.ids["child"])
    assert node is not None and node["name"] == "直接改名"


async def test_scopes_are_kept_apart(ctx: Ctx) -> None:
    street = (await ctx.get(f"{ORGS}/tree", "street")).json()
    own = (await ctx.get(f"{ORGS}/tree", "secretary")).json()
    assert [n["id"] for n in own] == [ctx.ids["own"]]
    assert _find(own, ctx.ids["sibling"]) is None
    assert _find(street, ctx.ids["sibling"]) is not None
    # and each still answers its own after the other was cached
    again = (await ctx.get(f"{ORGS}/tree", "street")).json()
    assert again == street
