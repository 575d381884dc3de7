"""The roster: scoped reads, masked answers, optimistic updates, status events, statistics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, String, and_, case, cast, func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dangjian.audit import service as audit
from dangjian.authz.capabilities import Cap
from dangjian.authz.masking import mask_phone, may_see_personal_data
from dangjian.authz.paths import common_ancestor, subtree
from dangjian.authz.principal import Principal
from dangjian.authz.service import in_visible_subtree, require, visible_organization
from dangjian.core import clock, idcard
from dangjian.core.collation import pinyin
from dangjian.core.crypto import PersonalDataCipher
from dangjian.core.errors import AppError, Conflict, Forbidden, NotFound, TooManyRequests
from dangjian.core.memo import Kept
from dangjian.core.pagination import page_statement, paginate_rows
from dangjian.core.schemas import PageParams
from dangjian.members import roster, rules, stored
from dangjian.members.enums import ETHNICITIES, EventType
from dangjian.members.schemas import (
    CountRow,
    EventCreate,
    EventRead,
    FlowRow,
    MemberCreate,
    MemberListItem,
    MemberListKind,
    MemberRead,
    MemberSort,
    MemberStatistics,
    MemberUpdate,
    RevealRead,
)
from dangjian.models import AuditLog, Member, MemberEvent, Organization
from dangjian.models.enums import Gender, MemberKind, MemberStatus, OrgKind
from dangjian.organizations.rules import add_years

# R: MEM-01 — the formal relationship is held by a branch, a group, or a community that is
# itself a branch (社区党支部).
MEMBER_ORG_KINDS = (OrgKind.branch, OrgKind.group, OrgKind.community, OrgKind.general_branch)
REVEALS_PER_MINUTE = 10
FULL_EXPORTS_PER_HOUR = 5
# R: MEM-01 — an ID number registered outside the caller's scope is refused without saying
# where or that it exists (no membership oracle); the refusal is audited for the street.
ID_NUMBER_UNUSABLE = "该身份证号码无法登记：如该党员的组织关系在其他党组织，请通过组织关系转接办理"
ID_NUMBER_TAKEN = "该公民身份号码已登记在其他党员名下"


class IdNumberUnusable(AppError):
    status, code, title = 409, "id_number_unusable", ID_NUMBER_UNUSABLE


class EventRefused(AppError):
    """A status event the rules do not allow (MEM-02, MEM-08, DISC-03, DISC-04): 422."""

    status, code, title = 422, "event_refused", "该事件不符合规定"


class ConversionDateRequired(AppError):
    status, code, title = 422, "converted_on_required", "正式党员须填写转正日期"


class PreconditionRequired(AppError):
    status, code, title = 428, "precondition_required", "请先获取最新数据（缺少 If-Match）"


class PreconditionFailed(AppError):
    status, code, title = 412, "precondition_failed", "数据已被他人修改，请刷新后重试"


def etag(member: Member) -> str:
    return f'"{member.id}-{member.version}"'


@dataclass(frozen=True)
class ListFilters:
    org_id: int | None = None
    kind: MemberKind | None = None
    category: str | None = None
    status: MemberStatus | None = None
    gender: Gender | None = None
    age_min: int | None = None
    age_max: int | None = None
    joined_from: date | None = None
    joined_to: date | None = None
    q: str | None = None
    list: MemberListKind | None = None
    sort: MemberSort = MemberSort.name


def _scoped(principal: Principal) -> Select[Member, str, str]:
    return (
        select(Member, Organization.name, Organization.path)
        .join(Organization, Organization.id == Member.organization_id)
        .where(principal.readable(Organization.path, Cap.roster_read))
    )


def has_category(category: str) -> Any:
    """A category in the JSON list (the quoted value in its text: portable across dialects)."""
    return cast(Member.categories, String).like(f'%"{category}"%')


def _last_on(event_type: EventType, member_id: Any = Member.id) -> Any:
    return (
        select(func.max(MemberEvent.occurred_on))
        .where(MemberEvent.member_id == member_id, MemberEvent.type == event_type)
        .scalar_subquery()
    )


def _lost_since(member_id: Any = Member.id) -> Any:
    return _last_on(EventType.lost_contact, member_id)


def _probation_ends_on(member_id: Any = Member.id) -> Any:
    """The end date of the member's latest 留党察看 (DISC-03)."""
    return (
        select(MemberEvent.ends_on)
        .where(MemberEvent.member_id == member_id, MemberEvent.type == EventType.party_probation)
        .order_by(MemberEvent.occurred_on.desc(), MemberEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class Timeline:
    """The dated facts a member's answer derives from (MEM-08, DISC-03)."""

    lost_since: date | None = None
    stopped_on: date | None = None
    probation_ends_on: date | None = None


def _timeline_columns(member_id: Any = Member.id) -> tuple[Any, ...]:
    """The Timeline of the member whose id is `member_id` (a column of Member or of a page)."""
    return (
        _lost_since(member_id).label("lost_since"),
        _last_on(EventType.stop_membership, member_id).label("stopped_on"),
        _probation_ends_on(member_id).label("probation_ends_on"),
    )


def _timeline(row: Any) -> Timeline:
    return Timeline(row.lost_since, row.stopped_on, row.probation_ends_on)


def status_is(status: MemberStatus, today: date) -> Any:
    """R: DISC-03, MEM-07 — a filter on the status as of today: 留党察看 past its end date
    reads as normal (rules.current_status), without waiting for a later event."""
    ended = and_(Member.status == MemberStatus.probation, _probation_ends_on() <= today)
    if status is MemberStatus.probation:
        return and_(Member.status == MemberStatus.probation, ~ended)
    if status is MemberStatus.normal:
        return or_(Member.status == MemberStatus.normal, ended)
    return Member.status == status


def on_lost_contact_list() -> Any:
    """R: MEM-08 — lost contact, and after 停止党籍 for it, until removed or restored."""
    lost, stopped = _lost_since(), _last_on(EventType.stop_membership)
    return or_(
        Member.status == MemberStatus.lost_contact,
        and_(Member.status == MemberStatus.stopped, lost.is_not(None), stopped >= lost),
    )


async def _filtered(
    session: AsyncSession, principal: Principal, f: ListFilters, today: date
) -> Select[Member, str, str]:
    """The roster query for the filters, in the caller's scope; an organisation out of scope
    answers 404 first (the export)."""
    if f.org_id is not None:
        await visible_organization(session, principal, f.org_id, Cap.roster_read)
    return _filter_statement(principal, f, today)


def _filter_statement(
    principal: Principal, f: ListFilters, today: date
) -> Select[Member, str, str]:
    """The roster query for the filters, in the caller's scope (shared by list and export); the
    organisation filter checks its scope inside the statement (`in_visible_subtree`)."""
    stmt = _scoped(principal)
    if f.org_id is not None:
        stmt = stmt.where(
            in_visible_subtree(Organization.path, principal, f.org_id, Cap.roster_read)
        )
    if f.status is not None:
        stmt = stmt.where(status_is(f.status, today))
    elif f.list is not MemberListKind.lost_contact:
        stmt = stmt.where(Member.status.in_(rules.ON_ROSTER))
    if f.kind:
        stmt = stmt.where(Member.kind == f.kind)
    if f.gender:
        stmt = stmt.where(Member.gender == f.gender)
    if f.category:
        stmt = stmt.where(has_category(f.category))
    if f.age_min is not None:
        stmt = stmt.where(Member.birth_date <= add_years(today, -f.age_min))
    if f.age_max is not None:
        stmt = stmt.where(Member.birth_date > add_years(today, -(f.age_max + 1)))
    if f.joined_from:
        stmt = stmt.where(Member.joined_on >= f.joined_from)
    if f.joined_to:
        stmt = stmt.where(Member.joined_on <= f.joined_to)
    if f.q:
        q = f.q.strip()
        if re.fullmatch(r"\d{3}[\dXx]", q):
            # the last 4 of an ID number may end in the check character X (GB 11643)
            stmt = stmt.where(or_(Member.id_number_tail == q.upper(), Member.mobile_tail == q))
        else:
            stmt = stmt.where(Member.name.contains(q, autoescape=True))
    if f.list is MemberListKind.elderly_or_sick:  # R: MEM-04
        stmt = stmt.where(has_category("elderly_or_sick"))
    elif f.list is MemberListKind.birthdays:  # R: MEM-05
        stmt = stmt.where(func.extract("month", Member.joined_on) == today.month)
    elif f.list is MemberListKind.lost_contact:  # R: MEM-08
        stmt = stmt.where(on_lost_contact_list())
    elif f.list is MemberListKind.probationary:
        stmt = stmt.where(Member.kind == MemberKind.probationary)
    return stmt


async def list_members(
    session: AsyncSession,
    principal: Principal,
    cipher: PersonalDataCipher,
    f: ListFilters,
    *,
    page: PageParams,
    today: date,
) -> tuple[list[MemberListItem], int]:
    # Built once per scope, filters and day (core/memo.py): `_filter_statement` reads the
    # principal only through its roster_read scope, which is in the key.
    listed, paged = _ROSTER_PAGES.get(
        (principal.scope_key(Cap.roster_read), f, today),
        lambda: _roster_page_statement(principal, f, today),
    )
    rows, total = await paginate_rows(session, listed, page=page, paged=paged)
    if not rows and f.org_id is not None:
        # empty: an organisation out of scope (or missing) answers 404, not an empty roster
        await visible_organization(session, principal, f.org_id, Cap.roster_read)
    items = [
        _list_item(principal, cipher, r, r.org_name, r.path, _timeline(r), today) for r in rows
    ]
    return items, total


_ROSTER_PAGES: Kept[tuple[Select[*tuple[Any, ...]], Select[*tuple[Any, ...]]]] = Kept()


def _roster_page_statement(
    principal: Principal, f: ListFilters, today: date
) -> tuple[Select[*tuple[Any, ...]], Select[*tuple[Any, ...]]]:
    """The roster's list statement for the filters and its page statement."""
    # Plain columns, not ORM entities: a page of rows needs no identity map or change tracking.
    listed = _filter_statement(principal, f, today).with_only_columns(
        *_LIST_COLUMNS,
        Organization.name.label("org_name"),
        Organization.path,
    )
    order = {
        MemberSort.name: (pinyin(Member.name), Member.id),
        MemberSort.id: (Member.id,),
        MemberSort.joined_on: (Member.joined_on, Member.id),
        MemberSort.joined_on_desc: (Member.joined_on.desc(), Member.id),
        MemberSort.birth_date: (Member.birth_date, Member.id),
        MemberSort.birth_date_desc: (Member.birth_date.desc(), Member.id),
    }[f.sort]
    # The event look-ups run for the page's rows only (pagination `after`).
    paged = page_statement(listed, order_by=order, after=lambda p: _timeline_columns(p.c.id))
    return listed, paged


# The member columns a list item reads (`_list_item` takes a Member or a row of these).
_LIST_COLUMNS = (
    Member.id,
    Member.name,
    Member.gender,
    Member.birth_date,
    Member.organization_id,
    Member.kind,
    Member.status,
    Member.categories,
    Member.joined_on,
    Member.converted_on,
    Member.standing_correction_months,
    Member.id_number_enc,
    Member.mobile_enc,
    Member.id_number_masked,
    Member.mobile_masked,
)


def _list_item(
    principal: Principal,
    cipher: PersonalDataCipher,
    m: Any,
    org_name: str,
    path: str,
    timeline: Timeline,
    today: date,
) -> MemberListItem:
    # Masked by default, also for holders of roster.full: they see full values only through the
    # audited reveal or an audited full export. A member's own record is theirs to see.
    # The masked forms are stored (members.stored): only a member's own record is decrypted.
    full = principal.member is not None and principal.member.id == m.id
    if full:
        id_number = cipher.decrypt(m.id_number_enc) if m.id_number_enc else None
        mobile = cipher.decrypt(m.mobile_enc) if m.mobile_enc else None
    else:
        id_number, mobile = m.id_number_masked, m.mobile_masked
    lost_since = timeline.lost_since
    stop_due, lapse_due = (
        rules.lost_contact_deadlines(lost_since, timeline.stopped_on)
        if lost_since
        else (None, None)
    )
    # R: MEM-05 — this year's anniversary of joining (29 Feb falls on 28 Feb in common years)
    birthday = add_years(m.joined_on, today.year - m.joined_on.year) if m.joined_on else None
    return MemberListItem(
        id=m.id,
        name=m.name,
        gender=m.gender,
        age=rules.age_on(m.birth_date, today) if m.birth_date else None,
        organization_id=m.organization_id,
        organization_name=org_name,
        kind=m.kind,
        status=rules.current_status(m.status, timeline.probation_ends_on, today),
        categories=list(m.categories or []),
        joined_on=m.joined_on,
        party_standing_years=rules.party_standing_years(
            m.converted_on, m.standing_correction_months, today
        ),
        id_number=id_number,
        mobile=mobile,
        masked=not full,
        political_birthday=birthday,
        conversion_due=rules.conversion_due(m.joined_on)
        if m.kind is MemberKind.probationary and m.joined_on
        else None,
        lost_contact_since=lost_since,
        stop_membership_due=stop_due,
        self_lapsed_due=lapse_due,
    )


async def _load(
    session: AsyncSession, principal: Principal, member_id: int, *, fresh: bool = False
) -> tuple[Member, str, str, Timeline]:
    """The member in the caller's roster scope (404 otherwise); `fresh` reloads a row that a
    bulk UPDATE has changed."""
    row = (
        await session.execute(
            _scoped(principal)
            .add_columns(*_timeline_columns())
            .where(Member.id == member_id)
            .execution_options(populate_existing=fresh)
        )
    ).one_or_none()
    if row is None:
        raise NotFound()
    return row[0], row[1], row[2], _timeline(row)


def member_read(
    principal: Principal,
    cipher: PersonalDataCipher,
    m: Member,
    org_name: str,
    path: str,
    timeline: Timeline,
    today: date,
) -> MemberRead:
    item = _list_item(principal, cipher, m, org_name, path, timeline, today)
    address = cipher.decrypt(m.address_enc) if m.address_enc and not item.masked else None
    return MemberRead(
        **item.model_dump(),
        birth_date=m.birth_date,
        ethnicity=m.ethnicity,
        education=m.education,
        degree=m.degree,
        converted_on=m.converted_on,
        standing_correction_months=m.standing_correction_months,
        work_post=m.work_post,
        work_started_on=m.work_started_on,
        professional_title=m.professional_title,
        new_stratum=m.new_stratum,
        landline=m.landline if not item.masked else mask_phone(m.landline),
        registered_residence=m.registered_residence,
        address=address,
        grid_area=m.grid_area,
        home_unit_id=m.home_unit_id,
        has_photo=m.photo_file is not None,
        version=m.version,
        updated_at=m.updated_at,
    )


async def get_member(
    session: AsyncSession,
    principal: Principal,
    cipher: PersonalDataCipher,
    member_id: int,
    today: date,
) -> tuple[MemberRead, str]:
    m, name, path, since = await _load(session, principal, member_id)
    return member_read(principal, cipher, m, name, path, since, today), etag(m)


def _audit_view(m: Member) -> dict[str, Any]:
    """What the audit trail keeps of a member: no personal data in clear."""
    skip = {"id_number_enc", "mobile_enc", "address_enc", "id_number_index", "mobile_index"}
    return {c.key: getattr(m, c.key) for c in Member.__table__.columns if c.key not in skip}


async def update_member(
    session: AsyncSession,
    principal: Principal,
    cipher: PersonalDataCipher,
    member_id: int,
    body: MemberUpdate,
    if_match: str | None,
    today: date,
) -> tuple[MemberRead, str]:
    m, _, path, _ = await _load(session, principal, member_id)
    if not principal.can(Cap.roster_write, path):
        raise Forbidden()
    if if_match is None:
        raise PreconditionRequired()
    if if_match.strip() not in (etag(m), "W/" + etag(m)):
        raise PreconditionFailed()
    await apply_changes(session, principal, cipher, m, path, body, action="member.update")
    m, name, path, since = await _load(session, principal, m.id, fresh=True)
    return member_read(principal, cipher, m, name, path, since, today), etag(m)


async def apply_changes(
    session: AsyncSession,
    principal: Principal,
    cipher: PersonalDataCipher,
    m: Member,
    path: str,
    body: MemberUpdate,
    *,
    action: str,
) -> None:
    """Write a validated partial update (encrypting personal data) and audit it; the version
    guard refuses a concurrent change with 412."""
    before = _audit_view(m)
    changes = body.model_dump(exclude_unset=True)
    values: dict[str, Any] = {}
    if "organization_id" in changes:
        target = await visible_organization(
            session, principal, changes.pop("organization_id"), Cap.roster_read
        )
        require(principal, Cap.roster_write, target)
        if target.kind not in MEMBER_ORG_KINDS:
            raise AppError("组织关系须落在党支部或党小组", code="member_org_kind")
        values["organization_id"] = target.id
    if (number := changes.pop("id_number", None)) is not None:
        index = cipher.blind_index(number)
        await ensure_id_number_free(session, principal, index, source=action, member_id=m.id)
        values.update(stored.id_number_columns(cipher, number))
        values.setdefault("birth_date", idcard.birth_date_of(number))
        values.setdefault("gender", Gender(idcard.gender_of(number)))
    if "mobile" in changes:
        values.update(stored.mobile_columns(cipher, changes.pop("mobile")))
    if "address" in changes:
        address = changes.pop("address")
        values["address_enc"] = cipher.encrypt(address) if address else None
    if "kind" in changes or "converted_on" in changes:
        # R: MEM-02 — 党龄 counts from conversion: a formal member keeps its date.
        kind = changes.get("kind", m.kind)
        converted = changes.get("converted_on", m.converted_on)
        if kind is MemberKind.formal and converted is None:
            raise ConversionDateRequired()
    values.update(changes)
    try:
        result = await session.execute(
            update(Member)
            .where(Member.id == m.id, Member.version == m.version)
            .values(**values, version=Member.version + 1, updated_at=clock.now())
            .execution_options(synchronize_session=False)
        )
    except IntegrityError as exc:  # a concurrent registration of the same number (anywhere)
        raise IdNumberUnusable() from exc
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise PreconditionFailed()
    m, _, path, _ = await _load(session, principal, m.id, fresh=True)
    await audit.record(
        session,
        actor=principal,
        action=action,
        entity="member",
        entity_id=m.id,
        organization_path=path,
        before=before,
        after=_audit_view(m),
    )


async def record_id_number_refusals(
    session: AsyncSession, principal: Principal, found: list[tuple[int, str]], *, source: str
) -> None:
    """Audit refused registrations of numbers held outside the caller's scope: one row per
    organisation above both sides (the street, typically), naming the members concerned."""
    caller = min(principal.paths_with(Cap.roster_write) or [""], key=len)
    by_path: dict[str | None, list[int]] = {}
    for member_id, path in found:
        by_path.setdefault(common_ancestor(caller, path), []).append(member_id)
    for above, ids in sorted(by_path.items(), key=lambda item: item[0] or ""):
        await audit.record(
            session,
            actor=principal,
            action="member.id_number_refused",
            entity="member",
            entity_id=ids[0] if len(ids) == 1 else None,
            organization_path=above,
            after={"source": source, "members": sorted(ids)[:1000], "count": len(ids)},
        )


async def ensure_id_number_free(
    session: AsyncSession,
    principal: Principal,
    index: str,
    *,
    source: str,
    member_id: int | None = None,
) -> None:
    """409 when the number is registered to another member: named as a duplicate inside the
    caller's roster scope; outside it a generic refusal, audited in a transaction of its own
    (the request's is rolled back with the error)."""
    stmt = (
        select(Member.id, Organization.path)
        .join(Organization, Organization.id == Member.organization_id)
        .where(Member.id_number_index == index)
    )
    if member_id is not None:
        stmt = stmt.where(Member.id != member_id)
    found = (await session.execute(stmt)).first()
    if found is None:
        return
    if principal.can(Cap.roster_read, found.path):
        raise Conflict(ID_NUMBER_TAKEN, code="id_number_taken")
    refused = [(found.id, found.path)]
    # The request's transaction is rolled back with the error anyway; end it now so that it
    # holds no lock (SQLite's write lock, taken by a touch of the session) the audit append
    # would wait for. The caller's records are detached first, so the rollback leaves them
    # loaded for the audit row.
    for record in (principal.user, principal.client, principal.member):
        if record is not None and record in session:
            session.expunge(record)
    bind = session.bind
    await session.rollback()
    async with async_sessionmaker(bind)() as other, other.begin():
        await record_id_number_refusals(other, principal, refused, source=source)
    raise IdNumberUnusable()


async def rate_limited_audit(
    session: AsyncSession,
    principal: Principal,
    *,
    limit: int,
    window: timedelta,
    message: str,
    code: str,
    same_entity_id: bool = False,
    **entry: Any,
) -> None:
    """Append the audit row of a limited action, then count the caller's rows of that action
    in the window, this one included (only those with its entity id, if `same_entity_id`):
    over the limit is 429, and the request's rollback removes the row.

    The append takes the audit chain head (a row lock on PostgreSQL, the write lock on SQLite),
    so concurrent requests of one caller count one after the other — no check-then-act race."""
    row = await audit.record(session, actor=principal, **entry)
    stmt = (
        select(func.count())
        .select_from(AuditLog)
        .where(
            AuditLog.action == row.action,
            AuditLog.actor_kind == principal.actor_kind,
            AuditLog.actor_id == principal.actor_id,
            AuditLog.at > row.at - window,
        )
    )
    if same_entity_id:
        stmt = stmt.where(AuditLog.entity_id == row.entity_id)
    if (await session.scalar(stmt) or 0) > limit:
        raise TooManyRequests(
            message, code=code, headers={"Retry-After": str(int(window.total_seconds()))}
        )


def encrypted_fields(cipher: PersonalDataCipher, values: dict[str, Any]) -> dict[str, Any]:
    """The stored form of ID number, mobile and address: AES-GCM, blind index, last 4, masked."""
    mobile, address, number = values.get("mobile"), values.get("address"), values.get("id_number")
    out: dict[str, Any] = {
        **stored.mobile_columns(cipher, mobile),
        "address_enc": cipher.encrypt(address) if address else None,
    }
    if number:
        out.update(stored.id_number_columns(cipher, number))
    return out


async def create_member(
    session: AsyncSession,
    principal: Principal,
    cipher: PersonalDataCipher,
    body: MemberCreate,
    today: date,
) -> tuple[MemberRead, str]:
    """登记建卡 (MEM-01): a new roster record in a branch or group the caller manages."""
    org = await visible_organization(session, principal, body.organization_id, Cap.roster_read)
    require(principal, Cap.roster_write, org)
    if org.kind not in MEMBER_ORG_KINDS:
        raise AppError("组织关系须落在党支部或党小组", code="member_org_kind")
    index = cipher.blind_index(body.id_number)
    await ensure_id_number_free(session, principal, index, source="create")
    # R: MEM-02 — 党龄 counts from conversion: a formal member is registered with its date.
    if body.kind is MemberKind.formal and body.converted_on is None:
        raise ConversionDateRequired()
    values = body.model_dump(exclude={"id_number", "mobile", "address"}, exclude_none=True)
    values.setdefault("birth_date", idcard.birth_date_of(body.id_number))
    values.setdefault("gender", Gender(idcard.gender_of(body.id_number)))
    values["categories"] = [c.value for c in body.categories or []]
    member = Member(**values, **encrypted_fields(cipher, body.model_dump()))
    session.add(member)
    await session.flush()
    m, name, path, since = await _load(session, principal, member.id)
    await audit.record(
        session,
        actor=principal,
        action="member.create",
        entity="member",
        entity_id=m.id,
        organization_path=path,
        after=_audit_view(m),
    )
    return member_read(principal, cipher, m, name, path, since, today), etag(m)


# ---------------------------------------------------------------- events (MEM-02, MEM-09)


async def list_events(
    session: AsyncSession, principal: Principal, member_id: int
) -> list[EventRead]:
    await _load(session, principal, member_id)
    rows = (
        await session.scalars(
            select(MemberEvent)
            .where(MemberEvent.member_id == member_id)
            .order_by(MemberEvent.occurred_on, MemberEvent.id)
        )
    ).all()
    return [EventRead.model_validate(r) for r in rows]


def _check_event(m: Member, body: EventCreate, earlier: list[rules.EventFact]) -> None:
    """Refuse an event the rules do not allow, before it is written."""
    on = body.occurred_on
    # R: MEM-02 — a member's history starts when they join and ends at their death.
    if m.joined_on is not None and on < m.joined_on:
        raise EventRefused("事件日期不能早于入党日期", code="event_before_joining")
    deaths = [e.on for e in earlier if e.type is EventType.death]
    if deaths and on > min(deaths):
        raise EventRefused("事件日期不能晚于党员去世日期", code="event_after_death")
    if body.type is EventType.death and any(e.on > on for e in earlier):
        raise EventRefused("去世日期之后已有其他事件记录，请核对日期", code="event_after_death")
    # R: DISC-03, DISC-04 — not for probationary members (probationary on the event's date).
    probationary = m.kind is MemberKind.probationary or (
        m.converted_on is not None and on < m.converted_on
    )
    if probationary and body.type in rules.NOT_FOR_PROBATIONARY:
        raise EventRefused(
            "预备党员不适用留党察看、开除党籍或除名等组织处置，可依规取消预备党员资格",
            code="not_for_probationary",
        )
    # R: DISC-03 — 留党察看 lasts one or two years.
    if body.type is EventType.party_probation and not (
        body.ends_on and rules.probation_term_ok(on, body.ends_on)
    ):
        raise EventRefused(
            "留党察看期限只能为一年或两年（截止日期为决定日期满一年或两年之日）",
            code="probation_term",
        )
    # R: MEM-08 — 停止党籍 for lost contact only after six months out of contact.
    if body.type is EventType.stop_membership:
        since = rules.lost_since_on(earlier, on)
        if since is not None and on < (due := rules.lost_contact_deadlines(since)[0]):
            raise EventRefused(
                f"失去联系满六个月后方可停止党籍（失联日期 {since.isoformat()}，"
                f"最早可于 {due.isoformat()} 停止党籍）",
                code="stop_membership_too_early",
            )


async def add_event(
    session: AsyncSession, principal: Principal, member_id: int, body: EventCreate, today: date
) -> EventRead:
    m, _, path, _ = await _load(session, principal, member_id)
    if not principal.can(Cap.roster_write, path):
        raise Forbidden()
    if body.occurred_on > today:
        raise AppError("事件日期不能晚于今天", code="event_in_future")
    earlier = [
        rules.EventFact(EventType(e.type), e.occurred_on, e.ends_on, e.id)
        for e in (
            await session.scalars(select(MemberEvent).where(MemberEvent.member_id == m.id))
        ).all()
    ]
    _check_event(m, body, earlier)
    event = MemberEvent(
        member_id=m.id,
        organization_id=m.organization_id,
        type=body.type,
        occurred_on=body.occurred_on,
        ends_on=body.ends_on,
        reason=body.reason,
        document=body.document,
        removal_kind=body.removal_kind.value if body.removal_kind else None,
        recorded_by=principal.label,
    )
    session.add(event)
    await session.flush()
    facts = [
        rules.EventFact(EventType(e.type), e.occurred_on, e.ends_on, e.id)
        for e in (
            await session.scalars(select(MemberEvent).where(MemberEvent.member_id == m.id))
        ).all()
    ]
    status = rules.derive_status(facts, today)
    before_status = m.status
    await session.execute(
        update(Member)
        .where(Member.id == m.id)
        .values(status=status, version=Member.version + 1, updated_at=clock.now())
    )
    read = EventRead.model_validate(event)
    await audit.record(
        session,
        actor=principal,
        action="member.event",
        entity="member",
        entity_id=m.id,
        organization_path=path,
        before={"status": before_status},
        after={"status": status, "event": read.model_dump(mode="json")},
    )
    return read


# ---------------------------------------------------------------- full personal data


async def reveal(
    session: AsyncSession, principal: Principal, cipher: PersonalDataCipher, member_id: int
) -> RevealRead:
    """Full ID number, mobile and address — audited, and at most 10 a minute per caller."""
    m, _, path, _ = await _load(session, principal, member_id)
    if not may_see_personal_data(principal, organization_path=path, member_id=m.id):
        raise Forbidden("无权查看完整个人信息")
    await rate_limited_audit(
        session,
        principal,
        limit=REVEALS_PER_MINUTE,
        window=timedelta(minutes=1),
        message="查看完整个人信息过于频繁，请稍后再试",
        code="reveal_rate_limited",
        action="member.reveal",
        entity="member",
        entity_id=m.id,
        organization_path=path,
        after={"fields": ["id_number", "mobile", "address"]},
    )
    return RevealRead(
        id_number=cipher.decrypt(m.id_number_enc) if m.id_number_enc else None,
        mobile=cipher.decrypt(m.mobile_enc) if m.mobile_enc else None,
        address=cipher.decrypt(m.address_enc) if m.address_enc else None,
    )


async def my_member(
    session: AsyncSession, principal: Principal, cipher: PersonalDataCipher, today: date
) -> MemberRead:
    if principal.member is None:
        raise NotFound("当前账号未关联党员信息", code="no_member_record")
    m = principal.member
    org = await session.get(Organization, m.organization_id)
    assert org is not None
    row = (await session.execute(select(*_timeline_columns()).where(Member.id == m.id))).one()
    return member_read(principal, cipher, m, org.name, org.path, _timeline(row), today)


# ---------------------------------------------------------------- statistics (national.md §3.4)


async def statistics(
    session: AsyncSession, principal: Principal, org_id: int, today: date
) -> MemberStatistics:
    org = await visible_organization(session, principal, org_id)
    if not (principal.can(Cap.roster_read, org.path) or principal.can(Cap.stats_export, org.path)):
        raise Forbidden()
    # R: MEM-02, MEM-06 — the roster as it stood on `today` (a past date asked for with ?on=):
    # status from the events dated up to then, kind from the conversion date.
    in_subtree = and_(subtree(Organization.path, org), roster.on_roster_on(today))
    kind = case(
        (roster.formal_on(today), literal(MemberKind.formal.value)),
        else_=literal(MemberKind.probationary.value),
    )
    base = (
        select().select_from(Member).join(Organization, Organization.id == Member.organization_id)
    )

    async def grouped(column: Any) -> list[CountRow]:
        rows = (
            await session.execute(
                base.add_columns(column.label("k"), func.count())
                .where(in_subtree)
                .group_by(column)
                .order_by(column)
            )
        ).all()
        return [CountRow(key=str(k) if k is not None else "未填写", count=n) for k, n in rows]

    age_band = case(
        *[
            (
                and_(
                    Member.birth_date <= add_years(today, -lo),
                    Member.birth_date > add_years(today, -(hi + 1)),
                ),
                literal(label),
            )
            for label, lo, hi in rules.AGE_BANDS
        ],
        else_=literal("未填写"),
    )
    period = case(
        *[
            (
                and_(
                    Member.joined_on >= start if start else literal(True),
                    Member.joined_on < end if end else literal(True),
                ),
                literal(label),
            )
            for label, start, end in rules.JOINING_PERIODS
        ],
        else_=literal("未填写"),
    )
    by_ethnicity = await grouped(Member.ethnicity)
    flows = (
        await session.execute(
            select(
                func.extract("year", MemberEvent.occurred_on).label("y"),
                MemberEvent.type,
                func.count(),
            )
            .join(Organization, Organization.id == MemberEvent.organization_id)
            .where(
                subtree(Organization.path, org),
                MemberEvent.occurred_on <= today,
            )
            .group_by("y", MemberEvent.type)
            .order_by("y")
        )
    ).all()
    by_age = {r.key: r.count for r in await grouped(age_band)}
    by_period = {r.key: r.count for r in await grouped(period)}
    return MemberStatistics(
        organization_id=org.id,
        on=today,
        total=sum(r.count for r in await grouped(kind)),
        by_kind=await grouped(kind),
        by_gender=await grouped(Member.gender),
        by_age_band=[
            CountRow(key=label, count=by_age.get(label, 0)) for label, _, _ in rules.AGE_BANDS
        ],
        by_education=await grouped(Member.education),
        minority=sum(
            r.count
            for r in by_ethnicity
            if r.key not in ("汉族", "未填写") and r.key in ETHNICITIES
        ),
        by_ethnicity=by_ethnicity,
        by_work_post=await grouped(Member.work_post),
        by_joining_period=[
            CountRow(key=label, count=by_period.get(label, 0))
            for label, _, _ in rules.JOINING_PERIODS
        ],
        flows=[FlowRow(year=int(y), type=EventType(t), count=n) for y, t, n in flows],
    )
