import type { RouteRecordRaw } from 'vue-router'
import { User } from '@element-plus/icons-vue'

export const userRoutes: RouteRecordRaw[] = [
  {
    path: 'users',
    name: 'users',
    component: () => import('./views/UsersView.vue'),
    meta: { title: 'menu.users', capability: 'users.manage', menu: { icon: User, order: 20 } },
  },
]
