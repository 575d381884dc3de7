import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { VueQueryPlugin } from '@tanstack/vue-query'
// Element Plus: its variables here (before ours, which override them); each component's own style
// comes with the component (unplugin-element-plus, vite.config.ts), so a page loads only the styles
// of what it shows. v-loading is a directive the plugin does not see: its style is global.
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/loading/style/css'
import './styles/main.css'

import App from './App.vue'
import { setupApiClient } from './api/client'
import { linkSession } from './api/session-link'
import { createQueryClient } from './api/query'
import { i18n, currentLocale } from './locales'
import { createAppRouter } from './router'
import { installGuard, LOGIN } from './router/guard'
import { useSessionStore } from './stores/session'
import { useLayoutStore } from './stores/layout'
import { vCan } from './directives/can'

setupApiClient()

const app = createApp(App)
const pinia = createPinia()
const router = createAppRouter()
const queryClient = createQueryClient()

app.use(pinia)
app.use(i18n)
app.use(VueQueryPlugin, { queryClient })
app.directive('can', vCan)

const session = useSessionStore()
const layout = useLayoutStore()
document.documentElement.lang = currentLocale()

linkSession(session, () => {
  queryClient.clear()
  const here = router.currentRoute.value
  if (here.name !== LOGIN) {
    void router.replace({ name: LOGIN, query: here.fullPath !== '/' ? { redirect: here.fullPath } : undefined })
  }
})

installGuard(router, {
  bootstrap: () => session.bootstrap(),
  session: () => ({
    status: session.status,
    mustChangePassword: session.mustChangePassword,
    totpSetupRequired: session.me?.restricted === true,
    hasCapability: (cap) => session.hasCapability(cap),
    hasMember: session.me?.member != null,
  }),
  setDenied: (denied) => {
    layout.accessDenied = denied
  },
})

router.afterEach((to) => {
  const { t } = i18n.global
  const title = to.meta.title ? t(to.meta.title) : ''
  document.title = title ? `${title} - ${t('app.name')}` : t('app.name')
})

app.use(router)
void router.isReady().then(() => app.mount('#app'))
