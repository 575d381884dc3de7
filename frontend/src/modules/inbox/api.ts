/** The in-app inbox (站内消息): unread count for the header bell, the list, marking read. */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query'
import { notificationsListNotifications, notificationsMarkAllRead, notificationsMarkRead, notificationsUnreadCount } from '@/api'

export const inboxKeys = {
  all: ['inbox'] as const,
  unread: ['inbox', 'unread'] as const,
  list: (params: { unread: boolean; page: number; size: number }) => ['inbox', 'list', params] as const,
}

/** How often the bell asks for the unread count. */
export const UNREAD_POLL_MS = 60_000

/** The unread count: polled every minute and refreshed whenever the window regains focus. */
export function useUnreadCount(enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery({
    queryKey: inboxKeys.unread,
    queryFn: async () => (await notificationsUnreadCount()).data.unread,
    enabled: computed(() => toValue(enabled)),
    refetchInterval: UNREAD_POLL_MS,
    refetchOnWindowFocus: 'always',
    staleTime: 5_000,
  })
}

export function useNotifications(params: MaybeRefOrGetter<{ unread: boolean; page: number; size: number }>) {
  return useQuery({
    queryKey: computed(() => inboxKeys.list(toValue(params))),
    queryFn: async () => (await notificationsListNotifications({ query: toValue(params) })).data,
    placeholderData: (previous) => previous,
    refetchOnWindowFocus: 'always',
    staleTime: 5_000,
  })
}

export function useMarkRead() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (id: number) => {
      await notificationsMarkRead({ path: { notification_id: id } })
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: inboxKeys.all }),
  })
}

export function useMarkAllRead() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async () => {
      await notificationsMarkAllRead()
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: inboxKeys.all }),
  })
}
