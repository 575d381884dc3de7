/**
 * 欠交党费, 减免党费, 党费报表 and 年初核定: the queries and mutations over /dues/arrears,
 * /dues/exemptions, /dues/reports/*, /dues/assessment and /ledgers/dues. Keys live under ['dues'],
 * so what invalidates the ledger (a payment, an approved exemption) refreshes these too.
 */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/vue-query'
import {
  duesApplyExemption,
  duesApproveExemption,
  duesArrears,
  duesConfirmAssessment,
  duesDecideExemption,
  duesGetAssessment,
  duesListExemptions,
  duesMonthlyReport,
  duesPublishedSummary,
  duesRemind,
  duesYearlyReport,
  ledgersDuesRegister,
} from '@/api'
import type { ExemptionCreate, ExemptionDecision, ExemptionRead, ExemptionStatus } from '@/api'
import { download } from '@/shared/download'

export const duesAdminKeys = {
  all: ['dues'] as const,
  arrears: (orgId: number | null) => ['dues', 'arrears', orgId] as const,
  exemptions: ['dues', 'exemptions'] as const,
  exemptionList: (filters: ExemptionFilters) => ['dues', 'exemptions', filters] as const,
  monthly: (orgId: number | null, month: string) => ['dues', 'reports', 'monthly', orgId, month] as const,
  yearly: (orgId: number | null, year: number) => ['dues', 'reports', 'yearly', orgId, year] as const,
  published: (orgId: number | null, year: number) => ['dues', 'reports', 'published', orgId, year] as const,
  assessment: (orgId: number | null, year: number) => ['dues', 'assessment', orgId, year] as const,
}

export interface ExemptionFilters {
  org_id?: number
  status?: ExemptionStatus
  member_id?: number
}

const ready = (orgId: MaybeRefOrGetter<number | null>) => computed(() => toValue(orgId) != null)

export function useArrears(orgId: MaybeRefOrGetter<number | null>) {
  return useQuery({
    queryKey: computed(() => duesAdminKeys.arrears(toValue(orgId))),
    queryFn: async () => (await duesArrears({ query: { org_id: toValue(orgId)! } })).data,
    enabled: ready(orgId),
  })
}

export function useRemind(orgId: MaybeRefOrGetter<number | null>) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (memberIds: number[]) => (await duesRemind({ query: { org_id: toValue(orgId)! }, body: { member_ids: memberIds } })).data,
    onSuccess: () => client.invalidateQueries({ queryKey: duesAdminKeys.arrears(toValue(orgId)) }),
  })
}

export function useExemptions(filters: MaybeRefOrGetter<ExemptionFilters>, enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery({
    queryKey: computed(() => duesAdminKeys.exemptionList(toValue(filters))),
    queryFn: async () => (await duesListExemptions({ query: toValue(filters) })).data,
    enabled: computed(() => toValue(enabled)),
  })
}

/** After any change of an application: the lists and — an approval changes what is due — the ledger. */
function useExemptionChange<V>(call: (v: V) => Promise<ExemptionRead>) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: call,
    onSuccess: (row) => client.invalidateQueries({ queryKey: row.status === 'approved' ? duesAdminKeys.all : duesAdminKeys.exemptions }),
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
  return useQuery({
    queryKey: computed(() => duesAdminKeys.monthly(toValue(orgId), toValue(month))),
    queryFn: async () => (await duesMonthlyReport({ query: { org_id: toValue(orgId)!, month: toValue(month) } })).data,
    enabled: computed(() => toValue(orgId) != null && toValue(enabled)),
    placeholderData: keepPreviousData,
  })
}

export function useYearlyReport(orgId: MaybeRefOrGetter<number | null>, year: MaybeRefOrGetter<number>, enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery({
    queryKey: computed(() => duesAdminKeys.yearly(toValue(orgId), toValue(year))),
    queryFn: async () => (await duesYearlyReport({ query: { org_id: toValue(orgId)!, year: toValue(year) } })).data,
    enabled: computed(() => toValue(orgId) != null && toValue(enabled)),
    placeholderData: keepPreviousData,
  })
}

export function usePublishedSummary(orgId: MaybeRefOrGetter<number | null>, year: MaybeRefOrGetter<number>, enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery({
    queryKey: computed(() => duesAdminKeys.published(toValue(orgId), toValue(year))),
    queryFn: async () => (await duesPublishedSummary({ query: { org_id: toValue(orgId)!, year: toValue(year) } })).data,
    enabled: computed(() => toValue(orgId) != null && toValue(enabled)),
  })
}

export function useAssessment(orgId: MaybeRefOrGetter<number | null>, year: MaybeRefOrGetter<number>, enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery({
    queryKey: computed(() => duesAdminKeys.assessment(toValue(orgId), toValue(year))),
    queryFn: async () => (await duesGetAssessment({ query: { org_id: toValue(orgId)!, year: toValue(year) } })).data,
    enabled: computed(() => toValue(orgId) != null && toValue(enabled)),
  })
}

export function useConfirmAssessment() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (body: { organization_id: number; year: number }) => (await duesConfirmAssessment({ body })).data,
    onSuccess: (data) => client.setQueryData(duesAdminKeys.assessment(data.organization_id, data.year), data),
  })
}

/** 党费收缴登记册 (.xlsx) through the authenticated client, saved under the server's file name. */
export function downloadRegister(orgId: number, year: number, fallback: string): Promise<string> {
  return download(() => ledgersDuesRegister({ query: { org_id: orgId, year }, parseAs: 'blob' }), fallback)
}
