/** 我的党费: the member's own statement and reduction/exemption applications. */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { keepPreviousData, useQuery } from '@tanstack/vue-query'
import { duesMemberStatement } from '@/api'

export const myDuesKeys = {
  statement: (memberId: number | null, year: number) => ['dues', 'mine', 'statement', memberId, year] as const,
}

export function useMyStatement(memberId: MaybeRefOrGetter<number | null>, year: MaybeRefOrGetter<number>) {
  return useQuery({
    queryKey: computed(() => myDuesKeys.statement(toValue(memberId), toValue(year))),
    queryFn: async () => (await duesMemberStatement({ path: { member_id: toValue(memberId)! }, query: { year: toValue(year) } })).data,
    enabled: computed(() => toValue(memberId) != null),
    placeholderData: keepPreviousData,
  })
}
