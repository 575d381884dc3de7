import type { RouteRecordRaw } from 'vue-router'
import { DocumentChecked, Histogram, WarningFilled } from '@element-plus/icons-vue'

/** 党费管理 (staff who read dues): arrears and reminders, reductions/exemptions, reports and the annual assessment. */
export const duesAdminRoutes: RouteRecordRaw[] = [
  {
    path: 'dues/arrears',
    name: 'dues-arrears',
    component: () => import('./views/ArrearsView.vue'),
    meta: { title: 'duesAdmin.arrears.title', capability: 'dues.read', menu: { icon: WarningFilled, order: 19.3 } },
  },
  {
    path: 'dues/arrears/print',
    name: 'dues-arrears-print',
    component: () => import('./views/ArrearsPrintView.vue'),
    meta: { title: 'duesAdmin.arrears.printTitle', capability: 'dues.read', parent: 'dues-arrears' },
  },
  {
    path: 'dues/exemptions',
    name: 'dues-exemptions',
    component: () => import('./views/ExemptionsView.vue'),
    meta: { title: 'duesAdmin.exemptions.title', capability: 'dues.read', menu: { icon: DocumentChecked, order: 19.4 } },
  },
  {
    path: 'dues/reports',
    name: 'dues-reports',
    component: () => import('./views/ReportsView.vue'),
    meta: { title: 'duesAdmin.reports.title', capability: 'dues.read', menu: { icon: Histogram, order: 19.5 } },
  },
]
