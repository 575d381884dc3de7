/** What other modules may use of my-meetings (they import '@/modules/my-meetings', never a file inside). */
export { daysOverdue, timeRange } from './meetings'
export { statusTagType } from './labels'
