/**
 * The organisation the caller is working in (for people holding posts in several). Kept in
 * memory only — nothing about the user is persisted in the browser.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { MeOrganization } from '@/api'
import { useSessionStore } from './session'

export const useOrgStore = defineStore('org', () => {
  const session = useSessionStore()
  const selectedId = ref<number | null>(null)

  const organizations = computed<MeOrganization[]>(() => session.me?.organizations ?? [])

  const current = computed<MeOrganization | null>(() => {
    const list = organizations.value
    return list.find((o) => o.id === selectedId.value) ?? list[0] ?? null
  })

  const currentId = computed(() => current.value?.id ?? null)
  const hasSeveral = computed(() => organizations.value.length > 1)

  /** Capabilities in the current organisation (plus global ones); used for the menu. */
  const currentCapabilities = computed<Set<string>>(() => {
    const caps = new Set<string>(session.me?.global_capabilities ?? [])
    for (const c of current.value?.capabilities ?? []) caps.add(c)
    return caps
  })

  function select(id: number): void {
    if (organizations.value.some((o) => o.id === id)) selectedId.value = id
  }

  // A new sign-in starts from the first organisation again.
  watch(
    () => session.me?.user?.id ?? null,
    () => {
      selectedId.value = null
    },
  )

  return { selectedId, organizations, current, currentId, hasSeveral, currentCapabilities, select }
})
