/** TanStack Query: the cache for server state. */
import { QueryClient } from '@tanstack/vue-query'
import { ApiError } from './errors'

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // Client errors (403/404/422…) will not change on retry; network hiccups may.
        retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      },
      mutations: { retry: false },
    },
  })
}

/** Query keys, one family per backend domain. */
export const qk = {
  me: ['auth', 'me'] as const,
  sessions: ['auth', 'sessions'] as const,
  dashboard: ['dashboard'] as const,
  orgTree: ['organizations', 'tree'] as const,
  org: (id: number) => ['organizations', id] as const,
  posts: (id: number) => ['organizations', id, 'posts'] as const,
  terms: (id: number) => ['organizations', id, 'terms'] as const,
  userSearch: (q: string) => ['users', 'search', q] as const,
  members: (params: Record<string, unknown>) => ['members', 'list', params] as const,
  member: (id: number) => ['members', 'detail', id] as const,
  memberEvents: (id: number) => ['members', 'detail', id, 'events'] as const,
  memberStats: (orgId: number) => ['members', 'statistics', orgId] as const,
  myMember: ['me', 'member'] as const,
  myCorrections: ['me', 'member', 'corrections'] as const,
  corrections: (status: string) => ['members', 'corrections', status] as const,
}
