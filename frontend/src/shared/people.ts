/**
 * People in the compliance reports are listed by name — in the reader's collation (pinyin for
 * Chinese), never by a rate or a count (anti-formalism: no ranking).
 */
const collators = new Map<string, Intl.Collator>()

function collator(locale: string): Intl.Collator {
  const key = locale === 'en' ? 'en' : 'zh-Hans-CN-u-co-pinyin'
  let c = collators.get(key)
  if (!c) {
    c = new Intl.Collator(key, { sensitivity: 'base', numeric: true })
    collators.set(key, c)
  }
  return c
}

/** A copy sorted by name (then organisation, then id, so equal names keep a stable order). */
export function byName<T extends { name: string; organization_name?: string; member_id: number }>(rows: readonly T[], locale = 'zh-CN'): T[] {
  const c = collator(locale)
  return [...rows].sort(
    (a, b) => c.compare(a.name, b.name) || c.compare(a.organization_name ?? '', b.organization_name ?? '') || a.member_id - b.member_id,
  )
}
