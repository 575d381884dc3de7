import { describe, expect, it } from 'vitest'
import { badgeText, inboxTarget, isKnownKind, isUnread, readableBody } from '@/modules/inbox/links'
import zhCN from '@/locales/zh-CN'
import en from '@/locales/en'
import { createI18n } from 'vue-i18n'

describe('inbox links', () => {
  it('follows in-app paths, query and hash included', () => {
    expect(inboxTarget('/my/meetings/12')).toBe('/my/meetings/12')
    expect(inboxTarget('  /my/meetings/12/check-in?token=abcDEF12_-  ')).toBe('/my/meetings/12/check-in?token=abcDEF12_-')
    expect(inboxTarget('/members/3#events')).toBe('/members/3#events')
  })

  it('has nowhere to go without a link', () => {
    expect(inboxTarget(null)).toBeNull()
    expect(inboxTarget(undefined)).toBeNull()
    expect(inboxTarget('')).toBeNull()
    expect(inboxTarget('   ')).toBeNull()
  })

  it('never leaves the platform', () => {
    expect(inboxTarget('//evil.example/x')).toBeNull()
    expect(inboxTarget('/\\evil.example')).toBeNull()
    expect(inboxTarget('https://evil.example/my/meetings/1', 'https://dj.example')).toBeNull()
    expect(inboxTarget('javascript:alert(1)', 'https://dj.example')).toBeNull()
    expect(inboxTarget('my/meetings/1')).toBeNull()
    expect(inboxTarget('https://dj.example/my/meetings/1')).toBeNull() // no origin to compare with
  })

  it('takes an absolute link of this origin as its path', () => {
    expect(inboxTarget('https://dj.example/my/meetings/1?x=1#y', 'https://dj.example')).toBe('/my/meetings/1?x=1#y')
    expect(inboxTarget('http://dj.example/my/meetings/1', 'https://dj.example')).toBeNull()
    expect(inboxTarget('https://dj.example.evil/x', 'https://dj.example')).toBeNull()
  })

  it('badge text: hidden at zero, capped at 99+', () => {
    expect(badgeText(0)).toBe('')
    expect(badgeText(undefined)).toBe('')
    expect(badgeText(-1)).toBe('')
    expect(badgeText(1)).toBe('1')
    expect(badgeText(99)).toBe('99')
    expect(badgeText(100)).toBe('99+')
  })

  it('unread means no read_at', () => {
    expect(isUnread({ read_at: null })).toBe(true)
    expect(isUnread({ read_at: '2026-11-24T02:00:00Z' })).toBe(false)
  })

  it('writes ISO instants of a message body in local time', () => {
    const body = '时间：2026-11-24T02:01:25.320000+00:00\n地点：党群服务中心'
    expect(readableBody(body, (iso) => `<${iso.slice(0, 10)}>`)).toBe('时间：<2026-11-24>\n地点：党群服务中心')
    expect(readableBody('2026-11-24T02:00Z and 2026-11-25T03:00:00+0800', () => 'T')).toBe('T and T')
    expect(readableBody('编号 2026-11-24 不是时刻', () => 'T')).toBe('编号 2026-11-24 不是时刻')
  })

  it('every known kind has a label in both languages', () => {
    for (const kind of ['meeting_notice', 'meeting_agenda', 'meeting_cancelled', 'meeting_resolutions', 'leave_decision']) {
      expect(isKnownKind(kind)).toBe(true)
      expect(zhCN.inbox.kind[kind as keyof typeof zhCN.inbox.kind]).toBeTruthy()
      expect(en.inbox.kind[kind as keyof typeof en.inbox.kind]).toBeTruthy()
    }
    expect(isKnownKind('something_else')).toBe(false)
  })
})

describe('inbox wording', () => {
  it('counts unread messages in both languages (singular and plural in English)', () => {
    const i18n = createI18n({ legacy: false, locale: 'en', messages: { 'zh-CN': zhCN, en } })
    const t = i18n.global.t
    expect(t('inbox.unreadSummary', { n: 1 }, 1)).toBe('1 unread message')
    expect(t('inbox.unreadSummary', { n: 3 }, 3)).toBe('3 unread messages')
    expect(t('todo.overdueDays', { n: 1 }, 1)).toBe('1 day overdue')
    i18n.global.locale.value = 'zh-CN'
    expect(t('inbox.unreadSummary', { n: 3 }, 3)).toBe('3 条未读消息')
    expect(t('inbox.bellUnread', { n: 2 })).toBe('消息（2 条未读）')
  })
})
