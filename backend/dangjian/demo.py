"""Demo data: a street with two communities, ~200 members, the demo accounts and a unit client.

`seed_demo(extra_members=N)` adds N generated members spread over generated branches, for
benchmarks (up to 100 000).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from faker import Faker
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.core import clock, idcard, security
from dangjian.core.config import get_settings
from dangjian.core.cpu import run_cpu
from dangjian.core.crypto import PersonalDataCipher
from dangjian.core.db import Database
from dangjian.dues.demo import seed_dues
from dangjian.members import stored
from dangjian.members.enums import Education
from dangjian.models import ApiClient, Member, Organization, OrganizationTerm, Post, User
from dangjian.models.enums import ClientKind, MemberKind, OrgCategory, OrgKind, PostKind
from dangjian.organizations.rules import add_years

AREAS = ("110101", "110105", "310104", "320102", "370102", "420106", "440106", "510107")
ETHNICITIES = ["汉族"] * 18 + ["回族", "满族", "蒙古族", "壮族"]
EDUCATION = [e.value for e in Education]
MAX_EXTRA = 100_000


class DemoBuilder:
    def __init__(self, session: AsyncSession, cipher: PersonalDataCipher, seed: int = 2026) -> None:
        self.session = session
        self.cipher = cipher
        self.rng = random.Random(seed)
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed)
        self.serial = 0
        self.issued: set[str] = set()
        self.today = clock.today()

    async def org(
        self,
        name: str,
        kind: OrgKind,
        parent: Organization | None,
        category: OrgCategory | None,
        **extra: Any,
    ) -> Organization:
        org = Organization(
            name=name,
            kind=kind,
            category=category,
            parent_id=parent.id if parent else None,
            path=f"/pending-{name}/",
            depth=parent.depth + 1 if parent else 0,
            **extra,
        )
        self.session.add(org)
        await self.session.flush()
        org.path = f"{parent.path if parent else '/'}{org.id}/"
        await self.session.flush()
        return org

    def member_row(
        self,
        org_id: int,
        *,
        categories: list[str] | None = None,
        home_unit_id: int | None = None,
        min_age: int = 22,
        max_age: int = 88,
    ) -> dict[str, Any]:
        self.serial += 1
        male = self.rng.random() < 0.55
        born = self.today - timedelta(days=self.rng.randint(min_age * 365, max_age * 365))
        area, sequence = self.rng.choice(AREAS), self.serial
        number = idcard.make(area, born, sequence, male)
        index = self.cipher.blind_index(number)
        while index in self.issued:  # unique, as the blind index demands
            sequence += 1
            area = self.rng.choice(AREAS)
            number = idcard.make(area, born, sequence, male)
            index = self.cipher.blind_index(number)
        self.issued.add(index)
        joined = born + timedelta(
            days=self.rng.randint(18 * 365 + 30, max(18 * 365 + 31, (self.today - born).days - 30))
        )
        probationary = (self.today - joined).days < 365
        mobile = f"1{self.rng.choice('3589')}{self.rng.randint(0, 999_999_999):09d}"
        age = (self.today - born).days // 365
        cats = list(categories or [])
        if age >= 60 and not cats:
            cats.append("retired")
        if age >= 80:
            cats.append("elderly_or_sick")
        return {
            "organization_id": org_id,
            "name": self.faker.name_male() if male else self.faker.name_female(),
            "gender": "male" if male else "female",
            "birth_date": born,
            **stored.id_number_columns(self.cipher, number),
            **stored.mobile_columns(self.cipher, mobile),
            "ethnicity": self.rng.choice(ETHNICITIES),
            "education": self.rng.choice(EDUCATION),
            "kind": MemberKind.probationary if probationary else MemberKind.formal,
            "joined_on": joined,
            "converted_on": None if probationary else add_years(joined, 1),
            "status": "normal",
            "categories": cats,
            "home_unit_id": home_unit_id,
        }

    async def members(self, org: Organization, count: int, **kwargs: Any) -> None:
        rows = [self.member_row(org.id, **kwargs) for _ in range(count)]
        for start in range(0, len(rows), 2000):
            await self.session.execute(insert(Member), rows[start : start + 2000])

    async def member_for_user(self, org: Organization, name: str, **kwargs: Any) -> Member:
        row = self.member_row(org.id, **kwargs)
        row["name"] = name
        member = Member(**row)
        self.session.add(member)
        await self.session.flush()
        return member


async def seed_demo(extra_members: int = 0) -> int:
    settings = get_settings()
    if extra_members < 0 or extra_members > MAX_EXTRA:
        print(f"--members 须在 0 到 {MAX_EXTRA} 之间")
        return 2
    db = Database(settings.resolved_database_url())
    try:
        async with db.sessionmaker() as session, session.begin():
            if await session.scalar(select(func.count()).select_from(Organization)):
                print("已有数据，跳过演示数据载入。")
            else:
                await _seed_base(
                    session,
                    PersonalDataCipher(settings.personal_data_key()),
                    settings.demo_password,
                    settings.password_hashing,
                )
                await seed_dues(session)
        _print_accounts(settings.demo_password)
        if extra_members:
            async with db.sessionmaker() as session, session.begin():
                await _seed_bulk(
                    session, PersonalDataCipher(settings.personal_data_key()), extra_members
                )
            print(f"已另外生成 {extra_members} 名党员。")
            # A bulk load leaves the planner's statistics stale (it then picks per-organisation
            # index loops over 100 000 members); refresh them as any bulk import should.
            async with db.engine.connect() as conn:
                await conn.execute(text("ANALYZE"))
                await conn.commit()
    finally:
        await db.dispose()
    return 0


DEMO_ACCOUNTS = [
    ("admin", "系统管理员", "平台管理：账号、客户端、组织结构（无权查看党员个人信息）"),
    ("street", "街道党工委工作人员", "街道：全部社区的监督与审批"),
    ("secretary", "东风社区党委书记", "书记"),
    ("deputy", "东风社区党委副书记", "副书记"),
    ("zuzhi", "东风社区组织委员", "组织委员"),
    ("xuanchuan", "东风社区宣传委员", "宣传委员"),
    ("jijian", "东风社区纪检委员", "纪检委员"),
    ("xiaozu", "第一党小组组长", "党小组长"),
    ("clerk", "东风社区党务干事", "党务干事"),
    ("member", "党员", "普通党员（第一党支部）"),
    ("inservice", "在职党员", "在职党员（区税务局机关）"),
    ("resident", "社区居民", "居民"),
    ("secretary2", "向阳社区党支部书记", "第二个社区的书记"),
]


def _print_accounts(password: str) -> None:
    print(f"演示账号（初始密码均为 {password}，已修改的以修改后为准）：")
    for username, _name, role in DEMO_ACCOUNTS:
        print(f"  {username:<12} {role}")
    print("  接口客户端 unit-demo（在职党员所在单位），密钥同上")


async def _seed_base(
    session: AsyncSession,
    cipher: PersonalDataCipher,
    password: str,
    hashing: security.Argon2Parameters,
) -> None:
    b = DemoBuilder(session, cipher)
    today = b.today
    street = await b.org(
        "东风街道党工委", OrgKind.street, None, OrgCategory.working_committee, code="110101001"
    )
    c1 = await b.org(
        "东风社区党委",
        OrgKind.community,
        street,
        OrgCategory.party_committee,
        short_name="东风社区",
        code="110101001001",
        established_on=date(2003, 7, 1),
    )
    gb = await b.org("东风社区第一党总支", OrgKind.general_branch, c1, OrgCategory.general_branch)
    br1 = await b.org("第一党支部（幸福小区）", OrgKind.branch, gb, OrgCategory.branch)
    br2 = await b.org("第二党支部（和平里网格）", OrgKind.branch, gb, OrgCategory.branch)
    g1 = await b.org("第一党小组", OrgKind.group, br1, OrgCategory.group)
    g2 = await b.org("第二党小组", OrgKind.group, br1, OrgCategory.group)
    g3 = await b.org("第三党小组", OrgKind.group, br2, OrgCategory.group)
    retired = await b.org("离退休党员党支部", OrgKind.branch, c1, OrgCategory.branch)
    floating = await b.org("流动党员党支部", OrgKind.branch, c1, OrgCategory.branch)
    await b.org(
        "市第三中学党支部",
        OrgKind.resident_unit,
        c1,
        OrgCategory.branch,
        linked_organization_id=c1.id,
    )
    c2 = await b.org(
        "向阳社区党支部",
        OrgKind.community,
        street,
        OrgCategory.branch,
        short_name="向阳社区",
        code="110101001002",
        established_on=date(2008, 3, 1),
    )
    c2g = await b.org("向阳社区第一党小组", OrgKind.group, c2, OrgCategory.group)
    home = await b.org(
        "区税务局机关党支部",
        OrgKind.home_unit,
        None,
        OrgCategory.branch,
        linked_organization_id=c1.id,
    )

    for org in (g1, g2, g3):
        await b.members(org, 22)
    await b.members(br2, 10)
    await b.members(retired, 40, min_age=60)
    await b.members(floating, 12, categories=["floating_in"], max_age=50)
    await b.members(c2g, 20)
    await b.members(c2, 15)
    await b.members(home, 14, categories=["inservice"], home_unit_id=home.id, max_age=55)

    # Terms (ORG-04): 东风 elected 2021-11 (due within 6 months), 向阳 overdue, the branches fine.
    for org, number, elected in (
        (c1, 4, date(2021, 11, 26)),
        (c2, 3, date(2021, 6, 18)),
        (br1, 2, date(2024, 3, 12)),
    ):
        session.add(
            OrganizationTerm(
                organization_id=org.id,
                number=number,
                elected_on=elected,
                term_years=5,
                ends_on=add_years(elected, 5),
            )
        )

    pw_hash = await run_cpu(security.hash_password, password, hashing)
    member_user = await b.member_for_user(g1, "李建国", min_age=40, max_age=55)
    leader = await b.member_for_user(g1, "王秀英", min_age=45, max_age=60)
    inservice = await b.member_for_user(
        home, "陈志强", categories=["inservice"], home_unit_id=home.id, max_age=45
    )
    users: dict[str, User] = {}
    for username, display, _role in DEMO_ACCOUNTS:
        org_id = {
            "admin": None,
            "street": street.id,
            "secretary2": c2.id,
            "member": g1.id,
            "xiaozu": g1.id,
            "inservice": home.id,
        }.get(username, c1.id)
        member_id = {"member": member_user.id, "xiaozu": leader.id, "inservice": inservice.id}.get(
            username
        )
        name = {
            "member": member_user.name,
            "xiaozu": leader.name,
            "inservice": inservice.name,
            "resident": "张桂兰",
        }.get(username, display)
        user = User(
            username=username,
            display_name=name,
            password_hash=pw_hash,
            organization_id=org_id,
            member_id=member_id,
            is_admin=username == "admin",
            password_changed_at=None,
        )
        session.add(user)
        users[username] = user
    await session.flush()

    start = today - timedelta(days=365 * 2)
    posts = [
        ("street", street, PostKind.street_staff),
        ("secretary", c1, PostKind.secretary),
        ("deputy", c1, PostKind.deputy_secretary),
        ("zuzhi", c1, PostKind.organization_member),
        ("xuanchuan", c1, PostKind.propaganda_member),
        ("jijian", c1, PostKind.discipline_member),
        ("xiaozu", g1, PostKind.group_leader),
        ("clerk", c1, PostKind.clerk),
        ("secretary2", c2, PostKind.secretary),
    ]
    session.add_all(
        [
            Post(organization_id=org.id, user_id=users[u].id, kind=kind, start_date=start)
            for u, org, kind in posts
        ]
    )
    session.add(
        ApiClient(
            client_id="unit-demo",
            name="区税务局机关党支部（接口）",
            kind=ClientKind.unit,
            organization_id=home.id,
            secret_hash=security.token_digest(password),
            scopes=[],
        )
    )
    session.add(
        ApiClient(
            client_id="district-demo",
            name="区党建统计系统（接口）",
            kind=ClientKind.district,
            organization_id=street.id,
            secret_hash=security.token_digest(password),
            scopes=["org.read", "stats.export"],
        )
    )
    await session.flush()
    await audit.record(
        session,
        actor=None,
        action="demo.seed",
        entity="system",
        actor_label="dangjian seed-demo",
        organization_path=street.path,
        after={"organizations": 14, "accounts": len(DEMO_ACCOUNTS)},
    )


async def _seed_bulk(session: AsyncSession, cipher: PersonalDataCipher, count: int) -> None:
    """N more members over generated communities (≤ 50 per branch, as ORG-03 suggests)."""
    b = DemoBuilder(session, cipher, seed=count)
    b.issued = set((await session.scalars(select(Member.id_number_index))).all())  # type: ignore[arg-type]
    street = await session.scalar(
        select(Organization).where(Organization.kind == OrgKind.street).order_by(Organization.id)
    )
    assert street is not None
    per_branch, branches_per_community = 50, 20
    made, c_index = 0, 0
    while made < count:
        c_index += 1
        community = await b.org(
            f"生成社区{c_index}党委", OrgKind.community, street, OrgCategory.party_committee
        )
        for br_index in range(branches_per_community):
            if made >= count:
                break
            branch = await b.org(
                f"生成社区{c_index}第{br_index + 1}党支部",
                OrgKind.branch,
                community,
                OrgCategory.branch,
            )
            n = min(per_branch, count - made)
            await b.members(branch, n)
            made += n
    await audit.record(
        session,
        actor=None,
        action="demo.seed_bulk",
        entity="system",
        actor_label="dangjian seed-demo",
        organization_path=street.path,
        after={"members": count},
    )


async def create_user(
    username: str, display_name: str, password: str, *, is_admin: bool, organization_id: int | None
) -> int:
    settings = get_settings()
    problems = security.password_problems(
        password,
        min_length=settings.password_min_length,
        min_classes=settings.password_min_classes,
        username=username,
    )
    if problems:
        print("；".join(problems))
        return 2
    db = Database(settings.resolved_database_url())
    try:
        async with db.sessionmaker() as session, session.begin():
            name = username.strip().lower()
            if await session.scalar(select(User.id).where(User.username == name)):
                print("用户名已存在")
                return 1
            user = User(
                username=name,
                display_name=display_name,
                password_hash=await run_cpu(
                    security.hash_password, password, settings.password_hashing
                ),
                is_admin=is_admin,
                organization_id=organization_id,
            )
            session.add(user)
            await session.flush()
            await audit.record(
                session,
                actor=None,
                action="user.create",
                entity="user",
                entity_id=user.id,
                actor_label="dangjian create-user",
                after={"username": name, "is_admin": is_admin},
            )
        print(f"已创建账号 {name}")
    finally:
        await db.dispose()
    return 0
