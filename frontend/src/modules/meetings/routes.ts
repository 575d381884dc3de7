import type { RouteRecordRaw } from 'vue-router'
import { Finished, Notebook } from '@element-plus/icons-vue'

/** 会议 (三会一课 and the others) and 决议落实, for post holders who read meetings. */
export const meetingRoutes: RouteRecordRaw[] = [
  {
    path: 'meetings',
    name: 'meetings',
    component: () => import('./views/MeetingsCalendarView.vue'),
    meta: { title: 'meeting.menu', capability: 'meeting.read', menu: { icon: Notebook, order: 16 } },
  },
  {
    path: 'meetings/resolutions',
    name: 'resolutions',
    component: () => import('./views/ResolutionsView.vue'),
    meta: { title: 'meeting.resolutions.title', capability: 'meeting.read', menu: { icon: Finished, order: 17 } },
  },
  {
    path: 'meetings/:id(\\d+)',
    name: 'meeting-detail',
    component: () => import('./views/MeetingDetailView.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: 'meeting.detail.title', capability: 'meeting.read', parent: 'meetings' },
  },
  {
    path: 'meetings/:id(\\d+)/minutes',
    name: 'meeting-minutes-print',
    component: () => import('./views/MeetingMinutesPrintView.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: 'meeting.minutesPrint.title', capability: 'meeting.read', parent: 'meetings' },
  },
]
