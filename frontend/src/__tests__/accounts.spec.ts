import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/errors'
import { errorMessage } from '@/locales/errors'
import { mayAppointAt } from '@/modules/organizations/posts'
import type { Capability } from '@/api'

const grant = (path: string, capabilities: Capability[]) => ({ id: 1, name: '', kind: 'community' as const, path, capabilities })
const me = (organizations: ReturnType<typeof grant>[], global_capabilities: Capability[] = []) => ({ organizations, global_capabilities })

describe('who may appoint posts (a committee is appointed from above)', () => {
  const community = me([grant('/1/2/', ['org.read', 'org.manage'])])

  it('a community secretary appoints below its community, not in it', () => {
    expect(mayAppointAt(community, '/1/2/')).toBe(false)
    expect(mayAppointAt(community, '/1/2/3/')).toBe(true)
    expect(mayAppointAt(community, '/1/')).toBe(false)
  })

  it('paths compare by segment, never by string prefix', () => {
    expect(mayAppointAt(community, '/1/20/')).toBe(false)
    expect(mayAppointAt(community, '/1/2')).toBe(false)
  })

  it('needs org.manage, and the administrator appoints anywhere', () => {
    expect(mayAppointAt(me([grant('/1/', ['org.read'])]), '/1/2/')).toBe(false)
    expect(mayAppointAt(me([], ['org.manage']), '/1/')).toBe(true)
    expect(mayAppointAt(null, '/1/2/')).toBe(false)
  })
})

describe('refusals read in Chinese', () => {
  it.each(['account_outranks_you', 'cannot_manage_self', 'admin_account_protected', 'post_appointed_by_higher', 'post_grants_more', 'cannot_appoint_self', 'admin_cannot_hold_post'])(
    '%s',
    (code) => {
      const err = new ApiError(403, { status: 403, code, detail: '', title: '' })
      expect(errorMessage(err, 'zh-CN')).toMatch(/[\u4e00-\u9fa5]/)
      expect(errorMessage(err, 'zh-CN')).not.toBe('无权执行此操作')
    },
  )
})
