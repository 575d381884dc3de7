/**
 * Generated TanStack Query keys and options, one pair per operation (`xxxOptions()`,
 * `xxxQueryKey()`), from the hey-api `@tanstack/vue-query` plugin. Modules use these instead of
 * hand-written keys; a key is `[{ _id, path, query, … }]` with the operation id as `_id`, so
 * `invalidateQueries({ queryKey: [{ _id: 'membersListMembers' }] })` matches every page of a list.
 *
 * A change usually makes several operations stale at once (a member's event changes the roster, the
 * statistics, the tree's member counts and the dashboard): the families below name them, and
 * `invalidateOperations` marks every cached answer of the named operations stale.
 */
import type { QueryClient } from '@tanstack/vue-query'
import type * as generated from './generated/@tanstack/vue-query.gen'

export * from './generated/@tanstack/vue-query.gen'

type Generated = keyof typeof generated

/** An operation with generated query options: 'membersListMembers', 'organizationsTree', … */
export type QueryOperation = {
  [K in Generated]: K extends `${string}InfiniteQueryKey` ? never : K extends `${infer Op}QueryKey` ? Op : never
}[Generated]

/** The operation a cached query belongs to (`_id` of a generated key), or undefined for any other key. */
export function operationOf(key: readonly unknown[]): string | undefined {
  const head = key[0]
  if (typeof head !== 'object' || head === null) return undefined
  const id = (head as { _id?: unknown })._id
  return typeof id === 'string' ? id : undefined
}

/** Mark stale every cached answer of these operations, whatever its parameters (shown ones refetch). */
export function invalidateOperations(queryClient: QueryClient, operations: readonly QueryOperation[]): Promise<void> {
  const wanted = new Set<string>(operations)
  return queryClient.invalidateQueries({ predicate: (query) => wanted.has(operationOf(query.queryKey) ?? '') })
}

/** The organisations: the tree (with its member counts), one organisation, its posts, terms and policy. */
export const ORGANIZATION_QUERIES = [
  'organizationsTree',
  'organizationsListOrganizations',
  'organizationsGetOrganization',
  'organizationsListPosts',
  'organizationsListTerms',
  'policiesGetPolicy',
] as const satisfies readonly QueryOperation[]

/** The roster: lists, one member (with photo and events), statistics, correction requests. */
export const MEMBER_QUERIES = [
  'membersListMembers',
  'membersGetMember',
  'membersGetMemberPhoto',
  'membersListMemberEvents',
  'membersMemberStatistics',
  'membersListCorrections',
] as const satisfies readonly QueryOperation[]

/**
 * Everything about dues: the calculator, bases, ledger, statements, payments, arrears,
 * exemptions, reports and the annual assessment. A payment, a reversal, a remittance or an approved
 * exemption changes what is due and paid, so it makes the whole family stale.
 */
export const DUES_QUERIES = [
  'duesCalculate',
  'duesListBases',
  'duesLedgerGrid',
  'duesMemberStatement',
  'duesListPayments',
  'duesGetPayment',
  'duesArrears',
  'duesListExemptions',
  'duesMonthlyReport',
  'duesYearlyReport',
  'duesPublishedSummary',
  'duesGetAssessment',
] as const satisfies readonly QueryOperation[]

/** The meeting lists a change of one meeting makes stale: the calendar and the resolutions (home page included). */
export const MEETING_LIST_QUERIES = ['meetingsListMeetings', 'meetingsListResolutions'] as const satisfies readonly QueryOperation[]
