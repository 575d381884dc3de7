/** Layout state: side menu, phone-width mode, language, and the "no access" overlay. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Locale } from '@/locales/enums'
import { i18n, setLocale } from '@/locales'

export const MOBILE_BREAKPOINT = 768

export const useLayoutStore = defineStore('layout', () => {
  const collapsed = ref(false)
  const drawerOpen = ref(false)
  const width = ref(typeof window === 'undefined' ? 1280 : window.innerWidth)
  const accessDenied = ref(false)
  const locale = ref<Locale>(i18n.global.locale.value as Locale)

  const isMobile = computed(() => width.value < MOBILE_BREAKPOINT)

  function toggleMenu(): void {
    if (isMobile.value) drawerOpen.value = !drawerOpen.value
    else collapsed.value = !collapsed.value
  }

  function onResize(): void {
    width.value = window.innerWidth
    if (!isMobile.value) drawerOpen.value = false
  }

  function changeLocale(next: Locale): void {
    setLocale(next)
    locale.value = next
  }

  return { collapsed, drawerOpen, width, isMobile, accessDenied, locale, toggleMenu, onResize, changeLocale }
})
