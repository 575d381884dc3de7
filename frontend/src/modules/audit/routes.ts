import type { RouteRecordRaw } from 'vue-router'
import { Document } from '@element-plus/icons-vue'

export const auditRoutes: RouteRecordRaw[] = [
  {
    path: 'audit',
    name: 'audit',
    component: () => import('./views/AuditView.vue'),
    meta: { title: 'menu.audit', capability: 'audit.read', menu: { icon: Document, order: 30 } },
  },
]
