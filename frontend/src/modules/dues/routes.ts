import type { RouteRecordRaw } from 'vue-router'
import { Coin, Tickets, Wallet } from '@element-plus/icons-vue'

/** 党费: the calculator is for every signed-in user (members, staff, residents). */
export const duesRoutes: RouteRecordRaw[] = [
  {
    path: 'dues/calculator',
    name: 'dues-calculator',
    component: () => import('./views/DuesCalculatorView.vue'),
    meta: { title: 'dues.title', menu: { icon: Wallet, order: 7 } },
  },
  // 党费台账, 收缴记录 and the printable receipt (staff with dues.read; collecting needs dues.manage).
  {
    path: 'dues/ledger',
    name: 'dues-ledger',
    component: () => import('./views/DuesLedgerView.vue'),
    meta: { title: 'dues.ledger.title', capability: 'dues.read', menu: { icon: Coin, order: 19 } },
  },
  {
    path: 'dues/payments',
    name: 'dues-payments',
    component: () => import('./views/DuesPaymentsView.vue'),
    meta: { title: 'dues.payments.title', capability: 'dues.read', menu: { icon: Tickets, order: 19.1 } },
  },
  {
    path: 'dues/payments/:id(\\d+)/receipt',
    name: 'dues-receipt',
    component: () => import('./views/DuesReceiptView.vue'),
    meta: { title: 'dues.receipt.title', capability: 'dues.read', parent: 'dues-payments' },
  },
]
