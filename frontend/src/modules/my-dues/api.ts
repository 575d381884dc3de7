/** 我的党费: the member's own statement and reduction/exemption applications. */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { keepPreviousData, useQuery } from '@tanstack/vue-query'
import { duesMemberStatementOptions } from '@/api/queries'

export function useMyStatement(memberId: MaybeRefOrGetter<number | null>, year: MaybeRefOrGetter<number>) {
  return useQuery(
    computed(() => ({
      ...duesMemberStatementOptions({ path: { member_id: toValue(memberId)! }, query: { year: toValue(year) } }),
      enabled: toValue(memberId) != null,
      placeholderData: keepPreviousData,
    })),
  )
}
