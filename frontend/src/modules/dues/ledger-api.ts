/**
 * 党费台账, 登记收缴 and 收缴记录: the queries (generated options) and mutations over /dues/ledger
 * and /dues/payments. A payment, reversal or remittance makes every dues query stale (DUES_QUERIES).
 */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { type QueryClient, keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/vue-query'
import { duesCreatePayment, duesRecordRemittance, duesReversePayment, ledgersDuesPayments } from '@/api'
import type { DuesListPaymentsData, PaymentCreate, RemittanceUpdate } from '@/api'
import {
  DUES_QUERIES,
  duesGetPaymentOptions,
  duesGetPaymentQueryKey,
  duesLedgerGridOptions,
  duesListPaymentsOptions,
  duesMemberStatementOptions,
  invalidateOperations,
} from '@/api/queries'
import { download } from '@/shared/download'

export type PaymentFilters = NonNullable<DuesListPaymentsData['query']>

/** What a payment, reversal or remittance makes stale: everything about dues. */
export const invalidateDues = (client: QueryClient) => invalidateOperations(client, DUES_QUERIES)

/** The ledger grid of an organisation (subtree) and year, one page of members (whose name contains `q`). */
export function useLedgerGrid(
  orgId: MaybeRefOrGetter<number | null>,
  year: MaybeRefOrGetter<number>,
  page: MaybeRefOrGetter<number>,
  size: MaybeRefOrGetter<number>,
  q: MaybeRefOrGetter<string> = '',
) {
  return useQuery(
    computed(() => ({
      ...duesLedgerGridOptions({
        query: { org_id: toValue(orgId)!, year: toValue(year), page: toValue(page), size: toValue(size), ...(toValue(q) ? { q: toValue(q) } : {}) },
      }),
      enabled: toValue(orgId) != null,
      placeholderData: keepPreviousData,
    })),
  )
}

/** One member's statement for a year (months, payments, arrears). */
export function useMemberStatement(memberId: MaybeRefOrGetter<number | null>, year: MaybeRefOrGetter<number>) {
  return useQuery(
    computed(() => ({
      ...duesMemberStatementOptions({ path: { member_id: toValue(memberId)! }, query: { year: toValue(year) } }),
      enabled: toValue(memberId) != null,
    })),
  )
}

export function usePayments(filters: MaybeRefOrGetter<PaymentFilters>) {
  return useQuery(computed(() => ({ ...duesListPaymentsOptions({ query: toValue(filters) }), placeholderData: keepPreviousData })))
}

export function usePayment(id: MaybeRefOrGetter<number>) {
  return useQuery(
    computed(() => ({
      ...duesGetPaymentOptions({ path: { payment_id: toValue(id) } }),
      enabled: Number.isInteger(toValue(id)) && toValue(id) > 0,
    })),
  )
}

/** Record a payment; the Idempotency-Key is chosen by the caller (once per dialog opening). */
export function useCreatePayment() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (v: { body: PaymentCreate; key: string }) =>
      (await duesCreatePayment({ body: v.body, headers: { 'idempotency-key': v.key } })).data,
    onSuccess: (data) => {
      client.setQueryData(duesGetPaymentQueryKey({ path: { payment_id: data.id } }), data)
      void invalidateDues(client)
    },
  })
}

export function useReversePayment() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (v: { id: number; reason: string }) => (await duesReversePayment({ path: { payment_id: v.id }, body: { reason: v.reason } })).data,
    onSuccess: () => invalidateDues(client),
  })
}

export function useRecordRemittance() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (v: { id: number; body: RemittanceUpdate }) => (await duesRecordRemittance({ path: { payment_id: v.id }, body: v.body })).data,
    onSuccess: () => invalidateDues(client),
  })
}

/** 收缴记录 as .xlsx with the page's filters (not its paging), saved under the server's file name. */
export function downloadPayments(filters: PaymentFilters & { org_id: number }, fallback: string): Promise<string> {
  const query = { org_id: filters.org_id, year: filters.year, kind: filters.kind, remit: filters.remit, q: filters.q }
  return download(() => ledgersDuesPayments({ query, parseAs: 'blob' }), fallback)
}
