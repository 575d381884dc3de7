import type { RouteRecordRaw } from 'vue-router'
import { Odometer } from '@element-plus/icons-vue'

export const dashboardRoutes: RouteRecordRaw[] = [
  {
    path: '',
    name: 'dashboard',
    component: () => import('./views/DashboardView.vue'),
    meta: { title: 'menu.dashboard', menu: { icon: Odometer, order: 0 } },
  },
]
