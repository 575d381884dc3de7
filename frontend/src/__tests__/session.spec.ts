import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useSessionStore } from '@/stores/session'
import { authFetch, installAuth, setupApiClient } from '@/api/client'
import { linkSession } from '@/api/session-link'
import { organizationsTree } from '@/api'
import { ApiError } from '@/api/errors'
import { json, me, mockFetch, pathOf, token } from './helpers'

describe('session store', () => {
  let expired = 0
  beforeEach(() => {
    setActivePinia(createPinia())
    setupApiClient()
    linkSession(useSessionStore(), () => expired++)
    document.cookie = 'dj_csrf=csrf-123; path=/'
  })

  it('keeps the access token in memory only', async () => {
    mockFetch((req) => (pathOf(req) === '/api/v1/auth/login' ? json(200, token('A1')) : json(200, me())))
    const session = useSessionStore()
    await session.login('secretary', 'pw')
    expect(session.accessToken).toBe('A1')
    expect(session.isAuthenticated).toBe(true)
    expect(localStorage.length).toBe(0)
    expect(sessionStorage.length).toBe(0)
  })

  it('refreshes once for concurrent callers, with the CSRF header and cookies', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const { calls } = mockFetch(async (req) => {
      if (pathOf(req) === '/api/v1/auth/refresh') {
        await gate
        return json(200, token('A2'))
      }
      return json(404, {})
    })
    const session = useSessionStore()
    const results = Promise.all([session.refresh(), session.refresh(), session.refresh()])
    release()
    expect(await results).toEqual([true, true, true])
    const refreshes = calls.filter((r) => pathOf(r) === '/api/v1/auth/refresh')
    expect(refreshes).toHaveLength(1)
    expect(refreshes[0].method).toBe('POST')
    expect(refreshes[0].headers.get('X-CSRF-Token')).toBe('csrf-123')
    expect(refreshes[0].credentials).toBe('include')
    expect(session.accessToken).toBe('A2')
  })

  it('clears the session when the refresh is refused', async () => {
    mockFetch(() => json(401, { code: 'refresh_invalid', status: 401, detail: '登录已失效，请重新登录' }))
    const session = useSessionStore()
    session.setToken(token('OLD'))
    expect(await session.refresh()).toBe(false)
    expect(session.accessToken).toBeNull()
    expect(session.status).toBe('anonymous')
    expect(session.expired).toBe(true)
  })

  it('bootstraps from the refresh cookie and loads /auth/me', async () => {
    const { calls } = mockFetch((req) => (pathOf(req) === '/api/v1/auth/refresh' ? json(200, token('B1')) : json(200, me())))
    const session = useSessionStore()
    await Promise.all([session.bootstrap(), session.bootstrap()])
    expect(session.status).toBe('authenticated')
    expect(calls.map(pathOf)).toEqual(['/api/v1/auth/refresh', '/api/v1/auth/me'])
    expect(calls[1].headers.get('Authorization')).toBe('Bearer B1')
  })

  it('bootstraps to anonymous without a refresh cookie', async () => {
    mockFetch(() => json(401, { code: 'refresh_invalid', status: 401 }))
    const session = useSessionStore()
    await session.bootstrap()
    expect(session.status).toBe('anonymous')
    expect(session.expired).toBe(false)
  })

  it('without the CSRF cookie (no session to restore) bootstraps to anonymous without asking', async () => {
    document.cookie = 'dj_csrf=; path=/; max-age=0'
    const { calls } = mockFetch(() => json(401, { code: 'refresh_invalid', status: 401 }))
    const session = useSessionStore()
    await session.bootstrap()
    expect(session.status).toBe('anonymous')
    expect(session.expired).toBe(false)
    expect(calls).toHaveLength(0) // no 401 for the browser to log on a cold sign-in page

    // signed in later (the cookies arrive): a refresh asks the server again
    document.cookie = 'dj_csrf=csrf-456; path=/'
    session.setToken(token('OLD'))
    const later = mockFetch(() => json(200, token('NEW')))
    expect(await session.refresh()).toBe(true)
    expect(session.accessToken).toBe('NEW')
    expect(later.calls.map(pathOf)).toEqual(['/api/v1/auth/refresh'])
  })

  it('a 401 on an API call refreshes once and retries; a refused refresh ends the session', async () => {
    const session = useSessionStore()
    session.setToken(token('OLD'))
    session.status = 'authenticated'
    let refreshOk = true
    const { calls } = mockFetch((req) => {
      const p = pathOf(req)
      if (p === '/api/v1/auth/refresh') return refreshOk ? json(200, token('NEW')) : json(401, { code: 'refresh_invalid' })
      return req.headers.get('Authorization') === 'Bearer NEW' ? json(200, []) : json(401, { code: 'token_invalid' })
    })
    await Promise.all([organizationsTree(), organizationsTree()])
    expect(calls.filter((r) => pathOf(r) === '/api/v1/auth/refresh')).toHaveLength(1)
    expect(session.accessToken).toBe('NEW')

    refreshOk = false
    session.setToken(token('STALE'))
    const before = expired
    await expect(organizationsTree()).rejects.toBeInstanceOf(ApiError)
    expect(expired).toBe(before + 1)
    expect(session.status).toBe('anonymous')
  })

  it('computes capabilities and subtree reach', () => {
    const session = useSessionStore()
    session.me = me(['org.read', 'org.manage']) as never
    expect(session.hasCapability('org.manage')).toBe(true)
    expect(session.hasCapability('audit.read')).toBe(false)
    expect(session.hasCapability(['audit.read', 'org.read'])).toBe(true)
    expect(session.canAt('org.manage', '/1/7/9/')).toBe(true)
    expect(session.canAt('org.manage', '/2/')).toBe(false)
    expect(session.canAt('org.manage', null)).toBe(false)
  })
})

describe('authFetch: one refresh and one retry on 401', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    setupApiClient()
  })

  function wire(initial: string | null) {
    let tok = initial
    const refresh = vi.fn(async () => {
      tok = 'NEW'
      return true
    })
    const onUnauthorized = vi.fn()
    installAuth({ getToken: () => tok, refresh, onUnauthorized })
    return { refresh, onUnauthorized }
  }

  it('sends the bearer token', async () => {
    wire('T0')
    const { calls } = mockFetch(() => json(200, []))
    await authFetch(new Request('http://localhost/api/v1/organizations/tree'))
    expect(calls[0].headers.get('Authorization')).toBe('Bearer T0')
  })

  it('refreshes on 401 and retries the request (body included) with the new token', async () => {
    const { refresh, onUnauthorized } = wire('OLD')
    const { calls } = mockFetch((req) => (req.headers.get('Authorization') === 'Bearer NEW' ? json(201, { ok: 1 }) : json(401, { code: 'token_invalid' })))
    const res = await authFetch(
      new Request('http://localhost/api/v1/organizations', { method: 'POST', body: JSON.stringify({ name: '支部' }), headers: { 'Content-Type': 'application/json' } }),
    )
    expect(res.status).toBe(201)
    expect(refresh).toHaveBeenCalledTimes(1)
    expect(onUnauthorized).not.toHaveBeenCalled()
    expect(calls).toHaveLength(2)
    expect(await calls[1].text()).toBe('{"name":"支部"}')
  })

  it('gives up after the refresh fails', async () => {
    const onUnauthorized = vi.fn()
    installAuth({ getToken: () => 'OLD', refresh: async () => false, onUnauthorized })
    mockFetch(() => json(401, { code: 'token_invalid' }))
    const res = await authFetch(new Request('http://localhost/api/v1/auth/me'))
    expect(res.status).toBe(401)
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
  })

  it('never retries the auth endpoints themselves', async () => {
    const { refresh } = wire('OLD')
    mockFetch(() => json(401, { code: 'invalid_credentials' }))
    await authFetch(new Request('http://localhost/api/v1/auth/login', { method: 'POST' }))
    expect(refresh).not.toHaveBeenCalled()
  })

  it('turns problem details into ApiError through the generated client', async () => {
    wire('T')
    mockFetch(() => json(403, { type: 'about:blank', title: '无权执行此操作', status: 403, detail: '无权执行此操作', code: 'forbidden' }))
    const err = await organizationsTree().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).status).toBe(403)
    expect((err as ApiError).code).toBe('forbidden')
  })
})
