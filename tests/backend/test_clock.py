"""One clock (`dangjian.core.clock`): one meaning of "today", China time by default.

A UTC server's `date.today()` is still yesterday between 00:00 and 08:00 China time; every date
the platform judges by (events not in the future, the current quarter, the current dues month)
is the date in the configured zone (`DANGJIAN_TIMEZONE`, default Asia/Shanghai). Tests pin the
instant with `clock.freeze`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import Ctx, fresh_member
from dues_support import member
from pydantic import ValidationError
from sqlalchemy import select

from dangjian import cli
from dangjian.compliance.service import within
from dangjian.compliance.service.absence_cases import _local_year_month
from dangjian.core import clock
from dangjian.core.calendar import month_index
from dangjian.core.config import Settings, get_settings
from dangjian.models import Meeting
from dangjian.models.enums import MeetingStatus, MeetingType

# 2026-03-31 17:30 UTC is 2026-04-01 01:30 in China: a new day, month and quarter there.
FROZEN = datetime(2026, 3, 31, 17, 30, tzinfo=UTC)
M = "/api/v1/members"


@pytest.fixture(autouse=True)
def _restore_clock() -> Iterator[None]:
    """Whatever a test binds or pins, the next test starts with the default zone, running."""
    yield
    clock.set(None)
    clock.use_zone(clock.DEFAULT_TIMEZONE)
    get_settings.cache_clear()


def test_clock_frozen_instant_is_utc_and_today_is_the_china_date() -> None:
    with clock.freeze(FROZEN) as at:
        assert at == FROZEN and clock.now() == FROZEN and clock.now().tzinfo is UTC
        assert clock.today() == date(2026, 4, 1)
        local = clock.local(clock.now())
        assert (local.date(), local.hour, local.minute) == (date(2026, 4, 1), 1, 30)
        assert local.utcoffset() == timedelta(hours=8)
        assert clock.local_start(date(2026, 4, 1)) == datetime(2026, 3, 31, 16, tzinfo=UTC)
        assert clock.sqlite_shift() == "+480 minutes"
        assert clock.pg_zone_name() == "Asia/Shanghai"
    # the block ends: the clock runs again
    assert clock.now() != FROZEN
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_clock_set_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime(2026, 3, 31, 17, 30))


async def test_clock_one_today_in_china_time_between_0000_and_0800(ctx: Ctx) -> None:
    with clock.freeze(FROZEN):
        m = await member(ctx, "child", since=month_index(2026, 1))

        # an event dated today in China is not "in the future" (UTC is still on 03-31)
        event = await ctx.post(
            f"{M}/{m.id}/events",
            "clerk",
            json={
                "type": "transfer_out",
                "occurred_on": "2026-04-01",
                "reason": "随子女迁居外省",
                "document": "东党转〔2026〕3号",
            },
        )
        assert event.status_code == 201, event.text
        tomorrow = await ctx.post(
            f"{M}/{(await fresh_member(ctx, ctx.ids['child'])).id}/events",
            "clerk",
            json={"type": "death", "occurred_on": "2026-04-02", "reason": "病故"},
        )
        assert tomorrow.status_code == 400 and tomorrow.json()["code"] == "event_in_future"

        # the meetings report without a period is the current quarter in China: 2026-Q2
        report = await ctx.get(
            "/api/v1/compliance/meetings", "secretary", params={"org_id": ctx.ids["own"]}
        )
        assert report.status_code == 200, report.text
        body = report.json()
        assert body["period"] == "2026-Q2"
        assert (body["starts_on"], body["ends_on"]) == ("2026-04-01", "2026-06-30")

        # the dues month is April: the default monthly report and the member's statement
        monthly = await ctx.get(
            "/api/v1/dues/reports/monthly", "zuzhi", params={"org_id": ctx.ids["child"]}
        )
        assert monthly.status_code == 200, monthly.text
        assert monthly.json()["month"] == "2026-04"
        other = await member(ctx, "child", since=month_index(2026, 1))
        statement = await ctx.get(f"/api/v1/dues/members/{other.id}/statement", "zuzhi")
        assert statement.status_code == 200, statement.text
        states = {c["month"]: c["state"] for c in statement.json()["months"]}
        assert statement.json()["year"] == 2026
        assert states["2026-03"] == "unpaid" and states["2026-04"] == "unpaid"
        assert states["2026-05"] == "upcoming"
        # March is owed (a past month); April, the current one, is not yet counted as owed
        assert statement.json()["owed_months"] == 3


async def test_clock_sql_local_month_matches_the_clock(ctx: Ctx) -> None:
    """The SQL helpers place a UTC timestamp in the same local day and month as the clock does,
    on both dialects (PostgreSQL by zone name, SQLite by the zone's offset)."""
    async with ctx.db.sessionmaker() as session, session.begin():
        meeting = Meeting(
            organization_id=ctx.ids["child"],
            type=MeetingType.branch_assembly,
            title="时区测试",
            starts_at=FROZEN,
            ends_at=FROZEN + timedelta(hours=1),
            place="党群服务中心",
            host="主持人甲",
            recorder="记录人乙",
            status=MeetingStatus.held,
            held_at=FROZEN,
            checkin_token=secrets.token_hex(16),
            created_by="测试",
        )
        session.add(meeting)
        await session.flush()
        year, month = _local_year_month(session.get_bind().dialect.name)
        row = (await session.execute(select(year, month).where(Meeting.id == meeting.id))).one()
        assert (int(row[0]), int(row[1])) == (2026, 4)
        april_first = within(Meeting.starts_at, date(2026, 4, 1), date(2026, 4, 1))
        march = within(Meeting.starts_at, date(2026, 3, 1), date(2026, 3, 31))
        mine = Meeting.id == meeting.id
        assert await session.scalar(select(Meeting.id).where(mine, april_first)) == meeting.id
        assert await session.scalar(select(Meeting.id).where(mine, march)) is None


@pytest.mark.parametrize("settings_overrides", [{"timezone": "UTC"}])
async def test_clock_timezone_setting_utc_judges_by_the_utc_date(
    ctx: Ctx, settings_overrides: dict[str, Any]
) -> None:
    assert ctx.settings.timezone == "UTC"
    with clock.freeze(FROZEN):
        assert clock.today() == date(2026, 3, 31)
        m = await member(ctx, "child", since=month_index(2026, 1))
        event = await ctx.post(
            f"{M}/{m.id}/events",
            "clerk",
            json={"type": "death", "occurred_on": "2026-04-01", "reason": "病故"},
        )
        assert event.status_code == 400 and event.json()["code"] == "event_in_future"
        report = await ctx.get(
            "/api/v1/compliance/meetings", "secretary", params={"org_id": ctx.ids["own"]}
        )
        assert report.json()["period"] == "2026-Q1"


def test_clock_timezone_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().timezone == "Asia/Shanghai"
    monkeypatch.setenv("DANGJIAN_TIMEZONE", "UTC")
    settings = Settings()
    assert settings.zone.key == "UTC"
    clock.use_zone(settings.zone)
    with clock.freeze(FROZEN):
        assert clock.today() == date(2026, 3, 31)


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "UTC+8"])
def test_clock_invalid_timezone_fails_at_start_up(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("DANGJIAN_TIMEZONE", name)
    with pytest.raises(ValidationError, match="DANGJIAN_TIMEZONE must be an IANA zone name"):
        Settings()


def test_clock_invalid_timezone_stops_the_cli_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DANGJIAN_TIMEZONE", "Mars/Olympus")
    get_settings.cache_clear()
    assert cli.main(["export-openapi", "--output", str(tmp_path / "o.json")]) == 2
    err = capsys.readouterr().err
    assert "配置有误" in err and "Mars/Olympus" in err and "DANGJIAN_TIMEZONE" in err
    assert not (tmp_path / "o.json").exists()
