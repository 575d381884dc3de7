import type { RouteRecordRaw } from 'vue-router'
import { Wallet } from '@element-plus/icons-vue'

/** 党费: the calculator is for every signed-in user (members, staff, residents). */
export const duesRoutes: RouteRecordRaw[] = [
  {
    path: 'dues/calculator',
    name: 'dues-calculator',
    component: () => import('./views/DuesCalculatorView.vue'),
    meta: { title: 'dues.title', menu: { icon: Wallet, order: 7 } },
  },
]
