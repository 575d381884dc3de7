"""The roster (MEM-01..09): masking, If-Match, status events, reveal, work lists, statistics."""

from __future__ import annotations

from datetime import date, timedelta

from conftest import TEST_DATA_KEY, Ctx, fresh_member
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update

from dangjian.core import clock
from dangjian.core.crypto import PersonalDataCipher
from dangjian.members import rules
from dangjian.members.enums import EventType
from dangjian.members.stored import id_number_columns
from dangjian.models import AuditLog, Member
from dangjian.models.enums import MemberKind, MemberStatus

M = "/api/v1/members"
E = EventType


# ---------------------------------------------------------------- pure rules


def fact(t: EventType, on: date, ends: date | None = None, seq: int = 0) -> rules.EventFact:
    return rules.EventFact(t, on, ends, seq)


class TestDeriveStatus:
    """R: MEM-02 — the current status follows the latest event; history is kept."""

    def test_no_events_is_normal(self) -> None:
        assert rules.derive_status([], date(2026, 1, 1)) is MemberStatus.normal

    def test_latest_event_wins_and_future_events_wait(self) -> None:
        events = [
            fact(E.lost_contact, date(2025, 1, 1)),
            fact(E.contact_restored, date(2025, 6, 1)),
            fact(E.transfer_out, date(2026, 3, 1)),
        ]
        assert rules.derive_status(events, date(2025, 3, 1)) is MemberStatus.lost_contact
        assert rules.derive_status(events, date(2025, 7, 1)) is MemberStatus.normal
        assert rules.derive_status(events, date(2026, 3, 1)) is MemberStatus.transferred_out

    def test_mem07_party_probation_ends_by_itself(self) -> None:
        events = [fact(E.party_probation, date(2025, 1, 1), date(2026, 1, 1))]
        assert rules.derive_status(events, date(2025, 12, 31)) is MemberStatus.probation
        assert rules.derive_status(events, date(2026, 1, 1)) is MemberStatus.normal

    def test_mem06_death_is_final_for_counts(self) -> None:
        status = rules.derive_status([fact(E.death, date(2026, 2, 1))], date(2026, 2, 1))
        assert status is MemberStatus.deceased and status not in rules.ON_ROSTER


def test_mem08_lost_contact_deadlines() -> None:
    assert rules.lost_contact_deadlines(date(2025, 8, 31)) == (date(2026, 2, 28), date(2028, 2, 28))


def test_party_standing_counts_whole_years_from_conversion_with_correction() -> None:
    assert rules.party_standing_years(date(2000, 7, 1), 0, date(2026, 6, 30)) == 25
    assert rules.party_standing_years(date(2000, 7, 1), 0, date(2026, 7, 1)) == 26
    assert rules.party_standing_years(date(2000, 7, 1), 6, date(2026, 1, 1)) == 26
    assert rules.party_standing_years(None, 0, date(2026, 1, 1)) == 0


@given(
    st.text(alphabet="0123456789Xx ", min_size=1, max_size=20),
    st.text(alphabet="0123456789Xx ", min_size=1, max_size=20),
)
def test_blind_index_matches_exactly_the_same_normalised_value(a: str, b: str) -> None:
    cipher = PersonalDataCipher("property-test-key-0123456789")
    same = a.strip().upper() == b.strip().upper()
    assert (cipher.blind_index(a) == cipher.blind_index(b)) == same


# ---------------------------------------------------------------- API


async def test_personal_data_is_masked_by_default_and_revealed_only_on_request(ctx: Ctx) -> None:
    """ROLES.md rule 3 and the foundation's audit rule: even a holder of roster.full reads masked
    values; the full ones come only from the audited reveal."""
    m = await fresh_member(ctx, ctx.ids["child"])
    shown = (await ctx.get(f"{M}/{m.id}", "secretary")).json()
    assert shown["masked"] is True and shown["address"] is None
    full = (await ctx.post(f"{M}/{m.id}/reveal", "secretary")).json()
    assert len(full["id_number"]) == 18 and "*" not in full["id_number"]
    assert shown["id_number"] == full["id_number"][:4] + "*" * 10 + full["id_number"][-4:]
    assert shown["mobile"] == "*" * 7 + full["mobile"][-4:]
    listed = (await ctx.get(M, "secretary", params={"q": m.name, "size": 100})).json()["items"]
    assert all(i["masked"] for i in listed)


async def test_the_list_shows_the_stored_masked_forms_and_an_update_rewrites_them(
    ctx: Ctx,
) -> None:
    """ROLES.md rule 3: the list reads the stored masked forms (members.stored) without
    decrypting; a new mobile or ID number replaces them, so the list never shows a stale one."""
    m = await fresh_member(ctx, ctx.ids["child"])

    async def listed() -> dict[str, object]:
        page = (await ctx.get(M, "secretary", params={"q": m.name, "size": 100})).json()
        return next(i for i in page["items"] if i["id"] == m.id)

    full = (await ctx.post(f"{M}/{m.id}/reveal", "secretary")).json()
    item = await listed()
    assert item["id_number"] == full["id_number"][:4] + "*" * 10 + full["id_number"][-4:]
    assert item["mobile"] == "*" * 7 + full["mobile"][-4:] and item["masked"] is True
    tag = (await ctx.get(f"{M}/{m.id}", "clerk")).headers["etag"]
    changed = await ctx.client.patch(
        f"{M}/{m.id}",
        json={"mobile": "13912345678", "id_number": "11010519491231002X"},
        headers={**ctx.auth("clerk"), "If-Match": tag},
    )
    assert changed.status_code == 200, changed.text
    item = await listed()
    assert item["mobile"] == "*******5678"
    assert item["id_number"] == "1101**********002X"
    async with ctx.db.sessionmaker() as s:
        stored = (
            await s.execute(
                select(Member.id_number_masked, Member.mobile_masked).where(Member.id == m.id)
            )
        ).one()
    assert tuple(stored) == ("1101**********002X", "*******5678")


async def test_the_roster_is_closed_to_members_and_foreign_secretaries(ctx: Ctx) -> None:
    m = await fresh_member(ctx, ctx.ids["child"])
    assert (await ctx.get(f"{M}/{m.id}", "secretary2")).status_code == 404
    assert (await ctx.get(f"{M}/{m.id}", "member")).status_code == 404
    assert (await ctx.get(M, "member")).json()["total"] == 0
    assert (await ctx.get(M, "resident")).json()["total"] == 0


async def test_callers_with_other_scopes_never_share_a_kept_roster_statement(ctx: Ctx) -> None:
    # The page statement is built once per (scope, filters, day) and kept (core/memo.py): the
    # same filters asked in turn by callers with different scopes give each their own rows.
    mine = await fresh_member(ctx, ctx.ids["child"], name="同名测试党员")
    theirs = await fresh_member(ctx, ctx.ids["sibling"], name="同名测试党员")
    params = {"q": "同名测试党员", "size": 100}
    for _ in range(2):
        seen = {
            who: {i["id"] for i in (await ctx.get(M, who, params=params)).json()["items"]}
            for who in ("secretary", "secretary2", "street", "member")
        }
        assert seen == {
            "secretary": {mine.id},
            "secretary2": {theirs.id},
            "street": {mine.id, theirs.id},
            "member": set(),
        }


async def test_search_by_name_or_last_four_digits(ctx: Ctx) -> None:
    m = await fresh_member(ctx, ctx.ids["child"])
    full = (await ctx.post(f"{M}/{m.id}/reveal", "secretary")).json()
    by_id_tail = (await ctx.get(M, "secretary", params={"q": full["id_number"][-4:]})).json()
    by_phone_tail = (await ctx.get(M, "secretary", params={"q": full["mobile"][-4:]})).json()
    by_name = (await ctx.get(M, "secretary", params={"q": m.name, "size": 100})).json()
    for answer in (by_id_tail, by_phone_tail, by_name):
        assert m.id in {i["id"] for i in answer["items"]}


async def test_an_id_number_ending_in_x_is_found_by_its_last_four(ctx: Ctx) -> None:
    from dangjian.core import idcard

    number = next(
        n
        for seq in range(1000)
        if (n := idcard.make("110101", date(1970, 3, 4), seq % 100, seq % 2 == 0)).endswith("X")
    )
    m = await fresh_member(ctx, ctx.ids["child"])
    async with ctx.db.sessionmaker() as s, s.begin():
        cipher = PersonalDataCipher(TEST_DATA_KEY)
        await s.execute(
            update(Member).where(Member.id == m.id).values(**id_number_columns(cipher, number))
        )
    for q in (number[-4:], number[-4:].lower()):
        found = (await ctx.get(M, "secretary", params={"q": q})).json()
        assert m.id in {i["id"] for i in found["items"]}, q


class TestIfMatch:
    async def test_update_needs_if_match_and_refuses_a_stale_one(self, ctx: Ctx) -> None:
        m = await fresh_member(ctx, ctx.ids["child"])
        r = await ctx.get(f"{M}/{m.id}", "clerk")
        tag = r.headers["etag"]
        body = {"grid_area": "和平里3号楼"}
        missing = await ctx.patch(f"{M}/{m.id}", "clerk", json=body)
        assert missing.status_code == 428 and missing.json()["code"] == "precondition_required"
        ok = await ctx.client.patch(
            f"{M}/{m.id}", json=body, headers={**ctx.auth("clerk"), "If-Match": tag}
        )
        assert ok.status_code == 200 and ok.json()["grid_area"] == "和平里3号楼"
        assert ok.headers["etag"] != tag
        stale = await ctx.client.patch(
            f"{M}/{m.id}",
            json={"grid_area": "别处"},
            headers={**ctx.auth("zuzhi"), "If-Match": tag},
        )
        assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"

    async def test_id_number_is_validated_and_derives_birth_and_gender(self, ctx: Ctx) -> None:
        m = await fresh_member(ctx, ctx.ids["child"])
        tag = (await ctx.get(f"{M}/{m.id}", "clerk")).headers["etag"]
        headers = {**ctx.auth("clerk"), "If-Match": tag}
        bad = await ctx.client.patch(
            f"{M}/{m.id}", headers=headers, json={"id_number": "110105194912310021"}
        )
        assert bad.status_code == 422 and "校验码" in bad.json()["errors"][0]["message"]
        mismatch = await ctx.client.patch(
            f"{M}/{m.id}",
            headers=headers,
            json={"id_number": "11010519491231002X", "birth_date": "1950-01-01"},
        )
        assert mismatch.status_code == 422 and "出生日期" in mismatch.json()["detail"]
        ok = await ctx.client.patch(
            f"{M}/{m.id}", headers=headers, json={"id_number": "11010519491231002x"}
        )
        assert ok.status_code == 200
        assert ok.json()["birth_date"] == "1949-12-31" and ok.json()["gender"] == "female"
        other = await fresh_member(ctx, ctx.ids["child"])
        tag2 = (await ctx.get(f"{M}/{other.id}", "clerk")).headers["etag"]
        dup = await ctx.client.patch(
            f"{M}/{other.id}",
            json={"id_number": "11010519491231002X"},
            headers={**ctx.auth("clerk"), "If-Match": tag2},
        )
        assert dup.status_code == 409 and dup.json()["code"] == "id_number_taken"

    async def test_unknown_enumeration_labels_are_refused_in_chinese(self, ctx: Ctx) -> None:
        m = await fresh_member(ctx, ctx.ids["child"])
        tag = (await ctx.get(f"{M}/{m.id}", "clerk")).headers["etag"]
        r = await ctx.client.patch(
            f"{M}/{m.id}",
            json={"ethnicity": "火星族", "work_post": "宇航员"},
            headers={**ctx.auth("clerk"), "If-Match": tag},
        )
        fields = {e["field"]: e["message"] for e in r.json()["errors"]}
        assert (
            r.status_code == 422
            and "GB/T 3304" in fields["ethnicity"]
            and "岗位" in fields["work_post"]
        )


class TestEvents:
    async def test_mem09_transfer_out_leaves_the_roster_but_keeps_history(self, ctx: Ctx) -> None:
        m = await fresh_member(ctx, ctx.ids["child"])
        before = (await ctx.get(M, "secretary", params={"org_id": ctx.ids["own"]})).json()["total"]
        r = await ctx.post(
            f"{M}/{m.id}/events",
            "clerk",
            json={
                "type": "transfer_out",
                "occurred_on": str(clock.today()),
                "reason": "随子女迁居外省",
                "document": "东党转〔2026〕3号",
            },
        )
        assert r.status_code == 201
        after = (await ctx.get(M, "secretary", params={"org_id": ctx.ids["own"]})).json()["total"]
        assert after == before - 1
        detail = (await ctx.get(f"{M}/{m.id}", "secretary")).json()
        assert detail["status"] == "transferred_out"
        history = (await ctx.get(f"{M}/{m.id}/events", "deputy")).json()
        assert [e["type"] for e in history] == ["transfer_out"]
        gone = await ctx.get(M, "secretary", params={"status": "transferred_out", "size": 100})
        assert m.id in {i["id"] for i in gone.json()["items"]}

    async def test_event_shapes_are_checked(self, ctx: Ctx) -> None:
        m = await fresh_member(ctx, ctx.ids["child"])
        url = f"{M}/{m.id}/events"
        no_end = await ctx.post(
            url,
            "clerk",
            json={"type": "party_probation", "occurred_on": "2026-01-01", "reason": "违纪处分"},
        )
        assert no_end.status_code == 422 and "截止日期" in no_end.json()["detail"]
        no_kind = await ctx.post(
            url,
            "clerk",
            json={"type": "removal", "occurred_on": "2026-01-01", "reason": "经教育仍不改正"},
        )
        assert no_kind.status_code == 422 and "除名" in no_kind.json()["detail"]
        future = await ctx.post(
            url,
            "clerk",
            json={
                "type": "death",
                "occurred_on": str(clock.today() + timedelta(days=3)),
                "reason": "病故",
            },
        )
        assert future.status_code == 400 and future.json()["code"] == "event_in_future"

    async def test_mem08_lost_contact_list_shows_the_deadlines(self, ctx: Ctx) -> None:
        # joined before the loss of contact (MEM-02: no event before joining)
        m = await fresh_member(ctx, ctx.ids["child"], joined_on=date(2000, 7, 1))
        await ctx.post(
            f"{M}/{m.id}/events",
            "clerk",
            json={"type": "lost_contact", "occurred_on": "2025-08-31", "reason": "多方寻找未果"},
        )
        items = (await ctx.get(M, "secretary", params={"list": "lost_contact"})).json()["items"]
        row = next(i for i in items if i["id"] == m.id)
        assert row["lost_contact_since"] == "2025-08-31"
        assert row["stop_membership_due"] == "2026-02-28" and row["self_lapsed_due"] == "2028-02-28"


class TestReveal:
    async def test_reveal_is_audited_and_rate_limited(self, ctx: Ctx) -> None:
        m = await fresh_member(ctx, ctx.ids["child"])
        r = await ctx.post(f"{M}/{m.id}/reveal", "secretary")
        assert r.status_code == 200 and len(r.json()["id_number"]) == 18
        async with ctx.db.sessionmaker() as s:
            row = await s.scalar(select(AuditLog).where(AuditLog.action == "member.reveal"))
        assert row is not None and row.entity_id == str(m.id) and "secretary" in row.actor_label
        assert (await ctx.post(f"{M}/{m.id}/reveal", "deputy")).status_code == 403
        for _ in range(9):
            assert (await ctx.post(f"{M}/{m.id}/reveal", "secretary")).status_code == 200
        limited = await ctx.post(f"{M}/{m.id}/reveal", "secretary")
        assert limited.status_code == 429 and limited.json()["code"] == "reveal_rate_limited"


async def test_a_member_reads_the_own_record_unmasked(ctx: Ctx) -> None:
    r = await ctx.get("/api/v1/me/member", "member")
    assert r.status_code == 200
    body = r.json()
    assert body["masked"] is False and "*" not in body["id_number"]
    assert body["organization_name"] == "第一党小组"
    assert (await ctx.get("/api/v1/me/member", "secretary")).json()["code"] == "no_member_record"


async def test_work_lists(ctx: Ctx) -> None:
    today = clock.today()
    joined = date(today.year - 20, today.month, 1)
    birthday = await fresh_member(ctx, ctx.ids["child"], joined_on=joined)
    probationary = await fresh_member(
        ctx,
        ctx.ids["child"],
        kind=MemberKind.probationary,
        joined_on=today - timedelta(days=100),
        converted_on=None,
    )
    elderly = await fresh_member(ctx, ctx.ids["child"], categories=["retired", "elderly_or_sick"])

    async def listed(name: str) -> dict[int, dict[str, object]]:
        r = await ctx.get(M, "secretary", params={"list": name, "size": 100})
        return {i["id"]: i for i in r.json()["items"]}

    births = await listed("birthdays")  # R: MEM-05
    assert birthday.id in births and births[birthday.id]["political_birthday"] == str(
        date(today.year, today.month, 1)
    )
    prob = await listed("probationary")
    assert prob[probationary.id]["conversion_due"] == str(
        rules.conversion_due(today - timedelta(days=100))
    )
    assert elderly.id in await listed("elderly_or_sick")  # R: MEM-04


async def test_statistics_agree_with_the_roster(ctx: Ctx) -> None:
    own = ctx.ids["own"]
    stats = (await ctx.get(f"{M}/statistics", "secretary", params={"org_id": own})).json()
    total = (await ctx.get(M, "secretary", params={"org_id": own})).json()["total"]
    assert stats["total"] == total
    assert sum(r["count"] for r in stats["by_age_band"]) == total
    assert sum(r["count"] for r in stats["by_joining_period"]) == total
    assert stats["minority"] == sum(r["count"] for r in stats["by_ethnicity"] if r["key"] != "汉族")
    # district systems read statistics with their stats.export scope
    token = (
        await ctx.client.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "district-demo",
                "client_secret": "Dangjian#2026",
            },
        )
    ).json()["access_token"]
    r = await ctx.client.get(
        f"{M}/statistics", params={"org_id": own}, headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200 and r.json()["total"] == total


class TestCreate:
    async def test_mem01_a_new_record_derives_birth_and_gender(self, ctx: Ctx) -> None:
        r = await ctx.post(
            M,
            "clerk",
            json={
                "name": "新登记党员",
                "organization_id": ctx.ids["group"],
                "id_number": "11010519491231002X",
                "kind": "formal",
                "joined_on": "1975-07-01",
                "converted_on": "1976-07-01",
                "mobile": "13800138000",
                "categories": ["retired"],
            },
        )
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["birth_date"] == "1949-12-31" and body["gender"] == "female"
        assert body["masked"] is True and body["id_number"].endswith("002X")
        assert r.headers["etag"] == f'"{body["id"]}-1"'
        dup = await ctx.post(
            M,
            "clerk",
            json={
                "name": "重复",
                "organization_id": ctx.ids["child"],
                "id_number": "11010519491231002X",
                "kind": "formal",
                "joined_on": "1980-01-01",
            },
        )
        assert dup.status_code == 409 and dup.json()["code"] == "id_number_taken"

    async def test_create_needs_roster_write_and_a_branch_or_group(self, ctx: Ctx) -> None:
        body = {
            "name": "某人",
            "organization_id": ctx.ids["child"],
            "id_number": "440524188001010014",
            "kind": "formal",
            "joined_on": "2000-01-01",
        }
        assert (await ctx.post(M, "deputy", json=body)).status_code == 403
        at_street = await ctx.post(M, "street", json={**body, "organization_id": ctx.ids["parent"]})
        assert at_street.status_code == 403
        missing = await ctx.post(M, "clerk", json={"name": "缺项"})
        fields = {e["field"] for e in missing.json()["errors"]}
        assert {"organization_id", "id_number", "kind", "joined_on"} <= fields


def test_every_enumeration_value_has_a_chinese_label() -> None:
    """Enum values map to Chinese labels in one place (members/enums.py LABELS)."""
    from dangjian.members.enums import LABELS, Category
    from dangjian.models.enums import Gender

    for value in [*Category, *EventType, *MemberStatus, *MemberKind, *Gender]:
        label = LABELS[value.value]
        assert label and any("\u4e00" <= ch <= "\u9fff" for ch in label), value
    labels = [LABELS[c.value] for c in Category]
    assert len(set(labels)) == len(labels)  # labels map back to exactly one value (import)
