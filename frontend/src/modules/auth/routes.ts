import type { RouteRecordRaw } from 'vue-router'

/** Pages outside the application frame. */
export const authBlankRoutes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./views/LoginView.vue'),
    meta: { public: true, blank: true, title: 'auth.title' },
  },
  {
    path: '/password-change',
    name: 'password-change',
    component: () => import('./views/ForcedPasswordView.vue'),
    meta: { blank: true, title: 'password.forcedTitle' },
  },
  {
    path: '/totp-setup',
    name: 'totp-setup',
    component: () => import('./views/ForcedTotpView.vue'),
    meta: { blank: true, title: 'account.totp' },
  },
]

/** Pages inside the application frame. */
export const authRoutes: RouteRecordRaw[] = [
  {
    path: 'account',
    name: 'account',
    component: () => import('./views/AccountView.vue'),
    meta: { title: 'account.title' },
  },
]
