/** What other modules may use of members (they import '@/modules/members', never a file inside). */
export { default as RosterSummary } from './components/RosterSummary.vue'
