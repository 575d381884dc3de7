/**
 * 欠交党费, 减免党费, 党费报表 and 年初核定: the queries (generated options) and mutations over
 * /dues/arrears, /dues/exemptions, /dues/reports/*, /dues/assessment and /ledgers/dues. They are
 * in DUES_QUERIES, so what invalidates the ledger (a payment, an approved exemption) refreshes these too.
 */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/vue-query'
import { duesApplyExemption, duesApproveExemption, duesConfirmAssessment, duesDecideExemption, duesRemind, ledgersDuesArrears, ledgersDuesRegister } from '@/api'
import type { ExemptionCreate, ExemptionDecision, ExemptionRead, ExemptionStatus } from '@/api'
import {
  DUES_QUERIES,
  duesArrearsOptions,
  duesArrearsQueryKey,
  duesGetAssessmentOptions,
  duesGetAssessmentQueryKey,
  duesListExemptionsOptions,
  duesMonthlyReportOptions,
  duesPublishedSummaryOptions,
  duesYearlyReportOptions,
  invalidateOperations,
} from '@/api/queries'
import { download } from '@/shared/download'

export interface ExemptionFilters {
  org_id?: number
  status?: ExemptionStatus
  member_id?: number
}

export function useArrears(orgId: MaybeRefOrGetter<number | null>) {
  return useQuery(computed(() => ({ ...duesArrearsOptions({ query: { org_id: toValue(orgId)! } }), enabled: toValue(orgId) != null })))
}

export function useRemind(orgId: MaybeRefOrGetter<number | null>) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (memberIds: number[]) => (await duesRemind({ query: { org_id: toValue(orgId)! }, body: { member_ids: memberIds } })).data,
    onSuccess: () => client.invalidateQueries({ queryKey: duesArrearsQueryKey({ query: { org_id: toValue(orgId)! } }) }),
  })
}

export function useExemptions(filters: MaybeRefOrGetter<ExemptionFilters>, enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery(computed(() => ({ ...duesListExemptionsOptions({ query: toValue(filters) }), enabled: toValue(enabled) })))
}

/** After any change of an application: the lists and — an approval changes what is due — the ledger. */
function useExemptionChange<V>(call: (v: V) => Promise<ExemptionRead>) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: call,
    onSuccess: (row) => invalidateOperations(client, row.status === 'approved' ? DUES_QUERIES : ['duesListExemptions']),
  })
}

export const useApplyExemption = () => useExemptionChange(async (body: ExemptionCreate) => (await duesApplyExemption({ body })).data)

export type DecisionStep = 'decide' | 'approve'

export const useDecideExemption = () =>
  useExemptionChange(async ({ id, step, body }: { id: number; step: DecisionStep; body: ExemptionDecision }) =>
    step === 'decide'
      ? (await duesDecideExemption({ path: { exemption_id: id }, body })).data
      : (await duesApproveExemption({ path: { exemption_id: id }, body })).data,
  )

export function useMonthlyReport(orgId: MaybeRefOrGetter<number | null>, month: MaybeRefOrGetter<string>, enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery(
    computed(() => ({
      ...duesMonthlyReportOptions({ query: { org_id: toValue(orgId)!, month: toValue(month) } }),
      enabled: toValue(orgId) != null && toValue(enabled),
      placeholderData: keepPreviousData,
    })),
  )
}

export function useYearlyReport(orgId: MaybeRefOrGetter<number | null>, year: MaybeRefOrGetter<number>, enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery(
    computed(() => ({
      ...duesYearlyReportOptions({ query: { org_id: toValue(orgId)!, year: toValue(year) } }),
      enabled: toValue(orgId) != null && toValue(enabled),
      placeholderData: keepPreviousData,
    })),
  )
}

export function usePublishedSummary(orgId: MaybeRefOrGetter<number | null>, year: MaybeRefOrGetter<number>, enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery(
    computed(() => ({
      ...duesPublishedSummaryOptions({ query: { org_id: toValue(orgId)!, year: toValue(year) } }),
      enabled: toValue(orgId) != null && toValue(enabled),
    })),
  )
}

export function useAssessment(orgId: MaybeRefOrGetter<number | null>, year: MaybeRefOrGetter<number>, enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery(
    computed(() => ({
      ...duesGetAssessmentOptions({ query: { org_id: toValue(orgId)!, year: toValue(year) } }),
      enabled: toValue(orgId) != null && toValue(enabled),
    })),
  )
}

export function useConfirmAssessment() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (body: { organization_id: number; year: number }) => (await duesConfirmAssessment({ body })).data,
    onSuccess: (data) => client.setQueryData(duesGetAssessmentQueryKey({ query: { org_id: data.organization_id, year: data.year } }), data),
  })
}

/** 党费收缴登记册 (.xlsx) through the authenticated client, saved under the server's file name. */
export function downloadRegister(orgId: number, year: number, fallback: string): Promise<string> {
  return download(() => ledgersDuesRegister({ query: { org_id: orgId, year }, parseAs: 'blob' }), fallback)
}

/** 欠交党费提醒名单 (.xlsx) through the authenticated client, saved under the server's file name. */
export function downloadArrears(orgId: number, fallback: string): Promise<string> {
  return download(() => ledgersDuesArrears({ query: { org_id: orgId }, parseAs: 'blob' }), fallback)
}
