"""Sign-in, sessions and tokens.

Nothing that must be shared lives in process memory: the failure counter, sessions and refresh
tokens are rows, so any number of API processes enforce the same lock-out and revocation.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pyotp
from sqlalchemy import ColumnElement, bindparam, case, delete, func, literal, null, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from dangjian.audit import service as audit
from dangjian.authz.capabilities import (
    ADMIN_CAPABILITIES,
    CLIENT_SCOPES,
    POST_CAPABILITIES,
    ROOT_ONLY_CAPABILITIES,
    Cap,
    is_root_path,
)
from dangjian.authz.principal import Grant, Principal, PrincipalKind
from dangjian.core import clock, security
from dangjian.core.config import Settings
from dangjian.core.cpu import run_cpu
from dangjian.core.crypto import PersonalDataCipher
from dangjian.core.db import UTCDateTime
from dangjian.core.errors import AppError, TooManyRequests, Unauthorized, Unprocessable
from dangjian.models import (
    ApiClient,
    AuthSession,
    LoginIpThrottle,
    LoginThrottle,
    Member,
    Organization,
    Post,
    RefreshToken,
    User,
)
from dangjian.models.enums import PostKind

# How often a request may move `last_seen_at` forward (one write per minute, not per request).
_TOUCH_INTERVAL = timedelta(seconds=60)
# Categories (MEM-02) that make a member an in-service member of this community.
INSERVICE_CATEGORY = "inservice"


class InvalidCredentials(Unauthorized):
    code, title = "invalid_credentials", "用户名或密码错误"


@dataclass
class IssuedTokens:
    access_token: str
    expires_in: int
    refresh_token: str
    session: AuthSession


def now() -> datetime:
    return clock.now()


def normalise_username(username: str) -> str:
    return username.strip().lower()


# ---------------------------------------------------------------- throttles (shared, in the DB)
#
# Every sign-in attempt is counted BEFORE its password is checked, in one increment-and-return
# statement, and committed at once: whatever the concurrency and however many processes, at most
# `login_max_failures` passwords are checked per user name until a success or the lock-out ends,
# and at most `login_ip_max_failures` attempts per client address and window fail. A success
# takes its attempt back. Everything runs in the request's own session (one connection per
# request, never a second checkout): what a refused or failed attempt must keep is committed
# before the error is raised, because the route rolls back on 4xx. Rows are always taken in one
# order (address, then name, then the audit head), so concurrent attempts cannot deadlock.


def _insert_ignore(session: AsyncSession, model: type[Any], **values: Any):  # type: ignore[no-untyped-def]
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model).values(**values).on_conflict_do_nothing()


def _at(value: datetime) -> Any:
    return literal(value, UTCDateTime())


def _ip_key(ip: str | None) -> str:
    return (ip or "unknown")[:64]


async def count_ip_attempt(session: AsyncSession, settings: Settings, ip: str | None) -> None:
    """Count an authentication attempt from this address; refuse it when the window is full."""
    t = now()
    key = _ip_key(ip)
    window = timedelta(seconds=settings.login_ip_window_seconds)
    await session.execute(
        _insert_ignore(session, LoginIpThrottle, ip=key, window_start=t, attempts=0)
    )
    stale = LoginIpThrottle.window_start <= _at(t - window)
    attempts, window_start = (
        await session.execute(
            update(LoginIpThrottle)
            .where(LoginIpThrottle.ip == key)
            .values(
                attempts=case((stale, 1), else_=LoginIpThrottle.attempts + 1),
                window_start=case((stale, _at(t)), else_=LoginIpThrottle.window_start),
            )
            .returning(LoginIpThrottle.attempts, LoginIpThrottle.window_start)
            .execution_options(synchronize_session=False)
        )
    ).one()
    if attempts <= settings.login_ip_max_failures:
        return
    until = window_start + window
    if attempts == settings.login_ip_max_failures + 1:  # the first refusal of the window
        await audit.record(
            session,
            actor=None,
            action="auth.ip_throttled",
            entity="client_address",
            entity_id=key,
            ip=ip,
            after={"reason": "ip_throttled", "attempts": attempts - 1, "until": until},
        )
    await session.commit()
    seconds = max(1, int((until - t).total_seconds()) + 1)
    raise TooManyRequests(
        f"该地址登录失败次数过多，请 {max(1, (seconds + 59) // 60)} 分钟后再试",
        code="too_many_attempts",
        headers={"Retry-After": str(seconds)},
    )


async def undo_ip_attempt(session: AsyncSession, ip: str | None) -> None:
    """A successful (or not yet decided) attempt does not count against the address."""
    await session.execute(
        update(LoginIpThrottle)
        .where(LoginIpThrottle.ip == _ip_key(ip), LoginIpThrottle.attempts > 0)
        .values(attempts=LoginIpThrottle.attempts - 1)
        .execution_options(synchronize_session=False)
    )


async def count_name_attempt(
    session: AsyncSession, settings: Settings, username: str, ip: str | None
) -> int:
    """Count a sign-in attempt for the name (its number since the last success or lock-out);
    refuse it while the name is locked or once the count is over the limit."""
    t = now()
    await session.execute(_insert_ignore(session, LoginThrottle, username=username, failures=0))
    expired = LoginThrottle.locked_until.is_not(None) & (LoginThrottle.locked_until <= _at(t))
    over = (LoginThrottle.failures + 1 > settings.login_max_failures) & (
        LoginThrottle.locked_until.is_(None)
    )
    lock = _at(t + timedelta(seconds=settings.login_lockout_seconds))
    failures, until = (
        await session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.username == username)
            .values(
                failures=case((expired, 1), else_=LoginThrottle.failures + 1),
                locked_until=case(
                    (expired, null()), (over, lock), else_=LoginThrottle.locked_until
                ),
            )
            .returning(LoginThrottle.failures, LoginThrottle.locked_until)
            .execution_options(synchronize_session=False)
        )
    ).one()
    if until is None or until <= t:
        return int(failures)
    await undo_ip_attempt(session, ip)  # no password was checked
    await session.commit()
    raise lock_error(until)


async def undo_name_attempt(session: AsyncSession, username: str) -> None:
    await session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.username == username, LoginThrottle.failures > 0)
        .values(failures=LoginThrottle.failures - 1)
        .execution_options(synchronize_session=False)
    )


async def register_failure(
    session: AsyncSession,
    settings: Settings,
    username: str,
    *,
    attempt: int,
    user: User | None,
    ip: str | None,
    reason: str,
) -> None:
    """A counted attempt failed: lock the name at the limit, audit, and commit (the route
    rolls the request back on the error that follows)."""
    locked = attempt >= settings.login_max_failures
    if locked:
        await session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.username == username)
            .values(locked_until=now() + timedelta(seconds=settings.login_lockout_seconds))
            .execution_options(synchronize_session=False)
        )
    await audit.record(
        session,
        actor=None,
        action="auth.login_failed",
        entity="user",
        entity_id=user.id if user else None,
        actor_label=username[:100],
        ip=ip,
        after={
            "reason": reason,
            "username": username,
            "user_id": user.id if user else None,
            "failures": attempt,
            "locked": locked,
        },
    )
    if locked:
        await audit.record(
            session,
            actor=None,
            action="auth.account_locked",
            entity="user",
            entity_id=user.id if user else None,
            actor_label=username[:100],
            ip=ip,
            after={
                "reason": "too_many_failures",
                "username": username,
                "user_id": user.id if user else None,
                "seconds": settings.login_lockout_seconds,
            },
        )
    await session.commit()


def lock_error(until: datetime) -> TooManyRequests:
    minutes = max(1, int((until - now()).total_seconds() + 59) // 60)
    return TooManyRequests(
        f"连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试",
        code="account_locked",
        headers={"Retry-After": str(int((until - now()).total_seconds()) + 1)},
    )


# ---------------------------------------------------------------- sessions and tokens


async def _issue_refresh(session: AsyncSession, auth_session: AuthSession) -> str:
    token = security.new_opaque_token()
    session.add(RefreshToken(session_id=auth_session.id, token_hash=security.token_digest(token)))
    await session.flush()
    return token


def _access_token(settings: Settings, auth_session: AuthSession, subject: str, ttl: int) -> str:
    token, _ = security.create_access_token(
        subject=subject, session_id=auth_session.id, key=settings.signing_key(), ttl_seconds=ttl
    )
    return token


async def requires_totp_setup(session: AsyncSession, settings: Settings, user: User) -> bool:
    """Street staff and administrators must use a second factor when the setting says so."""
    if not settings.totp_required_for_staff or user.totp_enabled:
        return False
    if user.is_admin:
        return True
    street_posts = await session.scalar(
        select(func.count())
        .select_from(Post)
        .where(Post.user_id == user.id, Post.kind == PostKind.street_staff, *_active_post_filter())
    )
    return bool(street_posts)


async def start_user_session(
    session: AsyncSession,
    settings: Settings,
    user: User,
    *,
    ip: str | None,
    user_agent: str | None,
    restricted: bool,
) -> IssuedTokens:
    t = now()
    auth_session = AuthSession(
        id=secrets.token_hex(16),
        user_id=user.id,
        created_at=t,
        last_seen_at=t,
        expires_at=t + timedelta(seconds=settings.session_absolute_timeout_seconds),
        restricted=restricted,
        ip=ip,
        user_agent=(user_agent or "")[:255] or None,
    )
    session.add(auth_session)
    await session.flush()
    refresh = await _issue_refresh(session, auth_session)
    access = _access_token(
        settings, auth_session, f"user:{user.id}", settings.access_token_ttl_seconds
    )
    return IssuedTokens(access, settings.access_token_ttl_seconds, refresh, auth_session)


def totp_step(cipher: PersonalDataCipher, user: User, code: str | None) -> int | None:
    """The time step (unix time // 30, one step of clock drift either way) the code is for."""
    if not user.totp_secret or not code:
        return None
    totp = pyotp.TOTP(cipher.decrypt(user.totp_secret))
    current = totp.timecode(now())
    for step in (current + 1, current, current - 1):
        if security.constant_time_equals(totp.generate_otp(step), code):
            return step
    return None


async def accept_totp(
    session: AsyncSession, cipher: PersonalDataCipher, user: User, code: str | None
) -> bool:
    """Check a code and use it up: a code whose step is not newer than the last accepted one is
    refused, so an overheard code cannot be replayed within its window. The step is claimed in
    one conditional statement, so two requests racing with the same code cannot both pass."""
    step = totp_step(cipher, user, code)
    if step is None:
        return False
    claimed = await session.execute(
        update(User)
        .where(
            User.id == user.id,
            (User.totp_last_step.is_(None)) | (User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


async def revoke_session(session: AsyncSession, session_id: str, reason: str) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now(), revoked_reason=reason)
    )


async def revoke_user_sessions(
    session: AsyncSession, user_id: int, reason: str, except_session: str | None = None
) -> None:
    stmt = update(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
    )
    if except_session:
        stmt = stmt.where(AuthSession.id != except_session)
    await session.execute(stmt.values(revoked_at=now(), revoked_reason=reason))


def session_problem(auth_session: AuthSession | None, settings: Settings) -> str | None:
    """Why a session no longer authorises anything (None when it does)."""
    if auth_session is None or auth_session.revoked_at is not None:
        return "revoked"
    t = now()
    if t >= auth_session.expires_at:
        return "expired"
    if auth_session.user_id is not None and t - auth_session.last_seen_at > timedelta(
        seconds=settings.session_idle_timeout_seconds
    ):
        return "idle"
    return None


class RefreshInvalid(Unauthorized):
    code, title = "refresh_invalid", "登录已失效，请重新登录"


async def refresh(
    session: AsyncSession, settings: Settings, token: str, ip: str | None = None
) -> tuple[IssuedTokens, User]:
    """Rotate a refresh token. Using an already-used token revokes the whole session."""
    digest = security.token_digest(token)
    row = await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == digest))
    if row is None:
        raise RefreshInvalid()
    marked = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == row.id, RefreshToken.used_at.is_(None))
        .values(used_at=now())
    )
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        # In the request's own session, committed before the error (the route rolls back 4xx).
        reused = await session.get(AuthSession, row.session_id)
        owner = await session.get(User, reused.user_id) if reused and reused.user_id else None
        await revoke_session(session, row.session_id, "refresh_reuse")
        await audit.record(
            session,
            actor=None,
            action="auth.refresh_reuse",
            entity="session",
            entity_id=row.session_id,
            actor_user_id=owner.id if owner else None,
            actor_label=f"{owner.display_name}（{owner.username}）" if owner else None,
            ip=ip,
            after={"reason": "refresh_reuse", "user_id": owner.id if owner else None},
        )
        await session.commit()
        raise RefreshInvalid("刷新令牌已被使用过，为安全起见本次登录已注销，请重新登录")
    auth_session = await session.get(AuthSession, row.session_id, populate_existing=True)
    problem = session_problem(auth_session, settings)
    user = (
        await session.get(User, auth_session.user_id)
        if auth_session and auth_session.user_id
        else None
    )
    if problem or auth_session is None or user is None or not user.is_active:
        raise RefreshInvalid()
    auth_session.last_seen_at = now()
    new_refresh = await _issue_refresh(session, auth_session)
    await audit.record(
        session,
        actor=None,
        action="auth.refresh",
        entity="session",
        entity_id=auth_session.id,
        actor_user_id=user.id,
        actor_label=f"{user.display_name}（{user.username}）",
        ip=ip,
    )
    access = _access_token(
        settings, auth_session, f"user:{user.id}", settings.access_token_ttl_seconds
    )
    return IssuedTokens(access, settings.access_token_ttl_seconds, new_refresh, auth_session), user


async def session_of_refresh_token(session: AsyncSession, token: str) -> str | None:
    return await session.scalar(
        select(RefreshToken.session_id).where(
            RefreshToken.token_hash == security.token_digest(token)
        )
    )


# ---------------------------------------------------------------- clients


class InvalidClient(Unauthorized):
    code, title = "invalid_client", "客户端认证失败"


async def issue_client_token(
    session: AsyncSession,
    settings: Settings,
    *,
    client_id: str,
    client_secret: str,
    scope: str | None,
    ip: str | None,
) -> tuple[str, int, list[str]]:
    await count_ip_attempt(session, settings, ip)
    client = await session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    secret_ok = client is not None and security.constant_time_equals(
        client.secret_hash, security.token_digest(client_secret)
    )
    if client is None or not secret_ok or not client.is_active:
        reason = "unknown_client" if client is None else "secret" if not secret_ok else "inactive"
        await _client_failure(session, client_id, client, ip, reason, scope)
        raise InvalidClient()
    allowed = sorted(set(client.scopes) & {c.value for c in CLIENT_SCOPES[client.kind]})
    requested = sorted(set(scope.split())) if scope else allowed
    if not set(requested) <= set(allowed):
        await _client_failure(session, client_id, client, ip, "invalid_scope", scope)
        raise AppError("请求的授权范围超出该客户端的授权", code="invalid_scope")
    await undo_ip_attempt(session, ip)
    t = now()
    auth_session = AuthSession(
        id=secrets.token_hex(16),
        client_id=client.id,
        created_at=t,
        last_seen_at=t,
        ip=ip,
        expires_at=t + timedelta(seconds=settings.client_token_ttl_seconds),
        scope=" ".join(requested),
    )
    session.add(auth_session)
    await session.flush()
    token, _ = security.create_access_token(
        subject=f"client:{client.id}",
        session_id=auth_session.id,
        key=settings.signing_key(),
        ttl_seconds=settings.client_token_ttl_seconds,
        extra={"scope": " ".join(requested)},
    )
    await audit.record(
        session,
        actor=None,
        action="auth.client_token",
        entity="api_client",
        entity_id=client.client_id,
        actor_label=client.name,
        ip=ip,
        after={"reason": "client_credentials", "scope": requested, "session": auth_session.id},
    )
    return token, settings.client_token_ttl_seconds, requested


async def _client_failure(
    session: AsyncSession,
    client_id: str,
    client: ApiClient | None,
    ip: str | None,
    reason: str,
    scope: str | None,
) -> None:
    await audit.record(
        session,
        actor=None,
        action="auth.client_token_failed",
        entity="api_client",
        entity_id=client_id[:64],
        actor_label=client.name if client else client_id[:100],
        ip=ip,
        after={"reason": reason, "scope": scope},
    )
    await session.commit()


# ---------------------------------------------------------------- the principal of a request


def _active_post_filter(today: date | None = None) -> list[ColumnElement[bool]]:
    d = today or clock.today()
    return [Post.start_date <= d, (Post.end_date.is_(None)) | (Post.end_date >= d)]


# The two statements of every authenticated request, built once: bound parameters carry the
# values, so SQLAlchemy neither rebuilds them nor recomputes their cache keys per request.
_SESSION_USER_MEMBER = (
    select(AuthSession, User, Member)
    .outerjoin(User, User.id == AuthSession.user_id)
    .outerjoin(Member, Member.id == User.member_id)
    .where(AuthSession.id == bindparam("session_id"))
)
_ACTIVE_POSTS = (
    select(Post.kind, Organization.id, Organization.path)
    .join(Organization, Organization.id == Post.organization_id)
    .where(
        Post.user_id == bindparam("user_id"),
        Post.start_date <= bindparam("today"),
        (Post.end_date.is_(None)) | (Post.end_date >= bindparam("today")),
    )
)
# Both in one round trip for a request: a row per active post of the session's user (one row
# with NULL post columns when there is none, or for an API client's session).
_SESSION_USER_MEMBER_POSTS = (
    _SESSION_USER_MEMBER.add_columns(Post.kind, Organization.id, Organization.path)
    .outerjoin(
        Post,
        (Post.user_id == User.id)
        & (Post.start_date <= bindparam("today"))
        & ((Post.end_date.is_(None)) | (Post.end_date >= bindparam("today"))),
    )
    .outerjoin(Organization, Organization.id == Post.organization_id)
)


async def load_principal(
    session: AsyncSession, settings: Settings, token: str, ip: str | None
) -> Principal:
    claims = security.decode_access_token(token, key=settings.signing_key())
    if claims is None:
        raise Unauthorized("登录已失效，请重新登录", code="token_invalid")
    # One round trip for the session, its user, the user's member record and active posts.
    rows = (
        await session.execute(
            _SESSION_USER_MEMBER_POSTS,
            {"session_id": claims.session_id, "today": clock.today()},
        )
    ).all()
    auth_session, user, member = rows[0][:3] if rows else (None, None, None)
    problem = session_problem(auth_session, settings)
    if problem or auth_session is None:
        if problem == "idle" and auth_session is not None:
            await revoke_session(session, auth_session.id, "idle")
            await session.commit()
        raise Unauthorized("登录已失效，请重新登录", code="session_invalid")
    kind, _, raw_id = claims.subject.partition(":")
    if kind == "client":
        return await _client_principal(session, auth_session, int(raw_id), ip)
    if kind != "user" or auth_session.user_id != int(raw_id):
        raise Unauthorized("登录已失效，请重新登录", code="token_invalid")
    if user is None or not user.is_active:
        raise Unauthorized("账号已停用", code="session_invalid")
    if now() - auth_session.last_seen_at > _TOUCH_INTERVAL:
        await session.execute(
            update(AuthSession).where(AuthSession.id == auth_session.id).values(last_seen_at=now())
        )
        await session.commit()
    posts = [(kind, org_id, path) for *_, kind, org_id, path in rows if kind is not None]
    return await _user_principal(
        session, user, member, auth_session.id, ip, restricted=auth_session.restricted, posts=posts
    )


async def user_principal(
    session: AsyncSession, user: User, session_id: str, ip: str | None, *, restricted: bool = False
) -> Principal:
    member = await session.get(Member, user.member_id) if user.member_id else None
    return await _user_principal(session, user, member, session_id, ip, restricted=restricted)


async def _user_principal(
    session: AsyncSession,
    user: User,
    member: Member | None,
    session_id: str,
    ip: str | None,
    *,
    restricted: bool,
    posts: Sequence[tuple[PostKind, int, str]] | None = None,
) -> Principal:
    """`posts`: the user's active posts (kind, organisation id, path) when already read."""
    if posts is None:
        posts = [
            (kind, org_id, path)
            for kind, org_id, path in await session.execute(
                _ACTIVE_POSTS, {"user_id": user.id, "today": clock.today()}
            )
        ]
    by_org: dict[tuple[int, str], set[Cap]] = {}
    for post_kind, org_id, path in posts:
        caps = POST_CAPABILITIES[post_kind]
        if not is_root_path(path):
            caps = caps - ROOT_ONLY_CAPABILITIES
        by_org.setdefault((org_id, path), set()).update(caps)
    grants = [Grant(org_id, path, frozenset(caps)) for (org_id, path), caps in by_org.items()]
    if user.is_admin:
        kind = PrincipalKind.admin
    elif grants:
        kind = PrincipalKind.post_holder
    elif member is not None:
        kind = (
            PrincipalKind.inservice_member
            if INSERVICE_CATEGORY in (member.categories or [])
            else PrincipalKind.member
        )
    else:
        kind = PrincipalKind.resident
    return Principal(
        kind=kind,
        session_id=session_id,
        grants=grants,
        user=user,
        member=member,
        global_capabilities=ADMIN_CAPABILITIES if user.is_admin else frozenset(),
        ip=ip,
        restricted=restricted,
        posts=tuple(k for k in PostKind if k in {p[0] for p in posts}),
    )


async def _client_principal(
    session: AsyncSession, auth_session: AuthSession, client_pk: int, ip: str | None
) -> Principal:
    client = await session.get(ApiClient, client_pk)
    if client is None or not client.is_active or auth_session.client_id != client.id:
        raise Unauthorized("客户端已停用", code="session_invalid")
    org = await session.get(Organization, client.organization_id)
    # Only what the token was issued for: the scopes stored with its session, which are a subset
    # of the client's scopes when issued and are re-checked against them now.
    granted = set((auth_session.scope or "").split())
    caps = frozenset(
        Cap(c) for c in client.scopes if c in granted and Cap(c) in CLIENT_SCOPES[client.kind]
    )
    grants = [Grant(org.id, org.path, caps)] if org is not None and caps else []
    return Principal(
        kind=PrincipalKind.client, session_id=auth_session.id, grants=grants, client=client, ip=ip
    )


def check_password_policy(settings: Settings, password: str, username: str) -> None:
    problems = security.password_problems(
        password,
        min_length=settings.password_min_length,
        min_classes=settings.password_min_classes,
        username=username,
    )
    if problems:
        raise Unprocessable("；".join(problems), code="password_policy")


async def clear_failures(session: AsyncSession, username: str) -> None:
    await session.execute(delete(LoginThrottle).where(LoginThrottle.username == username))


@dataclass(frozen=True)
class SignedIn:
    issued: IssuedTokens
    must_change_password: bool
    restricted: bool  # second factor still to be set up (totp_setup_required)


async def login(
    session: AsyncSession,
    settings: Settings,
    cipher: PersonalDataCipher,
    *,
    username: str,
    password: str,
    otp: str | None,
    ip: str | None,
    user_agent: str | None,
) -> SignedIn:
    """Sign in with a user name and password (and the 6-digit code once a second factor is on):
    throttled per address and per name, audited; a stale password hash is upgraded."""
    name = normalise_username(username)
    # Both counters are taken before any password is checked (refusing at the limit) and
    # committed at once, so concurrent attempts see each other in every process; the commit also
    # hands the connection back to the pool while the slow check runs in a worker thread.
    await count_ip_attempt(session, settings, ip)
    attempt = await count_name_attempt(session, settings, name, ip)
    user = await session.scalar(select(User).where(User.username == name))
    await session.commit()
    password_ok = await run_cpu(
        security.verify_password,
        password,
        user.password_hash if user else None,
        settings.password_hashing,
    )
    if user is None or not password_ok or not user.is_active:
        reason = "unknown_user" if user is None else "password" if not password_ok else "inactive"
        await register_failure(
            session, settings, name, attempt=attempt, user=user, ip=ip, reason=reason
        )
        raise InvalidCredentials()
    new_hash = (
        await run_cpu(security.hash_password, password, settings.password_hashing)
        if security.password_needs_rehash(user.password_hash, settings.password_hashing)
        else None
    )
    if user.totp_enabled:
        if not otp:
            # the password was right: this attempt is not a failure, but not a success either
            await undo_ip_attempt(session, ip)
            await undo_name_attempt(session, name)
            await session.commit()
            raise Unauthorized("请输入动态口令", code="otp_required")
        if not await accept_totp(session, cipher, user, otp):
            await register_failure(
                session, settings, name, attempt=attempt, user=user, ip=ip, reason="otp"
            )
            raise Unauthorized("动态口令错误", code="otp_invalid")
    # rows in the order they were counted (address, then name): no lock-order deadlock
    await undo_ip_attempt(session, ip)
    await clear_failures(session, name)
    if new_hash is not None:
        user.password_hash = new_hash
    user.last_login_at = now()
    restricted = await requires_totp_setup(session, settings, user)
    issued = await start_user_session(
        session,
        settings,
        user,
        ip=ip,
        user_agent=user_agent,
        restricted=restricted,
    )
    org = await session.get(Organization, user.organization_id) if user.organization_id else None
    await audit.record(
        session,
        actor=None,
        action="auth.login",
        entity="user",
        entity_id=user.id,
        actor_user_id=user.id,
        actor_label=f"{user.display_name}（{user.username}）",
        ip=ip,
        organization_path=org.path if org else None,
        after={"session": issued.session.id},
    )
    return SignedIn(issued, user.must_change_password, restricted)
