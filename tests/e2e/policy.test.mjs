/**
 * 工作制度参数 in the browser (a tab of the organisation detail): the secretary changes a meeting
 * frequency for the community, a child branch inherits it, a past day still shows the default,
 * the deputy reads without edit controls, and 恢复继承 clears the setting again.
 * Run: node --test --test-concurrency=1 tests/e2e/   (after `npm --prefix frontend run build`)
 */
import assert from 'node:assert/strict'
import { before, beforeEach, describe, it } from 'node:test'
import { api, apiToken, browserSuite, findByName, screenshot, signInToDashboard, signOut, SKIP } from './harness.mjs'


const KEY = 'meetings.frequency.committee'
const COMMUNITY = '东风社区党委'
const CHILD = '离退休党员党支部'

const pad = (n) => String(n).padStart(2, '0')
const isoDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`

/** What the server received in the latest policy change (from the audit log). */
async function lastPolicyChange(base) {
  const res = await api(base, await apiToken(base, 'secretary'), 'GET', '/audit?action=policy.update')
  assert.equal(res.status, 200)
  const latest = [...res.body.items].sort((a, b) => b.id - a.id)[0]
  assert.ok(latest, 'the change is audited')
  return latest
}

/** The table row of one parameter. */
const policyRow = (page, key = KEY) =>
  page.locator('[data-testid=policy-table] .el-table__row').filter({ has: page.locator(`[data-key="${key}"]`) })

async function rowState(row) {
  return {
    label: (await row.locator('.policy__label').innerText()).trim(),
    value: (await row.locator('[data-testid=policy-value]').innerText()).trim(),
    source: (await row.locator('[data-testid=policy-source]').innerText()).replace(/\s+/g, ' ').trim(),
  }
}

describe('工作制度参数 in the browser', { skip: SKIP }, () => {
  let backend
  let browser
  let page
  let communityId
  let childId

  const suite = browserSuite()
  before(async () => {
    ({ backend, browser, page } = suite)
    const tree = (await api(backend.base, await apiToken(backend.base, 'secretary'), 'GET', '/organizations/tree')).body
    communityId = findByName(tree, COMMUNITY)?.id
    childId = findByName(tree, CHILD)?.id
    assert.ok(communityId && childId, 'the demo community and its branch')
  })

  beforeEach(async () => {
    await browser.context.clearCookies()
    await page.goto(backend.base + '/login')
  })


  it('secretary sets 支部委员会最少次数 to 2 a month; the child branch inherits it; a past day keeps the default', async () => {
    await signInToDashboard(page, backend.base, 'secretary')
    await page.locator('[data-menu=organizations]').click()
    await page.locator('[data-testid=org-detail] [data-testid=org-name]').filter({ hasText: COMMUNITY }).waitFor()
    await page.getByRole('tab', { name: '工作制度参数' }).click()
    await page.waitForURL(/[?&]tab=policy\b/)

    // Grouped; the default everywhere on a fresh database; no rule ID on screen (issue 18).
    const panel = page.locator('[data-testid=policy-panel]')
    const row = policyRow(page)
    await row.waitFor()
    for (const group of ['会议频次', '会议通知', '组织纪律']) await panel.locator(`.policy__group[data-group="${group}"]`).waitFor()
    assert.deepEqual(await rowState(row), { label: '支部委员会最少次数', value: '每月至少 1 次', source: '系统默认' })
    assert.doesNotMatch(await panel.innerText(), /[A-Z]{2,5}-\d\d/)
    assert.match(await policyRow(page, 'discipline.absence_months').innerText(), /2 \/ 4 \/ 6 个月/)
    assert.match(await policyRow(page, 'meetings.notice_days.committee').innerText(), /提前 1 天/)
    assert.equal((await policyRow(page, 'meetings.frequency.secretary_office').locator('[data-testid=policy-value]').innerText()).trim(), '不作要求')
    await screenshot(page, '40-policy-default')

    // Edit: count 1 → 2 (period stays 每月), a note, then the confirmation summarising the change.
    await page.locator('[data-testid=policy-edit]').click()
    await page.locator('[data-testid=policy-edit-form]').waitFor()
    const count = row.locator('[data-testid=policy-count] input')
    await count.fill('2')
    await count.press('Tab')
    await row.locator('[data-testid=policy-preview]').filter({ hasText: '每月至少 2 次' }).waitFor()
    await page.locator('[data-testid=policy-changed-count]').filter({ hasText: '已修改 1 项' }).waitFor()
    await page.locator('input[name=policy-note]').fill('依据街道党工委通知，支委会每月至少召开两次')

    await page.locator('[data-testid=policy-save]').click()
    const confirm = page.locator('.policy-confirm')
    await confirm.waitFor()
    const summary = await confirm.innerText()
    assert.match(summary, /支部委员会最少次数：每月至少 1 次 → 每月至少 2 次/)
    assert.match(summary, new RegExp(`1 项参数自 ${isoDate(new Date())} 起对「${COMMUNITY}」`))
    assert.match(summary, /修改说明：依据街道党工委通知/)
    await screenshot(page, '41-policy-confirm')

    const put = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/organizations/${communityId}/policy`))
    await confirm.locator('.el-button--primary').click()
    assert.equal((await put).status(), 200)
    await page.locator('.el-message--success').filter({ hasText: '工作制度参数已保存' }).waitFor()
    const change = await lastPolicyChange(backend.base)
    assert.equal(change.entity_id, String(communityId))
    assert.deepEqual(change.after.values, { [KEY]: { count: 2, period: 'month' } }, 'only the changed key is sent')
    assert.equal(change.after.effective_from, isoDate(new Date()))
    assert.match(change.after.note, /支委会每月至少召开两次/)
    await page.locator('[data-testid=policy-edit-form]').waitFor({ state: 'detached' })
    await row.locator('[data-testid=policy-value]').filter({ hasText: '每月至少 2 次' }).waitFor()
    const set = await rowState(row)
    assert.equal(set.value, '每月至少 2 次')
    assert.match(set.source, new RegExp(`^本组织设置 自 ${isoDate(new Date())} 起$`))
    // other parameters untouched
    assert.equal((await rowState(policyRow(page, 'meetings.frequency.branch_assembly'))).source, '系统默认')
    await page.locator('.el-overlay').last().waitFor({ state: 'hidden' }).catch(() => {})
    await screenshot(page, '42-policy-set')

    // The child branch (the tab stays open when moving in the tree) inherits the new value.
    await page.locator('[data-testid=org-tree]').getByText(CHILD, { exact: true }).click()
    await page.waitForURL(new RegExp(`/organizations/${childId}\\?tab=policy$`))
    await page.locator('[data-testid=org-name]').filter({ hasText: CHILD }).waitFor()
    const childRow = policyRow(page)
    await childRow.locator('[data-testid=policy-source]').filter({ hasText: `继承自 ${COMMUNITY}` }).waitFor()
    assert.equal((await rowState(childRow)).value, '每月至少 2 次')
    await screenshot(page, '43-policy-inherited')

    // Yesterday the default was in force (and nothing can be edited in the past).
    const yesterday = isoDate(new Date(Date.now() - 86_400_000))
    const onInput = page.locator('[data-testid=policy-panel] .policy__on input')
    await onInput.fill(yesterday)
    await onInput.press('Enter')
    await page.locator('[data-testid=policy-viewing]').filter({ hasText: yesterday }).waitFor()
    await childRow.locator('[data-testid=policy-source]').filter({ hasText: '系统默认' }).waitFor()
    assert.equal((await rowState(childRow)).value, '每月至少 1 次')
    await page.locator('[data-testid=policy-today]').click()
    await childRow.locator('[data-testid=policy-source]').filter({ hasText: `继承自 ${COMMUNITY}` }).waitFor()

    // The server agrees.
    const res = await api(backend.base, await apiToken(backend.base, 'secretary'), 'GET', `/organizations/${childId}/policy`)
    const item = res.body.items.find((i) => i.key === KEY)
    assert.equal(item.source, 'inherited')
    assert.equal(item.source_organization_id, communityId)
    assert.deepEqual(item.value, { count: 2, period: 'month' })
    await signOut(page)
  })

  it('deputy sees the parameters without edit controls (and the server refuses a change)', async () => {
    await signInToDashboard(page, backend.base, 'deputy')
    await page.goto(`${backend.base}/organizations/${communityId}?tab=policy`)
    const row = policyRow(page)
    await row.waitFor()
    assert.deepEqual(await rowState(row), { label: '支部委员会最少次数', value: '每月至少 2 次', source: `本组织设置 自 ${isoDate(new Date())} 起` })
    await page.locator('[data-testid=policy-readonly]').waitFor()
    for (const id of ['policy-edit', 'policy-save', 'policy-restore', 'policy-edit-form']) {
      assert.equal(await page.locator(`[data-testid=${id}]`).count(), 0, `no ${id}`)
    }
    await screenshot(page, '44-policy-deputy')

    const token = await apiToken(backend.base, 'deputy')
    const res = await api(backend.base, token, 'PUT', `/organizations/${communityId}/policy`, { values: { [KEY]: { count: 3, period: 'month' } } })
    assert.equal(res.status, 403)
    await signOut(page)
  })

  it('secretary restores inheritance (恢复继承): the community and the branch are back on the default', async () => {
    await signInToDashboard(page, backend.base, 'secretary')
    await page.goto(`${backend.base}/organizations/${communityId}?tab=policy`)
    const row = policyRow(page)
    await row.locator('[data-testid=policy-source]').filter({ hasText: '本组织设置' }).waitFor()
    await page.locator('[data-testid=policy-edit]').click()
    // only a value set here can be restored
    assert.equal(await policyRow(page, 'meetings.frequency.branch_assembly').locator('[data-testid=policy-restore]').count(), 0)
    await row.locator('[data-testid=policy-restore]').click()
    await row.locator('[data-testid=policy-restore-mark]').waitFor()

    await page.locator('[data-testid=policy-save]').click()
    const confirm = page.locator('.policy-confirm')
    await confirm.waitFor()
    assert.match(await confirm.innerText(), /支部委员会最少次数：每月至少 2 次 → 恢复继承/)
    await confirm.locator('.el-button--primary').click()
    await page.locator('.el-message--success').filter({ hasText: '工作制度参数已保存' }).waitFor()
    assert.deepEqual((await lastPolicyChange(backend.base)).after.values, { [KEY]: null }, 'null for the restored key only')
    await row.locator('[data-testid=policy-source]').filter({ hasText: '系统默认' }).waitFor()
    assert.equal((await rowState(row)).value, '每月至少 1 次')

    await page.locator('[data-testid=org-tree]').getByText(CHILD, { exact: true }).click()
    await page.locator('[data-testid=org-name]').filter({ hasText: CHILD }).waitFor()
    await policyRow(page).locator('[data-testid=policy-source]').filter({ hasText: '系统默认' }).waitFor()
    await signOut(page)
  })

  it('made no request to any other host and raised no page error', () => {
    assert.deepEqual(browser.events.foreignRequests, [])
    assert.deepEqual(browser.events.cspViolations, [])
    assert.deepEqual(browser.events.pageErrors, [])
  })
})
