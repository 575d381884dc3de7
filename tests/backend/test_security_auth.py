"""Sign-in hardening (adversarial review): the holes found, each closed at its mechanism."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pyotp
import pytest
from conftest import DEMO_PASSWORD, Ctx
from sqlalchemy import select, update

from dangjian.core import security
from dangjian.core.accesslog import StripQueryFilter, install, uvicorn_log_config
from dangjian.models import AuditLog, AuthSession, LoginIpThrottle, User

LOGIN = "/api/v1/auth/login"
WRONG = "Wrong#Password1"


async def login(
    ctx: Ctx, username: str, password: str = DEMO_PASSWORD, **extra: str
) -> httpx.Response:
    return await ctx.client.post(LOGIN, data={"username": username, "password": password, **extra})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def audit_rows(ctx: Ctx, action: str) -> list[AuditLog]:
    async with ctx.db.sessionmaker() as s:
        return list((await s.scalars(select(AuditLog).where(AuditLog.action == action))).all())


class CountingSessionmaker:
    """Wraps the app's session factory: how many sessions each request opened."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.opened = 0

    def __call__(self, *args: Any, **kw: Any) -> Any:
        self.opened += 1
        return self.inner(*args, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture
def counted(ctx: Ctx) -> Any:
    counting = CountingSessionmaker(ctx.app.state.db.sessionmaker)
    ctx.app.state.db.sessionmaker = counting
    yield counting
    ctx.app.state.db.sessionmaker = counting.inner


# ---------------------------------------------------------------- 1. no stall, one connection


@pytest.mark.parametrize("settings_overrides", [{"login_ip_max_failures": 1000}])
async def test_a_flood_of_failed_sign_ins_does_not_stall_the_server(ctx: Ctx) -> None:
    token = ctx.tokens["secretary"]

    async def probe() -> tuple[float, int, int]:
        await asyncio.sleep(0.3)  # while the flood is being verified
        started = time.monotonic()
        health = await ctx.client.get("/healthz")
        me = await ctx.client.get("/api/v1/auth/me", headers=bearer(token))
        return time.monotonic() - started, health.status_code, me.status_code

    floods = [login(ctx, f"nobody-{i}", WRONG) for i in range(40)]
    *answers, (elapsed, health, me) = await asyncio.gather(*floods, probe())
    statuses = [r.status_code for r in answers]
    assert 500 not in statuses and set(statuses) == {401}, statuses
    assert health == 200 and me == 200
    assert elapsed < 5, f"/auth/me took {elapsed:.1f} s during the flood"
    assert len(await audit_rows(ctx, "auth.login_failed")) == 40


async def test_a_failed_sign_in_uses_one_session_and_keeps_its_count(
    ctx: Ctx, counted: CountingSessionmaker
) -> None:
    r = await login(ctx, "jijian", WRONG)
    assert r.status_code == 401 and counted.opened == 1
    rows = await audit_rows(ctx, "auth.login_failed")
    assert len(rows) == 1
    row = rows[0]
    async with ctx.db.sessionmaker() as s:
        jijian = await s.scalar(select(User.id).where(User.username == "jijian"))
    assert row.entity_id == str(jijian) and row.ip == "127.0.0.1"
    assert row.after is not None and row.after["reason"] == "password"
    assert row.after["failures"] == 1 and row.after["user_id"] == jijian


async def test_refresh_reuse_revokes_in_the_request_session(
    ctx: Ctx, counted: CountingSessionmaker
) -> None:
    first = (await login(ctx, "zuzhi")).json()
    again = await ctx.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert again.status_code == 200
    counted.opened = 0
    replay = await ctx.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert replay.status_code == 401 and counted.opened == 1
    me = await ctx.client.get("/api/v1/auth/me", headers=bearer(again.json()["access_token"]))
    assert me.status_code == 401
    (row,) = await audit_rows(ctx, "auth.refresh_reuse")
    async with ctx.db.sessionmaker() as s:
        zuzhi = await s.scalar(select(User.id).where(User.username == "zuzhi"))
    assert row.actor_id == zuzhi and row.ip == "127.0.0.1"
    assert row.after is not None and row.after["reason"] == "refresh_reuse"


async def test_password_checks_run_off_the_event_loop(
    ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    threads: list[str] = []
    original = security.verify_password

    def spy(password: str, password_hash: str | None, params: security.Argon2Parameters) -> bool:
        threads.append(threading.current_thread().name)
        return original(password, password_hash, params)

    monkeypatch.setattr(security, "verify_password", spy)
    await login(ctx, "deputy", WRONG)
    token = (await login(ctx, "deputy")).json()["access_token"]
    await ctx.client.post(
        "/api/v1/auth/password",
        headers=bearer(token),
        json={"current_password": WRONG, "new_password": "Fresh#Passw0rd2026"},
    )
    main = threading.main_thread().name
    assert len(threads) == 3 and main not in threads


@pytest.mark.parametrize("settings_overrides", [{"login_ip_max_failures": 3}])
async def test_failed_sign_ins_per_address_are_throttled(ctx: Ctx) -> None:
    for name in ("a-1", "a-2"):
        assert (await login(ctx, name, WRONG)).status_code == 401
    # successes do not count against the address
    for _ in range(3):
        assert (await login(ctx, "clerk")).status_code == 200
    assert (await login(ctx, "a-3", WRONG)).status_code == 401
    refused = await login(ctx, "a-4", WRONG)
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_attempts"
    assert "分钟后再试" in refused.json()["detail"]
    assert 0 < int(refused.headers["retry-after"]) <= 15 * 60 + 1
    # while the window lasts, even the right password is not checked from this address
    assert (await login(ctx, "clerk")).status_code == 429
    (row,) = await audit_rows(ctx, "auth.ip_throttled")
    assert row.ip == "127.0.0.1" and row.after is not None
    assert row.after["reason"] == "ip_throttled"
    # client credentials are throttled with the same counter
    token = await ctx.client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "district-demo",
            "client_secret": DEMO_PASSWORD,
        },
    )
    assert token.status_code == 429
    # a new window starts afresh
    async with ctx.db.sessionmaker() as s, s.begin():
        await s.execute(
            update(LoginIpThrottle).values(
                window_start=datetime.now(UTC) - timedelta(seconds=15 * 60 + 1)
            )
        )
    assert (await login(ctx, "clerk")).status_code == 200


# ---------------------------------------------------------------- 2. the lock-out race


async def test_parallel_wrong_passwords_check_at_most_the_limit(
    ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    original = security.verify_password

    def counting(
        password: str, password_hash: str | None, params: security.Argon2Parameters
    ) -> bool:
        checked.append(password)
        return original(password, password_hash, params)

    monkeypatch.setattr(security, "verify_password", counting)
    answers = await asyncio.gather(*(login(ctx, "jijian", f"{WRONG}{i}") for i in range(20)))
    statuses = [r.status_code for r in answers]
    limit = ctx.settings.login_max_failures
    assert len(checked) <= limit, f"{len(checked)} passwords checked"
    assert statuses.count(401) == len(checked)
    locked = [r for r in answers if r.status_code == 429]
    assert len(locked) == 20 - len(checked)
    assert all(r.json()["code"] == "account_locked" for r in locked)
    assert len(await audit_rows(ctx, "auth.login_failed")) == len(checked)
    (lock,) = await audit_rows(ctx, "auth.account_locked")
    assert lock.ip == "127.0.0.1" and lock.after and lock.after["reason"] == "too_many_failures"
    # the right password is refused too, without being checked
    before = len(checked)
    r = await login(ctx, "jijian")
    assert r.status_code == 429 and r.json()["code"] == "account_locked"
    assert len(checked) == before


async def test_concurrent_successes_and_failures_from_one_address(ctx: Ctx) -> None:
    """Successes and failures for the same names and address, all at once: no deadlock, no 500."""
    attempts = [login(ctx, name) for name in ("clerk", "deputy") for _ in range(4)] + [
        login(ctx, name, WRONG) for name in ("clerk", "deputy") for _ in range(2)
    ]
    statuses = [r.status_code for r in await asyncio.gather(*attempts)]
    assert set(statuses) <= {200, 401, 429} and statuses.count(200) >= 4, statuses


async def test_a_success_clears_the_count(ctx: Ctx) -> None:
    limit = ctx.settings.login_max_failures
    for _ in range(limit - 1):
        assert (await login(ctx, "xiaozu", WRONG)).status_code == 401
    assert (await login(ctx, "xiaozu")).status_code == 200
    for _ in range(limit - 1):
        assert (await login(ctx, "xiaozu", WRONG)).status_code == 401
    assert (await login(ctx, "xiaozu")).status_code == 200


# ---------------------------------------------------------------- 3. client token scope


async def _client_token(ctx: Ctx, scope: str | None) -> str:
    data = {
        "grant_type": "client_credentials",
        "client_id": "district-demo",
        "client_secret": DEMO_PASSWORD,
    }
    if scope:
        data["scope"] = scope
    r = await ctx.client.post("/api/v1/auth/token", data=data)
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


async def test_a_client_token_grants_only_its_requested_scope(ctx: Ctx) -> None:
    stats = f"/api/v1/members/statistics?org_id={ctx.ids['own']}"
    full = await _client_token(ctx, None)
    assert (await ctx.client.get(stats, headers=bearer(full))).status_code == 200
    narrow = await _client_token(ctx, "org.read")
    r = await ctx.client.get(stats, headers=bearer(narrow))
    assert r.status_code in (403, 404)
    me = (await ctx.client.get("/api/v1/auth/me", headers=bearer(narrow))).json()
    caps = {c for o in me["organizations"] for c in o["capabilities"]}
    assert caps == {"org.read"}
    tree = await ctx.client.get("/api/v1/organizations/tree", headers=bearer(narrow))
    assert [n["name"] for n in tree.json()] == ["东风街道党工委"]
    async with ctx.db.sessionmaker() as s:
        scopes = set((await s.scalars(select(AuthSession.scope))).all())
    assert "org.read" in scopes
    issued = await audit_rows(ctx, "auth.client_token")
    assert issued and all(r.after and r.after["reason"] == "client_credentials" for r in issued)


async def test_failed_client_tokens_are_audited(ctx: Ctx) -> None:
    r = await ctx.client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "district-demo",
            "client_secret": "x",
        },
    )
    assert r.status_code == 401
    (row,) = await audit_rows(ctx, "auth.client_token_failed")
    assert row.entity_id == "district-demo" and row.ip == "127.0.0.1"
    assert row.after is not None and row.after["reason"] == "secret"


# ---------------------------------------------------------------- 4. TOTP replay


async def test_a_totp_code_is_good_once(ctx: Ctx) -> None:
    token = (await login(ctx, "secretary")).json()["access_token"]
    setup = (await ctx.client.post("/api/v1/auth/totp/setup", headers=bearer(token))).json()
    totp = pyotp.TOTP(setup["secret"])
    code = totp.now()
    enable = await ctx.client.post(
        "/api/v1/auth/totp/enable", headers=bearer(token), json={"code": code}
    )
    assert enable.status_code == 204
    # the code that enabled it cannot sign in (same time step)
    replay = await login(ctx, "secretary", otp=code)
    assert replay.status_code == 401 and replay.json()["code"] == "otp_invalid"
    following = totp.at(time.time() + totp.interval)
    assert (await login(ctx, "secretary", otp=following)).status_code == 200
    again = await login(ctx, "secretary", otp=following)
    assert again.status_code == 401 and again.json()["code"] == "otp_invalid"
    # nor disable it
    disable = await ctx.client.post(
        "/api/v1/auth/totp/disable", headers=bearer(token), json={"code": following}
    )
    assert disable.status_code == 400 and disable.json()["code"] == "otp_invalid"
    failed = await audit_rows(ctx, "auth.login_failed")
    assert [r.after["reason"] for r in failed if r.after] == ["otp", "otp"]


# ---------------------------------------------------------------- 5. control characters


@pytest.mark.parametrize("bad", ["\x00", "\t", "\n", "\r", "\x7f", "\u200b", "\u202e"])
def test_passwords_refuse_control_characters(bad: str) -> None:
    good = "Fresh#Passw0rd2026"
    assert security.password_problems(good, min_length=8, min_classes=3) == []
    problems = security.password_problems(good[:5] + bad + good[5:], min_length=8, min_classes=3)
    assert any("控制字符" in p for p in problems)


async def test_password_change_refuses_control_characters(ctx: Ctx) -> None:
    r = await ctx.post(
        "/api/v1/auth/password",
        "deputy",
        json={
            "current_password": DEMO_PASSWORD,
            "new_password": "Fresh#Pass\nw0rd2026",
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "password_policy"
    assert "控制字符" in r.json()["detail"]


# ---------------------------------------------------------------- 6. access log


def _access_record(path: str) -> logging.LogRecord:
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 200),
        None,
    )


def test_the_access_log_drops_query_strings() -> None:
    record = _access_record("/api/v1/members?q=%E5%BC%A0%E4%B8%89&id_card=110101")
    assert StripQueryFilter().filter(record) is True
    assert record.getMessage() == '127.0.0.1:5000 - "GET /api/v1/members HTTP/1.1" 200'
    plain = _access_record("/healthz")
    StripQueryFilter().filter(plain)
    assert plain.getMessage() == '127.0.0.1:5000 - "GET /healthz HTTP/1.1" 200'


def test_dangjian_serve_installs_the_filter() -> None:
    config = uvicorn_log_config()
    assert config["loggers"]["uvicorn.access"]["filters"] == ["strip_query"]
    assert config["filters"]["strip_query"]["()"] is StripQueryFilter
    name = "test.accesslog"
    install(name)
    install(name)
    logger = logging.getLogger(name)
    assert sum(isinstance(f, StripQueryFilter) for f in logger.filters) == 1


async def test_sign_in_rehashes_a_password_hashed_with_other_parameters(ctx: Ctx) -> None:
    """A hash records its argon2 parameters: after DANGJIAN_PASSWORD_HASH_* change, old hashes
    keep verifying and the next successful sign-in replaces each with the configured ones."""
    older = security.Argon2Parameters(time_cost=2, memory_kib=1024, parallelism=2)
    old_hash = security.hash_password(DEMO_PASSWORD, older)
    async with ctx.db.sessionmaker() as s, s.begin():
        await s.execute(
            update(User).where(User.username == "member").values(password_hash=old_hash)
        )

    async def stored() -> str:
        async with ctx.db.sessionmaker() as s:
            return str(await s.scalar(select(User.password_hash).where(User.username == "member")))

    assert (await login(ctx, "member", WRONG)).status_code == 401
    assert await stored() == old_hash  # a failed sign-in leaves it alone
    assert (await login(ctx, "member")).status_code == 200
    new_hash = await stored()
    current = ctx.settings.password_hashing
    assert new_hash != old_hash
    assert new_hash.startswith(
        f"$argon2id$v=19$m={current.memory_kib},t={current.time_cost},p={current.parallelism}$"
    )
    assert security.verify_password(DEMO_PASSWORD, new_hash, current)
    assert (await login(ctx, "member")).status_code == 200
    assert await stored() == new_hash  # already current: not made again
