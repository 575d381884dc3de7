"""The optional member photo (issue 4 field list): type checks, generated names, scope, rollback."""

from __future__ import annotations

import io
import re

from conftest import Ctx, fresh_member
from PIL import Image
from sqlalchemy import delete, select

from dangjian.models import AuditHead, AuditLog


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (300, 400), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt, **save)
    return out.getvalue()


def with_gps() -> bytes:
    """A JPEG that carries a GPS position in its EXIF block, as a phone camera writes it."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}
    exif[0x010F] = "PhoneMaker"
    return image_bytes("JPEG", exif=exif)


def stored(ctx: Ctx) -> list[str]:
    root = ctx.settings.var_dir / "uploads"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def put_photo(ctx: Ctx, member_id: int, who: str, content: bytes, name: str = "我.png"):  # type: ignore[no-untyped-def]
    return await ctx.client.put(
        f"/api/v1/members/{member_id}/photo",
        headers=ctx.auth(who),
        files={"file": (name, content, "image/png")},
    )


async def test_upload_is_reencoded_without_metadata_and_stored_under_a_generated_name(
    ctx: Ctx,
) -> None:
    member = await fresh_member(ctx, ctx.ids["child"])
    assert (await ctx.get(f"/api/v1/members/{member.id}", "clerk")).json()["has_photo"] is False
    r = await put_photo(ctx, member.id, "clerk", with_gps(), name="../../etc/passwd.jpg")
    assert r.status_code == 204, r.text
    names = stored(ctx)
    assert len(names) == 1 and re.fullmatch(r"[0-9a-f]{32}\.jpg", names[0])
    got = await ctx.get(f"/api/v1/members/{member.id}/photo", "secretary")
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    assert got.headers["cache-control"] == "no-store"  # personal data: never cached
    with Image.open(io.BytesIO(got.content)) as image:
        assert image.format == "JPEG" and image.size == (300, 400)
        assert not image.getexif(), "camera metadata (GPS, device) must be dropped"
    assert (await ctx.get(f"/api/v1/members/{member.id}", "clerk")).json()["has_photo"] is True
    async with ctx.db.sessionmaker() as s:
        entry = await s.scalar(
            select(AuditLog).where(AuditLog.action == "member.photo_set").order_by(AuditLog.seq)
        )
    assert entry is not None and entry.entity_id == str(member.id)


async def test_large_photos_are_shrunk_and_accepted_above_the_json_body_cap(ctx: Ctx) -> None:
    member = await fresh_member(ctx, ctx.ids["child"])
    noisy = Image.effect_noise((1600, 1200), 90).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "PNG")
    assert len(out.getvalue()) > 1024 * 1024  # over the 1 MiB cap of ordinary requests
    assert (await put_photo(ctx, member.id, "clerk", out.getvalue())).status_code == 204
    got = await ctx.get(f"/api/v1/members/{member.id}/photo", "clerk")
    with Image.open(io.BytesIO(got.content)) as image:
        assert image.width <= 826 and image.height <= 1158


async def test_files_that_are_not_photos_are_refused_and_nothing_is_kept(ctx: Ctx) -> None:
    member = await fresh_member(ctx, ctx.ids["child"])
    for content, name in [
        (b"not an image at all", "photo.jpg"),
        (image_bytes("GIF"), "anim.gif"),
        (image_bytes("BMP"), "old.bmp"),
        (b"", "empty.png"),
        (image_bytes("PNG")[:60], "cut.png"),
    ]:
        r = await put_photo(ctx, member.id, "clerk", content, name=name)
        assert r.status_code == 422, (name, r.text)
        assert r.json()["code"] in {"photo_type", "photo_empty"}
        assert "照片" in r.json()["detail"] or "图片" in r.json()["detail"]
    assert stored(ctx) == []
    assert (await ctx.get(f"/api/v1/members/{member.id}", "clerk")).json()["has_photo"] is False


async def test_replacing_and_deleting_remove_the_old_file(ctx: Ctx) -> None:
    member = await fresh_member(ctx, ctx.ids["child"])
    await put_photo(ctx, member.id, "clerk", image_bytes())
    first = stored(ctx)
    await put_photo(ctx, member.id, "clerk", image_bytes("WEBP"))
    second = stored(ctx)
    assert len(second) == 1 and second != first
    r = await ctx.delete(f"/api/v1/members/{member.id}/photo", "clerk")
    assert r.status_code == 204 and stored(ctx) == []
    assert (await ctx.get(f"/api/v1/members/{member.id}/photo", "clerk")).status_code == 404
    again = await ctx.delete(f"/api/v1/members/{member.id}/photo", "clerk")
    assert again.status_code == 404 and again.json()["code"] == "no_photo"


async def test_a_refused_transaction_leaves_neither_row_nor_file(ctx: Ctx) -> None:
    member = await fresh_member(ctx, ctx.ids["child"])
    await put_photo(ctx, member.id, "clerk", image_bytes())
    kept = stored(ctx)
    async with ctx.db.sessionmaker() as s, s.begin():
        await s.execute(delete(AuditHead))  # the audit write fails, so the change is refused
    r = await put_photo(ctx, member.id, "clerk", image_bytes("WEBP"))
    assert r.status_code == 503
    assert stored(ctx) == kept, "the new file is removed when the transaction rolls back"


async def test_scope_and_the_members_own_photo(ctx: Ctx) -> None:
    member = await fresh_member(ctx, ctx.ids["child"])
    await put_photo(ctx, member.id, "clerk", image_bytes())
    assert (await ctx.get(f"/api/v1/members/{member.id}/photo", "secretary2")).status_code == 404
    assert (await ctx.get(f"/api/v1/members/{member.id}/photo", "member")).status_code == 404
    # 宣传委员 may read the roster but not change it: 403 on upload, nothing stored.
    before = stored(ctx)
    r = await put_photo(ctx, member.id, "xuanchuan", image_bytes("WEBP"))
    assert r.status_code == 403 and stored(ctx) == before
    own = (await ctx.get("/api/v1/me/member", "member")).json()
    assert own["has_photo"] is False
    assert (await ctx.get(f"/api/v1/members/{own['id']}/photo", "member")).status_code == 404
    await put_photo(ctx, own["id"], "clerk", image_bytes())
    mine = await ctx.get(f"/api/v1/members/{own['id']}/photo", "member")
    assert mine.status_code == 200 and mine.content.startswith(b"\xff\xd8\xff")
