import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { QueryClient, VueQueryPlugin } from '@tanstack/vue-query'
import type { MeetingRead, QuorumRead } from '@/api'
import { installAuth, setupApiClient } from '@/api/client'
import { i18n } from '@/locales'
import VotePanel from '@/modules/meetings/components/VotePanel.vue'
import { json, mockFetch, pathOf } from './helpers'

function quorum(present: number): QuorumRead {
  return {
    rule: 'committee',
    expected: 5,
    present,
    excused: 0,
    absent: 0,
    sitting_in: 1,
    unmarked: 5 - present,
    written_opinions: 0,
    met: 2 * present > 5,
    minimum_present: 3,
    message: `应到 5 人，实到 ${present} 人`,
  }
}

function meeting(present: number, extra: Partial<MeetingRead> = {}): MeetingRead {
  return {
    id: 9,
    organization_id: 2,
    organization_name: '东风社区党委',
    type: 'committee',
    title: '支部委员会',
    starts_at: '2026-11-25T01:00:00Z',
    ends_at: '2026-11-25T03:00:00Z',
    place: '',
    status: 'notified',
    notice_short: false,
    confidential: false,
    host: '',
    recorder: '',
    materials: '',
    notified_at: null,
    notice_days_required: null,
    cancel_reason: null,
    held_at: null,
    emergency: false,
    emergency_reason: null,
    version: 1,
    quorum: quorum(present),
    attendees: [],
    agenda: [],
    resolutions: [],
    materials_attachments: [],
    minutes: null,
    minutes_hidden: false,
    can_manage: true,
    can_decide_agenda: true,
    to_deliver: [],
    ...extra,
  }
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim()

describe('VotePanel', () => {
  const mountPanel = (m: MeetingRead) => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
    return mount(VotePanel, { props: { meeting: m }, global: { plugins: [createPinia(), i18n, [VueQueryPlugin, { queryClient }]] } })
  }

  async function typeYes(w: ReturnType<typeof mountPanel>, value: number) {
    const input = w.find('input[name=vote-yes]')
    await input.setValue(String(value))
    await input.trigger('change')
    await flushPromises()
  }

  beforeEach(() => {
    setupApiClient()
    installAuth({ getToken: () => 'TOKEN', refresh: async () => false, onUnauthorized: () => {} })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('shows 未通过 below quorum and the server’s explanation when "记为通过" is refused', async () => {
    const detail = '应到 5，实到 2，赞成 2 — 到会未过半数，未通过（实到须超过应到人数的一半，即至少 3 人；赞成票须超过应到人数的一半，即至少 3 票）'
    const { calls } = mockFetch(() => json(409, { status: 409, title: '到会人数不足', code: 'quorum_not_met', detail }))
    const w = mountPanel(meeting(2))
    await typeYes(w, 2)
    expect(squash(w.find('[data-testid=vote-result] .result__line').text())).toBe('应到 5，实到 2，赞成 2 — 未通过')
    expect(w.find('[data-testid=vote-result]').text()).toContain('至少 3 人')
    // the emergency option exists only below quorum (MTG-06)
    expect(w.find('[data-testid=vote-emergency]').exists()).toBe(true)

    await w.find('input[name=vote-title]').setValue('关于加装电梯的决议')
    await w.find('[data-testid=vote-declare-passed]').trigger('click')
    await flushPromises()
    expect(calls).toHaveLength(1)
    expect(pathOf(calls[0])).toBe('/api/v1/meetings/9/resolutions')
    expect(await calls[0].json()).toMatchObject({ title: '关于加装电梯的决议', rule: 'committee', yes: 2, no: 0, declared: 'passed', secret: false }) // open (举手) by default
    const error = w.find('[data-testid=vote-error]')
    expect(error.exists()).toBe(true)
    expect(error.text()).toContain('到会人数不足')
    expect(error.text()).toContain(detail)
    w.unmount()
  })

  it('computes 通过 with three of five present and three yes; needs a question first', async () => {
    const { calls } = mockFetch(() => json(200, meeting(3)))
    const w = mountPanel(meeting(3))
    await typeYes(w, 2)
    expect(squash(w.find('[data-testid=vote-verdict]').text())).toBe('未通过')
    await typeYes(w, 3)
    expect(squash(w.find('[data-testid=vote-result] .result__line').text())).toBe('应到 5，实到 3，赞成 3 — 通过')
    expect(w.find('[data-testid=vote-emergency]').exists()).toBe(false)
    await w.find('[data-testid=vote-declare-passed]').trigger('click')
    await flushPromises()
    expect(calls).toHaveLength(0)
    await new Promise((r) => setTimeout(r, 150)) // the form item shows its error after a 100 ms debounce
    expect(w.text()).toContain('请填写表决事项')
    w.unmount()
  })

  it('says when the numbers cannot be right', async () => {
    mockFetch(() => json(500, {}))
    const w = mountPanel(meeting(3))
    await typeYes(w, 4)
    expect(w.find('[data-testid=vote-problem]').text()).toBe('投票总数 4 张超过参加表决的人数 3 人')
    w.unmount()
  })

  it('offers no vote form in a meeting that takes no votes', () => {
    mockFetch(() => json(500, {}))
    const w = mountPanel(meeting(0, { type: 'party_lecture', quorum: { ...quorum(0), rule: null, met: null, message: null } }))
    expect(w.find('input[name=vote-title]').exists()).toBe(false)
    expect(w.text()).toContain('此类会议不作表决')
    w.unmount()
  })
})
