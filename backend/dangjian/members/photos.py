"""The optional member photo (issue 4, §3.1): checked, re-encoded, stored under a generated name.

Every upload is decoded and re-encoded as JPEG with Pillow: only real JPEG, PNG or WebP images get
through (a renamed file or a decompression bomb does not), and nothing the camera wrote into the
file — GPS position, device, time — is kept.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import Principal
from dangjian.core.cpu import run_cpu
from dangjian.core.errors import Forbidden, NotFound, Unprocessable
from dangjian.core.files import FileStore
from dangjian.members.service import _load
from dangjian.models import Member

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# A 2-inch ID photo is 413 × 579 px; twice that is plenty for a record card.
MAX_SIZE = (826, 1158)
MAX_PIXELS = 40_000_000  # larger images are refused before decoding (decompression bombs)


def normalise(data: bytes) -> bytes:
    """The photo as a metadata-free JPEG no larger than MAX_SIZE, or 422 in Chinese.

    CPU-bound (Pillow): call it through `run_cpu`."""
    if not data:
        raise Unprocessable("请选择照片文件", code="photo_empty")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise Unprocessable("照片须为 JPG、PNG 或 WebP 格式", code="photo_type")
            if image.width * image.height > MAX_PIXELS:
                raise Unprocessable("照片像素过多，请缩小后再上传", code="photo_too_large")
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGB")
            upright.thumbnail(MAX_SIZE)
            out = io.BytesIO()
            upright.save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise Unprocessable(
            "无法识别的图片文件，请上传 JPG、PNG 或 WebP 照片", code="photo_type"
        ) from exc


async def _writable(
    session: AsyncSession, principal: Principal, member_id: int
) -> tuple[Member, str]:
    m, _, path, _ = await _load(session, principal, member_id)
    if not principal.can(Cap.roster_write, path):
        raise Forbidden()
    return m, path


async def set_photo(
    session: AsyncSession, principal: Principal, store: FileStore, member_id: int, data: bytes
) -> None:
    m, path = await _writable(session, principal, member_id)
    jpeg = await run_cpu(normalise, data)  # Pillow decodes and re-encodes off the event loop
    old, new = m.photo_file, store.save(jpeg, "jpg")
    store.swap_on_commit(session, new=new, old=old)
    m.photo_file = new
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="member.photo_set",
        entity="member",
        entity_id=str(m.id),
        organization_path=path,
        after={"bytes": len(jpeg), "replaced": old is not None},
    )


async def delete_photo(
    session: AsyncSession, principal: Principal, store: FileStore, member_id: int
) -> None:
    m, path = await _writable(session, principal, member_id)
    if m.photo_file is None:
        raise NotFound("该党员没有照片", code="no_photo")
    store.swap_on_commit(session, new=None, old=m.photo_file)
    m.photo_file = None
    await session.flush()
    await audit.record(
        session,
        actor=principal,
        action="member.photo_delete",
        entity="member",
        entity_id=str(m.id),
        organization_path=path,
    )


async def read_photo(
    session: AsyncSession, principal: Principal, store: FileStore, member_id: int
) -> bytes:
    """The photo for those who may read the record, and for the member themself."""
    own = (
        principal.member
        if principal.member is not None and principal.member.id == member_id
        else None
    )
    m = own or (await _load(session, principal, member_id))[0]
    content = store.read(m.photo_file) if m.photo_file else None
    if content is None:
        raise NotFound("该党员没有照片", code="no_photo")
    return content
