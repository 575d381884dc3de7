"""/auth — sign-in, refresh, logout, the caller, password, sessions, second factor, clients."""

from __future__ import annotations

import secrets
from typing import Annotated, Literal

import pyotp
from fastapi import APIRouter, Form, Header, Request, Response, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.audit import service as audit
from dangjian.auth import service
from dangjian.auth.schemas import (
    ClientTokenRead,
    MeClient,
    MeMember,
    MeOrganization,
    MePost,
    MeRead,
    MeUser,
    PasswordChange,
    RefreshIn,
    SessionRead,
    TokenRead,
    TotpCode,
    TotpSetupRead,
)
from dangjian.authz.principal import Principal
from dangjian.core import security
from dangjian.core.config import Settings
from dangjian.core.cpu import run_cpu
from dangjian.core.errors import PROBLEM_RESPONSES, AppError, Forbidden, NotFound
from dangjian.core.routing import TransactionalRoute, read_only
from dangjian.deps import (
    AnyPrincipalDep,
    CipherDep,
    ClientIpDep,
    SessionDep,
    SettingsDep,
    UserPrincipalDep,
)
from dangjian.models import AuthSession, Organization, Post, User

router = APIRouter(
    prefix="/auth", tags=["auth"], route_class=TransactionalRoute, responses=PROBLEM_RESPONSES
)

CSRF_COOKIE = "dj_csrf"


def _set_cookies(response: Response, settings: Settings, refresh_token: str) -> None:
    max_age = settings.session_absolute_timeout_seconds
    response.set_cookie(
        settings.refresh_cookie_name,
        refresh_token,
        max_age=max_age,
        path="/",
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
    )
    # Double-submit CSRF token for the cookie-authenticated refresh and logout.
    response.set_cookie(
        CSRF_COOKIE,
        secrets.token_urlsafe(24),
        max_age=max_age,
        path="/",
        httponly=False,
        secure=settings.secure_cookies,
        samesite="strict",
    )


def _deliver(
    response: Response,
    settings: Settings,
    issued: service.IssuedTokens,
    cookie: bool,
    *,
    must_change_password: bool,
    restricted: bool,
) -> TokenRead:
    """Tokens for a browser (refresh token only in the HttpOnly cookie, never readable by
    scripts) or for an API caller (refresh token in the body, no cookies)."""
    if cookie:
        _set_cookies(response, settings, issued.refresh_token)
    return TokenRead(
        access_token=issued.access_token,
        expires_in=issued.expires_in,
        refresh_token=None if cookie else issued.refresh_token,
        must_change_password=must_change_password,
        totp_setup_required=restricted,
    )


def _clear_cookies(response: Response, settings: Settings) -> None:
    for name in (settings.refresh_cookie_name, CSRF_COOKIE):
        response.delete_cookie(name, path="/", secure=settings.secure_cookies, samesite="strict")


def _expired_csrf(settings: Settings) -> str:
    """The Set-Cookie header that removes the CSRF cookie (as `_clear_cookies` removes it)."""
    cleared = Response()
    cleared.delete_cookie(CSRF_COOKIE, path="/", secure=settings.secure_cookies, samesite="strict")
    return cleared.headers["set-cookie"]


def _cookie_refresh_token(request: Request, settings: Settings, csrf: str | None) -> str | None:
    token = request.cookies.get(settings.refresh_cookie_name)
    if token is None:
        return None
    cookie_csrf = request.cookies.get(CSRF_COOKIE)
    if not csrf or not cookie_csrf or not security.constant_time_equals(csrf, cookie_csrf):
        raise Forbidden("缺少或错误的 CSRF 令牌", code="csrf_failed")
    return token


@router.post("/login", response_model=TokenRead, responses={429: PROBLEM_RESPONSES[403]})
async def login(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    cipher: CipherDep,
    ip: ClientIpDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    otp: Annotated[str | None, Form(max_length=8)] = None,
    delivery: Annotated[
        Literal["cookie", "body"] | None,
        Header(
            alias="X-Token-Delivery",
            description="cookie：刷新令牌只以 HttpOnly Cookie 下发（浏览器）；默认在响应体中返回",
        ),
    ] = None,
) -> TokenRead:
    """登录（用户名 + 密码，已启用动态口令的账号另需 6 位口令）。"""
    signed_in = await service.login(
        session,
        settings,
        cipher,
        username=username,
        password=password,
        otp=otp,
        ip=ip,
        user_agent=request.headers.get("user-agent"),
    )
    return _deliver(
        response,
        settings,
        signed_in.issued,
        delivery == "cookie",
        must_change_password=signed_in.must_change_password,
        restricted=signed_in.restricted,
    )


@router.post("/refresh", response_model=TokenRead)
async def refresh(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    ip: ClientIpDep,
    body: RefreshIn | None = None,
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> TokenRead:
    """用刷新令牌换取新的访问令牌（令牌轮换；旧令牌被重复使用时注销整个会话）。"""
    body_token = body.refresh_token if body else None
    token = body_token or _cookie_refresh_token(request, settings, x_csrf_token)
    try:
        if not token:
            raise service.RefreshInvalid()
        issued, user = await service.refresh(session, settings, token, ip)
    except service.RefreshInvalid as refused:
        if body_token is None:
            # A refused cookie refresh also ends the CSRF cookie: the SPA tries a refresh on load
            # only while it has one, so a stale sign-in earns one 401, not one on every page load.
            refused.headers = {**(refused.headers or {}), "Set-Cookie": _expired_csrf(settings)}
        raise
    # answered the way it came: a cookie refresh gets a cookie, a body refresh a body
    return _deliver(
        response,
        settings,
        issued,
        body_token is None,
        must_change_password=user.must_change_password,
        restricted=issued.session.restricted,
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> Response:
    """退出登录：注销当前会话。"""
    session_id: str | None = None
    auth_header = request.headers.get("authorization", "")
    if auth_header.lower().startswith("bearer "):
        claims = security.decode_access_token(auth_header[7:], key=settings.signing_key())
        session_id = claims.session_id if claims else None
    if session_id is None:
        token = _cookie_refresh_token(request, settings, x_csrf_token)
        session_id = await service.session_of_refresh_token(session, token) if token else None
    if session_id:
        await service.revoke_session(session, session_id, "logout")
        await audit.record(
            session,
            actor=None,
            action="auth.logout",
            entity="session",
            entity_id=session_id,
            ip=request.client.host if request.client else None,
        )
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    _clear_cookies(response, settings)
    return response


@router.get("/me", response_model=MeRead)
@read_only
async def me(session: SessionDep, principal: AnyPrincipalDep) -> MeRead:
    """当前登录者：账号、关联党员、职务，以及在各党组织的权限。"""
    posts: list[MePost] = []
    if principal.user is not None:
        rows = (
            await session.execute(
                select(Post, Organization.name)
                .join(Organization, Organization.id == Post.organization_id)
                .where(Post.user_id == principal.user.id, *service._active_post_filter())
                .order_by(Post.start_date)
            )
        ).all()
        posts = [
            MePost(
                id=p.id,
                organization_id=p.organization_id,
                organization_name=name,
                kind=p.kind,
                start_date=p.start_date,
                end_date=p.end_date,
            )
            for p, name in rows
        ]
    org_ids = [g.organization_id for g in principal.grants]
    orgs = (
        {
            o.id: o
            for o in (
                await session.scalars(select(Organization).where(Organization.id.in_(org_ids)))
            ).all()
        }
        if org_ids
        else {}
    )
    organizations = [
        MeOrganization(
            id=g.organization_id,
            name=orgs[g.organization_id].name,
            kind=orgs[g.organization_id].kind,
            path=g.path,
            capabilities=sorted(g.capabilities),
        )
        for g in sorted(principal.grants, key=lambda g: g.path)
        if g.organization_id in orgs
    ]
    return MeRead(
        principal_kind=principal.kind,
        user=MeUser.model_validate(principal.user) if principal.user else None,
        client=MeClient(
            client_id=principal.client.client_id,
            name=principal.client.name,
            kind=principal.client.kind,
            organization_id=principal.client.organization_id,
            scopes=principal.client.scopes,
        )
        if principal.client
        else None,
        member=await _me_member(session, principal),
        posts=posts,
        organizations=organizations,
        global_capabilities=sorted(principal.global_capabilities),
        restricted=principal.restricted,
    )


async def _me_member(session: AsyncSession, principal: Principal) -> MeMember | None:
    member = principal.member
    if member is None:
        return None
    org = await session.get(Organization, member.organization_id)
    return MeMember(
        id=member.id,
        name=member.name,
        organization_id=member.organization_id,
        organization_name=org.name if org else "",
        kind=member.kind,
    )


def _user(principal: Principal) -> User:
    assert principal.user is not None
    return principal.user


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(
    body: PasswordChange, session: SessionDep, settings: SettingsDep, principal: UserPrincipalDep
) -> None:
    """修改本人密码；其他会话随之失效。"""
    user = _user(principal)
    if not await run_cpu(
        security.verify_password,
        body.current_password,
        user.password_hash,
        settings.password_hashing,
    ):
        raise AppError("当前密码不正确", code="current_password_wrong")
    if body.new_password == body.current_password:
        raise AppError("新密码不能与当前密码相同", code="password_unchanged")
    service.check_password_policy(settings, body.new_password, user.username)
    user.password_hash = await run_cpu(
        security.hash_password, body.new_password, settings.password_hashing
    )
    user.must_change_password = False
    user.password_changed_at = service.now()
    await service.revoke_user_sessions(session, user.id, "password_changed", principal.session_id)
    await audit.record(
        session,
        actor=principal,
        action="user.password_change",
        entity="user",
        entity_id=user.id,
        after={"reason": "self_service", "user_id": user.id},
    )


@router.get("/sessions", response_model=list[SessionRead])
async def list_sessions(session: SessionDep, principal: UserPrincipalDep) -> list[SessionRead]:
    """本人的有效登录会话。"""
    rows = (
        await session.scalars(
            select(AuthSession)
            .where(
                AuthSession.user_id == _user(principal).id,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > service.now(),
            )
            .order_by(AuthSession.last_seen_at.desc())
        )
    ).all()
    return [
        SessionRead(
            id=s.id,
            created_at=s.created_at,
            last_seen_at=s.last_seen_at,
            expires_at=s.expires_at,
            ip=s.ip,
            user_agent=s.user_agent,
            current=s.id == principal.session_id,
        )
        for s in rows
    ]


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def end_session(session_id: str, session: SessionDep, principal: UserPrincipalDep) -> None:
    """结束本人的某个会话。"""
    row = await session.get(AuthSession, session_id)
    if row is None or row.user_id != _user(principal).id or row.revoked_at is not None:
        raise NotFound()
    await service.revoke_session(session, session_id, "ended_by_user")
    await audit.record(
        session, actor=principal, action="auth.session_end", entity="session", entity_id=session_id
    )


@router.post("/totp/setup", response_model=TotpSetupRead)
async def totp_setup(
    session: SessionDep, cipher: CipherDep, principal: UserPrincipalDep
) -> TotpSetupRead:
    """生成动态口令密钥（确认启用前不生效）。"""
    user = _user(principal)
    if user.totp_enabled:
        raise AppError("动态口令已启用", code="totp_already_enabled")
    secret = pyotp.random_base32()
    user.totp_secret = cipher.encrypt(secret)
    user.totp_last_step = None  # a new secret: no code of it has been used yet
    await audit.record(
        session,
        actor=principal,
        action="user.totp_setup",
        entity="user",
        entity_id=user.id,
        after={"reason": "totp_setup", "user_id": user.id},
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="社区党建工作平台")
    return TotpSetupRead(secret=secret, otpauth_uri=uri)


@router.post("/totp/enable", status_code=status.HTTP_204_NO_CONTENT)
async def totp_enable(
    body: TotpCode, session: SessionDep, cipher: CipherDep, principal: UserPrincipalDep
) -> None:
    """输入 6 位口令确认启用动态口令。"""
    user = _user(principal)
    if not await service.accept_totp(session, cipher, user, body.code):
        raise AppError("动态口令错误", code="otp_invalid")
    user.totp_enabled = True
    row = await session.get(AuthSession, principal.session_id)
    if row is not None:
        row.restricted = False
    await audit.record(
        session,
        actor=principal,
        action="user.totp_enable",
        entity="user",
        entity_id=user.id,
        after={"reason": "totp_enable", "user_id": user.id},
    )


@router.post("/totp/disable", status_code=status.HTTP_204_NO_CONTENT)
async def totp_disable(
    body: TotpCode,
    session: SessionDep,
    settings: SettingsDep,
    cipher: CipherDep,
    principal: UserPrincipalDep,
) -> None:
    """输入 6 位口令停用动态口令（要求启用的岗位不能停用）。"""
    user = _user(principal)
    if not user.totp_enabled or not await service.accept_totp(session, cipher, user, body.code):
        raise AppError("动态口令错误", code="otp_invalid")
    user.totp_enabled = False
    if await service.requires_totp_setup(session, settings, user):
        raise AppError("本岗位要求使用动态口令，不能停用", code="totp_required")
    user.totp_secret = None
    await audit.record(
        session,
        actor=principal,
        action="user.totp_disable",
        entity="user",
        entity_id=user.id,
        after={"reason": "totp_disable", "user_id": user.id},
    )


@router.post("/token", response_model=ClientTokenRead)
async def client_token(
    session: SessionDep,
    settings: SettingsDep,
    ip: ClientIpDep,
    grant_type: Annotated[str, Form(pattern="^client_credentials$")],
    client_id: Annotated[str, Form(max_length=64)],
    client_secret: Annotated[str, Form(max_length=256)],
    scope: Annotated[str | None, Form(max_length=512)] = None,
) -> ClientTokenRead:
    """接口客户端凭证换取访问令牌（OAuth2 client credentials）。"""
    token, ttl, scopes = await service.issue_client_token(
        session, settings, client_id=client_id, client_secret=client_secret, scope=scope, ip=ip
    )
    return ClientTokenRead(access_token=token, expires_in=ttl, scope=" ".join(scopes))
