"""Import and export of the roster as .xlsx (the service side; the sheet format is in xlsx.py).

An import is checked whole first (a dry run returns every problem with its row and column); a
real import is all-or-nothing, matches existing members by ID number (blind index) and writes
only what changed, so the same file imported twice changes nothing the second time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.masking import mask_phone, may_see_personal_data
from dangjian.authz.paths import within_any
from dangjian.authz.principal import Principal
from dangjian.core import clock
from dangjian.core.collation import pinyin
from dangjian.core.cpu import run_cpu
from dangjian.core.crypto import PersonalDataCipher
from dangjian.core.errors import Forbidden, Unprocessable
from dangjian.core.exports import export_heading, workbook
from dangjian.members import xlsx
from dangjian.members.enums import LABELS
from dangjian.members.schemas import ImportProblem, ImportResult
from dangjian.members.service import (
    FULL_EXPORTS_PER_HOUR,
    ID_NUMBER_UNUSABLE,
    MEMBER_ORG_KINDS,
    ListFilters,
    _filtered,
    encrypted_fields,
    rate_limited_audit,
    record_id_number_refusals,
)
from dangjian.models import Member, Organization

MAX_ROWS = xlsx.MAX_ROWS
MAX_EXPORT_ROWS = 100_000
# Fields compared and written as they are; the encrypted ones are handled apart.
PLAIN_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "degree",
    "kind",
    "joined_on",
    "converted_on",
    "work_post",
    "work_started_on",
    "professional_title",
    "new_stratum",
    "landline",
    "registered_residence",
    "grid_area",
    "categories",
)


async def _writable_orgs(
    session: AsyncSession, principal: Principal
) -> dict[str, list[Organization]]:
    """Organisations in the caller's roster-writing scope (of any kind), by full name and by
    code. Whether one may hold members is checked by the caller (`MEMBER_ORG_KINDS`)."""
    orgs = (
        await session.scalars(
            select(Organization)
            .where(principal.readable(Organization.path, Cap.roster_write))
            .order_by(Organization.path)
        )
    ).all()
    by_key: dict[str, list[Organization]] = {}
    for org in orgs:
        for key in {org.name, org.code} - {None}:
            by_key.setdefault(str(key), []).append(org)
    return by_key


def template_choices(orgs: dict[str, list[Organization]]) -> list[str]:
    """The 所在党组织 drop-down of the template: each organisation the caller may put
    members in (MEMBER_ORG_KINDS), by name — by code where the name is not unique (the import
    asks for the code then)."""
    seen: dict[int, Organization] = {
        o.id: o for group in orgs.values() for o in group if o.kind in MEMBER_ORG_KINDS
    }
    out: list[str] = []
    for org in sorted(seen.values(), key=lambda o: o.path):
        unique = len(orgs.get(org.name, [])) == 1
        key = org.name if unique or not org.code else org.code
        if key not in out:
            out.append(key)
    return out


async def import_template(session: AsyncSession, principal: Principal) -> bytes:
    """The import template with the caller's organisations in the drop-down."""
    if not principal.can_anywhere(Cap.roster_write):
        raise Forbidden("无权导入党员花名册")
    choices = template_choices(await _writable_orgs(session, principal))
    return await run_cpu(xlsx.template, choices)  # openpyxl: CPU work


async def import_roster(
    session: AsyncSession,
    principal: Principal,
    cipher: PersonalDataCipher,
    content: bytes,
    *,
    dry_run: bool,
) -> ImportResult:
    if not principal.can_anywhere(Cap.roster_write):
        raise Forbidden("无权导入党员花名册")
    try:
        # openpyxl off the event loop; the caps stop a bomb before it costs much
        parsed, problems = await run_cpu(xlsx.parse, content)
    except xlsx.ImportTooLarge as exc:
        raise Unprocessable(str(exc), code="import_too_large") from exc
    except ValueError as exc:
        raise Unprocessable(str(exc), code="import_unreadable") from exc
    orgs = await _writable_orgs(session, principal)
    # a blind index (HMAC) per row: 20 000 of them are CPU work too
    seen, indexes = await run_cpu(_match_rows, cipher, parsed, problems, orgs)
    existing = await _existing(session, list(seen))
    writable_paths = principal.paths_with(Cap.roster_write)
    refused: list[tuple[int, str]] = []
    for row in parsed:
        found = existing.get(indexes.get(row.row, ""))
        if found is None or within_any(found[1], writable_paths):
            continue
        if principal.can(Cap.roster_read, found[1]):  # a member the caller sees anyway
            message = "该党员已由其他党组织登记，不能在此导入"
        else:  # R: MEM-01 — no word on where, or whether, the number is registered
            message = ID_NUMBER_UNUSABLE
            refused.append((found[0].id, found[1]))
        problems.append(xlsx.CellProblem(row.row, "公民身份号码", row.values["id_number"], message))
    if refused:
        await record_id_number_refusals(
            session, principal, refused, source="import_dry_run" if dry_run else "import"
        )
    plans: list[tuple[xlsx.ParsedRow, Member | None]] = [
        (row, existing[indexes[row.row]][0] if indexes.get(row.row) in existing else None)
        for row in parsed
    ]
    created: list[xlsx.ParsedRow] = []
    updated: list[tuple[xlsx.ParsedRow, Member]] = []
    unchanged = 0
    if not problems:  # decrypting to compare is CPU work per row
        created, updated, unchanged = await run_cpu(_plan, cipher, plans)
    applied = not dry_run and not problems
    ids: dict[str, list[int]] = {"created": [], "updated": []}
    if applied:
        ids = await _apply(session, cipher, created, updated)
        await audit.record(
            session,
            actor=principal,
            action="member.import",
            entity="member_import",
            entity_id=hashlib.sha256(content).hexdigest()[:16],
            organization_path=min(writable_paths, key=len) if writable_paths else None,
            after={
                "rows": len(parsed),
                "created": ids["created"],
                "updated": ids["updated"],
                "unchanged": unchanged,
                "sha256": hashlib.sha256(content).hexdigest(),
            },
        )
    return ImportResult(
        dry_run=dry_run,
        applied=applied,
        rows=len(parsed),
        to_create=len(created),
        to_update=len(updated),
        unchanged=unchanged,
        # Issue 18 item 7: the wizard's counters (a problem always names a data row)
        good_rows=len(parsed) - len({p.row for p in problems}),
        problem_rows=len({p.row for p in problems}),
        problems=[ImportProblem(**p.__dict__) for p in sorted(problems, key=lambda p: p.row)],
    )


PROBLEM_COLUMNS = (("行号", 8), ("列", 16), ("填写的内容", 28), ("问题", 56))


async def problem_list(
    session: AsyncSession, principal: Principal, cipher: PersonalDataCipher, content: bytes
) -> bytes:
    """The dry run's problems as a workbook to work through (issue 18 item 7): the file is
    checked again (nothing is written), so the list is the server's, not what a browser says.
    Every cell goes through `core.exports` (typed-in values never become formulas)."""
    result = await import_roster(session, principal, cipher, content, dry_run=True)
    heading = export_heading(
        "党员花名册导入问题清单",
        f"共 {result.rows} 行，{result.good_rows} 行无误，{result.problem_rows} 行有问题",
        by=principal.label,
        at=clock.now(),
    )
    rows = [[p.row, p.column, p.value, p.message] for p in result.problems]
    return await run_cpu(
        workbook,
        rows,
        title="导入问题",
        heading=heading,
        columns=PROBLEM_COLUMNS,
        wrapped={"填写的内容", "问题"},
    )


def org_not_found(name: str) -> str:
    return f"找不到名为“{name}”的党组织"


def _match_rows(
    cipher: PersonalDataCipher,
    parsed: list[xlsx.ParsedRow],
    problems: list[xlsx.CellProblem],
    orgs: dict[str, list[Organization]],
) -> tuple[dict[str, int], dict[int, str]]:
    """Resolve each row's organisation and ID number index; problems are appended.

    Returns the first row of every index and every row's index (CPU-bound: run_cpu)."""
    seen: dict[str, int] = {}
    indexes: dict[int, str] = {}
    for row in parsed:
        org_key = row.values.get("organization")
        if org_key:
            found = orgs.get(org_key, [])
            matches = [o for o in found if o.kind in MEMBER_ORG_KINDS]
            if not found:
                # Issue 18 item 7: a mistyped name and an organisation outside the caller's
                # scope read the same — whether it exists elsewhere is not told (ROLES.md).
                problems.append(
                    xlsx.CellProblem(row.row, "所在党组织", org_key, org_not_found(org_key))
                )
            elif not matches:  # in scope, but one that holds no members (the street)
                problems.append(
                    xlsx.CellProblem(
                        row.row,
                        "所在党组织",
                        org_key,
                        "该党组织不直接管理党员，请填写党员所在的社区党组织、党支部或党小组",
                    )
                )
            elif len(matches) > 1:
                problems.append(
                    xlsx.CellProblem(
                        row.row, "所在党组织", org_key, "组织名称不唯一，请填写党组织编码"
                    )
                )
            else:
                row.values["organization_id"] = matches[0].id
        number = row.values.get("id_number")
        if number:
            index = cipher.blind_index(number)
            if index in seen:
                problems.append(
                    xlsx.CellProblem(row.row, "公民身份号码", number, f"与第 {seen[index]} 行重复")
                )
            seen.setdefault(index, row.row)
            indexes[row.row] = index
    return seen, indexes


async def _existing(session: AsyncSession, indexes: list[str]) -> dict[str, tuple[Member, str]]:
    found: dict[str, tuple[Member, str]] = {}
    for start in range(0, len(indexes), 1000):
        chunk = indexes[start : start + 1000]
        rows = (
            await session.execute(
                select(Member, Organization.path)
                .join(Organization, Organization.id == Member.organization_id)
                .where(Member.id_number_index.in_(chunk))
            )
        ).all()
        for member, path in rows:
            assert member.id_number_index is not None
            found[member.id_number_index] = (member, path)
    return found


def _plan(
    cipher: PersonalDataCipher, plans: list[tuple[xlsx.ParsedRow, Member | None]]
) -> tuple[list[xlsx.ParsedRow], list[tuple[xlsx.ParsedRow, Member]], int]:
    """The rows to create, the rows that change a member, and how many change nothing."""
    created: list[xlsx.ParsedRow] = []
    updated: list[tuple[xlsx.ParsedRow, Member]] = []
    unchanged = 0
    for row, member in plans:
        if member is None:
            created.append(row)
        elif _changes(cipher, member, row.values):
            updated.append((row, member))
        else:
            unchanged += 1
    return created, updated, unchanged


def _changes(cipher: PersonalDataCipher, member: Member, values: dict[str, Any]) -> dict[str, Any]:
    """The columns that an imported row would change (empty: the row is already there)."""
    changes: dict[str, Any] = {}
    for name in PLAIN_FIELDS:
        new = values.get(name)
        if name == "categories":
            new = sorted(new or [])
            old: Any = sorted(member.categories or [])
        else:
            old = getattr(member, name)
            old = old.value if hasattr(old, "value") else old
        if new != old:
            changes[name] = new
    if values.get("organization_id") != member.organization_id:
        changes["organization_id"] = values.get("organization_id")
    for name, column in (("mobile", "mobile_enc"), ("address", "address_enc")):
        stored = getattr(member, column)
        if values.get(name) != (cipher.decrypt(stored) if stored else None):
            changes[name] = values.get(name)
    return changes


def _new_rows(
    cipher: PersonalDataCipher, created: list[xlsx.ParsedRow], now: datetime
) -> list[dict[str, Any]]:
    return [
        {
            **{f: row.values.get(f) for f in PLAIN_FIELDS},
            "categories": row.values.get("categories") or [],
            "organization_id": row.values["organization_id"],
            "status": "normal",
            "version": 1,
            "standing_correction_months": 0,
            "created_at": now,
            "updated_at": now,
            **encrypted_fields(cipher, row.values),
        }
        for row in created
    ]


async def _apply(
    session: AsyncSession,
    cipher: PersonalDataCipher,
    created: list[xlsx.ParsedRow],
    updated: list[tuple[xlsx.ParsedRow, Member]],
) -> dict[str, list[int]]:
    now = clock.now()
    new_rows = await run_cpu(_new_rows, cipher, created, now)  # AES-GCM and HMAC per row
    for start in range(0, len(new_rows), 2000):
        await session.execute(insert(Member), new_rows[start : start + 2000])
    created_ids: list[int] = []
    new_indexes = [r["id_number_index"] for r in new_rows]
    for start in range(0, len(new_indexes), 1000):
        created_ids += (
            await session.scalars(
                select(Member.id).where(
                    Member.id_number_index.in_(new_indexes[start : start + 1000])
                )
            )
        ).all()
    for row, member in updated:
        changes = _changes(cipher, member, row.values)
        values = {k: v for k, v in changes.items() if k not in ("mobile", "address")}
        encrypted = encrypted_fields(cipher, row.values)
        if "mobile" in changes:
            values.update({k: encrypted[k] for k in ("mobile_enc", "mobile_index", "mobile_tail")})
        if "address" in changes:
            values["address_enc"] = encrypted["address_enc"]
        await session.execute(
            update(Member)
            .where(Member.id == member.id)
            .values(**values, version=Member.version + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return {"created": sorted(created_ids), "updated": [m.id for _, m in updated]}


def _export_rows(
    principal: Principal, cipher: PersonalDataCipher, rows: Sequence[Any], full: bool
) -> tuple[list[list[Any]], bool]:
    """The export's rows, personal data masked unless asked for and allowed (per row)."""
    masked_any = False
    out: list[list[Any]] = []
    for m, org_name, path in rows:
        show = full and may_see_personal_data(principal, organization_path=path, member_id=m.id)
        masked_any = masked_any or not show
        # The masked forms are stored (members.stored): only a shown row is decrypted.
        if show:
            number = cipher.decrypt(m.id_number_enc) if m.id_number_enc else None
            mobile = cipher.decrypt(m.mobile_enc) if m.mobile_enc else None
        else:
            number, mobile = m.id_number_masked, m.mobile_masked
        address = cipher.decrypt(m.address_enc) if m.address_enc and show else None
        out.append(
            [
                m.name,
                number,
                LABELS.get(m.gender, m.gender),
                m.ethnicity,
                m.education,
                m.degree,
                LABELS.get(m.kind, m.kind),
                org_name,
                m.joined_on,
                m.converted_on,
                m.work_post,
                m.work_started_on,
                m.professional_title,
                m.new_stratum,
                mobile,
                m.landline if show else mask_phone(m.landline),
                m.registered_residence,
                address,
                m.grid_area,
                "、".join(LABELS.get(c, c) for c in (m.categories or [])),
            ]
        )
    return out, masked_any


async def export_roster(
    session: AsyncSession,
    principal: Principal,
    cipher: PersonalDataCipher,
    filters: ListFilters,
    *,
    full: bool,
    today: date,
) -> tuple[bytes, int]:
    """The filtered roster; personal data masked unless asked for and allowed (per row)."""
    if not principal.can_anywhere(Cap.roster_read):
        raise Forbidden("无权导出党员花名册")
    stmt = await _filtered(session, principal, filters, today)
    rows = (
        await session.execute(
            stmt.order_by(Organization.path, pinyin(Member.name), Member.id).limit(MAX_EXPORT_ROWS)
        )
    ).all()
    # decrypting and masking up to 100 000 rows is CPU work too
    out, masked_any = await run_cpu(_export_rows, principal, cipher, rows, full)
    # The workbook is written before the audit row is appended: the append holds the chain head
    # (a row lock on PostgreSQL, the write lock on SQLite) until the request commits, and every
    # other audited write would wait for seconds of workbook writing.
    content = await run_cpu(
        xlsx.export,
        out,
        title="党员花名册",
        exported_by=principal.label,
        exported_at=clock.local(clock.now()),
        masked=masked_any,
    )
    read_paths = principal.paths_with(Cap.roster_read)
    entry: dict[str, Any] = dict(
        action="member.export",
        entity="member_export",
        organization_path=min(read_paths, key=len) if read_paths else None,
        after={
            "rows": len(out),
            "full": full and not masked_any,
            "filters": {k: v for k, v in filters.__dict__.items() if v},
        },
    )
    if full and principal.can_anywhere(Cap.roster_full):
        # A full export is a bulk reveal: audited like one, and limited per caller and hour.
        await rate_limited_audit(
            session,
            principal,
            limit=FULL_EXPORTS_PER_HOUR,
            window=timedelta(hours=1),
            message="导出完整个人信息过于频繁，请稍后再试",
            code="export_rate_limited",
            same_entity_id=True,
            entity_id="full",
            **entry,
        )
    else:
        await audit.record(session, actor=principal, **entry)
    return content, len(out)
