/**
 * 党费基数 in the member detail (DUES-01), against one real backend with the demo data: the
 * organisation committee member opens a member from the roster, records a 在职 basis of 3000.01
 * from this month after previewing 30.00 a month, and sees it in force and in the history; the
 * group leader then sees the amounts for that member of their group but not the income.
 * DUES-01 deductions: where the organisation's policy counts pension and housing fund, a basis of
 * 5200 with 200 of pension previews a calculation basis of 5000.00 (1 % → 50.00), and the basis
 * recorded is 5000.00 with the deduction in the note.
 * Run: node --test --test-concurrency=1 tests/e2e/   (after `npm --prefix frontend run build`)
 */
import assert from 'node:assert/strict'
import { before, beforeEach, describe, it } from 'node:test'
import { api, apiToken, browserSuite, chooseOption, screenshot, signInToDashboard, signOut, SKIP } from './harness.mjs'


const GROUP = '第一党小组'

/** A member of the given organisation whose name is unique on the roster (searchable by name). */
async function uniqueMember(base, token, orgName, exclude = []) {
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
  const pick = all.find((m) => m.organization_name === orgName && seen.get(m.name) === 1 && m.status === 'normal' && !exclude.includes(m.id))
  assert.ok(pick, `a member of ${orgName} with a unique name`)
  return pick
}

/** This month as the API and the page name it. */
function thisMonth() {
  const d = new Date()
  return { iso: `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`, zh: `${d.getFullYear()}年${d.getMonth() + 1}月` }
}

/** Open a member from the roster (searching by name) and then the 党费 tab. */
async function openDuesTab(page, member) {
  await page.locator('[data-menu=members]').click()
  const table = page.locator('[data-testid=roster-table]')
  await table.locator('.el-table__row').first().waitFor()
  await page.locator('input[data-testid=roster-search]').fill(member.name)
  await page.locator('[data-testid=roster-search-submit]').click()
  await page.locator('[data-testid=roster-total]').filter({ hasText: /共 1 名党员/ }).waitFor()
  await table.locator('.el-table__row').filter({ hasText: member.name }).locator('.roster__name').click()
  await page.waitForURL(new RegExp(`/members/${member.id}$`))
  await page.locator('[data-testid=member-name]').filter({ hasText: member.name }).waitFor()
  const tab = page.locator('.el-tabs__item').filter({ hasText: /^党费$/ })
  await tab.click()
  await page.waitForURL(new RegExp(`/members/${member.id}\\?tab=dues$`))
  await page.locator('[data-testid=dues-bases]').waitFor()
}

describe('党费基数 in the member detail', { skip: SKIP }, () => {
  let backend
  let browser
  let page
  let target

  const suite = browserSuite()
  before(async () => {
    ({ backend, browser, page } = suite)
    target = await uniqueMember(backend.base, await apiToken(backend.base, 'zuzhi'), GROUP)
  })

  beforeEach(async () => {
    await browser.context.clearCookies()
    await page.goto(backend.base + '/login')
  })


  it('zuzhi records 在职 3000.01 from this month: preview 30.00, confirm, in force and in the history', async () => {
    const month = thisMonth()
    await signInToDashboard(page, backend.base, 'zuzhi')
    await openDuesTab(page, target)
    await page.locator('[data-testid=basis-current-none]').filter({ hasText: '尚未登记党费基数' }).waitFor()
    const form = page.locator('[data-testid=basis-form]')
    await form.waitFor()
    assert.equal((await page.locator('[data-testid=basis-rule]').innerText()).trim(), '新基数自新收入开始的月份起适用；历史记录不会被改写')
    // The month defaults to this month.
    assert.equal(await page.locator('input[name=basis-month]').inputValue(), month.iso)

    await chooseOption(page, page.locator('[data-testid=basis-category]'), '在职（按月领取工资）')
    const save = page.locator('[data-testid=basis-save]')
    assert.ok(await save.isDisabled(), 'nothing to save before the basis is typed')
    await page.locator('input[name=basis-amount]').pressSequentially('3000.01', { delay: 30 })
    await page.locator('[data-testid=basis-preview][data-pending=false] [data-testid=basis-preview-amount]').filter({ hasText: /^30\.00$/ }).waitFor()
    await page.locator('input[name=basis-note]').fill('工资调整')
    await screenshot(page, '85-dues-basis-form')

    await save.click()
    const box = page.locator('.basis-confirm')
    await box.waitFor()
    assert.match(await box.locator('.el-message-box__message').innerText(), new RegExp(`自 ${month.zh}起 每月应交 30\\.00 元`))
    await box.locator('.el-message-box__btns .el-button--primary').click()
    await page.locator('.el-message--success').filter({ hasText: '党费基数已登记' }).waitFor()

    // In force this month.
    await page.locator('[data-testid=basis-current-amount]').filter({ hasText: /^30\.00$/ }).waitFor()
    assert.equal((await page.locator('[data-testid=basis-current-category]').innerText()).trim(), '在职（按月领取工资）')
    assert.equal((await page.locator('[data-testid=basis-current-basis]').innerText()).trim(), '3000.01 元')
    assert.equal((await page.locator('[data-testid=basis-current-rate]').innerText()).trim(), '1%')
    assert.equal((await page.locator('[data-testid=basis-current-since]').innerText()).trim(), `自 ${month.zh} 起`)

    // And in the history.
    const rows = page.locator('[data-testid=basis-history] .el-table__body .el-table__row')
    await rows.first().waitFor()
    assert.equal(await rows.count(), 1)
    const row = await rows.first().innerText()
    for (const text of [month.zh, '在职（按月领取工资）', '3000.01 元', '1%', '30.00 元', '工资调整', '东风社区组织委员']) assert.ok(row.includes(text), `${text} in ${row}`)
    await screenshot(page, '86-dues-basis-recorded')

    // The server says the same.
    const token = await apiToken(backend.base, 'zuzhi')
    const res = await api(backend.base, token, 'GET', `/members/${target.id}/dues-bases`)
    assert.equal(res.status, 200)
    assert.deepEqual({ basis: res.body.current.basis, monthly_amount: res.body.current.monthly_amount }, { basis: '3000.01', monthly_amount: '30.00' })
    await signOut(page)
  })

  it('xiaozu sees the amounts for a member of the group, but not the income', async () => {
    const token = await apiToken(backend.base, 'xiaozu')
    const res = await api(backend.base, token, 'GET', `/members/${target.id}/dues-bases`)
    assert.equal(res.status, 200)
    assert.equal(res.body.basis_visible, false)
    assert.equal(res.body.current.basis, null)

    await signInToDashboard(page, backend.base, 'xiaozu')
    await openDuesTab(page, target)
    await page.locator('[data-testid=basis-current-amount]').filter({ hasText: /^30\.00$/ }).waitFor()
    assert.equal((await page.locator('[data-testid=basis-current-basis]').innerText()).trim(), '（无权查看收入）')
    assert.equal((await page.locator('[data-testid=basis-current-rate]').innerText()).trim(), '1%')
    const row = await page.locator('[data-testid=basis-history] .el-table__body .el-table__row').first().innerText()
    assert.ok(row.includes('（无权查看收入）') && row.includes('30.00 元'), row)
    assert.ok(!row.includes('3000.01'), `no income in ${row}`)
    await screenshot(page, '87-dues-basis-group-leader')
  })

  it('dues01: with pension and housing fund counted, 5200 less 200 of pension is recorded as 5000.00 → 50.00', async () => {
    const month = thisMonth()
    const zuzhi = await apiToken(backend.base, 'zuzhi')
    const second = await uniqueMember(backend.base, zuzhi, GROUP, [target.id])
    // Set-up: the member's organisation counts pension and housing fund (DUES-01 param).
    const put = await api(backend.base, await apiToken(backend.base, 'secretary'), 'PUT', `/organizations/${second.organization_id}/policy`, {
      values: { 'dues.deductions': ['pension', 'housing_fund'] },
    })
    assert.equal(put.status, 200, JSON.stringify(put.body))

    await signInToDashboard(page, backend.base, 'zuzhi')
    await openDuesTab(page, second)
    await page.locator('[data-testid=basis-form]').waitFor()
    await chooseOption(page, page.locator('[data-testid=basis-category]'), '在职（按月领取工资）')
    const fieldset = page.locator('[data-testid=basis-deductions]')
    await fieldset.waitFor()
    // one input per counted item, none for the others
    assert.equal(await fieldset.locator('input').count(), 2)
    assert.match(await fieldset.innerText(), /个人缴纳的养老保险[\s\S]*个人缴纳的住房公积金/)
    assert.equal(await page.locator('input[name=basis-deduction-medical]').count(), 0)

    await page.locator('input[name=basis-amount]').pressSequentially('5200', { delay: 30 })
    await page.locator('input[name=basis-deduction-pension]').pressSequentially('200', { delay: 30 })
    // A bad amount is named where it was typed, kept as typed, and blocks saving.
    const housing = page.locator('input[name=basis-deduction-housing_fund]')
    await housing.fill('3OO')
    await fieldset.locator('.el-form-item__error').filter({ hasText: '请输入数字金额，如 3000.00' }).waitFor()
    assert.equal(await housing.inputValue(), '3OO')
    assert.ok(await page.locator('[data-testid=basis-save]').isDisabled(), 'nothing to save with a bad deduction')
    await housing.fill('')

    await page.locator('[data-testid=basis-preview][data-pending=false] [data-testid=basis-preview-amount]').filter({ hasText: /^50\.00$/ }).waitFor()
    assert.equal((await page.locator('[data-testid=basis-preview-basis]').innerText()).trim(), '5000.00')
    assert.match(await page.locator('[data-testid=basis-preview-deducted]').innerText(), /已扣除：个人缴纳的养老保险/)
    await page.locator('input[name=basis-note]').fill('工资调整')
    assert.match(await page.locator('[data-testid=basis-note-deductions]').innerText(), /扣除：养老保险 200\.00/)
    await screenshot(page, '88-dues-basis-deductions')

    await page.locator('[data-testid=basis-save]').click()
    const box = page.locator('.basis-confirm')
    await box.waitFor()
    const message = await box.locator('.el-message-box__message').innerText()
    assert.match(message, /每月应交 50\.00 元/)
    assert.match(message, /计算基数为 5000\.00 元/)
    await box.locator('.el-message-box__btns .el-button--primary').click()
    await page.locator('.el-message--success').filter({ hasText: '党费基数已登记' }).waitFor()

    // The ledger charges what the preview showed: the calculation basis, with the deduction noted.
    await page.locator('[data-testid=basis-current-amount]').filter({ hasText: /^50\.00$/ }).waitFor()
    assert.equal((await page.locator('[data-testid=basis-current-basis]').innerText()).trim(), '5000.00 元')
    assert.equal((await page.locator('[data-testid=basis-current-rate]').innerText()).trim(), '1%')
    const row = await page.locator('[data-testid=basis-history] .el-table__body .el-table__row').first().innerText()
    for (const text of [month.zh, '5000.00 元', '1%', '50.00 元', '工资调整；扣除：养老保险 200.00']) assert.ok(row.includes(text), `${text} in ${row}`)
    await screenshot(page, '89-dues-basis-deducted-recorded')

    const res = await api(backend.base, zuzhi, 'GET', `/members/${second.id}/dues-bases`)
    assert.equal(res.status, 200)
    assert.deepEqual(
      { basis: res.body.current.basis, monthly_amount: res.body.current.monthly_amount, note: res.body.current.note },
      { basis: '5000.00', monthly_amount: '50.00', note: '工资调整；扣除：养老保险 200.00' },
    )
    await signOut(page)
  })

  it('raised no page error', () => {
    assert.deepEqual(browser.events.pageErrors, [])
    assert.deepEqual(browser.events.cspViolations, [])
    assert.deepEqual(browser.events.foreignRequests, [])
  })
})
