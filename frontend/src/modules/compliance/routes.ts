import type { RouteRecordRaw } from 'vue-router'
import { DataBoard } from '@element-plus/icons-vue'

/** 三会一课: compliance with the work system, attendance, absences, meeting books (staff). */
export const complianceRoutes: RouteRecordRaw[] = [
  {
    path: 'compliance',
    name: 'compliance',
    component: () => import('./views/ComplianceView.vue'),
    meta: { title: 'compliance.title', capability: 'stats.export', menu: { icon: DataBoard, order: 18 } },
  },
]
