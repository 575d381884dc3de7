/** Connects the API client to the session store (used by main.ts and the tests). */
import { installAuth } from './client'
import type { useSessionStore } from '@/stores/session'

export function linkSession(session: ReturnType<typeof useSessionStore>, onExpired: () => void): void {
  installAuth({
    getToken: () => session.accessToken,
    refresh: () => session.refresh(),
    onUnauthorized: () => {
      session.expire()
      onExpired()
    },
  })
}
