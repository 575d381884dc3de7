/** 我的会议: the invitee's side of meetings (list, detail, leave, written opinion, check-in). */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query'
import { meCheckIn, meRequestLeave, meSendOpinion } from '@/api'
import type { MyMeetingRead } from '@/api'
import { meMyMeetingOptions, meMyMeetingQueryKey, meMyMeetingsOptions, meMyMeetingsQueryKey } from '@/api/queries'

export function useMyMeetings() {
  return useQuery(meMyMeetingsOptions())
}

export function useMyMeeting(id: MaybeRefOrGetter<number>) {
  return useQuery(computed(() => meMyMeetingOptions({ path: { meeting_id: toValue(id) } })))
}

/** Leave, opinion and check-in answer the updated meeting: put it in the cache. */
function useMyMeetingAction<V>(id: MaybeRefOrGetter<number>, call: (id: number, v: V) => Promise<MyMeetingRead>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (v: V) => call(toValue(id), v),
    onSuccess: (meeting) => {
      queryClient.setQueryData(meMyMeetingQueryKey({ path: { meeting_id: meeting.id } }), meeting)
      void queryClient.invalidateQueries({ queryKey: meMyMeetingsQueryKey() })
    },
  })
}

export const useRequestLeave = (id: MaybeRefOrGetter<number>) =>
  useMyMeetingAction(id, async (meetingId, reason: string) => (await meRequestLeave({ path: { meeting_id: meetingId }, body: { reason } })).data)

export const useSendOpinion = (id: MaybeRefOrGetter<number>) =>
  useMyMeetingAction(id, async (meetingId, opinion: string) => (await meSendOpinion({ path: { meeting_id: meetingId }, body: { opinion } })).data)

export const useCheckIn = (id: MaybeRefOrGetter<number>) =>
  useMyMeetingAction(id, async (meetingId, token: string) => (await meCheckIn({ path: { meeting_id: meetingId }, body: { token } })).data)
