/**
 * Roster calls that need more than the generated SDK gives: the member together with its ETag
 * (GET), and the update sent with If-Match, answering the new record and ETag (PATCH).
 */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query'
import { ElMessageBox } from 'element-plus'
import { ApiError, membersGetMember, membersUpdateMember } from '@/api'
import type { MemberRead, MemberUpdate } from '@/api'
import { invalidateOperations, membersGetMemberQueryKey } from '@/api/queries'
import { currentLocale, i18n } from '@/locales'
import { errorMessage } from '@/locales/errors'

export interface Tagged {
  member: MemberRead
  /** The ETag of this version (sent back as If-Match); the version number when none came. */
  etag: string
}

const tagOf = (response: Response | undefined, m: MemberRead) => response?.headers.get('etag') ?? `"${m.id}-${m.version}"`

export async function fetchMember(id: number): Promise<Tagged> {
  const { data, response } = await membersGetMember({ path: { member_id: id } })
  return { member: data, etag: tagOf(response, data) }
}

export async function updateMember(id: number, etag: string, body: MemberUpdate): Promise<Tagged> {
  const { data, response } = await membersUpdateMember({ path: { member_id: id }, headers: { 'if-match': etag }, body })
  return { member: data, etag: tagOf(response, data) }
}

/**
 * The generated key of GET /members/{id}, fetched here rather than by the generated options: the
 * cached value is the record together with its ETag (`Tagged`), which the options (body only) drop.
 * No other query of this operation exists, so the key holds only `Tagged` values.
 */
export const memberKey = (id: number) => membersGetMemberQueryKey({ path: { member_id: id } })

export function useMember(id: MaybeRefOrGetter<number>) {
  return useQuery({
    queryKey: computed(() => memberKey(toValue(id))),
    queryFn: () => fetchMember(toValue(id)),
  })
}

/** PATCH with If-Match; on success the cached record (and its ETag) is replaced. */
export function useMemberUpdate(id: MaybeRefOrGetter<number>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ etag, body }: { etag: string; body: MemberUpdate }) => updateMember(toValue(id), etag, body),
    onSuccess: (tagged) => {
      queryClient.setQueryData(memberKey(toValue(id)), tagged)
      void invalidateOperations(queryClient, ['membersListMembers', 'membersMemberStatistics', 'dashboardDashboard'])
    },
  })
}

export const isStale = (err: unknown) => err instanceof ApiError && (err.status === 412 || err.code === 'precondition_failed')

/**
 * Someone else changed the record since it was loaded (412): say so, and offer to reload.
 * Resolves true when the person chose to reload.
 */
export async function offerReload(err: unknown): Promise<boolean> {
  const { t } = i18n.global
  try {
    await ElMessageBox.confirm(errorMessage(err, currentLocale()), t('member.staleTitle'), {
      type: 'warning',
      confirmButtonText: t('member.reload'),
      cancelButtonText: t('common.cancel'),
      customClass: 'stale-dialog',
    })
    return true
  } catch {
    return false
  }
}
