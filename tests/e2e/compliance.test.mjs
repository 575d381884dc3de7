/**
 * 三会一课 in the browser: the compliance table for the current month, its colours before and
 * after a committee meeting is held (seeded through the API), the drill-down, the attendance and
 * absence tabs and a meeting-book download — against one real backend with the demo data.
 * Run: node --test --test-concurrency=1 tests/e2e/   (after `npm --prefix frontend run build`)
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { api, apiToken, browserSuite, screenshot, signInToDashboard, SKIP } from './harness.mjs'


const ORG = '东风社区党委'
const BRANCH = '第一党支部（幸福小区）'

/**
 * DISC-01 material: a 支部党员大会 of 第一党支部 in each of the three previous months, held with
 * everyone present except one member, marked absent each time. Returns that member's name.
 */
async function seedAbsences(base, token) {
  const tree = await api(base, token, 'GET', '/organizations/tree')
  const flat = []
  const walk = (n) => {
    flat.push(n)
    for (const c of n.children ?? []) walk(c)
  }
  tree.body.forEach(walk)
  const branch = flat.find((o) => o.name === BRANCH)
  assert.ok(branch, BRANCH)
  let absentee = null
  for (const back of [3, 2, 1]) {
    const day = new Date()
    day.setDate(1)
    day.setMonth(day.getMonth() - back)
    day.setHours(15, 0, 0, 0)
    const created = await api(base, token, 'POST', '/meetings', { organization_id: branch.id, type: 'branch_assembly', title: `党员大会（${back}个月前）`, starts_at: day.toISOString(), late_reason: '会后补录（LEDG-03）' })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    absentee ??= created.body.attendees.find((a) => a.member_id != null && a.role === 'expected')
    const entries = created.body.attendees.map((a) => ({ attendee_id: a.id, attendance: a.member_id === absentee.member_id ? 'absent' : a.role === 'sitting_in' ? 'sitting_in' : 'present' }))
    const signed = await api(base, token, 'PUT', `/meetings/${created.body.id}/attendance`, { entries })
    assert.equal(signed.status, 200, JSON.stringify(signed.body))
    const held = await api(base, token, 'POST', `/meetings/${created.body.id}/hold`, {})
    assert.equal(held.status, 200, JSON.stringify(held.body))
  }
  return absentee.name
}
const cell = (page, type) => page.locator(`[data-testid=compliance-cell][data-org="${ORG}"][data-type=${type}]`)

describe('三会一课 compliance in the browser', { skip: SKIP }, () => {
  let backend
  let browser
  let page
  let secretary

  const suite = browserSuite()
  before(async () => {
    ({ backend, browser, page } = suite)
    secretary = await apiToken(backend.base, 'secretary')
  })


  it('the 支部委员会 cell turns green once a committee meeting is held this month; drill-down, tabs, ledger', async () => {
    const absentee = await seedAbsences(backend.base, secretary)
    await signInToDashboard(page, backend.base, 'secretary')
    await page.locator('[data-menu=compliance]').click()
    await page.waitForURL(/\/compliance/)
    // The current month is the default period.
    const now = new Date()
    const month = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`
    await page.waitForURL(new RegExp(`period=${month}`))
    const committee = cell(page, 'committee')
    await committee.waitFor()
    const before = await committee.getAttribute('data-colour')
    assert.notEqual(before, 'green', 'no committee meeting held yet this month')
    assert.match(await committee.innerText(), /0 \/ 1/)
    const legend = await page.locator('[data-testid=compliance-legend]').innerText()
    for (const text of ['达到要求', '尚未达到', '应开未开']) assert.match(legend, new RegExp(text))
    await screenshot(page, '77-compliance-month')

    // Seed: a 支部委员会 of 东风社区党委 this month, everyone signed in as present, then held.
    const me = await api(backend.base, secretary, 'GET', '/auth/me')
    const orgId = me.body.organizations.find((o) => o.name === ORG).id
    const created = await api(backend.base, secretary, 'POST', '/meetings', {
      organization_id: orgId,
      type: 'committee',
      title: '本月支委会（合规测试）',
      starts_at: new Date().toISOString(),
      place: '党群服务中心',
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const id = created.body.id
    const entries = created.body.attendees.map((a) => ({ attendee_id: a.id, attendance: a.role === 'sitting_in' ? 'sitting_in' : 'present' }))
    assert.ok(entries.length >= 3, 'the committee has members')
    const signed = await api(backend.base, secretary, 'PUT', `/meetings/${id}/attendance`, { entries })
    assert.equal(signed.status, 200, JSON.stringify(signed.body))
    assert.equal(signed.body.quorum.met, true)
    const held = await api(backend.base, secretary, 'POST', `/meetings/${id}/hold`, {})
    assert.equal(held.status, 200, JSON.stringify(held.body))
    assert.equal(held.body.status, 'held')

    await page.reload()
    await page.locator(`[data-testid=compliance-cell][data-org="${ORG}"][data-type=committee][data-colour=green]`).waitFor()
    assert.match(await committee.innerText(), /1 \/ 1/)
    // Held without a notice: flagged as short notice (MTG-03), still counted.
    assert.match(await committee.innerText(), /通知不足 1/)

    // Drill-down: the meetings behind the cell, linking to the meeting page.
    await committee.click()
    const drawer = page.locator('[data-testid=compliance-drill]')
    await drawer.waitFor()
    const listed = drawer.locator('[data-testid=drill-meeting]').filter({ hasText: '本月支委会（合规测试）' })
    await listed.waitFor()
    assert.equal(await listed.locator('a').getAttribute('href'), `/meetings/${id}`)
    assert.match(await listed.innerText(), /已召开/)
    await screenshot(page, '78-compliance-drill')
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })

    // 出勤情况 renders, listed by name and never sortable; last month has the assembly.
    await page.locator('.el-tabs__item').filter({ hasText: '出勤情况' }).click()
    await page.waitForURL(/tab=attendance/)
    await page.locator('[data-testid=period-prev]').click()
    const attendance = page.locator('[data-testid=attendance-table]')
    const absentRow = attendance.locator('.el-table__row').filter({ hasText: absentee })
    await absentRow.waitFor()
    assert.match(await absentRow.innerText(), /\b1\b/)
    assert.equal(await attendance.locator('.caret-wrapper').count(), 0, 'no sorting of people')
    assert.match(await page.locator('[data-testid=compliance]').innerText(), /按姓名排列，仅供了解情况，不作排名/)
    await screenshot(page, '79-compliance-attendance')

    // 缺席提醒 (DISC-01): a case with its level label, and the notice that people decide.
    await page.locator('.el-tabs__item').filter({ hasText: '缺席提醒' }).click()
    await page.waitForURL(/tab=absences/)
    await page.locator('[data-testid=absences-note]').filter({ hasText: '这是需要支部研究处理的情形，平台不会自动处理' }).waitFor()
    const absence = page.locator('[data-testid=absence-case]').filter({ hasText: absentee })
    await absence.waitFor()
    assert.match(await absence.innerText(), /连续 3 个月无故缺席/)
    assert.match(await absence.innerText(), /批评教育/)
    assert.equal(await page.locator('[data-testid=period-picker]').count(), 0, 'absences are as of today')
    await page.waitForTimeout(400) // the tab indicator slides
    await screenshot(page, '79-compliance-absences')

    // 支委会记录簿 for this year: an .xlsx through the authenticated client.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=ledger-committee]').click()])
    assert.match(download.suggestedFilename(), /\.xlsx$/)
    await page.locator('.el-message--success').filter({ hasText: '已导出' }).waitFor()
    assert.deepEqual(browser.events.pageErrors, [])
  })
})
