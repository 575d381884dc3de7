"""/api/v1 — every domain router in one place: the whole surface at a glance."""

from fastapi import APIRouter

from dangjian.audit.router import router as audit_router
from dangjian.auth.router import router as auth_router
from dangjian.compliance.router import router as compliance_router
from dangjian.dashboard.router import router as dashboard_router
from dangjian.dues.router import bases_router as dues_bases_router
from dangjian.dues.router import router as dues_router
from dangjian.ledgers.router import router as ledgers_router
from dangjian.meetings.router import me_router as my_meetings_router
from dangjian.meetings.router import resolutions_router
from dangjian.meetings.router import router as meetings_router
from dangjian.members.router import me_router
from dangjian.members.router import router as members_router
from dangjian.notifications.router import router as notifications_router
from dangjian.organizations.router import router as organizations_router
from dangjian.policies.router import router as policies_router
from dangjian.todos.router import router as todos_router
from dangjian.users.router import router as users_router

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(auth_router)
api_router.include_router(organizations_router)
api_router.include_router(policies_router)
api_router.include_router(users_router)
api_router.include_router(audit_router)
api_router.include_router(dashboard_router)
api_router.include_router(members_router)
api_router.include_router(me_router)
api_router.include_router(notifications_router)
api_router.include_router(todos_router)
api_router.include_router(compliance_router)
api_router.include_router(ledgers_router)
api_router.include_router(meetings_router)
api_router.include_router(resolutions_router)
api_router.include_router(my_meetings_router)
api_router.include_router(dues_router)
api_router.include_router(dues_bases_router)

# Routes that accept bodies above the default cap (multipart uploads), as route path templates.
UPLOAD_ROUTES: frozenset[str] = frozenset(
    {
        "/api/v1/members/import",
        "/api/v1/members/{member_id}/photo",
        "/api/v1/meetings/{meeting_id}/attachments",
    }
)
