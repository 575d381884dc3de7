/**
 * Wires the generated client (src/api/generated) to the session: every request carries
 * `Authorization: Bearer <access>`; a 401 triggers ONE refresh (shared by concurrent requests)
 * and one retry; errors become `ApiError` (RFC 9457 problem details).
 */
import { client } from './generated/client.gen'
import { ApiError, type ProblemBody } from './errors'

export interface AuthHooks {
  /** Current access token (memory only), or null. */
  getToken: () => string | null
  /** Refresh the access token once; resolves true when a new token is in place. */
  refresh: () => Promise<boolean>
  /** Called when a request stays unauthorised after the refresh: the session is over. */
  onUnauthorized: () => void
}

let hooks: AuthHooks | null = null

/** Endpoints that must never trigger the refresh-and-retry dance. */
const NO_RETRY = ['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout']

function isNoRetry(url: string): boolean {
  const path = new URL(url, 'http://x').pathname
  return NO_RETRY.includes(path)
}

function withToken(request: Request, token: string | null): Request {
  const req = new Request(request)
  if (token) req.headers.set('Authorization', `Bearer ${token}`)
  return req
}

/** The fetch the generated client uses. Exported for tests. */
export async function authFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const fetchImpl = globalThis.fetch
  const request = input instanceof Request && !init ? input : new Request(input, init)
  if (!hooks || isNoRetry(request.url)) return fetchImpl(request)
  const sentWith = hooks.getToken()
  // Keep an unread copy of the request (body included) for the retry.
  const spare = request.clone()
  const response = await fetchImpl(withToken(request, sentWith))
  if (response.status !== 401) return response
  // Another request may already have refreshed while this one was in flight.
  const current = hooks.getToken()
  const refreshed = current !== null && current !== sentWith ? true : await hooks.refresh()
  if (!refreshed) {
    hooks.onUnauthorized()
    return response
  }
  const retried = await fetchImpl(withToken(spare, hooks.getToken()))
  if (retried.status === 401) hooks.onUnauthorized()
  return retried
}

export function installAuth(h: AuthHooks): void {
  hooks = h
}

let configured = false

/** Configure the generated client once (base URL is same-origin; cookies always sent). */
export function setupApiClient(): void {
  if (configured) return
  configured = true
  client.setConfig({ baseUrl: '', credentials: 'include', fetch: authFetch, throwOnError: true })
  client.interceptors.error.use((error, response) => {
    if (error instanceof ApiError) return error
    if (!response) return new ApiError(0, { code: 'network_error', detail: '' })
    return new ApiError(response.status, error as ProblemBody | string)
  })
}

export { client }
