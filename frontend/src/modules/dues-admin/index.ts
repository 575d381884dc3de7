/** What other modules may use of dues-admin (they import '@/modules/dues-admin', never a file inside). */
export { default as ExemptionFormDialog } from './components/ExemptionFormDialog.vue'
export { useExemptions } from './api'
export { periodText, statusTag } from './exemptions'
export { monthText } from './reports'
