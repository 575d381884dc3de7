/** 党费台账, 登记收缴 and 收缴记录: the queries and mutations over /dues/ledger and /dues/payments. */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/vue-query'
import { duesCreatePayment, duesGetPayment, duesLedgerGrid, duesListPayments, duesMemberStatement, duesRecordRemittance, duesReversePayment } from '@/api'
import type { DuesListPaymentsData, PaymentCreate, RemittanceUpdate } from '@/api'

export type PaymentFilters = NonNullable<DuesListPaymentsData['query']>

export const ledgerKeys = {
  /** Everything of the ledger family: what a payment, reversal or remittance makes stale. */
  all: ['dues'] as const,
  grid: (orgId: number | null, year: number, page: number, size: number) => ['dues', 'ledger', orgId, year, page, size] as const,
  statement: (memberId: number | null, year: number) => ['dues', 'statement', memberId, year] as const,
  payments: (filters: PaymentFilters) => ['dues', 'payments', filters] as const,
  payment: (id: number) => ['dues', 'payment', id] as const,
}

/** The ledger grid of an organisation (subtree) and year, one page of members. */
export function useLedgerGrid(
  orgId: MaybeRefOrGetter<number | null>,
  year: MaybeRefOrGetter<number>,
  page: MaybeRefOrGetter<number>,
  size: MaybeRefOrGetter<number>,
) {
  return useQuery({
    queryKey: computed(() => ledgerKeys.grid(toValue(orgId), toValue(year), toValue(page), toValue(size))),
    queryFn: async () =>
      (await duesLedgerGrid({ query: { org_id: toValue(orgId)!, year: toValue(year), page: toValue(page), size: toValue(size) } })).data,
    enabled: computed(() => toValue(orgId) != null),
    placeholderData: keepPreviousData,
  })
}

/** One member's statement for a year (months, payments, arrears). */
export function useMemberStatement(memberId: MaybeRefOrGetter<number | null>, year: MaybeRefOrGetter<number>) {
  return useQuery({
    queryKey: computed(() => ledgerKeys.statement(toValue(memberId), toValue(year))),
    queryFn: async () => (await duesMemberStatement({ path: { member_id: toValue(memberId)! }, query: { year: toValue(year) } })).data,
    enabled: computed(() => toValue(memberId) != null),
  })
}

export function usePayments(filters: MaybeRefOrGetter<PaymentFilters>) {
  return useQuery({
    queryKey: computed(() => ledgerKeys.payments(toValue(filters))),
    queryFn: async () => (await duesListPayments({ query: toValue(filters) })).data,
    placeholderData: keepPreviousData,
  })
}

export function usePayment(id: MaybeRefOrGetter<number>) {
  return useQuery({
    queryKey: computed(() => ledgerKeys.payment(toValue(id))),
    queryFn: async () => (await duesGetPayment({ path: { payment_id: toValue(id) } })).data,
    enabled: computed(() => Number.isInteger(toValue(id)) && toValue(id) > 0),
  })
}

/** Record a payment; the Idempotency-Key is chosen by the caller (once per dialog opening). */
export function useCreatePayment() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (v: { body: PaymentCreate; key: string }) =>
      (await duesCreatePayment({ body: v.body, headers: { 'idempotency-key': v.key } })).data,
    onSuccess: (data) => {
      client.setQueryData(ledgerKeys.payment(data.id), data)
      void client.invalidateQueries({ queryKey: ledgerKeys.all })
    },
  })
}

export function useReversePayment() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (v: { id: number; reason: string }) => (await duesReversePayment({ path: { payment_id: v.id }, body: { reason: v.reason } })).data,
    onSuccess: () => client.invalidateQueries({ queryKey: ledgerKeys.all }),
  })
}

export function useRecordRemittance() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (v: { id: number; body: RemittanceUpdate }) => (await duesRecordRemittance({ path: { payment_id: v.id }, body: v.body })).data,
    onSuccess: () => client.invalidateQueries({ queryKey: ledgerKeys.all }),
  })
}
