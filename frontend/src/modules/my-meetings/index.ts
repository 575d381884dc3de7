/** What other modules may use of my-meetings (they import '@/modules/my-meetings', never a file inside). */
export { timeRange } from './meetings'
export { statusTagType } from './labels'
export { default as OverdueResolutionsCard } from './components/OverdueResolutionsCard.vue'
