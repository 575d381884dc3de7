import type { RouteRecordRaw } from 'vue-router'
import { Calendar } from '@element-plus/icons-vue'

/** 我的会议: for every signed-in user (members, staff and residents may all be invited). */
export const myMeetingRoutes: RouteRecordRaw[] = [
  {
    path: 'my/meetings',
    name: 'my-meetings',
    component: () => import('./views/MyMeetingsView.vue'),
    meta: { title: 'myMeetings.title', menu: { icon: Calendar, order: 6 } },
  },
  {
    path: 'my/meetings/:id(\\d+)',
    name: 'my-meeting',
    component: () => import('./views/MyMeetingView.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: 'myMeetings.detailTitle', parent: 'my-meetings' },
  },
  {
    // The QR code shown by staff encodes this URL (GET /meetings/{id}/check-in-code → path).
    path: 'my/meetings/:id(\\d+)/check-in',
    name: 'my-meeting-check-in',
    component: () => import('./views/CheckInView.vue'),
    props: (route) => ({ id: Number(route.params.id), token: route.query.token }),
    meta: { title: 'myMeetings.checkIn.title', parent: 'my-meetings' },
  },
]
