import type { RouteRecordRaw } from 'vue-router'
import { DataAnalysis, DocumentChecked, Postcard, Tickets } from '@element-plus/icons-vue'

export const memberRoutes: RouteRecordRaw[] = [
  {
    path: 'me/member',
    name: 'my-member',
    component: () => import('./views/MyMemberView.vue'),
    meta: { title: 'menu.myMember', member: true, menu: { icon: Postcard, order: 5 } },
  },
  {
    path: 'members',
    name: 'members',
    component: () => import('./views/RosterView.vue'),
    meta: { title: 'menu.roster', capability: 'roster.read', menu: { icon: Tickets, order: 12 } },
  },
  {
    path: 'members/statistics',
    name: 'member-statistics',
    component: () => import('./views/StatisticsView.vue'),
    // The backend answers roster readers and statistics exporters.
    meta: { title: 'menu.memberStats', capability: ['roster.read', 'stats.export'], menu: { icon: DataAnalysis, order: 14 } },
  },
  {
    path: 'members/corrections',
    name: 'member-corrections',
    component: () => import('./views/CorrectionsView.vue'),
    meta: { title: 'menu.corrections', capability: 'roster.write', menu: { icon: DocumentChecked, order: 15 } },
  },
  {
    path: 'members/:id(\\d+)',
    name: 'member-detail',
    component: () => import('./views/MemberDetailView.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: 'member.title', capability: 'roster.read', parent: 'members' },
  },
]
