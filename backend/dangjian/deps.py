"""Typed dependency aliases: the vocabulary of a route (`session: SessionDep, me: PrincipalDep`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dangjian.auth import service as auth_service
from dangjian.authz.principal import Principal
from dangjian.core import clock
from dangjian.core.config import Settings
from dangjian.core.crypto import PersonalDataCipher
from dangjian.core.errors import Forbidden, Unauthorized
from dangjian.core.files import FileStore
from dangjian.core.routing import request_session

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = request.app.state.db.sessionmaker
    return maker


async def _cipher(request: Request) -> PersonalDataCipher:
    cipher: PersonalDataCipher = request.app.state.cipher
    return cipher


async def _files(request: Request) -> FileStore:
    files: FileStore = request.app.state.files
    return files


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


# Dependencies are coroutines: FastAPI runs plain functions in a worker thread, a hop per request.
async def _client_ip(request: Request) -> str | None:
    return client_ip(request)


async def _today() -> date:
    return clock.today()


async def _now() -> datetime:
    return clock.now()


SettingsDep = Annotated[Settings, Depends(_settings)]
# The one clock, injected: today's date in the configured zone (China time by default) and the
# current UTC instant. Routes take these rather than reading a clock of their own.
TodayDep = Annotated[date, Depends(_today)]
NowDep = Annotated[datetime, Depends(_now)]
SessionDep = Annotated[AsyncSession, Depends(request_session)]
# Not for work inside a request: a second session while the request's own holds a connection
# is a nested checkout, and enough concurrent requests doing it exhaust the pool. Commit what
# must persist in the request's session (SessionDep) before raising instead.
SessionMakerDep = Annotated[async_sessionmaker[AsyncSession], Depends(_sessionmaker)]
CipherDep = Annotated[PersonalDataCipher, Depends(_cipher)]
FilesDep = Annotated[FileStore, Depends(_files)]
ClientIpDep = Annotated[str | None, Depends(_client_ip)]


async def _principal_any(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(_bearer)],
) -> Principal:
    if not token:
        raise Unauthorized(headers={"WWW-Authenticate": "Bearer"})
    principal = await auth_service.load_principal(session, settings, token, client_ip(request))
    request.state.principal = principal
    return principal


async def _principal(principal: Annotated[Principal, Depends(_principal_any)]) -> Principal:
    """A caller allowed to work: sessions that must first set up a second factor are not."""
    if principal.restricted:
        raise Forbidden("请先设置动态口令（双因素认证）", code="totp_setup_required")
    if principal.user is not None and principal.user.must_change_password:
        raise Forbidden("首次登录请先修改密码", code="password_change_required")
    return principal


async def _user_principal(principal: Annotated[Principal, Depends(_principal_any)]) -> Principal:
    if principal.user is None:
        raise Forbidden("仅限用户账号", code="user_only")
    return principal


# Any signed-in caller, including a session restricted to setting up its second factor.
AnyPrincipalDep = Annotated[Principal, Depends(_principal_any)]
# A signed-in user account (not an API client), restricted sessions included.
UserPrincipalDep = Annotated[Principal, Depends(_user_principal)]
PrincipalDep = Annotated[Principal, Depends(_principal)]
