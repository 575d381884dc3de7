"""Sign-in, tokens and sessions (ROLES.md principals; issue: foundation §3)."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pyotp
import pytest
from conftest import DEMO_PASSWORD, TEST_DATA_KEY, TEST_SECRET, Ctx
from jose import jwt
from sqlalchemy import select, update

from dangjian.core import clock
from dangjian.core.security import create_access_token
from dangjian.models import AuthSession, LoginThrottle, Post, RefreshToken, User

LOGIN = "/api/v1/auth/login"


async def login(
    ctx: Ctx, username: str, password: str = DEMO_PASSWORD, **extra: str
) -> httpx.Response:
    return await ctx.client.post(LOGIN, data={"username": username, "password": password, **extra})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def me_status(ctx: Ctx, token: str) -> int:
    return (await ctx.client.get("/api/v1/auth/me", headers=bearer(token))).status_code


class TestLogin:
    async def test_api_login_returns_the_refresh_token_in_the_body(self, ctx: Ctx) -> None:
        r = await login(ctx, "Secretary")  # user names are case-insensitive
        assert r.status_code == 200
        body = r.json()
        assert body["token_type"] == "bearer" and body["expires_in"] == 3600
        assert body["refresh_token"] and not r.cookies.get("dj_refresh")
        assert await me_status(ctx, body["access_token"]) == 200

    async def test_browser_login_keeps_the_refresh_token_out_of_scripts(self, ctx: Ctx) -> None:
        r = await ctx.client.post(
            LOGIN,
            headers={"X-Token-Delivery": "cookie"},
            data={"username": "secretary", "password": DEMO_PASSWORD},
        )
        body = r.json()
        assert body["refresh_token"] is None
        assert r.cookies.get("dj_refresh") and r.cookies.get("dj_csrf")
        set_cookie = r.headers.get_list("set-cookie")
        refresh_cookie = next(c for c in set_cookie if c.startswith("dj_refresh="))
        assert "HttpOnly" in refresh_cookie and "SameSite=strict" in refresh_cookie
        assert await me_status(ctx, body["access_token"]) == 200

    async def test_unknown_user_and_wrong_password_answer_alike(self, ctx: Ctx) -> None:
        wrong = await login(ctx, "secretary", "Wrong#Password1")
        unknown = await login(ctx, "nobody-here", "Wrong#Password1")
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json() == unknown.json()
        assert wrong.json()["code"] == "invalid_credentials"
        assert wrong.json()["detail"] == "用户名或密码错误"

    async def test_deactivated_account_cannot_sign_in(self, ctx: Ctx) -> None:
        async with ctx.db.sessionmaker() as s, s.begin():
            await s.execute(update(User).where(User.username == "clerk").values(is_active=False))
        assert (await login(ctx, "clerk")).json()["code"] == "invalid_credentials"

    async def test_sixth_attempt_is_locked_even_with_the_right_password(self, ctx: Ctx) -> None:
        for _ in range(5):
            assert (await login(ctx, "jijian", "Wrong#Password1")).status_code == 401
        r = await login(ctx, "jijian")
        assert r.status_code == 429
        assert r.json()["code"] == "account_locked"
        assert "15 分钟" in r.json()["detail"]
        assert int(r.headers["retry-after"]) > 14 * 60
        # after the lock-out period the right password works again and clears the counter
        async with ctx.db.sessionmaker() as s, s.begin():
            await s.execute(
                update(LoginThrottle).values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
            )
        assert (await login(ctx, "jijian")).status_code == 200
        async with ctx.db.sessionmaker() as s:
            assert await s.get(LoginThrottle, "jijian") is None

    async def test_success_resets_the_consecutive_count(self, ctx: Ctx) -> None:
        for _ in range(4):
            await login(ctx, "deputy", "Wrong#Password1")
        assert (await login(ctx, "deputy")).status_code == 200
        for _ in range(4):
            await login(ctx, "deputy", "Wrong#Password1")
        assert (await login(ctx, "deputy")).status_code == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def second_process(ctx: Ctx, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A second API process (its own interpreter and connection pool) on the same database."""
    port = _free_port()
    env = {
        **os.environ,
        "DANGJIAN_DATABASE_URL": ctx.url,
        "DANGJIAN_VAR_DIR": str(tmp_path),
        "DANGJIAN_SECRET_KEY": TEST_SECRET,
        "DANGJIAN_DATA_KEY": TEST_DATA_KEY,
        "DANGJIAN_ENVIRONMENT": "test",
        "DANGJIAN_SPA_DIR": str(tmp_path / "none"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "dangjian.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("second API process did not start")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


async def test_lockout_holds_across_api_processes(ctx: Ctx, second_process: str) -> None:
    """Five failures in one process lock the account in another (the counter is in the DB)."""
    for _ in range(5):
        assert (await login(ctx, "xuanchuan", "Wrong#Password1")).status_code == 401
    async with httpx.AsyncClient(base_url=second_process) as other:
        r = await other.post(LOGIN, data={"username": "xuanchuan", "password": DEMO_PASSWORD})
    assert r.status_code == 429 and r.json()["code"] == "account_locked"


class TestAccessTokenRejections:
    """Each of these must answer 401 (foundation §3)."""

    async def _valid(self, ctx: Ctx) -> str:
        return str((await login(ctx, "secretary")).json()["access_token"])

    async def test_alg_none(self, ctx: Ctx) -> None:
        token = await self._valid(ctx)
        _, payload, _ = token.split(".")
        header = base64.urlsafe_b64encode(
            json.dumps({"alg": "none", "typ": "JWT"}).encode()
        ).rstrip(b"=")
        assert await me_status(ctx, f"{header.decode()}.{payload}.") == 401

    async def test_wrong_key(self, ctx: Ctx) -> None:
        claims = jwt.get_unverified_claims(await self._valid(ctx))
        forged = jwt.encode(
            claims, "another-key-of-sufficient-length-0123456789", algorithm="HS256"
        )
        assert await me_status(ctx, forged) == 401

    async def test_tampered_payload(self, ctx: Ctx) -> None:
        header, payload, signature = (await self._valid(ctx)).split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["sub"] = "user:1"
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        assert await me_status(ctx, f"{header}.{forged}.{signature}") == 401

    async def test_expired(self, ctx: Ctx) -> None:
        claims = jwt.get_unverified_claims(await self._valid(ctx))
        token, _ = create_access_token(
            subject=claims["sub"], session_id=claims["sid"], key=TEST_SECRET, ttl_seconds=-5
        )
        assert await me_status(ctx, token) == 401

    async def test_refresh_token_is_not_an_access_token(self, ctx: Ctx) -> None:
        refresh = (await login(ctx, "secretary")).json()["refresh_token"]
        assert await me_status(ctx, refresh) == 401

    async def test_revoked_session(self, ctx: Ctx) -> None:
        token = await self._valid(ctx)
        assert (
            await ctx.client.post("/api/v1/auth/logout", headers=bearer(token))
        ).status_code == 204
        assert await me_status(ctx, token) == 401


class TestRefresh:
    async def test_rotation_and_reuse_revokes_the_session(self, ctx: Ctx) -> None:
        first = (await login(ctx, "zuzhi")).json()
        r = await ctx.client.post(
            "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
        )
        assert r.status_code == 200
        second = r.json()
        assert second["refresh_token"] != first["refresh_token"]
        assert await me_status(ctx, second["access_token"]) == 200
        # the first refresh token again: a replay — the whole session ends
        replay = await ctx.client.post(
            "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
        )
        assert replay.status_code == 401
        assert await me_status(ctx, second["access_token"]) == 401
        again = await ctx.client.post(
            "/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}
        )
        assert again.status_code == 401

    async def test_cookie_refresh_needs_the_csrf_header(self, ctx: Ctx) -> None:
        r = await ctx.client.post(
            LOGIN,
            headers={"X-Token-Delivery": "cookie"},
            data={"username": "zuzhi", "password": DEMO_PASSWORD},
        )
        csrf = r.cookies["dj_csrf"]
        ctx.client.cookies.set("dj_refresh", r.cookies["dj_refresh"])
        ctx.client.cookies.set("dj_csrf", csrf)
        no_header = await ctx.client.post("/api/v1/auth/refresh")
        assert no_header.status_code == 403 and no_header.json()["code"] == "csrf_failed"
        ok = await ctx.client.post("/api/v1/auth/refresh", headers={"X-CSRF-Token": csrf})
        assert ok.status_code == 200 and ok.json()["refresh_token"] is None
        assert ok.cookies.get("dj_refresh") not in (None, r.cookies["dj_refresh"])

    async def test_a_refused_cookie_refresh_clears_the_csrf_cookie(self, ctx: Ctx) -> None:
        """Issue 18 item 10: with the CSRF cookie gone the SPA makes no refresh attempt on the
        next cold page load, so a stale sign-in costs one 401, not one per load."""
        r = await ctx.client.post(
            LOGIN,
            headers={"X-Token-Delivery": "cookie"},
            data={"username": "zuzhi", "password": DEMO_PASSWORD},
        )
        csrf = r.cookies["dj_csrf"]
        ctx.client.cookies.set("dj_refresh", "not-a-token-the-server-issued")
        ctx.client.cookies.set("dj_csrf", csrf)
        refused = await ctx.client.post("/api/v1/auth/refresh", headers={"X-CSRF-Token": csrf})
        assert refused.status_code == 401 and refused.json()["code"] == "refresh_invalid"
        cleared = refused.headers.get("set-cookie", "")
        assert cleared.startswith("dj_csrf=") and "Max-Age=0" in cleared
        # a body refresh (API callers) sets no cookie
        body = await ctx.client.post("/api/v1/auth/refresh", json={"refresh_token": "nope"})
        assert body.status_code == 401 and "set-cookie" not in body.headers

    async def test_stored_refresh_tokens_are_hashed(self, ctx: Ctx) -> None:
        refresh = (await login(ctx, "zuzhi")).json()["refresh_token"]
        async with ctx.db.sessionmaker() as s:
            stored = (await s.scalars(select(RefreshToken.token_hash))).all()
        assert refresh not in stored and all(len(h) == 64 for h in stored)


class TestSessionLimits:
    async def _session(self, ctx: Ctx, username: str) -> tuple[str, str]:
        token = (await login(ctx, username)).json()["access_token"]
        claims = jwt.get_unverified_claims(token)
        return token, claims["sid"]

    async def test_idle_timeout(self, ctx: Ctx) -> None:
        token, sid = await self._session(ctx, "clerk")
        idle = ctx.settings.session_idle_timeout_seconds
        async with ctx.db.sessionmaker() as s, s.begin():
            await s.execute(
                update(AuthSession)
                .where(AuthSession.id == sid)
                .values(last_seen_at=datetime.now(UTC) - timedelta(seconds=idle + 1))
            )
        assert await me_status(ctx, token) == 401

    async def test_absolute_limit(self, ctx: Ctx) -> None:
        token, sid = await self._session(ctx, "clerk")
        async with ctx.db.sessionmaker() as s, s.begin():
            await s.execute(
                update(AuthSession)
                .where(AuthSession.id == sid)
                .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
            )
        assert await me_status(ctx, token) == 401

    async def test_password_change_ends_other_sessions(self, ctx: Ctx) -> None:
        a, _ = await self._session(ctx, "deputy")
        b, _ = await self._session(ctx, "deputy")
        r = await ctx.client.post(
            "/api/v1/auth/password",
            headers=bearer(a),
            json={"current_password": DEMO_PASSWORD, "new_password": "Fresh#Passw0rd2026"},
        )
        assert r.status_code == 204
        assert await me_status(ctx, a) == 200
        assert await me_status(ctx, b) == 401
        assert (await login(ctx, "deputy", "Fresh#Passw0rd2026")).status_code == 200

    async def test_weak_new_password_is_refused_in_chinese(self, ctx: Ctx) -> None:
        a, _ = await self._session(ctx, "deputy")
        r = await ctx.client.post(
            "/api/v1/auth/password",
            headers=bearer(a),
            json={"current_password": DEMO_PASSWORD, "new_password": "password1"},
        )
        assert r.status_code == 422 and r.json()["code"] == "password_policy"
        assert "至少" in r.json()["detail"] or "常见" in r.json()["detail"]

    async def test_deactivation_takes_effect_on_the_next_request(self, ctx: Ctx) -> None:
        token, _ = await self._session(ctx, "resident")
        users = await ctx.get("/api/v1/users", "secretary", params={"q": "resident"})
        uid = users.json()["items"][0]["id"]
        assert (
            await ctx.patch(f"/api/v1/users/{uid}", "secretary", json={"is_active": False})
        ).status_code == 200
        assert await me_status(ctx, token) == 401

    async def test_an_ended_post_grants_nothing_on_the_next_request(self, ctx: Ctx) -> None:
        own = ctx.ids["own"]
        assert (await ctx.get(f"/api/v1/organizations/{own}", "zuzhi")).status_code == 200
        async with ctx.db.sessionmaker() as s, s.begin():
            user_id = await s.scalar(select(User.id).where(User.username == "zuzhi"))
            await s.execute(
                update(Post)
                .where(Post.user_id == user_id)
                .values(end_date=clock.today() - timedelta(days=1))
            )
        assert (await ctx.get(f"/api/v1/organizations/{own}", "zuzhi")).status_code == 404
        me = (await ctx.get("/api/v1/auth/me", "zuzhi")).json()
        assert me["organizations"] == [] and me["principal_kind"] == "resident"

    async def test_sessions_can_be_listed_and_ended(self, ctx: Ctx) -> None:
        a, sid_a = await self._session(ctx, "xiaozu")
        b, sid_b = await self._session(ctx, "xiaozu")
        listed = (await ctx.client.get("/api/v1/auth/sessions", headers=bearer(a))).json()
        assert {sid_a, sid_b} <= {s["id"] for s in listed}
        assert [s["current"] for s in listed if s["id"] == sid_a] == [True]
        r = await ctx.client.delete(f"/api/v1/auth/sessions/{sid_b}", headers=bearer(a))
        assert r.status_code == 204
        assert await me_status(ctx, b) == 401
        # someone else's session is not found
        other = await ctx.client.delete(
            f"/api/v1/auth/sessions/{sid_a}", headers=ctx.auth("secretary")
        )
        assert other.status_code == 404


class TestSecondFactor:
    async def test_enrol_then_login_requires_the_code(self, ctx: Ctx) -> None:
        token = (await login(ctx, "secretary")).json()["access_token"]
        setup = (await ctx.client.post("/api/v1/auth/totp/setup", headers=bearer(token))).json()
        assert setup["otpauth_uri"].startswith("otpauth://totp/")
        totp = pyotp.TOTP(setup["secret"])
        bad = await ctx.client.post(
            "/api/v1/auth/totp/enable",
            headers=bearer(token),
            json={"code": "000000" if totp.now() != "000000" else "111111"},
        )
        assert bad.status_code == 400
        ok = await ctx.client.post(
            "/api/v1/auth/totp/enable", headers=bearer(token), json={"code": totp.now()}
        )
        assert ok.status_code == 204
        assert (await login(ctx, "secretary")).json()["code"] == "otp_required"
        wrong = await login(ctx, "secretary", otp="123456" if totp.now() != "123456" else "654321")
        assert wrong.json()["code"] == "otp_invalid"
        # the code that enabled it is used up (no replay); the next time step's code is good
        next_code = totp.at(time.time() + totp.interval)
        assert (await login(ctx, "secretary", otp=next_code)).status_code == 200
        async with ctx.db.sessionmaker() as s:
            stored = await s.scalar(select(User.totp_secret).where(User.username == "secretary"))
        assert stored and setup["secret"] not in stored  # encrypted at rest

    @pytest.mark.parametrize("settings_overrides", [{"totp_required_for_staff": True}])
    async def test_required_for_street_staff(self, ctx: Ctx) -> None:
        r = await login(ctx, "street")
        assert r.status_code == 200 and r.json()["totp_setup_required"] is True
        token = r.json()["access_token"]
        tree = await ctx.client.get("/api/v1/organizations/tree", headers=bearer(token))
        assert tree.status_code == 403 and tree.json()["code"] == "totp_setup_required"
        setup = (await ctx.client.post("/api/v1/auth/totp/setup", headers=bearer(token))).json()
        code = pyotp.TOTP(setup["secret"]).now()
        await ctx.client.post(
            "/api/v1/auth/totp/enable", headers=bearer(token), json={"code": code}
        )
        tree = await ctx.client.get("/api/v1/organizations/tree", headers=bearer(token))
        assert tree.status_code == 200
        # a secretary is not street staff: no second factor demanded
        assert (await login(ctx, "secretary")).json()["totp_setup_required"] is False


class TestClientCredentials:
    async def _token(
        self, ctx: Ctx, client_id: str, secret: str = DEMO_PASSWORD, scope: str | None = None
    ) -> httpx.Response:
        data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        if scope:
            data["scope"] = scope
        return await ctx.client.post("/api/v1/auth/token", data=data)

    async def test_district_client_reads_its_subtree_with_its_scopes(self, ctx: Ctx) -> None:
        r = await self._token(ctx, "district-demo")
        assert r.status_code == 200 and set(r.json()["scope"].split()) == {
            "org.read",
            "stats.export",
        }
        token = r.json()["access_token"]
        me = (await ctx.client.get("/api/v1/auth/me", headers=bearer(token))).json()
        assert me["principal_kind"] == "client" and me["client"]["client_id"] == "district-demo"
        tree = (await ctx.client.get("/api/v1/organizations/tree", headers=bearer(token))).json()
        assert [n["name"] for n in tree] == ["东风街道党工委"]

    async def test_wrong_secret_and_excess_scope(self, ctx: Ctx) -> None:
        assert (await self._token(ctx, "district-demo", "wrong")).json()["code"] == "invalid_client"
        excess = await self._token(ctx, "district-demo", scope="org.read roster.full")
        assert excess.status_code == 400 and excess.json()["code"] == "invalid_scope"

    async def test_unit_client_sees_no_roster_or_tree(self, ctx: Ctx) -> None:
        token = (await self._token(ctx, "unit-demo")).json()["access_token"]
        assert (
            await ctx.client.get("/api/v1/organizations/tree", headers=bearer(token))
        ).json() == []
        own = ctx.ids["own"]
        r = await ctx.client.get(f"/api/v1/organizations/{own}", headers=bearer(token))
        assert r.status_code == 404


async def test_an_account_created_by_someone_else_must_change_its_password_first(ctx: Ctx) -> None:
    created = await ctx.post(
        "/api/v1/users",
        "secretary",
        json={"username": "newclerk", "display_name": "新干事", "organization_id": ctx.ids["own"]},
    )
    assert created.status_code == 201
    initial = created.json()["initial_password"]
    r = await login(ctx, "newclerk", initial)
    assert r.json()["must_change_password"] is True
    token = r.json()["access_token"]
    blocked = await ctx.client.get("/api/v1/dashboard", headers=bearer(token))
    assert blocked.status_code == 403 and blocked.json()["code"] == "password_change_required"
    assert await me_status(ctx, token) == 200
    changed = await ctx.client.post(
        "/api/v1/auth/password",
        headers=bearer(token),
        json={"current_password": initial, "new_password": "Xin#Ganshi2026"},
    )
    assert changed.status_code == 204
    assert (await ctx.client.get("/api/v1/dashboard", headers=bearer(token))).status_code == 200
