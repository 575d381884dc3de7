"""All ORM models; importing this module registers every table on `Base.metadata`."""

from dangjian.core.db import Base
from dangjian.models.audit import AuditHead, AuditLog
from dangjian.models.auth import AuthSession, LoginThrottle, RefreshToken
from dangjian.models.member import Member, MemberCorrection, MemberEvent
from dangjian.models.organization import Organization, OrganizationTerm
from dangjian.models.policy import PolicyValue
from dangjian.models.user import ApiClient, Post, User

__all__ = [
    "ApiClient",
    "AuditHead",
    "AuditLog",
    "AuthSession",
    "Base",
    "LoginThrottle",
    "Member",
    "MemberCorrection",
    "MemberEvent",
    "Organization",
    "OrganizationTerm",
    "PolicyValue",
    "Post",
    "RefreshToken",
    "User",
]
