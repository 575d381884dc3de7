/**
 * Every audit action and entity the backend can write, and every stored enum value, has a Chinese
 * label (issue 18 item 4): nothing raw such as `meeting` or `member_import` on the audit page or
 * in the dashboard's recent operations.
 *
 * `backend-vocabulary.json` is derived from the backend's source by tests/backend/test_labels.py
 * (which fails when it is stale); this test checks it against the label tables.
 */
import { describe, expect, it } from 'vitest'
import vocabulary from '@/locales/backend-vocabulary.json'
import { enumLabel, enumLabels, type EnumGroup } from '@/locales/enums'

const CHINESE = /[\u4e00-\u9fff]/

function unlabelled(group: EnumGroup, values: string[]): string[] {
  const table = enumLabels[group] as Record<string, { 'zh-CN': string; en: string }>
  return values.filter((v) => !Object.hasOwn(table, v) || !CHINESE.test(table[v]!['zh-CN']) || !table[v]!.en)
}

describe('labels for what the backend stores', () => {
  it('labels every audit action in Chinese', () => {
    expect(vocabulary.auditAction.length).toBeGreaterThan(50)
    expect(unlabelled('auditAction', vocabulary.auditAction)).toEqual([])
  })

  it('labels every audit entity in Chinese', () => {
    expect(unlabelled('auditEntity', vocabulary.auditEntity)).toEqual([])
    for (const raw of ['meeting', 'resolution', 'notification', 'member_import', 'member_export', 'meeting_ledger']) {
      expect(enumLabel('auditEntity', raw)).toMatch(CHINESE)
    }
  })

  it('exports print the audit log in the words the audit page shows', () => {
    for (const group of ['auditAction', 'auditEntity'] as const) {
      const printed = vocabulary.exportLabels[group] as Record<string, string>
      expect(Object.keys(printed).length).toBe(vocabulary[group].length)
      const differing = Object.entries(printed).filter(([raw, label]) => label !== enumLabel(group, raw))
      expect(differing, `backend/dangjian/audit/labels.py ${group}`).toEqual([])
    }
  })

  it('labels every value of every stored enum in Chinese', () => {
    const groups = vocabulary.enums as Record<string, string[]>
    for (const [group, values] of Object.entries(groups)) {
      expect(Object.hasOwn(enumLabels, group), `label group ${group}`).toBe(true)
      expect(unlabelled(group as EnumGroup, values), group).toEqual([])
    }
  })
})
