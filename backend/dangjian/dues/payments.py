"""Recording dues payments, receipts, reversals and remittances (DUES-05/06/07/09).

A payment is recorded once: an `Idempotency-Key` makes a retried request answer with the payment
already recorded, and a key reused with another body is refused. Payments of one organisation
and year are serialised on the receipt counter row, so receipt numbers run without gaps and a
month cannot be paid twice by two requests racing each other.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.paths import subtree
from dangjian.authz.principal import Principal
from dangjian.authz.service import visible_organization
from dangjian.core.calendar import index_of, month_label, month_start, parse_month
from dangjian.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from dangjian.core.pagination import paginate
from dangjian.core.schemas import Page, PageParams
from dangjian.dues import ledger
from dangjian.dues.enums import (
    MONTH_STATE_LABELS,
    PAYMENT_KIND_LABELS,
    PAYMENT_METHOD_LABELS,
    MonthState,
)
from dangjian.dues.schemas import (
    PaymentCreate,
    PaymentMonthRead,
    PaymentRead,
    PaymentReverse,
    RemittanceUpdate,
)
from dangjian.dues.service import dues_member
from dangjian.models import (
    DuesMonthPaid,
    DuesPayment,
    DuesPaymentMonth,
    DuesReceiptCounter,
    Member,
    Organization,
)
from dangjian.models.enums import PaymentKind, PaymentMethod

# R: DUES-07 — a single voluntary payment of this much or more goes whole to the Central Committee.
REMIT_THRESHOLD = Decimal("1000")
# R: DUES-06 — back payments normally cover at most 6 months; older months are flagged.
BACK_PAYMENT_MONTHS = 6
# Advance payment (before going abroad): at most this many months after the current one.
ADVANCE_MONTHS = 12
NOTE_MAX = 200  # DuesPayment.note


def receipt_no(p: DuesPayment) -> str | None:
    if p.receipt_year is None or p.receipt_seq is None:
        return None
    return f"{p.receipt_year}-{p.receipt_seq:06d}"


async def _read(session: AsyncSession, p: DuesPayment) -> PaymentRead:
    return (await _read_many(session, [p]))[0]


async def _read_many(session: AsyncSession, payments: list[DuesPayment]) -> list[PaymentRead]:
    """The payments as the API shows them, with names, months and reversals in four queries
    whatever the number of payments."""
    if not payments:
        return []
    ids = [p.id for p in payments]
    names = dict(
        (
            await session.execute(
                select(Member.id, Member.name).where(Member.id.in_({p.member_id for p in payments}))
            )
        ).all()
    )
    orgs = dict(
        (
            await session.execute(
                select(Organization.id, Organization.name).where(
                    Organization.id.in_({p.organization_id for p in payments})
                )
            )
        ).all()
    )
    months: dict[int, list[PaymentMonthRead]] = {i: [] for i in ids}
    for pid, m, a in (
        await session.execute(
            select(DuesPaymentMonth.payment_id, DuesPaymentMonth.month, DuesPaymentMonth.amount)
            .where(DuesPaymentMonth.payment_id.in_(ids))
            .order_by(DuesPaymentMonth.payment_id, DuesPaymentMonth.month)
        )
    ).all():
        months[pid].append(PaymentMonthRead(month=month_label(index_of(m)), amount=ledger.money(a)))
    reversed_by = dict(
        (
            await session.execute(
                select(DuesPayment.reverses_id, DuesPayment.id).where(
                    DuesPayment.reverses_id.in_(ids)
                )
            )
        ).all()
    )
    return [_one(p, names, orgs, months[p.id], reversed_by.get(p.id)) for p in payments]


def _one(
    p: DuesPayment,
    names: dict[int, str],
    orgs: dict[int, str],
    months: list[PaymentMonthRead],
    reversed_by: int | None,
) -> PaymentRead:
    return PaymentRead(
        id=p.id,
        member_id=p.member_id,
        member_name=names.get(p.member_id, ""),
        organization_id=p.organization_id,
        organization_name=orgs.get(p.organization_id, ""),
        kind=p.kind,
        kind_label=PAYMENT_KIND_LABELS[p.kind],
        amount=ledger.money(p.amount),
        months=months,
        method=p.method,
        method_label=PAYMENT_METHOD_LABELS[p.method],
        reference=p.reference,
        payer_name=p.payer_name,
        collector=p.collector,
        paid_on=p.paid_on,
        receipt_no=receipt_no(p),
        back_payment=p.back_payment,
        advance=p.advance,
        note=p.note,
        reverses_id=p.reverses_id,
        reversed_by_id=reversed_by,
        remit_required=p.remit_required,
        remitted_on=p.remitted_on,
        remittance_reference=p.remittance_reference,
        recorded_by=p.recorded_by,
        created_at=p.created_at,
    )


def _digest(body: PaymentCreate) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def _replay(session: AsyncSession, existing: DuesPayment, digest: str) -> PaymentRead:
    if existing.request_hash != digest:
        raise Conflict(
            "该 Idempotency-Key 已用于另一笔内容不同的交纳，请换一个键重新提交",
            code="idempotency_mismatch",
        )
    return await _read(session, existing)


async def _by_key(session: AsyncSession, key: str) -> DuesPayment | None:
    return await session.scalar(select(DuesPayment).where(DuesPayment.idempotency_key == key))


async def allocate(
    session: AsyncSession, payment_id: int, member_id: int, months: list[tuple[date, Decimal]]
) -> None:
    """Record what a payment (or reversal) puts toward each month, and keep the derived net per
    member and month (`DuesMonthPaid`) in step — the one place either is written."""
    if not months:
        return
    session.add_all(
        DuesPaymentMonth(payment_id=payment_id, member_id=member_id, month=m, amount=a)
        for m, a in months
    )
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for m, a in months:
        stmt = insert(DuesMonthPaid).values(month=m, member_id=member_id, paid=a)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=["month", "member_id"],
                set_={"paid": DuesMonthPaid.paid + stmt.excluded.paid},
            )
        )
    await session.flush()


async def _ensure_counter(session: AsyncSession, org_id: int, year: int) -> None:
    """Create the (organisation, year) counter row if missing, racing writers tolerated. Being a
    write, it also opens the transaction (and on SQLite takes the write lock) before the
    savepoint."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(
        insert(DuesReceiptCounter)
        .values(organization_id=org_id, year=year, last_seq=0)
        .on_conflict_do_nothing(index_elements=["organization_id", "year"])
    )


async def _next_seq(session: AsyncSession, org_id: int, year: int) -> int:
    """The next receipt number; the row lock it takes serialises payments of the org and year."""
    seq = await session.scalar(
        update(DuesReceiptCounter)
        .where(DuesReceiptCounter.organization_id == org_id, DuesReceiptCounter.year == year)
        .values(last_seq=DuesReceiptCounter.last_seq + 1)
        .returning(DuesReceiptCounter.last_seq)
    )
    assert seq is not None
    return int(seq)


# Month states that cannot take a payment (DUES-03/04, MEM-06).
NOT_PAYABLE = frozenset(
    {MonthState.not_member, MonthState.off_roster, MonthState.no_basis, MonthState.exempt}
)


class _Replay(Exception):
    def __init__(self, payment: DuesPayment) -> None:
        self.payment = payment


async def _collecting_org(
    session: AsyncSession, principal: Principal, member: Member, path: str, org_id: int | None
) -> Organization:
    """R: DUES-05 — the member's own organisation, or (a floating member) the flow-in one."""
    if org_id is None or org_id == member.organization_id:
        if not principal.can(Cap.dues_manage, path):
            raise Forbidden("无权为该党员收缴党费", code="forbidden")
        org = await session.get(Organization, member.organization_id)
        assert org is not None
        return org
    # Scope first, then permission: a flow-in organisation the caller reads only is 403.
    org = await visible_organization(session, principal, org_id, Cap.dues_read)
    if not principal.can(Cap.dues_manage, org.path):
        raise Forbidden("无权在该党组织收缴党费", code="forbidden")
    if "floating_in" not in (member.categories or []):
        raise Unprocessable(
            "只有持《流动党员活动证》的流动党员可以在流入地党组织交纳党费", code="dues_where"
        )
    return org


async def create_payment(
    session: AsyncSession,
    principal: Principal,
    body: PaymentCreate,
    idempotency_key: str | None,
    today: date,
) -> PaymentRead:
    member, path = await dues_member(session, principal, body.member_id)
    org = await _collecting_org(session, principal, member, path, body.organization_id)
    paid_on = body.paid_on or today
    if paid_on > today:
        raise Unprocessable("交纳日期不能晚于今天", code="dues_payment")
    if body.method in (PaymentMethod.wechat, PaymentMethod.alipay) and not body.reference:
        raise Unprocessable("微信、支付宝交纳须填写交易流水号", code="dues_payment")
    amount = Decimal(body.amount)
    if amount <= 0:
        raise Unprocessable("金额应大于 0", code="dues_payment")
    if body.kind is PaymentKind.voluntary and body.months:
        raise Unprocessable("自愿多交不对应月份，请不要选择月份", code="dues_payment")
    if body.kind is PaymentKind.regular and not body.months:
        raise Unprocessable("请选择交纳的月份", code="dues_payment")
    months = sorted({parse_month(m) for m in body.months})
    if len(months) != len(body.months):
        raise Unprocessable("月份有重复", code="dues_payment")

    # R: DUES-06 — back payments cover at most 6 months: going further back needs a reason,
    # kept in the payment's note and in the audit trail.
    reason = (body.reason or "").strip() or None
    note = body.note
    if body.kind is PaymentKind.regular and _back_payment(months, index_of(paid_on)):
        if reason is None:
            raise Unprocessable(
                f"补交{BACK_PAYMENT_MONTHS}个月以前的党费，须填写补交原因",
                code="dues_back_payment_reason",
            )
        note = f"补交原因：{reason}" + (f"；{body.note}" if body.note else "")
        if len(note) > NOTE_MAX:
            raise Unprocessable(
                f"补交原因与说明合计不能超过{NOTE_MAX}字", code="dues_back_payment_reason"
            )

    digest = _digest(body)
    key = None
    if idempotency_key is not None:
        key = f"{principal.actor_kind}:{principal.actor_id}:{idempotency_key}"
        existing = await _by_key(session, key)
        if existing is not None:
            return await _replay(session, existing, digest)

    await _ensure_counter(session, org.id, paid_on.year)
    try:
        async with session.begin_nested():
            seq = await _next_seq(session, org.id, paid_on.year)
            if key is not None and (existing := await _by_key(session, key)) is not None:
                raise _Replay(existing)
            payment = await _insert(
                session,
                principal,
                member,
                org,
                body,
                months,
                amount,
                paid_on,
                seq,
                (key, digest, note),
            )
    except _Replay as replay:
        return await _warned(session, member, await _replay(session, replay.payment, digest))
    except IntegrityError:
        if key is None or (existing := await _by_key(session, key)) is None:
            raise
        return await _warned(session, member, await _replay(session, existing, digest))
    answer = await _warned(session, member, await _read(session, payment))

    await audit.record(
        session,
        actor=principal,
        action="dues.payment",
        entity="dues_payment",
        entity_id=payment.id,
        organization_path=org.path,
        after={
            "member_id": member.id,
            "kind": body.kind.value,
            "amount": body.amount,
            "months": [month_label(m) for m in months],
            "method": body.method.value,
            "payer_name": body.payer_name,
            "receipt_no": receipt_no(payment),
            "back_payment": payment.back_payment,
            "reason": reason if payment.back_payment else None,
            "older_unpaid": answer.older_unpaid,
            "remit_required": payment.remit_required,
        },
    )
    return answer


def _back_payment(months: list[int], current: int) -> bool:
    """R: DUES-06 — months more than 6 before the month of payment."""
    return bool(months) and months[0] < current - BACK_PAYMENT_MONTHS


async def _warned(session: AsyncSession, member: Member, read: PaymentRead) -> PaymentRead:
    """R: DUES-08 — the answer to a payment of later months while older ones stay unpaid warns
    the collector (the arrears count is not reset by it: `ledger.arrears`)."""
    if read.kind is not PaymentKind.regular or not read.months:
        return read
    earliest = parse_month(read.months[0].month)
    member_org = await _org_by_id(session, member.organization_id)
    modes = (await ledger.annual_timelines(session, [member_org]))[member_org.id]
    facts = (await ledger.load_facts(session, [(member.id, member.joined_on, modes)]))[member.id]
    starts = [index_of(b.effective_from) for b in facts.bases]
    if not starts:
        return read
    first = min(starts)
    if member.joined_on is not None:
        first = max(first, index_of(member.joined_on))
    current = index_of(read.paid_on)
    older = [
        month_label(c.month)
        for c in ledger.month_cells(facts, range(first, earliest), current)
        if c.state in (MonthState.unpaid, MonthState.partial)
    ]
    if not older:
        return read
    shown = "、".join(older[:6]) + ("等" if len(older) > 6 else "")
    return read.model_copy(
        update={
            "older_unpaid": older,
            "warning": (
                f"已登记，但之前还有 {len(older)} 个月未交足（{shown}），"
                "请提醒党员先补交；连续未交的月数不因交了后面的月份而清零"
            ),
        }
    )


async def _insert(
    session: AsyncSession,
    principal: Principal,
    member: Member,
    org: Organization,
    body: PaymentCreate,
    months: list[int],
    amount: Decimal,
    paid_on: date,
    seq: int,
    written: tuple[str | None, str, str | None],
) -> DuesPayment:
    key, digest, note = written
    current = index_of(paid_on)
    allocations: list[tuple[int, Decimal]] = []
    if body.kind is PaymentKind.regular:
        if months[-1] > current + ADVANCE_MONTHS:
            raise Unprocessable(
                f"预交至多到 {ADVANCE_MONTHS} 个月以后（{month_label(current + ADVANCE_MONTHS)}）",
                code="dues_payment",
            )
        # Read after the counter lock: a payment committed meanwhile is seen here.
        member_org = await _org_by_id(session, member.organization_id)
        modes = (await ledger.annual_timelines(session, [member_org]))[member_org.id]
        facts = (
            await ledger.load_facts(
                session, [(member.id, member.joined_on, modes)], months[0], months[-1]
            )
        )[member.id]
        problems = []
        for cell in ledger.month_cells(facts, months, current):
            label = month_label(cell.month)
            if cell.state in NOT_PAYABLE:
                problems.append(f"{label} {MONTH_STATE_LABELS[cell.state]}")
            elif cell.balance == 0:
                problems.append(f"{label} 已交清")
            else:
                allocations.append((cell.month, cell.balance))
        if problems:
            raise Conflict("以下月份不能交纳：" + "；".join(problems), code="dues_month_closed")
        expected = ledger.sum_money(a for _, a in allocations)
        if amount != expected:
            raise Unprocessable(
                f"金额应为所选月份未交合计 {ledger.money(expected)} 元（收到 {body.amount} 元）",
                code="dues_amount",
            )
    payment = DuesPayment(
        member_id=member.id,
        organization_id=org.id,
        kind=body.kind,
        amount=amount,
        method=body.method,
        reference=body.reference,
        payer_name=body.payer_name,
        collector=principal.label,
        paid_on=paid_on,
        receipt_year=paid_on.year,
        receipt_seq=seq,
        # R: DUES-06 — months more than 6 before the month of payment: for the branch's attention
        back_payment=_back_payment(months, current),
        advance=bool(months) and months[-1] > current,
        note=note,
        # R: DUES-07 — flagged for remittance to the Central Committee, tracked until remitted
        remit_required=body.kind is PaymentKind.voluntary and amount >= REMIT_THRESHOLD,
        idempotency_key=key,
        request_hash=digest,
        recorded_by=principal.label,
    )
    session.add(payment)
    await session.flush()
    await allocate(session, payment.id, member.id, [(month_start(m), a) for m, a in allocations])
    return payment


# ---------------------------------------------------------------- reading


def _payment_scope(principal: Principal, cap: Cap) -> ColumnElement[bool]:
    """Payments the caller may see: collected in its subtree or of a member in it."""
    collecting = aliased(Organization)
    member_org = aliased(Organization)
    in_collecting = (
        select(collecting.id)
        .where(
            collecting.id == DuesPayment.organization_id,
            principal.readable(collecting.path, cap),
        )
        .exists()
    )
    in_member_org = (
        select(Member.id)
        .join(member_org, member_org.id == Member.organization_id)
        .where(Member.id == DuesPayment.member_id, principal.readable(member_org.path, cap))
        .exists()
    )
    own = (
        DuesPayment.member_id == principal.member.id
        if principal.member is not None and cap is Cap.dues_read
        else None
    )
    clauses = [in_collecting, in_member_org] + ([own] if own is not None else [])
    return or_(*clauses)


async def _visible_payment(
    session: AsyncSession, principal: Principal, payment_id: int, cap: Cap
) -> DuesPayment:
    p = await session.scalar(
        select(DuesPayment).where(DuesPayment.id == payment_id, _payment_scope(principal, cap))
    )
    if p is None:
        if cap is not Cap.dues_read and await session.scalar(
            select(DuesPayment.id).where(
                DuesPayment.id == payment_id, _payment_scope(principal, Cap.dues_read)
            )
        ):
            raise Forbidden()
        raise NotFound()
    return p


async def get_payment(session: AsyncSession, principal: Principal, payment_id: int) -> PaymentRead:
    return await _read(
        session, await _visible_payment(session, principal, payment_id, Cap.dues_read)
    )


async def list_payments(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    *,
    org_id: int | None,
    member_id: int | None,
    year: int | None,
    remit: str | None,
    kind: PaymentKind | None,
    q: str | None = None,
) -> Page[PaymentRead]:
    stmt = await payments_query(
        session,
        principal,
        org_id=org_id,
        member_id=member_id,
        year=year,
        remit=remit,
        kind=kind,
        q=q,
    )
    order = [DuesPayment.paid_on.desc(), DuesPayment.id.desc()]
    rows, total = await paginate(session, stmt, order_by=order, page=page)
    return Page(
        items=await _read_many(session, rows),
        total=total,
        page=page.page,
        size=page.size,
    )


async def payments_query(
    session: AsyncSession,
    principal: Principal,
    *,
    org_id: int | None,
    member_id: int | None,
    year: int | None,
    remit: str | None,
    kind: PaymentKind | None,
    q: str | None,
) -> Select[DuesPayment]:
    """The payments the caller may see, filtered as 收缴记录 filters them (the list and its
    export share it). `q` keeps the payments of members whose name contains it (in SQL)."""
    stmt = select(DuesPayment).where(_payment_scope(principal, Cap.dues_read))
    if org_id is not None:
        org = await visible_organization(session, principal, org_id)
        stmt = stmt.where(
            select(Organization.id)
            .where(
                Organization.id == DuesPayment.organization_id,
                subtree(Organization.path, org),
            )
            .exists()
        )
    if member_id is not None:
        stmt = stmt.where(DuesPayment.member_id == member_id)
    if year is not None:
        stmt = stmt.where(
            and_(DuesPayment.paid_on >= date(year, 1, 1), DuesPayment.paid_on <= date(year, 12, 31))
        )
    if remit == "pending":
        # R: DUES-07 — awaiting remittance until remitted; a reversed payment is not to remit
        # (and cannot be: record_remittance refuses it), so it leaves the list.
        reversal = aliased(DuesPayment)
        stmt = stmt.where(
            DuesPayment.remit_required.is_(True),
            DuesPayment.remitted_on.is_(None),
            ~select(reversal.id).where(reversal.reverses_id == DuesPayment.id).exists(),
        )
    elif remit == "remitted":
        stmt = stmt.where(
            DuesPayment.remit_required.is_(True), DuesPayment.remitted_on.is_not(None)
        )
    if kind is not None:
        stmt = stmt.where(DuesPayment.kind == kind)
    if q is not None and q.strip():
        stmt = stmt.where(
            select(Member.id)
            .where(
                Member.id == DuesPayment.member_id,
                Member.name.contains(q.strip(), autoescape=True),
            )
            .exists()
        )
    return stmt


async def read_payments(session: AsyncSession, payments: list[DuesPayment]) -> list[PaymentRead]:
    """The payments as the API shows them (names, months, reversals), in a few queries."""
    return await _read_many(session, payments)


async def payments_of(session: AsyncSession, member_id: int, year: int) -> list[PaymentRead]:
    """A member's payments touching a year: paid in it or covering one of its months."""
    covering = (
        select(DuesPaymentMonth.payment_id)
        .where(
            DuesPaymentMonth.member_id == member_id,
            DuesPaymentMonth.month >= date(year, 1, 1),
            DuesPaymentMonth.month <= date(year, 12, 1),
        )
        .scalar_subquery()
    )
    rows = await session.scalars(
        select(DuesPayment)
        .where(
            DuesPayment.member_id == member_id,
            (DuesPayment.id.in_(covering))
            | and_(
                DuesPayment.paid_on >= date(year, 1, 1), DuesPayment.paid_on <= date(year, 12, 31)
            ),
        )
        .order_by(DuesPayment.paid_on, DuesPayment.id)
    )
    return await _read_many(session, list(rows.all()))


# ---------------------------------------------------------------- corrections


async def reverse_payment(
    session: AsyncSession, principal: Principal, payment_id: int, body: PaymentReverse, today: date
) -> PaymentRead:
    """R: DUES-10 — a mistake is reversed by a counter-entry; nothing leaves the ledger."""
    original = await _visible_payment(session, principal, payment_id, Cap.dues_manage)
    if original.kind is PaymentKind.reversal:
        raise Conflict("冲正记录不能再冲正", code="dues_reversal")
    if await session.scalar(select(DuesPayment.id).where(DuesPayment.reverses_id == original.id)):
        raise Conflict("该记录已冲正", code="dues_reversal")
    if original.remitted_on is not None:
        raise Conflict("该笔自愿多交已上缴中央，不能冲正", code="dues_reversal")
    org = await _org_by_id(session, original.organization_id)
    counter = DuesPayment(
        member_id=original.member_id,
        organization_id=original.organization_id,
        kind=PaymentKind.reversal,
        amount=-original.amount,
        method=original.method,
        reference=original.reference,
        payer_name=original.payer_name,
        collector=principal.label,
        paid_on=today,
        note=body.reason,
        reverses_id=original.id,
        recorded_by=principal.label,
    )
    session.add(counter)
    try:
        await session.flush()
    except IntegrityError:
        # Reversed meanwhile by a concurrent request (reverses_id is unique): the same answer
        # as when the reversal is seen above; the request's transaction is rolled back.
        raise Conflict("该记录已冲正", code="dues_reversal") from None
    months = (
        await session.execute(
            select(DuesPaymentMonth.month, DuesPaymentMonth.amount).where(
                DuesPaymentMonth.payment_id == original.id
            )
        )
    ).all()
    await allocate(session, counter.id, original.member_id, [(m, -a) for m, a in months])
    await audit.record(
        session,
        actor=principal,
        action="dues.reverse",
        entity="dues_payment",
        entity_id=original.id,
        organization_path=org.path,
        before={"amount": ledger.money(original.amount), "receipt_no": receipt_no(original)},
        after={"reversal_id": counter.id, "reason": body.reason},
    )
    return await _read(session, counter)


async def record_remittance(
    session: AsyncSession,
    principal: Principal,
    payment_id: int,
    body: RemittanceUpdate,
    today: date,
) -> PaymentRead:
    """R: DUES-07 — the flagged voluntary payment has been remitted whole to the Centre."""
    p = await _visible_payment(session, principal, payment_id, Cap.dues_manage)
    if not p.remit_required:
        raise Conflict("该笔交纳无需上缴中央", code="dues_remittance")
    if await session.scalar(select(DuesPayment.id).where(DuesPayment.reverses_id == p.id)):
        raise Conflict("该笔交纳已冲正", code="dues_remittance")
    if p.remitted_on is not None:
        raise Conflict("已登记上缴", code="dues_remittance")
    if body.remitted_on < p.paid_on or body.remitted_on > today:
        raise Unprocessable("上缴日期应在交纳日期与今天之间", code="dues_remittance")
    # Recorded once: the condition holds against a concurrent request recording it too.
    done = await session.scalar(
        update(DuesPayment)
        .where(DuesPayment.id == p.id, DuesPayment.remitted_on.is_(None))
        .values(remitted_on=body.remitted_on, remittance_reference=body.reference)
        .returning(DuesPayment.id)
        .execution_options(synchronize_session=False)
    )
    if done is None:
        raise Conflict("已登记上缴", code="dues_remittance")
    await session.refresh(p)
    org = await _org_by_id(session, p.organization_id)
    await audit.record(
        session,
        actor=principal,
        action="dues.remit",
        entity="dues_payment",
        entity_id=p.id,
        organization_path=org.path,
        after={"remitted_on": body.remitted_on.isoformat(), "reference": body.reference},
    )
    return await _read(session, p)


async def _org_by_id(session: AsyncSession, org_id: int) -> Organization:
    org = await session.get(Organization, org_id)
    assert org is not None
    return org
