import type { RouteRecordRaw } from 'vue-router'
import { Wallet } from '@element-plus/icons-vue'

/** 我的党费: every account linked to a member record (reminders in the inbox link here). */
export const myDuesRoutes: RouteRecordRaw[] = [
  {
    path: 'my/dues',
    name: 'my-dues',
    component: () => import('./views/MyDuesView.vue'),
    meta: { title: 'myDues.title', member: true, menu: { icon: Wallet, order: 6.5 } },
  },
]
