/**
 * Page and page size of a paged list; back to page 1 whenever one of `resetOn` changes (a filter,
 * the organisation …) so a narrower result never shows an empty page past its end.
 */
import { ref, watch, type Ref, type WatchSource } from 'vue'

export function usePager(options: { size?: number; page?: number; resetOn?: (WatchSource | object)[] } = {}): { page: Ref<number>; size: Ref<number> } {
  const page = ref(options.page ?? 1)
  const size = ref(options.size ?? 20)
  if (options.resetOn?.length) {
    watch(options.resetOn, () => {
      page.value = 1
    }, { deep: true })
  }
  return { page, size }
}
