/** 党费计算器: a live preview of POST /dues/calculate, asked only once typing pauses. */
import { computed, onScopeDispose, ref, watch, type Ref } from 'vue'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/vue-query'
import { duesAddBasis } from '@/api'
import type { DuesBasisCreate, DuesCalculateIn, DuesCategory } from '@/api'
import { DUES_QUERIES, duesCalculateOptions, duesListBasesOptions, duesListBasesQueryKey, invalidateOperations } from '@/api/queries'
import { inputKind } from './categories'

/** How long typing must pause before the server is asked. */
export const PREVIEW_DEBOUNCE_MS = 300

/** The deductions to send with a basis (R: DUES-01), and whose policy counts them. */
export interface CalculateDeductions {
  /** The organisation whose policy says which items count; none: the platform default. */
  organizationId?: number | null
  /** Key → normalised yuan; empty or absent: nothing deducted besides income tax. */
  amounts?: Readonly<Record<string, string>> | null
}

/**
 * The request body for a category and a normalised amount, or null when there is nothing to ask
 * yet. Deductions go only with a basis, together with the organisation whose policy counts them.
 */
export function calculateBody(category: DuesCategory, amount: string | null, deductions?: CalculateDeductions): DuesCalculateIn | null {
  const kind = inputKind(category)
  if (kind === 'none') return { category }
  if (amount === null) return null
  if (kind === 'amount') return { category, fixed_amount: amount }
  const body: DuesCalculateIn = { category, basis: amount }
  const amounts = deductions?.amounts ?? {}
  if (Object.keys(amounts).length) {
    if (deductions?.organizationId != null) body.organization_id = deductions.organizationId
    body.deductions = { ...amounts }
  }
  return body
}

/** A ref that follows `source` after it has stayed unchanged for `ms` milliseconds. */
export function useDebounced<T>(source: Ref<T>, ms: number): Ref<T> {
  const out = ref(source.value) as Ref<T>
  let timer: ReturnType<typeof setTimeout> | undefined
  watch(source, (value) => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      out.value = value
    }, ms)
  })
  onScopeDispose(() => clearTimeout(timer))
  return out
}

/**
 * The calculation for `body` (debounced); pure arithmetic on the server, so cached for long. The
 * POST has generated query options too (openapi-ts.config.ts), keyed by the body.
 */
export function useDuesPreview(body: Ref<DuesCalculateIn | null>) {
  const settled = useDebounced(body, PREVIEW_DEBOUNCE_MS)
  const query = useQuery(
    computed(() => ({
      ...duesCalculateOptions({ body: settled.value ?? { category: 'salaried' } }),
      enabled: settled.value !== null,
      placeholderData: keepPreviousData,
      staleTime: Infinity,
    })),
  )
  /** True while the input differs from what the shown answer was asked for. */
  const pending = computed(() => JSON.stringify(body.value) !== JSON.stringify(settled.value) || query.isFetching.value)
  return { ...query, settled, pending }
}

/** A member's dues bases: the one in force this month and the whole (append-only) history. */
export function useDuesBases(memberId: () => number) {
  return useQuery(computed(() => duesListBasesOptions({ path: { member_id: memberId() } })))
}

/** Record a new basis; the answer is the refreshed list, put straight into the cache. */
export function useAddDuesBasis(memberId: () => number) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (body: DuesBasisCreate) => (await duesAddBasis({ path: { member_id: memberId() }, body })).data,
    onSuccess: (data) => {
      client.setQueryData(duesListBasesQueryKey({ path: { member_id: data.member_id } }), data)
      // A new basis changes what is due (DUES-01): the ledger, statements and reports refetch.
      void invalidateOperations(
        client,
        DUES_QUERIES.filter((q) => q !== 'duesListBases' && q !== 'duesCalculate'),
      )
    },
  })
}
