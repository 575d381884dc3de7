/** 党龄 as shown (issue 18 item 10): never '0 年' for a formal member. */
import { describe, expect, it } from 'vitest'
import { standingText } from '@/modules/members/roster'
import { i18n } from '@/locales'

const t = (key: string, named: Record<string, unknown>) => i18n.global.t(key, named)

describe('党龄', () => {
  it('reads 不满1年 for a formal member converted less than a year ago, never 0', () => {
    expect(standingText(t, 'formal', 0)).toBe('不满1年')
    expect(standingText(t, 'formal', 0, 'roster.years')).toBe('不满1年')
    expect(standingText(t, 'formal', 0)).not.toMatch(/0/)
  })

  it('reads whole years after the first year, and nothing for a probationary member', () => {
    expect(standingText(t, 'formal', 1)).toBe('1 年')
    expect(standingText(t, 'formal', 26, 'roster.years')).toBe('26 年')
    expect(standingText(t, 'probationary', 0)).toBe('—')
  })
})
