import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import { useRosterStore } from '@/stores/roster'
import { useSessionStore } from '@/stores/session'
import { DEFAULT_COLUMNS } from '@/modules/members/roster'
import { me } from './helpers'

describe('roster store (memory only)', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    localStorage.clear()
  })

  it('remembers the chosen columns in memory, not in the browser', () => {
    const roster = useRosterStore()
    expect(roster.chosen).toEqual([...DEFAULT_COLUMNS])
    roster.setColumn('mobile', false)
    roster.setColumn('categories', true)
    expect(roster.isChosen('mobile')).toBe(false)
    expect(roster.columns.map((c) => c.key)).toContain('categories')
    expect(roster.columns.map((c) => c.key)).not.toContain('mobile')
    // the name column is not optional
    roster.setColumn('name', false)
    expect(roster.columns[0].key).toBe('name')
    expect(localStorage.length).toBe(0)
    expect(sessionStorage.length).toBe(0)
    roster.resetColumns()
    expect(roster.chosen).toEqual([...DEFAULT_COLUMNS])
  })

  it('keeps the chosen columns in table order', () => {
    const roster = useRosterStore()
    roster.setColumn('gender', false)
    roster.setColumn('gender', true)
    expect(roster.chosen).toEqual([...DEFAULT_COLUMNS])
  })

  it('goes back to page 1 when filters, list, sort or page size change', () => {
    const roster = useRosterStore()
    const again = () => (roster.page = 4)
    again()
    roster.setFilters({ gender: 'female' })
    expect(roster.page).toBe(1)
    expect(roster.query).toMatchObject({ gender: 'female', page: 1 })
    again()
    roster.setList('lost_contact')
    expect(roster.page).toBe(1)
    expect(roster.query.list).toBe('lost_contact')
    expect(roster.columns.map((c) => c.key)).toContain('self_lapsed_due')
    again()
    roster.setSort('-joined_on')
    expect(roster.query).toMatchObject({ sort: '-joined_on', page: 1 })
    again()
    roster.setSize(50)
    expect(roster.query).toMatchObject({ size: 50, page: 1 })
  })

  it('starts afresh for another person', async () => {
    const roster = useRosterStore()
    const session = useSessionStore()
    roster.setFilters({ q: '王' })
    roster.setColumn('mobile', false)
    session.me = me(['roster.read']) as never
    await nextTick()
    expect(roster.filters.q).toBe('')
    expect(roster.isChosen('mobile')).toBe(true)
  })
})
