"""The in-app inbox: unread counts, marking read, and nobody reads another's messages."""

from __future__ import annotations

from conftest import Ctx
from sqlalchemy import select

from dangjian.models import User
from dangjian.notifications import service

INBOX = "/api/v1/me/notifications"


async def send_to(ctx: Ctx, username: str, *titles: str) -> None:
    async with ctx.db.sessionmaker() as s, s.begin():
        user_id = await s.scalar(select(User.id).where(User.username == username))
        assert user_id is not None
        for title in titles:
            await service.send(s, [user_id, user_id], kind="test", title=title, link="/my/meetings")


async def test_inbox_counts_and_marks_read(ctx: Ctx) -> None:
    await send_to(ctx, "member", "会议通知一", "会议通知二")
    await send_to(ctx, "deputy", "别人的消息")
    count = await ctx.get(f"{INBOX}/unread-count", "member")
    assert count.json() == {"unread": 2}  # one message per user even when listed twice
    page = (await ctx.get(INBOX, "member")).json()
    assert [n["title"] for n in page["items"]] == ["会议通知二", "会议通知一"]
    first = page["items"][1]["id"]
    assert (await ctx.post(f"{INBOX}/{first}/read", "member")).status_code == 204
    assert (await ctx.get(f"{INBOX}/unread-count", "member")).json() == {"unread": 1}
    unread = (await ctx.get(INBOX, "member", params={"unread": "true"})).json()
    assert [n["title"] for n in unread["items"]] == ["会议通知二"]
    assert (await ctx.post(f"{INBOX}/read-all", "member")).status_code == 204
    assert (await ctx.get(f"{INBOX}/unread-count", "member")).json() == {"unread": 0}
    assert (await ctx.get(f"{INBOX}/unread-count", "deputy")).json() == {"unread": 1}


async def test_another_users_message_is_404(ctx: Ctx) -> None:
    await send_to(ctx, "deputy", "别人的消息")
    theirs = (await ctx.get(INBOX, "deputy")).json()["items"][0]["id"]
    assert (await ctx.post(f"{INBOX}/{theirs}/read", "member")).status_code == 404
    assert (await ctx.get(f"{INBOX}/unread-count", "deputy")).json() == {"unread": 1}
