"""Meeting attachments (MTG-08): materials sent with the notice and files kept with the minutes.

Type-checked by content, not by the name the sender gave; stored under generated names; served
as downloads. Minutes attachments follow the minutes' confidentiality.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.authz.principal import Principal
from dangjian.core.db import utcnow
from dangjian.core.errors import NotFound, Unprocessable
from dangjian.core.exports import XLSX
from dangjian.core.files import FileStore
from dangjian.meetings import service
from dangjian.meetings.schemas import AttachmentRead
from dangjian.models import MeetingAttachment
from dangjian.models.enums import AttachmentPurpose, MeetingStatus

MAX_BYTES = 20 * 1024 * 1024
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# extension → (content type, magic prefix or None for text)
KINDS: dict[str, tuple[str, bytes | None]] = {
    "pdf": ("application/pdf", b"%PDF-"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": (XLSX, _ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "txt": ("text/plain; charset=utf-8", None),
}
ALLOWED = "PDF、Word、Excel、PowerPoint、JPG、PNG 或 TXT"


def clean_name(name: str) -> str:
    """A display name without directories or control characters (the file is stored apart)."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:200] or "附件"


def check(name: str, data: bytes) -> tuple[str, str]:
    """(extension, content type) when the content matches an accepted type, else 422."""
    if not data:
        raise Unprocessable("文件为空", code="attachment_empty")
    if len(data) > MAX_BYTES:
        raise Unprocessable("附件不能超过 20 MB", code="attachment_too_large")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = KINDS.get(ext)
    if kind is None:
        raise Unprocessable(f"附件须为 {ALLOWED} 文件", code="attachment_type")
    content_type, magic = kind
    if magic is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Unprocessable("文本附件须为 UTF-8 编码", code="attachment_type") from exc
    elif not data.startswith(magic):
        raise Unprocessable(f"文件内容与扩展名 .{ext} 不符", code="attachment_type")
    return ("jpg" if ext == "jpeg" else ext), content_type


async def upload(
    session: AsyncSession,
    principal: Principal,
    store: FileStore,
    meeting_id: int,
    purpose: AttachmentPurpose,
    name: str,
    data: bytes,
) -> AttachmentRead:
    meeting, org = await service.managed(session, principal, meeting_id)
    if meeting.status in (MeetingStatus.archived, MeetingStatus.cancelled):
        raise service.WrongState("会议已归档或取消，不能再上传附件")
    display = clean_name(name)
    ext, content_type = check(display, data)
    stored = store.save(data, ext)
    store.swap_on_commit(session, new=stored, old=None)
    row = MeetingAttachment(
        meeting_id=meeting.id,
        purpose=purpose,
        name=display,
        stored=stored,
        content_type=content_type,
        size=len(data),
        uploaded_by=principal.label,
        uploaded_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    await service.record(
        session, principal, "meeting.attachment_add", meeting, org,
        after={"name": display, "purpose": purpose.value, "bytes": len(data)},
    )  # fmt: skip
    return AttachmentRead.model_validate(row)


async def download(
    session: AsyncSession,
    principal: Principal,
    store: FileStore,
    meeting_id: int,
    attachment_id: int,
) -> tuple[MeetingAttachment, bytes]:
    meeting, org, mine = await service.visible_to(session, principal, meeting_id)
    row = await _row(session, meeting.id, attachment_id)
    if row.purpose is AttachmentPurpose.minutes and not service.may_see_minutes(
        principal, meeting, org, mine
    ):
        raise NotFound()
    content = store.read(row.stored)
    if content is None:
        raise NotFound("附件文件已丢失，请联系管理员", code="attachment_missing")
    return row, content


async def delete(
    session: AsyncSession,
    principal: Principal,
    store: FileStore,
    meeting_id: int,
    attachment_id: int,
) -> None:
    meeting, org = await service.managed(session, principal, meeting_id)
    if meeting.status in (MeetingStatus.archived, MeetingStatus.minutes_approved):
        raise service.WrongState("纪要已审定或归档，附件不能删除")
    row = await _row(session, meeting.id, attachment_id)
    store.swap_on_commit(session, new=None, old=row.stored)
    await session.delete(row)
    await session.flush()
    await service.record(
        session, principal, "meeting.attachment_delete", meeting, org, before={"name": row.name}
    )


async def _row(session: AsyncSession, meeting_id: int, attachment_id: int) -> MeetingAttachment:
    row = await session.scalar(
        select(MeetingAttachment).where(
            MeetingAttachment.id == attachment_id, MeetingAttachment.meeting_id == meeting_id
        )
    )
    if row is None:
        raise NotFound()
    return row
