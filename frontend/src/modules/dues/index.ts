/** What other modules may use of dues (they import '@/modules/dues', never a file inside). */
export { default as DuesBasisPanel } from './components/DuesBasisPanel.vue'
export { default as DuesOrgPicker } from './components/DuesOrgPicker.vue'
export { monthNumber, monthsText } from './ledger'
