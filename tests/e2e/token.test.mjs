/** 5. Access-token expiry and logout, against a backend whose access tokens live 5 seconds. */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { browserSuite, screenshot, signInToDashboard, signOut, SKIP } from './harness.mjs'


describe('session lifetime', { skip: SKIP }, () => {
  let backend
  let browser

  const suite = browserSuite({ accessTtl: 5, timeout: null })
  before(() => {
    ({ backend, browser } = suite)
  })

  it('5. refreshes silently after the access token expires; after logout Back shows sign-in', async () => {
    const { page, events } = browser
    await signInToDashboard(page, backend.base, 'secretary')
    await page.locator('[data-menu=organizations]').click()
    await page.locator('[data-testid=posts-table]').waitFor()

    const refreshesBefore = events.apiResponses.filter((r) => r.url.endsWith('/auth/refresh')).length
    await page.waitForTimeout(7000) // the access token (5 s) has expired now
    await page.locator('[data-menu=users]').click()
    await page.locator('[data-testid=users-table] .el-table__row').first().waitFor()
    const audit = page.locator('[data-menu=audit]')
    await page.waitForTimeout(6000)
    await audit.click()
    await page.locator('[data-testid=audit-table] .el-table__row').first().waitFor()

    assert.match(page.url(), /\/audit$/, 'still signed in, no detour through sign-in')
    const refreshes = events.apiResponses.filter((r) => r.url.endsWith('/auth/refresh')).slice(refreshesBefore)
    assert.ok(refreshes.length > 0, 'the token was refreshed')
    assert.ok(refreshes.every((r) => r.status === 200), `refreshes: ${JSON.stringify(refreshes)}`)
    const expired = events.apiResponses.filter((r) => r.status === 401 && !r.url.includes('/auth/'))
    assert.ok(expired.length >= 1, 'an API call met the expired token (and was retried)')

    await signOut(page)
    await screenshot(page, '13-signed-out')
    await page.goBack()
    await page.locator('input[name=username]').waitFor()
    assert.match(page.url(), /\/login/)
    assert.equal(await page.locator('[data-testid=audit-table]').count(), 0)
    await page.goBack()
    await page.locator('input[name=username]').waitFor()
    assert.equal(await page.locator('[data-testid=side-menu]').count(), 0)
  })
})
