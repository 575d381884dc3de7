/**
 * 审计日志 in the browser: a wrong password for the community secretary (through the API) shows up
 * under 安全事件 for the street staff, the community secretary has no such tab, and the filters
 * (action, person, date range) narrow the main list.
 * Run: node --test tests/e2e/audit.test.mjs   (after `npm --prefix frontend run build`)
 */
import assert from 'node:assert/strict'
import { before, beforeEach, describe, it } from 'node:test'
import { browserSuite, chooseOption, screenshot, signInToDashboard, SKIP } from './harness.mjs'


const rowsOf = (page, table) => page.locator(`[data-testid=${table}] .el-table__body-wrapper .el-table__row`)
const totalOf = async (page) => Number((await page.locator('.page-header .sub').innerText()).match(/\d+/)?.[0] ?? NaN)

/** Wait until the main list's total satisfies `ok` (the list refetches after a filter change). */
async function waitTotal(page, ok) {
  for (let i = 0; i < 50; i++) {
    const n = await totalOf(page)
    if (ok(n)) return n
    await page.waitForTimeout(200)
  }
  throw new Error(`total never matched (last ${await totalOf(page)})`)
}

describe('审计日志 and 安全事件 in the browser', { skip: SKIP }, () => {
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


  it('a failed sign-in of the secretary is listed under 安全事件 for the street staff', async () => {
    const res = await fetch(`${backend.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'secretary', password: 'Wrong#Pass99' }),
    })
    assert.equal(res.status, 401)

    await signInToDashboard(page, backend.base, 'street')
    await page.goto(backend.base + '/audit')
    await page.locator('[data-testid=audit-table]').waitFor()
    await page.locator('.el-tabs__item').filter({ hasText: '安全事件' }).click()
    const rows = rowsOf(page, 'security-table')
    const failed = rows.filter({ hasText: 'secretary' }).filter({ hasText: '登录失败' })
    await failed.first().waitFor()
    const text = await failed.first().innerText()
    assert.match(text, /用户名或密码错误/)
    assert.match(text, /东风社区党委/, 'the organisation of the account')
    await screenshot(page, '90-audit-security-events')

    // The action filter keeps only sign-ins (Chinese labels in the select).
    await chooseOption(page, page.locator('[data-testid=security-filter-action]'), /^登录$/)
    await rows.first().waitFor()
    await page.waitForFunction(() => {
      const tags = [...document.querySelectorAll('[data-testid=security-table] .el-table__body-wrapper .el-tag')]
      return tags.length > 0 && tags.every((t) => t.textContent.trim() === '登录')
    })
  })

  it('the community secretary reads the audit log but has no 安全事件 tab', async () => {
    await signInToDashboard(page, backend.base, 'secretary')
    await page.goto(backend.base + '/audit')
    await page.locator('[data-testid=audit-table]').waitFor()
    assert.equal(await page.locator('.el-tabs__item').filter({ hasText: '安全事件' }).count(), 0)
    assert.equal(await page.locator('.el-tabs__item').filter({ hasText: '审计日志' }).count(), 1)
  })

  it('filters by action, person and date range narrow the main list', async () => {
    await signInToDashboard(page, backend.base, 'street')
    await page.goto(backend.base + '/audit')
    await page.locator('[data-testid=audit-table]').waitFor()
    const all = await waitTotal(page, (n) => n > 0)

    await chooseOption(page, page.locator('[data-testid=audit-filter-action]'), /^登录$/)
    const logins = await waitTotal(page, (n) => n < all)
    assert.ok(logins >= 1, 'the street signed in at least once')
    const tags = await page.locator('[data-testid=audit-table] .el-table__body-wrapper .el-tag').allInnerTexts()
    assert.ok(tags.length > 0 && tags.every((t) => t.trim() === '登录'), tags.join(','))

    const person = page.locator('input[data-testid=audit-filter-person], [data-testid=audit-filter-person] input').first()
    await person.fill('无此人')
    await person.press('Enter')
    await waitTotal(page, (n) => n === 0)
    await person.fill('street')
    await person.press('Enter')
    await waitTotal(page, (n) => n >= 1 && n <= logins)
    const actors = await rowsOf(page, 'audit-table').allInnerTexts()
    assert.ok(actors.every((r) => r.includes('street')), actors.join('\n'))

    // A date range long before the demo data: nothing.
    const range = page.locator('.el-range-editor input.el-range-input')
    await range.nth(0).fill('2020-01-01')
    await range.nth(1).fill('2020-01-31')
    await range.nth(1).press('Enter')
    await waitTotal(page, (n) => n === 0)
    await screenshot(page, '91-audit-filters')
  })
})
