import { describe, expect, it } from 'vitest'
import { decide, safeRedirect, type GuardSession, type GuardTarget } from '@/router/guard'

const signedIn = (caps: string[] = [], extra: Partial<GuardSession> = {}): GuardSession => ({
  status: 'authenticated',
  mustChangePassword: false,
  totpSetupRequired: false,
  hasCapability: (cap) => (typeof cap === 'string' ? [cap] : cap).some((c) => caps.includes(c)),
  ...extra,
})
const anonymous: GuardSession = { ...signedIn(), status: 'anonymous' }
const route = (name: string, fullPath: string, meta: GuardTarget['meta'] = {}): GuardTarget => ({ name, fullPath, meta })

const orgs = route('organizations', '/organizations/5', { capability: 'org.read' })
const login = route('login', '/login', { public: true })

describe('permission-meta route guard', () => {
  it('sends anonymous callers to sign-in, remembering where they were going', () => {
    expect(decide(orgs, anonymous)).toEqual({ kind: 'redirect', to: { name: 'login', query: { redirect: '/organizations/5' } } })
    expect(decide(route('dashboard', '/'), anonymous)).toEqual({ kind: 'redirect', to: { name: 'login', query: undefined } })
  })

  it('lets anyone see public pages, but not signed-in people the sign-in page', () => {
    expect(decide(login, anonymous)).toEqual({ kind: 'allow' })
    expect(decide(login, signedIn())).toEqual({ kind: 'redirect', to: { name: 'dashboard' } })
  })

  it('denies pages whose capability the caller lacks', () => {
    expect(decide(orgs, signedIn(['roster.read']))).toEqual({ kind: 'deny' })
    expect(decide(orgs, signedIn(['org.read']))).toEqual({ kind: 'allow' })
    expect(decide(route('x', '/x', { capability: ['audit.read', 'org.read'] }), signedIn(['org.read']))).toEqual({ kind: 'allow' })
    expect(decide(route('dashboard', '/'), signedIn())).toEqual({ kind: 'allow' })
  })

  it('forces the password change before anything else', () => {
    const s = signedIn(['org.read'], { mustChangePassword: true })
    expect(decide(orgs, s)).toEqual({ kind: 'redirect', to: { name: 'password-change' } })
    expect(decide(route('password-change', '/password-change'), s)).toEqual({ kind: 'allow' })
    expect(decide(route('password-change', '/password-change'), signedIn())).toEqual({ kind: 'redirect', to: { name: 'dashboard' } })
  })

  it('forces the second-factor set-up when the session is restricted', () => {
    const s = signedIn(['org.read'], { totpSetupRequired: true })
    expect(decide(orgs, s)).toEqual({ kind: 'redirect', to: { name: 'totp-setup' } })
    expect(decide(route('totp-setup', '/totp-setup'), s)).toEqual({ kind: 'allow' })
  })

  it('only follows same-app redirects', () => {
    expect(safeRedirect('/organizations/5?tab=terms')).toBe('/organizations/5?tab=terms')
    expect(safeRedirect('//evil.example/')).toBeNull()
    expect(safeRedirect('https://evil.example/')).toBeNull()
    expect(safeRedirect('/\\evil.example')).toBeNull()
    expect(safeRedirect(['/x'])).toBeNull()
  })

  it('opens self-service pages only to accounts linked to a member record', () => {
    const mine = route('my-member', '/me/member', { member: true })
    expect(decide(mine, signedIn([], { hasMember: true }))).toEqual({ kind: 'allow' })
    expect(decide(mine, signedIn(['roster.read']))).toEqual({ kind: 'deny' })
    expect(decide(mine, anonymous)).toEqual({ kind: 'redirect', to: { name: 'login', query: { redirect: '/me/member' } } })
  })

  it('guards the roster with roster.read', () => {
    const roster = route('members', '/members', { capability: 'roster.read' })
    expect(decide(roster, signedIn(['org.read']))).toEqual({ kind: 'deny' })
    expect(decide(roster, signedIn(['roster.read']))).toEqual({ kind: 'allow' })
  })
})

