import { vi } from 'vitest'

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  })
}

export const token = (access: string, extra: Record<string, unknown> = {}) => ({
  access_token: access,
  token_type: 'bearer',
  expires_in: 900,
  must_change_password: false,
  totp_setup_required: false,
  ...extra,
})

export const me = (caps: string[] = ['org.read']) => ({
  principal_kind: 'post_holder',
  user: { id: 3, username: 'secretary', display_name: '书记', is_admin: false, must_change_password: false, totp_enabled: false, organization_id: 1 },
  member: null,
  posts: [],
  organizations: [{ id: 1, name: '东风社区党委', kind: 'community', path: '/1/', capabilities: caps }],
  global_capabilities: [],
  restricted: false,
})

/** Install a fetch mock answering by "METHOD path"; records every request. */
export function mockFetch(handler: (req: Request) => Response | Promise<Response>) {
  const calls: Request[] = []
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request && !init ? input : new Request(input, init)
    calls.push(req.clone())
    return handler(req)
  })
  vi.stubGlobal('fetch', fn)
  return { fn, calls }
}

export const pathOf = (req: Request) => new URL(req.url).pathname
