"""All ORM models; importing this module registers every table on `Base.metadata`."""

from dangjian.core.db import Base
from dangjian.models.audit import AuditHead, AuditLog
from dangjian.models.auth import AuthSession, LoginIpThrottle, LoginThrottle, RefreshToken
from dangjian.models.dues import (
    DuesAssessment,
    DuesBasis,
    DuesExemption,
    DuesMonthPaid,
    DuesPayment,
    DuesPaymentMonth,
    DuesReceiptCounter,
)
from dangjian.models.meeting import (
    AgendaItem,
    Meeting,
    MeetingAttachment,
    MeetingAttendee,
    Resolution,
)
from dangjian.models.member import Member, MemberCorrection, MemberCount, MemberEvent
from dangjian.models.notification import Notification
from dangjian.models.organization import ChangeStamp, Organization, OrganizationTerm
from dangjian.models.policy import PolicyValue
from dangjian.models.user import ApiClient, Post, User

__all__ = [
    "AgendaItem",
    "ApiClient",
    "AuditHead",
    "AuditLog",
    "AuthSession",
    "Base",
    "ChangeStamp",
    "DuesAssessment",
    "DuesBasis",
    "DuesExemption",
    "DuesMonthPaid",
    "DuesPayment",
    "DuesPaymentMonth",
    "DuesReceiptCounter",
    "LoginIpThrottle",
    "LoginThrottle",
    "Meeting",
    "MeetingAttachment",
    "MeetingAttendee",
    "Member",
    "MemberCorrection",
    "MemberCount",
    "MemberEvent",
    "Notification",
    "Organization",
    "OrganizationTerm",
    "PolicyValue",
    "Post",
    "RefreshToken",
    "Resolution",
    "User",
]
