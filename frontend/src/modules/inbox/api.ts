/**
 * The in-app inbox (站内消息): unread count for the header bell, the list, marking read.
 * Query keys and options come from the generated TanStack Query plugin (`@/api/queries`).
 */
import { computed, type MaybeRefOrGetter, toValue } from 'vue'
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/vue-query'
import { notificationsMarkAllRead, notificationsMarkRead } from '@/api'
import { notificationsListNotificationsOptions, notificationsUnreadCountOptions } from '@/api/queries'

/** How often the bell asks for the unread count. */
export const UNREAD_POLL_MS = 60_000

/** The operations whose answers marking read makes stale (generated keys are `[{ _id, … }]`). */
const INBOX_OPERATIONS = ['notificationsUnreadCount', 'notificationsListNotifications'] as const

function invalidateInbox(queryClient: QueryClient) {
  return Promise.all(INBOX_OPERATIONS.map((_id) => queryClient.invalidateQueries({ queryKey: [{ _id }] })))
}

/** The unread count: polled every minute and refreshed whenever the window regains focus. */
export function useUnreadCount(enabled: MaybeRefOrGetter<boolean> = true) {
  return useQuery({
    ...notificationsUnreadCountOptions(),
    select: (data) => data.unread,
    enabled: computed(() => toValue(enabled)),
    refetchInterval: UNREAD_POLL_MS,
    refetchOnWindowFocus: 'always',
    staleTime: 5_000,
  })
}

export function useNotifications(params: MaybeRefOrGetter<{ unread: boolean; page: number; size: number }>) {
  return useQuery(
    computed(() => ({
      ...notificationsListNotificationsOptions({ query: toValue(params) }),
      placeholderData: <T>(previous: T) => previous,
      refetchOnWindowFocus: 'always' as const,
      staleTime: 5_000,
    })),
  )
}

export function useMarkRead() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async (id: number) => {
      await notificationsMarkRead({ path: { notification_id: id } })
    },
    onSettled: () => invalidateInbox(queryClient),
  })
}

export function useMarkAllRead() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async () => {
      await notificationsMarkAllRead()
    },
    onSettled: () => invalidateInbox(queryClient),
  })
}
