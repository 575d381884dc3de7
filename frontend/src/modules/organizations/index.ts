/** What other modules may use of organizations (they import '@/modules/organizations', never a file inside). */
export { default as TermBadge } from './components/TermBadge.vue'
