import type { RouteRecordRaw } from 'vue-router'

/** 消息: every signed-in user has an inbox; reached from the bell in the header. */
export const inboxRoutes: RouteRecordRaw[] = [
  {
    path: 'inbox',
    name: 'inbox',
    component: () => import('./views/InboxView.vue'),
    meta: { title: 'inbox.title' },
  },
]
