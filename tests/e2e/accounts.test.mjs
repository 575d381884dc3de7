/**
 * Accounts and posts in the browser: nobody takes over an account at their own level or above,
 * and a reset shows its one-time password once (users.authority).
 * Run: node --test tests/e2e/accounts.test.mjs   (after `npm --prefix frontend run build`)
 */
import assert from 'node:assert/strict'
import { before, beforeEach, describe, it } from 'node:test'
import { api, apiToken, browserSuite, screenshot, signInToDashboard, SKIP } from './harness.mjs'


describe('accounts and posts', { skip: SKIP }, () => {
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


  async function findUser(username) {
    await page.locator('[data-menu=users]').click()
    await page.locator('input[data-testid=user-search]').fill(username)
    await page.locator('input[data-testid=user-search]').press('Enter')
    const row = page.locator('[data-testid=users-table] .el-table__row').filter({ hasText: username })
    await row.first().waitFor()
    return row.first()
  }

  it('组织委员 finds no reset, edit or deactivate for the secretary, and the API refuses in Chinese', async () => {
    await signInToDashboard(page, backend.base, 'zuzhi')
    const row = await findUser('secretary')
    await row.locator('[data-testid=locked-secretary]').waitFor()
    assert.equal(await row.locator('[data-testid=reset-secretary]').count(), 0)
    assert.equal(await row.locator('[data-testid=toggle-secretary]').count(), 0)
    assert.equal(await row.locator('[data-testid=edit-secretary]').count(), 0)
    await screenshot(page, 'accounts-01-zuzhi-secretary-locked')
    // a plain member of the community is still managed by the 组织委员
    const resident = await findUser('resident')
    await resident.locator('[data-testid=reset-resident]').waitFor()

    const token = await apiToken(backend.base, 'zuzhi')
    const list = await api(backend.base, token, 'GET', '/users?q=secretary')
    const secretary = list.body.items.find((u) => u.username === 'secretary')
    assert.equal(secretary.manageable, false)
    const refused = await api(backend.base, token, 'POST', `/users/${secretary.id}/reset-password`)
    assert.equal(refused.status, 403)
    assert.equal(refused.body.code, 'account_outranks_you')
    assert.match(refused.body.detail, /同级或更高/)
  })

  it('组织委员 cannot appoint or end the posts of its own community', async () => {
    await signInToDashboard(page, backend.base, 'zuzhi')
    await page.locator('[data-menu=organizations]').click()
    await page.locator('[data-testid=org-name]').filter({ hasText: '东风社区党委' }).waitFor()
    await page.locator('[data-testid=posts-table] .el-table__row').first().waitFor()
    await page.locator('[data-testid=posts-appointed-by-higher]').waitFor()
    assert.equal(await page.locator('[data-testid=assign-post]').count(), 0)
    assert.equal(await page.locator('[data-testid^=end-post-]').count(), 0)
  })

  it('street staff reset a community account and see the one-time password once', async () => {
    await signInToDashboard(page, backend.base, 'street')
    const row = await findUser('resident')
    await row.locator('[data-testid=reset-resident]').click()
    await page.locator('.el-message-box__btns .el-button--danger').click()
    const reveal = page.locator('[data-testid=password-reveal]')
    await reveal.waitFor()
    const password = (await reveal.locator('[data-testid=initial-password]').innerText()).trim()
    assert.ok(password.length >= 8, 'a one-time password is shown')
    assert.match(await reveal.locator('[data-testid=password-hint]').innerText(), /只显示这一次.*须立即设置新密码/s)
    await reveal.locator('[data-testid=copy-password]').waitFor()
    await screenshot(page, 'accounts-02-street-reset')
    await reveal.getByRole('button', { name: '关闭', exact: true }).click()
    await reveal.waitFor({ state: 'hidden' })
    assert.equal(await page.getByText(password).count(), 0, 'the password is not shown again')

    // the one-time password works and must be changed first
    const res = await fetch(`${backend.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'resident', password }),
    })
    assert.equal(res.status, 200)
    assert.equal((await res.json()).must_change_password, true)
    // the street staff cannot take over the community secretary
    const street = await findUser('secretary')
    await street.locator('[data-testid=locked-secretary]').waitFor()
  })
})
