import type { RouteRecordRaw } from 'vue-router'
import { OfficeBuilding } from '@element-plus/icons-vue'

export const organizationRoutes: RouteRecordRaw[] = [
  {
    path: 'organizations/:id(\\d+)?',
    name: 'organizations',
    component: () => import('./views/OrgTreeView.vue'),
    props: (route) => ({ id: route.params.id ? Number(route.params.id) : null }),
    meta: { title: 'menu.organizations', capability: 'org.read', menu: { icon: OfficeBuilding, order: 10 } },
  },
]
