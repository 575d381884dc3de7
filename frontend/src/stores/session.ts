/**
 * The signed-in session. The access token lives in memory only (never persisted); the refresh
 * token is an HttpOnly cookie the browser sends to /auth/refresh together with the CSRF header.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { authLogin, authLogout, authMe, authRefresh } from '@/api'
import type { Capability, MeRead, TokenRead } from '@/api'
import { CSRF_COOKIE, readCookie } from '@/utils/cookies'

export type SessionStatus = 'unknown' | 'anonymous' | 'authenticated'

/** Direct fetch for auth endpoints: bypasses the retry-on-401 wrapper (no loops). */
const rawFetch: typeof fetch = (input, init) => globalThis.fetch(input, init)

export const useSessionStore = defineStore('session', () => {
  const accessToken = ref<string | null>(null)
  const expiresAt = ref<number | null>(null)
  const me = shallowRef<MeRead | null>(null)
  const status = ref<SessionStatus>('unknown')
  const totpSetupRequired = ref(false)
  /** Set when the session ended on its own (expired refresh): the sign-in page says so. */
  const expired = ref(false)
  let refreshing: Promise<boolean> | null = null
  let bootstrapping: Promise<void> | null = null

  const isAuthenticated = computed(() => status.value === 'authenticated' && accessToken.value !== null)
  const mustChangePassword = computed(() => me.value?.user?.must_change_password === true)
  const displayName = computed(() => me.value?.user?.display_name ?? me.value?.member?.name ?? '')
  const principalKind = computed(() => me.value?.principal_kind ?? null)

  /** Every capability the caller holds in any organisation (plus global ones). */
  const capabilities = computed<Set<Capability>>(() => {
    const caps = new Set<Capability>(me.value?.global_capabilities ?? [])
    for (const org of me.value?.organizations ?? []) for (const c of org.capabilities) caps.add(c)
    return caps
  })

  function hasCapability(cap: Capability | readonly Capability[], orgId?: number | null): boolean {
    const wanted = typeof cap === 'string' ? [cap] : cap
    if (orgId != null) {
      const org = me.value?.organizations.find((o) => o.id === orgId)
      const global = me.value?.global_capabilities ?? []
      return wanted.some((c) => global.includes(c) || (org?.capabilities.includes(c) ?? false))
    }
    return wanted.some((c) => capabilities.value.has(c))
  }

  /**
   * Whether a capability reaches the organisation at `path` (materialised path such as "/1/4/"):
   * a post reaches its organisation's whole subtree.
   */
  function canAt(cap: Capability, path: string | null | undefined): boolean {
    if (me.value?.global_capabilities.includes(cap)) return true
    if (!path) return false
    return (me.value?.organizations ?? []).some((o) => path.startsWith(o.path) && o.capabilities.includes(cap))
  }

  function setToken(token: TokenRead): void {
    accessToken.value = token.access_token
    expiresAt.value = Date.now() + token.expires_in * 1000
    totpSetupRequired.value = token.totp_setup_required === true
  }

  function clear(): void {
    accessToken.value = null
    expiresAt.value = null
    me.value = null
    totpSetupRequired.value = false
    status.value = 'anonymous'
  }

  async function loadMe(): Promise<MeRead> {
    const { data } = await authMe()
    me.value = data
    status.value = 'authenticated'
    return data
  }

  /**
   * POST /auth/refresh — at most one in flight: concurrent callers share the same attempt.
   * Resolves false (and clears the session) when the refresh cookie is missing or rejected.
   */
  function refresh(): Promise<boolean> {
    if (refreshing) return refreshing
    const ended = (): false => {
      const wasSignedIn = accessToken.value !== null
      clear()
      if (wasSignedIn) expired.value = true
      return false
    }
    // The CSRF cookie comes and goes with the refresh cookie (same lifetime, both cleared on
    // sign-out): without it there is no session to restore, and asking would only earn a 401
    // that the browser logs as an error (a cold sign-in page stays quiet). Decided before any
    // promise is shared: `refreshing` only ever holds an attempt still in flight.
    const csrf = readCookie(CSRF_COOKIE)
    if (!csrf) return Promise.resolve(ended())
    refreshing = (async () => {
      try {
        const { data } = await authRefresh({
          fetch: rawFetch,
          credentials: 'include',
          headers: { 'X-CSRF-Token': csrf },
        })
        setToken(data)
        return true
      } catch {
        return ended()
      } finally {
        refreshing = null
      }
    })()
    return refreshing
  }

  /** On app start: try the refresh cookie once, then load /auth/me. */
  function bootstrap(): Promise<void> {
    if (status.value !== 'unknown') return Promise.resolve()
    if (bootstrapping) return bootstrapping
    bootstrapping = (async () => {
      try {
        if (await refresh()) await loadMe()
        else clear()
      } catch {
        clear()
      } finally {
        bootstrapping = null
      }
    })()
    return bootstrapping
  }

  async function login(username: string, password: string, otp?: string): Promise<TokenRead> {
    const { data } = await authLogin({
      fetch: rawFetch,
      credentials: 'include',
      // the refresh token then arrives only as an HttpOnly cookie, never readable by scripts
      headers: { 'X-Token-Delivery': 'cookie' },
      body: { username, password, ...(otp ? { otp } : {}) },
    })
    setToken(data)
    expired.value = false
    await loadMe()
    return data
  }

  async function logout(): Promise<void> {
    const csrf = readCookie(CSRF_COOKIE)
    const token = accessToken.value
    try {
      await authLogout({
        fetch: rawFetch,
        credentials: 'include',
        headers: {
          ...(csrf ? { 'X-CSRF-Token': csrf } : {}),
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
      })
    } catch {
      // The session ends locally whatever the server says.
    }
    clear()
    expired.value = false
  }

  /** The server no longer accepts this session (refresh failed on a 401). */
  function expire(): void {
    if (status.value === 'authenticated') expired.value = true
    clear()
  }

  return {
    accessToken,
    expiresAt,
    me,
    status,
    expired,
    totpSetupRequired,
    isAuthenticated,
    mustChangePassword,
    displayName,
    principalKind,
    capabilities,
    hasCapability,
    canAt,
    setToken,
    clear,
    loadMe,
    refresh,
    bootstrap,
    login,
    logout,
    expire,
  }
})
