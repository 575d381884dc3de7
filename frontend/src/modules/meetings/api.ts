/**
 * Server state of the meetings module: the meeting detail query (generated options), and one
 * mutation helper for every action that answers the whole meeting (MeetingRead) — the answer
 * replaces the cached detail, so counts, quorum and tabs update at once.
 */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query'
import { ElMessage } from 'element-plus'
import type { MeetingRead } from '@/api'
import { MEETING_LIST_QUERIES, invalidateOperations, meetingsGetMeetingOptions, meetingsGetMeetingQueryKey } from '@/api/queries'
import { currentLocale } from '@/locales'
import { errorMessage } from '@/locales/errors'

/** The generated key of one meeting's detail. */
export const meetingKey = (id: number) => meetingsGetMeetingQueryKey({ path: { meeting_id: id } })

export function useMeeting(id: MaybeRefOrGetter<number>) {
  return useQuery(computed(() => meetingsGetMeetingOptions({ path: { meeting_id: toValue(id) } })))
}

/** Put a fresh meeting in the cache and mark the lists (calendar, resolutions) stale. */
export function useMeetingCache() {
  const queryClient = useQueryClient()
  return (meeting: MeetingRead) => {
    queryClient.setQueryData(meetingKey(meeting.id), meeting)
    void invalidateOperations(queryClient, MEETING_LIST_QUERIES)
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
