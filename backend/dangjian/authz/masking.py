"""Masking of personal data (ROLES.md rule of access 3): ID numbers show the first 4 and last 4
characters, phone numbers the last 4, unless the caller may see them in full."""

from __future__ import annotations

from dangjian.authz.capabilities import Cap
from dangjian.authz.principal import Principal


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def may_see_personal_data(principal: Principal, *, organization_path: str, member_id: int) -> bool:
    """The member themself, or a holder of the full-data capability at the member's organisation."""
    if principal.member is not None and principal.member.id == member_id:
        return True
    return principal.can(Cap.roster_full, organization_path)
