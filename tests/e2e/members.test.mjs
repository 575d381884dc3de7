/**
 * The member roster in the browser (党员花名册, detail, events, reveal, statistics, 我的党员信息),
 * against one real backend with the demo data.
 * Run: node --test --test-concurrency=1 tests/e2e/   (after `npm --prefix frontend run build`)
 */
import assert from 'node:assert/strict'
import { before, beforeEach, describe, it } from 'node:test'
import { api, apiToken, browserSuite, chooseOption, launchBrowser, screenshot, signInToDashboard, signOut, SKIP } from './harness.mjs'


const MASKED_ID = /^[0-9]{4}\*{10}[0-9X]{4}$/
const FULL_ID = /^[0-9]{17}[0-9X]$/

/** A member of the given organisation whose name is unique on the roster (searchable by name). */
async function uniqueMember(base, token, orgName) {
  const seen = new Map()
  const all = []
  for (let page = 1; ; page++) {
    const res = await api(base, token, 'GET', `/members?size=100&page=${page}`)
    assert.equal(res.status, 200)
    for (const m of res.body.items) {
      seen.set(m.name, (seen.get(m.name) ?? 0) + 1)
      all.push(m)
    }
    if (page * 100 >= res.body.total) break
  }
  const pick = all.find((m) => m.organization_name === orgName && seen.get(m.name) === 1 && m.status === 'normal')
  assert.ok(pick, `a member of ${orgName} with a unique name`)
  return pick
}

const rosterTotal = async (page) => Number((await page.locator('[data-testid=roster-total]').innerText()).replace(/\D+/g, ''))

describe('党员花名册 in the browser', { skip: SKIP }, () => {
  let backend
  let browser
  let page

  const suite = browserSuite()
  before(() => {
    ({ backend, browser, page } = suite)
  })

  beforeEach(async () => {
    await browser.context.clearCookies()
    await page.goto(backend.base + '/login')
  })


  it('4. clerk finds a member by name, records 转出; the member leaves the roster and the 工作台 count drops by one', async () => {
    const clerkToken = await apiToken(backend.base, 'clerk')
    const target = await uniqueMember(backend.base, clerkToken, '第二党支部（和平里网格）')

    await signInToDashboard(page, backend.base, 'clerk')
    const summary = page.locator('[data-testid=roster-summary-total]')
    await summary.waitFor()
    const before = Number(await summary.innerText())
    assert.ok(before > 100, `roster summary shows the community's members (${before})`)

    // The roster: total, masked-by-default personal data, then a search by name.
    await page.locator('[data-menu=members]').click()
    const table = page.locator('[data-testid=roster-table]')
    await table.locator('.el-table__row').first().waitFor()
    assert.equal(await rosterTotal(page), before)
    await page.locator('[data-testid=roster-table] .el-table__body-wrapper').waitFor()
    await screenshot(page, '20-roster')

    await page.locator('input[data-testid=roster-search]').fill(target.name)
    await page.locator('[data-testid=roster-search-submit]').click()
    await page.locator('[data-testid=roster-total]').filter({ hasText: /共 1 名党员/ }).waitFor()
    const row = table.locator('.el-table__row').filter({ hasText: target.name })
    await row.waitFor()
    assert.equal(await table.locator('.el-table__row').count(), 1)

    // The detail page.
    await row.locator('.roster__name').click()
    await page.waitForURL(new RegExp(`/members/${target.id}$`))
    await page.locator('[data-testid=member-name]').filter({ hasText: target.name }).waitFor()
    assert.match(await page.locator('[data-testid=member-status]').innerText(), /正常/)
    assert.match(await page.locator('[data-testid=breadcrumbs]').innerText(), /党员花名册/)
    await screenshot(page, '21-member-detail')

    // Record the transfer out: conditional form, preview, then a confirmation (events are permanent).
    await page.locator('[data-testid=register-event]').click()
    const dialog = page.locator('[data-testid=event-dialog]')
    await chooseOption(page, dialog.locator('[data-testid=event-type]'), '转出')
    await dialog.locator('[data-testid=event-preview]').filter({ hasText: '已转出' }).waitFor()
    assert.match(await dialog.locator('[data-testid=event-preview]').innerText(), /不再列入花名册/)
    assert.equal(await dialog.locator('[data-testid=event-ends-on]').count(), 0, 'no end date for a transfer')
    await dialog.locator('textarea[name=event-reason]').fill('工作调动，组织关系转至区教育局机关党支部')
    await dialog.locator('input[name=event-document]').fill('东党转字〔2026〕1号')
    await dialog.locator('[data-testid=event-submit]').click()
    const confirm = page.locator('.event-confirm')
    await confirm.waitFor()
    assert.match(await confirm.innerText(), /不能修改或删除/)
    assert.match(await confirm.innerText(), new RegExp(target.name))
    await confirm.locator('.el-button--primary').click()
    await page.locator('.el-message--success').filter({ hasText: '事件已登记' }).waitFor()
    await dialog.waitFor({ state: 'hidden' })
    await page.locator('[data-testid=member-status]').filter({ hasText: '已转出' }).waitFor()
    const events = page.locator('[data-testid=member-events]')
    await events.locator('[data-event-type=transfer_out]').waitFor()
    assert.match(await events.innerText(), /东党转字〔2026〕1号/)
    await page.locator('.el-overlay').last().waitFor({ state: 'hidden' }).catch(() => {})
    await screenshot(page, '22-member-events')

    // The default roster (members on the roster) no longer lists the member.
    await page.locator('[data-testid=back-to-roster]').click()
    await page.locator('[data-testid=roster-total]').filter({ hasText: /共 0 名党员/ }).waitFor()
    assert.equal(await table.locator('.el-table__row').count(), 0)
    await page.getByRole('button', { name: '重置' }).click()
    await page.locator('[data-testid=roster-total]').filter({ hasText: `共 ${before - 1} 名党员` }).waitFor()

    // …and the 工作台 count dropped by one.
    await page.locator('[data-menu=dashboard]').click()
    await page.locator('[data-testid=roster-summary-total]').filter({ hasText: new RegExp(`^${before - 1}$`) }).waitFor()

    // The server agrees.
    const res = await api(backend.base, clerkToken, 'GET', `/members?q=${encodeURIComponent(target.name)}`)
    assert.equal(res.body.total, 0)
    const all = await api(backend.base, clerkToken, 'GET', `/members?q=${encodeURIComponent(target.name)}&status=transferred_out`)
    assert.equal(all.body.total, 1)
    await signOut(page)
  })

  it('5. deputy sees masked ID numbers and no reveal button', async () => {
    await signInToDashboard(page, backend.base, 'deputy')
    await page.locator('[data-menu=members]').click()
    const table = page.locator('[data-testid=roster-table]')
    await table.locator('.el-table__row').first().waitFor()
    const ids = await table.locator('.el-table__body [data-masked] .mono').allInnerTexts()
    assert.ok(ids.length >= 10, `masked values shown (${ids.length})`)
    const idNumbers = ids.filter((v) => v.length === 18)
    assert.ok(idNumbers.length >= 5)
    for (const v of idNumbers) assert.match(v, MASKED_ID)
    assert.equal(await page.locator('[data-testid=roster-table] [data-masked=false]').count(), 0)
    await screenshot(page, '26-deputy-roster-masked')

    await table.locator('.el-table__row .roster__name').first().click()
    await page.locator('[data-testid=member-name]').waitFor()
    assert.match(await page.locator('[data-testid=id-number]').innerText(), MASKED_ID)
    assert.match(await page.locator('[data-testid=address]').innerText(), /无权查看/)
    for (const id of ['reveal', 'edit-member', 'register-event']) {
      assert.equal(await page.locator(`[data-testid=${id}]`).count(), 0, `no ${id} button`)
    }
    // The server refuses too.
    const memberId = Number(page.url().split('/').pop())
    const res = await api(backend.base, await apiToken(backend.base, 'deputy'), 'POST', `/members/${memberId}/reveal`)
    assert.equal(res.status, 403)
    await signOut(page)
  })

  it('6. secretary reveals a member\'s ID number after confirming; the view is audited', async () => {
    const token = await apiToken(backend.base, 'secretary')
    const target = (await api(backend.base, token, 'GET', '/members?size=1')).body.items[0]
    await signInToDashboard(page, backend.base, 'secretary')
    await page.goto(`${backend.base}/members/${target.id}`)
    await page.locator('[data-testid=member-name]').waitFor()
    // Masked by default, even for those allowed to see it in full.
    assert.match(await page.locator('[data-testid=id-number]').innerText(), MASKED_ID)

    // Cancelling reveals nothing.
    await page.locator('[data-testid=reveal]').click()
    const confirm = page.locator('.reveal-confirm')
    await confirm.waitFor()
    assert.match(await confirm.innerText(), /审计日志/)
    await confirm.getByRole('button', { name: '取消' }).click()
    await confirm.waitFor({ state: 'hidden' })
    assert.match(await page.locator('[data-testid=id-number]').innerText(), MASKED_ID)

    await page.locator('[data-testid=reveal]').click()
    await confirm.waitFor()
    await confirm.locator('.el-button--primary').click()
    await page.locator('[data-testid=hide-full]').waitFor()
    await confirm.waitFor({ state: 'hidden' })
    const shown = (await page.locator('[data-testid=id-number]').innerText()).trim()
    assert.match(shown, FULL_ID)
    // The list answer is masked by the server (for everyone but the member): the revealed number
    // agrees with its visible head and tail.
    assert.match(target.id_number, MASKED_ID, 'the server masks the list')
    assert.equal(shown.slice(0, 4) + '*'.repeat(10) + shown.slice(-4), target.id_number, 'the full number of the same record')
    assert.equal(await page.locator('[data-testid=reveal]').count(), 0)
    await screenshot(page, '23-member-revealed')

    const audit = await api(backend.base, token, 'GET', '/audit?action=member.reveal')
    assert.ok(audit.body.items.some((a) => a.entity_id === String(target.id)), 'the reveal is in the audit log')

    // Hiding masks it again.
    await page.locator('[data-testid=hide-full]').click()
    assert.match(await page.locator('[data-testid=id-number]').innerText(), MASKED_ID)
    await signOut(page)
  })

  it('shows the statistics page with its charts, and the work lists with their columns', async () => {
    await signInToDashboard(page, backend.base, 'secretary')
    await page.locator('[data-menu=member-statistics]').click()
    await page.locator('[data-testid=member-statistics] [data-chart=age] canvas').waitFor()
    for (const chart of ['kind', 'gender', 'education', 'age', 'joining', 'ethnicity', 'work', 'flows']) {
      await page.locator(`[data-chart=${chart}]`).waitFor()
    }
    assert.ok(Number(await page.locator('[data-testid=stats-total] .tile__num').innerText()) > 100)
    // the transfer out recorded above shows in the yearly flows
    await page.locator('[data-chart=flows] canvas').waitFor()
    await page.waitForTimeout(800)
    await screenshot(page, '24-statistics')
    // A day long before anyone joined: the roster as it stood then is empty (MEM-06).
    const on = page.locator('input[name=stats-on]')
    await on.fill('1901-01-01')
    await on.press('Enter')
    await page.waitForFunction(
      () => document.querySelector('[data-testid=stats-total] .tile__num')?.textContent?.trim() === '0',
    )

    await page.locator('[data-menu=members]').click()
    await page.locator('[data-testid=roster-table] .el-table__row').first().waitFor()
    await page.getByRole('tab', { name: '失联党员' }).click()
    const headers = page.locator('[data-testid=roster-table] .el-table__header')
    await headers.getByText('停止党籍期限').waitFor()
    assert.match(await headers.innerText(), /自行脱党期限/)
    assert.match(await headers.innerText(), /失联日期/)
    await page.getByRole('tab', { name: '预备党员' }).click()
    await headers.getByText('预备期满').waitFor()
    await page.getByRole('tab', { name: '本月政治生日' }).click()
    await headers.getByText('政治生日').waitFor()

    // The column chooser hides a column (kept in memory while navigating).
    await page.getByRole('tab', { name: '全部' }).click()
    await page.locator('[data-testid=column-chooser]').click()
    await page.locator('[data-testid=column-chooser-panel] [data-column=mobile]').click()
    await headers.getByText('手机号码').waitFor({ state: 'detached' })
    await page.locator('[data-menu=dashboard]').click()
    await page.locator('[data-menu=members]').click()
    await headers.getByText('公民身份号码').waitFor()
    assert.doesNotMatch(await headers.innerText(), /手机号码/)
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }))
    assert.doesNotMatch(stored, /mobile|roster/, 'nothing about the roster is stored in the browser')
    await signOut(page)
  })

  it('renders the roster pages under the strictest CSP without violations', async () => {
    const strict = await launchBrowser(backend.base, { strictCsp: true })
    try {
      const p = strict.page
      p.setDefaultTimeout(15_000)
      await signInToDashboard(p, backend.base, 'secretary')
      await p.locator('[data-testid=roster-summary] canvas').waitFor()
      await p.locator('[data-menu=members]').click()
      await p.locator('[data-testid=roster-table] .el-table__row .roster__name').first().click()
      await p.locator('[data-testid=member-name]').waitFor()
      await p.locator('[data-testid=edit-member]').click()
      await p.locator('[data-testid=member-edit] input[name=member-name]').waitFor()
      await p.keyboard.press('Escape')
      await p.goto(backend.base + '/members/statistics')
      await p.locator('[data-chart=ethnicity] canvas').waitFor()
      await p.waitForTimeout(500)
      assert.deepEqual(strict.events.cspViolations, [])
      assert.deepEqual(strict.events.pageErrors, [])
      assert.deepEqual(strict.events.foreignRequests, [])
    } finally {
      await strict.close()
    }
  })

  it('made no request to any other host and raised no page error', () => {
    assert.deepEqual(browser.events.foreignRequests, [])
    assert.deepEqual(browser.events.cspViolations, [])
    assert.deepEqual(browser.events.pageErrors, [])
  })
})

describe('我的党员信息 at phone width (390 px)', { skip: SKIP }, () => {
  let backend
  let browser

  const suite = browserSuite({ browsers: [{ viewport: { width: 390, height: 844 } }] })
  before(() => {
    ({ backend, browser } = suite)
  })

  it('7. member opens 我的党员信息 from the 工作台: unmasked own ID number, no horizontal scroll', async () => {
    const { page } = browser
    const own = (await api(backend.base, await apiToken(backend.base, 'member'), 'GET', '/me/member')).body
    assert.match(own.id_number, FULL_ID)

    await signInToDashboard(page, backend.base, 'member')
    await page.locator('[data-testid=my-member-link]').click()
    await page.waitForURL(/\/me\/member$/)
    const id = page.locator('[data-testid=my-member] [data-testid=id-number]')
    await id.waitFor()
    assert.equal((await id.innerText()).trim(), own.id_number)
    assert.doesNotMatch(await page.locator('[data-testid=my-member]').innerText(), /\*{4}/)
    assert.equal((await page.locator('[data-testid=my-member] [data-testid=mobile]').innerText()).trim(), own.mobile)
    await page.waitForTimeout(300)
    const m = await page.evaluate(() => ({ scrollWidth: document.scrollingElement.scrollWidth, clientWidth: document.scrollingElement.clientWidth }))
    assert.ok(m.scrollWidth <= m.clientWidth, `my member page: ${JSON.stringify(m)}`)
    await screenshot(page, '25-my-member-390')

    // In the menu (a drawer on phones); the roster is not.
    await page.locator('.header__toggle').click()
    await page.locator('.menu-drawer [data-menu=my-member]').waitFor()
    assert.equal(await page.locator('.menu-drawer [data-menu=members]').count(), 0)
    await page.keyboard.press('Escape')
    await page.goto(backend.base + '/members')
    await page.locator('[data-testid=forbidden]').waitFor()
    await signOut(page)
  })

  it('a resident has no member record: no 我的党员信息', async () => {
    const { page } = browser
    await signInToDashboard(page, backend.base, 'resident')
    assert.equal(await page.locator('[data-testid=my-member-link]').count(), 0)
    await page.goto(backend.base + '/me/member')
    await page.locator('[data-testid=forbidden]').waitFor()
    await signOut(page)
  })

  it('raised no page error', () => {
    assert.deepEqual(browser.events.pageErrors, [])
    assert.deepEqual(browser.events.cspViolations, [])
  })
})
