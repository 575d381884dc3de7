import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import './meta'
import { authBlankRoutes, authRoutes } from '@/modules/auth/routes'
import { dashboardRoutes } from '@/modules/dashboard/routes'
import { organizationRoutes } from '@/modules/organizations/routes'
import { memberRoutes } from '@/modules/members/routes'
import { userRoutes } from '@/modules/users/routes'
import { auditRoutes } from '@/modules/audit/routes'
import { meetingRoutes } from '@/modules/meetings/routes'
import { inboxRoutes } from '@/modules/inbox/routes'
import { myMeetingRoutes } from '@/modules/my-meetings/routes'
import { complianceRoutes } from '@/modules/compliance/routes'
import { duesRoutes } from '@/modules/dues/routes'
import { duesAdminRoutes } from '@/modules/dues-admin/routes'
import { myDuesRoutes } from '@/modules/my-dues/routes'

/** Children of the application frame, in menu order. */
export const appChildren: RouteRecordRaw[] = [
  ...dashboardRoutes,
  ...organizationRoutes,
  ...memberRoutes,
  ...userRoutes,
  ...auditRoutes,
  ...meetingRoutes,
  ...inboxRoutes,
  ...myMeetingRoutes,
  ...complianceRoutes,
  ...duesRoutes,
  ...duesAdminRoutes,
  ...myDuesRoutes,
  ...authRoutes,
  {
    path: ':pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/NotFoundView.vue'),
    meta: { title: 'error.notFoundTitle' },
  },
]

export const routes: RouteRecordRaw[] = [
  ...authBlankRoutes,
  // the application frame loads with the first page inside it (the sign-in page does without it)
  { path: '/', component: () => import('@/layouts/AppLayout.vue'), children: appChildren },
]

export function createAppRouter() {
  return createRouter({
    history: createWebHistory(import.meta.env.BASE_URL),
    routes,
    scrollBehavior: () => ({ top: 0 }),
  })
}
