/**
 * The roster page's state: chosen columns, filters, work list, sort and page. In memory only
 * (Pinia, never localStorage): coming back from a member's detail page finds the list as it
 * was; signing out or reloading starts afresh.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { MemberListKind, MemberSort } from '@/api'
import {
  CHOOSABLE_COLUMNS,
  DEFAULT_COLUMNS,
  emptyFilters,
  rosterQuery,
  visibleColumns,
  type ColumnKey,
  type RosterFilters,
} from '@/modules/members/roster'
import { useSessionStore } from './session'

export const PAGE_SIZES = [20, 50, 100] as const

export const useRosterStore = defineStore('roster', () => {
  const session = useSessionStore()
  const chosen = ref<ColumnKey[]>([...DEFAULT_COLUMNS])
  const filters = ref<RosterFilters>(emptyFilters())
  const list = ref<MemberListKind | null>(null)
  const sort = ref<MemberSort>('name')
  const page = ref(1)
  const size = ref<number>(PAGE_SIZES[0])

  const columns = computed(() => visibleColumns(chosen.value, list.value))
  const query = computed(() => rosterQuery(filters.value, list.value, sort.value, page.value, size.value))

  function isChosen(key: ColumnKey): boolean {
    return chosen.value.includes(key)
  }

  function setColumn(key: ColumnKey, on: boolean): void {
    if (!CHOOSABLE_COLUMNS.includes(key)) return
    const next = new Set(chosen.value)
    if (on) next.add(key)
    else next.delete(key)
    chosen.value = CHOOSABLE_COLUMNS.filter((k) => next.has(k))
  }

  function resetColumns(): void {
    chosen.value = [...DEFAULT_COLUMNS]
  }

  /** Apply new filters: back to the first page. */
  function setFilters(next: Partial<RosterFilters>): void {
    filters.value = { ...filters.value, ...next }
    page.value = 1
  }

  function resetFilters(): void {
    filters.value = emptyFilters()
    page.value = 1
  }

  function setList(next: MemberListKind | null): void {
    list.value = next
    page.value = 1
  }

  function setSort(next: MemberSort): void {
    sort.value = next
    page.value = 1
  }

  function setSize(next: number): void {
    size.value = next
    page.value = 1
  }

  function reset(): void {
    resetColumns()
    resetFilters()
    list.value = null
    sort.value = 'name'
    size.value = PAGE_SIZES[0]
  }

  // Another sign-in starts from the defaults (the roster of one person is not another's).
  watch(
    () => session.me?.user?.id ?? null,
    (now, before) => {
      if (now !== before) reset()
    },
  )

  return {
    chosen,
    filters,
    list,
    sort,
    page,
    size,
    columns,
    query,
    isChosen,
    setColumn,
    resetColumns,
    setFilters,
    resetFilters,
    setList,
    setSort,
    setSize,
    reset,
  }
})
