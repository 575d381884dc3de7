import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhCN from '@/locales/zh-CN'
import en from '@/locales/en'

describe('to-do texts', () => {
  it('has a Chinese and an English text for every to-do kind the API knows (openapi TodoKind)', () => {
    const spec = JSON.parse(readFileSync(resolve(process.cwd(), '../openapi/openapi.json'), 'utf-8')) as {
      components: { schemas: Record<string, { enum?: string[] }> }
    }
    const kinds = spec.components.schemas.TodoKind?.enum
    expect(kinds?.length).toBeGreaterThan(10)
    for (const kind of kinds!) {
      expect(zhCN.todo.kinds[kind as keyof typeof zhCN.todo.kinds], `zh-CN ${kind}`).toBeTruthy()
      expect(en.todo.kinds[kind as keyof typeof en.todo.kinds], `en ${kind}`).toBeTruthy()
    }
    expect(Object.keys(zhCN.todo.kinds).sort()).toEqual([...kinds!].sort())
  })

  it('says what to do in plain Chinese, with the count and the subject', () => {
    const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
    const t = i18n.global.t
    expect(t('todo.kinds.leave_requests', { n: 2, subject: '七月支部党员大会' }, 2)).toBe('「七月支部党员大会」有 2 条请假申请待审批')
    expect(t('todo.kinds.dues_owed', { n: 3, amount: '45.00' }, 3)).toBe('您有 3 个月的党费未交，共 45.00 元')
    for (const text of Object.values(zhCN.todo.kinds)) expect(text).not.toMatch(/[A-Z]{2,}-\d/) // no rule IDs on screen
    i18n.global.locale.value = 'en'
    expect(t('todo.kinds.unread_notices', { n: 1 }, 1)).toBe('1 unread message')
    expect(t('todo.kinds.unread_notices', { n: 4 }, 4)).toBe('4 unread messages')
  })
})
