/**
 * Server state of the meetings module: query keys, the meeting detail query, and one mutation
 * helper for every action that answers the whole meeting (MeetingRead) — the answer replaces the
 * cached detail, so counts, quorum and tabs update at once.
 */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query'
import { ElMessage } from 'element-plus'
import { meetingsGetMeeting } from '@/api'
import type { MeetingRead } from '@/api'
import { currentLocale } from '@/locales'
import { errorMessage } from '@/locales/errors'

export const mk = {
  all: ['meetings'] as const,
  list: (params: Record<string, unknown>) => ['meetings', 'list', params] as const,
  detail: (id: number) => ['meetings', 'detail', id] as const,
  checkIn: (id: number) => ['meetings', 'detail', id, 'check-in'] as const,
  resolutions: (params: Record<string, unknown>) => ['meetings', 'resolutions', params] as const,
  policy: (orgId: number) => ['meetings', 'policy', orgId] as const,
}

export function useMeeting(id: MaybeRefOrGetter<number>) {
  return useQuery({
    queryKey: computed(() => mk.detail(toValue(id))),
    queryFn: async () => (await meetingsGetMeeting({ path: { meeting_id: toValue(id) } })).data,
  })
}

/** Put a fresh meeting in the cache and mark the lists (calendar, resolutions) stale. */
export function useMeetingCache() {
  const queryClient = useQueryClient()
  return (meeting: MeetingRead) => {
    queryClient.setQueryData(mk.detail(meeting.id), meeting)
    void queryClient.invalidateQueries({ queryKey: ['meetings', 'list'] })
    void queryClient.invalidateQueries({ queryKey: ['meetings', 'resolutions'] })
  }
}

export interface ActionOptions<V> {
  /** Shown on success (a string, or one computed from the answer). */
  success?: string | ((m: MeetingRead, vars: V) => string | null)
  /** Errors are shown as a message unless this handles them (return true when handled). */
  onError?: (err: unknown, vars: V) => boolean | void
}

/**
 * A mutation for an action answering MeetingRead. Errors are shown in Chinese (English when
 * chosen) through the shared error texts, unless `onError` handles them.
 */
export function useMeetingAction<V = void>(call: (vars: V) => Promise<{ data: MeetingRead }>, options: ActionOptions<V> = {}) {
  const put = useMeetingCache()
  return useMutation({
    mutationFn: async (vars: V) => (await call(vars)).data,
    onSuccess: (meeting, vars) => {
      put(meeting)
      const text = typeof options.success === 'function' ? options.success(meeting, vars) : options.success
      if (text) ElMessage.success(text)
    },
    onError: (err, vars) => {
      if (options.onError?.(err, vars) === true) return
      ElMessage.error(errorMessage(err, currentLocale()))
    },
  })
}
