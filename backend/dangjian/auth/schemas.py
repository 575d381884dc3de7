from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from dangjian.authz.capabilities import Capability
from dangjian.authz.principal import PrincipalKind
from dangjian.core.schemas import InputModel, OutputModel
from dangjian.models.enums import MemberKind, OrgKind, PostKind


class TokenRead(OutputModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 — OAuth2 token type, not a secret
    expires_in: int
    refresh_token: str | None = Field(
        None, description="仅供接口调用方；浏览器使用 HttpOnly Cookie"
    )
    must_change_password: bool = False
    totp_setup_required: bool = False


class ClientTokenRead(OutputModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 — OAuth2 token type, not a secret
    expires_in: int
    scope: str


class RefreshIn(InputModel):
    refresh_token: str | None = None


class MeUser(OutputModel):
    id: int
    username: str
    display_name: str
    is_admin: bool
    must_change_password: bool
    totp_enabled: bool
    organization_id: int | None


class MeClient(OutputModel):
    client_id: str
    name: str
    kind: str
    organization_id: int
    scopes: list[str]


class MeMember(OutputModel):
    id: int
    name: str
    organization_id: int
    organization_name: str
    kind: MemberKind


class MePost(OutputModel):
    id: int
    organization_id: int
    organization_name: str
    kind: PostKind
    start_date: date
    end_date: date | None


class MeOrganization(OutputModel):
    id: int
    name: str
    kind: OrgKind
    path: str
    capabilities: list[Capability]


class MeRead(OutputModel):
    principal_kind: PrincipalKind
    user: MeUser | None
    client: MeClient | None = None
    member: MeMember | None
    posts: list[MePost]
    organizations: list[MeOrganization]
    global_capabilities: list[Capability]
    restricted: bool


class PasswordChange(InputModel):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class SessionRead(OutputModel):
    id: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ip: str | None
    user_agent: str | None
    current: bool


class TotpSetupRead(OutputModel):
    secret: str
    otpauth_uri: str


class TotpCode(InputModel):
    code: str = Field(pattern=r"^\d{6}$", description="6 位动态口令")
