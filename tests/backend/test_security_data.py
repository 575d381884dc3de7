"""Personal data and files under attack: the event loop stays free while workbooks are parsed,
exports never carry formulas, import bombs are refused early, correction requests keep personal
data encrypted and masked, the reveal and full-export limits hold under concurrency, and an ID
number registered elsewhere is refused without saying so."""

from __future__ import annotations

import asyncio
import io
import json
import secrets
import time
import zipfile
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from conftest import TEST_DATA_KEY, Ctx, fresh_member
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from dangjian.core import clock, idcard
from dangjian.core.crypto import PersonalDataCipher
from dangjian.members import keys
from dangjian.members.xlsx import HEADERS
from dangjian.models import AuditLog, Meeting, Member, MemberCorrection
from dangjian.models.enums import MeetingStatus, MeetingType

M = "/api/v1/members"
ME = "/api/v1/me/member"
BRANCH = "第一党支部（幸福小区）"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNUSABLE = "该身份证号码无法登记：如该党员的组织关系在其他党组织，请通过组织关系转接办理"
INJECTIONS = ['=HYPERLINK("http://x","y")', "=1+2", "+1", "-2+3", "@SUM(A1)"]
cipher = PersonalDataCipher(TEST_DATA_KEY)


def number(n: int) -> str:
    """A valid ID number, distinct for every n below 1 000 000."""
    born = date(1950, 1, 1) + timedelta(days=n // 100)
    return idcard.make("110106", born, n % 100, male=n % 2 == 0)


def roster_row(n: int) -> list[Any]:
    values = {
        "姓名": f"导入党员{n}",
        "公民身份号码": number(n),
        "民族": "汉族",
        "学历": "大学本科",
        "人员类别": "正式党员",
        "所在党组织": BRANCH,
        "入党日期": "2005-07-01",
        "转正日期": "2006-07-01",
        "手机号码": f"139{n:08d}",
        "现居住地": "北京市朝阳区幸福小区12号楼3单元502室",
    }
    return [values.get(h) for h in HEADERS]


@pytest.fixture(scope="module")
def big_roster() -> bytes:
    """A valid 20 000-row roster (the import cap), built once."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员花名册")
    ws.append(HEADERS)
    for n in range(1, 20_001):
        ws.append(roster_row(n))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _with_sheet(sheet_xml: bytes | None = None, *, pad: int = 0) -> bytes:
    """A minimal roster workbook whose sheet XML is replaced (or padded with `pad` spaces)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "党员花名册"
    ws.append(HEADERS)
    source = io.BytesIO()
    wb.save(source)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, data)
                continue
            if sheet_xml is not None:
                dst.writestr(info.filename, sheet_xml)
                continue
            head, tail = data.split(b"</sheetData>")
            with dst.open(info.filename, "w") as entry:
                entry.write(head)
                chunk = b" " * (1 << 20)
                for _ in range(pad // len(chunk)):
                    entry.write(chunk)
                entry.write(b"</sheetData>" + tail)
    return out.getvalue()


def _header_xml() -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for i, h in enumerate(HEADERS)
    )
    return f'<row r="1">{cells}</row>'


def _rows_bomb(rows: int, *, blank: bool) -> bytes:
    """A sheet of `rows` tiny rows (a name only, or nothing): small zipped, huge to read."""
    body = (
        "".join(f'<row r="{r}"/>' for r in range(2, rows + 2))
        if blank
        else "".join(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>'
            for r in range(2, rows + 2)
        )
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{_header_xml()}{body}</sheetData></worksheet>"
    )
    return _with_sheet(xml.encode())


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return {
        "rows": _rows_bomb(300_000, blank=False),
        "blank_rows": _rows_bomb(300_000, blank=True),
        "unpacked": _with_sheet(pad=160 * 1024 * 1024),
    }


async def _import(ctx: Ctx, content: bytes, who: str = "clerk", *, dry_run: bool = True) -> Any:
    return await ctx.post(
        f"{M}/import",
        who,
        params={"dry_run": str(dry_run).lower()},
        files={"file": ("roster.xlsx", content, "application/octet-stream")},
    )


# ---------------------------------------------------------------- 1. the event loop stays free


async def test_healthz_answers_while_a_20000_row_import_is_parsed(
    ctx: Ctx, big_roster: bytes
) -> None:
    # warm up (first connections, compiled statements): the cold start is not under test
    warm = Workbook()
    sheet = warm.active
    assert sheet is not None
    sheet.append(HEADERS)
    sheet.append(roster_row(0))
    buffer = io.BytesIO()
    warm.save(buffer)
    assert (await _import(ctx, buffer.getvalue())).status_code == 200
    assert (await ctx.client.get("/healthz")).status_code == 200

    task = asyncio.create_task(_import(ctx, big_roster))
    polls_while_running = 0
    # Time from one answer to the next, pause included: the loop must never stall, whether a
    # request is in flight or not.
    # On this 2-core machine a single scheduling hiccup of a few hundred milliseconds was seen once
    # in a CI run (the old code stalled 3.96 s): 95 % of the gaps must stay under 200 ms and none
    # may reach a second.
    last = time.perf_counter()
    gaps: list[float] = []
    while not task.done():
        await asyncio.sleep(0.01)
        r = await ctx.client.get("/healthz")
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
        assert r.status_code == 200
        polls_while_running += not task.done()
    slow = sorted(g for g in gaps if g >= 0.2)
    assert max(gaps) < 1.0, f"/healthz stalled {max(gaps):.3f} s"
    assert len(slow) <= len(gaps) // 20, f"{len(slow)} of {len(gaps)} gaps ≥ 200 ms: {slow}"
    result = await task
    assert result.status_code == 200, result.text
    assert result.json()["rows"] == 20_000 and result.json()["problems"] == []
    assert polls_while_running >= 1


# ---------------------------------------------------------------- 2. no formulas in exports


def _no_formulas(content: bytes) -> list[Any]:
    wb = load_workbook(io.BytesIO(content))
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                values.append(cell.value)
    return values


async def test_exports_write_formula_like_text_as_text(ctx: Ctx) -> None:
    org = ctx.ids["child"]
    await fresh_member(
        ctx,
        org,
        name=INJECTIONS[0],
        registered_residence=INJECTIONS[1],
        grid_area=INJECTIONS[2],
        professional_title=INJECTIONS[3],
        landline=INJECTIONS[4],
        address_enc=cipher.encrypt("=1+2"),
    )
    for who, params in (("deputy", {}), ("clerk", {"full": "true"})):
        r = await ctx.get(f"{M}/export", who, params={"org_id": org, **params})
        assert r.status_code == 200 and r.headers["content-type"] == XLSX_TYPE
        values = _no_formulas(r.content)
        assert INJECTIONS[0] in values and INJECTIONS[1] in values and INJECTIONS[2] in values
        assert INJECTIONS[3] in values
    assert INJECTIONS[4] in values and "=1+2" in values  # full: landline and address
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    numbers = [c.value for c in ws["I"][2:]]  # 入党日期: dates stay dates
    assert all(isinstance(v, datetime) for v in numbers if v is not None)

    register = await ctx.get(
        "/api/v1/ledgers/dues", "zuzhi", params={"org_id": org, "year": clock.today().year}
    )
    assert register.status_code == 200, register.text
    assert INJECTIONS[0] in _no_formulas(register.content)

    starts = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0)
    starts = starts - timedelta(days=1)
    async with ctx.db.sessionmaker() as s, s.begin():
        s.add(
            Meeting(
                organization_id=org,
                type=MeetingType.branch_assembly,
                title="=1+2",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                place='=HYPERLINK("http://x","y")',
                host="@SUM(A1)",
                recorder="-2+3",
                status=MeetingStatus.held,
                notified_at=starts - timedelta(days=3),
                notice_short=False,
                held_at=starts,
                confidential=False,
                checkin_token=secrets.token_hex(16),
                created_by="+1",
            )
        )
    year = starts.astimezone(clock.zone()).year
    ledger = await ctx.get(
        "/api/v1/ledgers/meetings",
        "secretary",
        params={"org_id": org, "type": "branch_assembly", "year": year},
    )
    assert ledger.status_code == 200, ledger.text
    values = _no_formulas(ledger.content)
    assert {"=1+2", '=HYPERLINK("http://x","y")', "@SUM(A1)", "-2+3"} <= set(values)

    template = await ctx.get(f"{M}/import-template", "clerk")
    _no_formulas(template.content)


# ---------------------------------------------------------------- 3. import bombs


@pytest.mark.parametrize("bomb", ["rows", "blank_rows", "unpacked"])
async def test_an_import_bomb_is_refused_quickly(
    ctx: Ctx, bombs: dict[str, bytes], bomb: str
) -> None:
    content = bombs[bomb]
    assert len(content) < 2 * 1024 * 1024
    started = time.perf_counter()
    r = await _import(ctx, content)
    elapsed = time.perf_counter() - started
    assert r.status_code == 422 and r.json()["code"] == "import_too_large", r.text
    assert "请分批导入" in r.json()["detail"]
    assert elapsed < 2, f"refused after {elapsed:.1f} s"


# ---------------------------------------------------------------- 4. correction requests


async def test_correction_requests_are_stored_encrypted_and_answered_masked(ctx: Ctx) -> None:
    new_number = number(4242)
    asked = await ctx.post(
        f"{ME}/corrections",
        "member",
        json={
            "changes": {
                "id_number": new_number,
                "mobile": "13912345678",
                "address": "幸福小区9号楼",
                "landline": "010-88886666",
                "grid_area": "幸福小区",
            },
            "reason": "证件号码登记错了",
        },
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["changes"]["id_number"] == new_number  # the member's own request
    async with ctx.db.sessionmaker() as s:
        raw = await s.scalar(
            select(MemberCorrection.changes).where(MemberCorrection.id == asked.json()["id"])
        )
    stored = json.dumps(raw, ensure_ascii=False)
    assert new_number not in stored and "13912345678" not in stored
    assert "幸福小区9号楼" not in stored

    def by_id(answer: Any) -> dict[str, Any]:
        return next(c for c in answer.json() if c["id"] == asked.json()["id"])

    masked = by_id(await ctx.get(f"{M}/corrections", "deputy"))  # roster.read, not roster.full
    assert masked["masked"] is True
    changes = masked["changes"]
    assert changes["id_number"] == new_number[:4] + "*" * 10 + new_number[-4:]
    assert changes["mobile"] == "*******5678" and changes["landline"].endswith("6666")
    assert "8888" not in changes["landline"] and changes["address"] == "（已隐藏）"
    assert changes["grid_area"] == "幸福小区"
    # roster.full does not unmask a list either: only the audited, limited reveal does
    staff = by_id(await ctx.get(f"{M}/corrections", "clerk"))
    assert staff["masked"] is True and staff["changes"] == changes
    own = by_id(await ctx.get(f"{ME}/corrections", "member"))
    assert own["changes"]["mobile"] == "13912345678"
    # an approved request applies the values in clear
    decided = await ctx.post(
        f"{M}/corrections/{asked.json()['id']}/decision", "clerk", json={"approve": True}
    )
    assert decided.status_code == 200, decided.text
    record = (await ctx.get(ME, "member")).json()
    assert record["id_number"] == new_number and record["address"] == "幸福小区9号楼"


async def test_legacy_clear_corrections_are_read_masked_and_encrypted_by_rotation(
    ctx: Ctx,
) -> None:
    member = await fresh_member(ctx, ctx.ids["child"])
    clear = number(777)
    async with ctx.db.sessionmaker() as s, s.begin():
        row = MemberCorrection(
            member_id=member.id,
            organization_id=ctx.ids["child"],
            changes={"id_number": clear, "mobile": "13700001111"},
            reason="旧数据",
            requested_by="测试",
        )
        s.add(row)
        await s.flush()
        legacy_id = row.id
    listed = await ctx.get(f"{M}/corrections", "deputy")
    legacy = next(c for c in listed.json() if c["id"] == legacy_id)
    assert legacy["changes"]["id_number"] != clear and legacy["changes"]["id_number"].endswith(
        clear[-4:]
    )
    async with ctx.db.sessionmaker() as s, s.begin():
        await keys.rotate(s, cipher, cipher)
    async with ctx.db.sessionmaker() as s:
        raw = await s.scalar(
            select(MemberCorrection.changes).where(MemberCorrection.id == legacy_id)
        )
    assert clear not in json.dumps(raw) and "13700001111" not in json.dumps(raw)
    # still readable after rotation: the masked form is computed from the decrypted value
    after = await ctx.get(f"{M}/corrections", "clerk")
    shown = next(c for c in after.json() if c["id"] == legacy_id)["changes"]["id_number"]
    assert shown == clear[:4] + "*" * 10 + clear[-4:]


# ---------------------------------------------------------------- 5. limits under concurrency


async def test_thirty_parallel_reveals_give_exactly_ten(ctx: Ctx) -> None:
    m = await fresh_member(ctx, ctx.ids["child"])
    answers = await asyncio.gather(
        *(ctx.post(f"{M}/{m.id}/reveal", "secretary") for _ in range(30))
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] * 10 + [429] * 20, codes
    limited = next(a for a in answers if a.status_code == 429)
    assert limited.json()["code"] == "reveal_rate_limited" and limited.headers["retry-after"]
    async with ctx.db.sessionmaker() as s:
        rows = (await s.scalars(select(AuditLog).where(AuditLog.action == "member.reveal"))).all()
    assert len(rows) == 10


async def test_full_exports_are_limited_per_hour_and_audited(ctx: Ctx) -> None:
    params = {"org_id": ctx.ids["group"], "full": "true"}
    answers = await asyncio.gather(
        *(ctx.get(f"{M}/export", "clerk", params=params) for _ in range(8))
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] * 5 + [429] * 3, codes
    limited = next(a for a in answers if a.status_code == 429)
    assert limited.json()["code"] == "export_rate_limited"
    assert int(limited.headers["retry-after"]) == 3600
    # masked exports stay unlimited
    masked = await ctx.get(f"{M}/export", "clerk", params={"org_id": ctx.ids["group"]})
    assert masked.status_code == 200
    async with ctx.db.sessionmaker() as s:
        rows = (await s.scalars(select(AuditLog).where(AuditLog.action == "member.export"))).all()
    assert sorted(r.entity_id or "" for r in rows) == ["", *["full"] * 5]


# ---------------------------------------------------------------- 6. no membership oracle


async def _number_of(ctx: Ctx, member: Member) -> str:
    async with ctx.db.sessionmaker() as s:
        enc = await s.scalar(select(Member.id_number_enc).where(Member.id == member.id))
    assert enc is not None
    return cipher.decrypt(enc)


async def test_an_id_number_registered_elsewhere_gets_a_generic_audited_refusal(
    ctx: Ctx,
) -> None:
    dongfeng = await fresh_member(ctx, ctx.ids["child"])
    outside = await fresh_member(ctx, ctx.ids["outside"])
    answers = []
    for member in (dongfeng, outside):
        r = await ctx.post(
            M,
            "secretary2",
            json={
                "name": "某人",
                "organization_id": ctx.ids["sibling"],
                "id_number": await _number_of(ctx, member),
                "kind": "formal",
                "joined_on": "2000-01-01",
            },
        )
        assert r.status_code == 409, r.text
        answers.append(r.json())
    # the same answer whoever holds the number, and nothing about where
    assert answers[0] == answers[1]
    assert answers[0]["code"] == "id_number_unusable" and answers[0]["detail"] == UNUSABLE
    assert "东风" not in json.dumps(answers[0], ensure_ascii=False)

    # the import dry run answers the same way
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "党员花名册"
    ws.append(HEADERS)
    row = dict(zip(HEADERS, roster_row(1), strict=True))
    row.update({"公民身份号码": await _number_of(ctx, dongfeng), "所在党组织": "向阳社区党支部"})
    ws.append([row[h] for h in HEADERS])
    buffer = io.BytesIO()
    wb.save(buffer)
    dry = await _import(ctx, buffer.getvalue(), "secretary2")
    assert dry.status_code == 200, dry.text
    assert [p["message"] for p in dry.json()["problems"]] == [UNUSABLE]

    async with ctx.db.sessionmaker() as s:
        refusals = (
            await s.scalars(
                select(AuditLog)
                .where(AuditLog.action == "member.id_number_refused")
                .order_by(AuditLog.seq)
            )
        ).all()
    assert [r.after["source"] for r in refusals if r.after] == [
        "create",
        "create",
        "import_dry_run",
    ]
    assert refusals[0].entity_id == str(dongfeng.id) and "secretary2" in refusals[0].actor_label
    street = await ctx.get("/api/v1/audit", "street", params={"action": "member.id_number_refused"})
    assert street.status_code == 200 and street.json()["total"] >= 2
    # inside the caller's own scope a duplicate is still named
    dup = await ctx.post(
        M,
        "clerk",
        json={
            "name": "重复",
            "organization_id": ctx.ids["group"],
            "id_number": await _number_of(ctx, dongfeng),
            "kind": "formal",
            "joined_on": "2000-01-01",
        },
    )
    assert dup.status_code == 409 and dup.json()["code"] == "id_number_taken"
