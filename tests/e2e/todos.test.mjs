/**
 * 待办 on 工作台 (issue 18) for the secretary, the 组织委员 and a member: each item appears, is done
 * by following its link, and is gone when 工作台 is shown again. And 工作台 counts the caller's whole
 * scope (the street sees every organisation of the street, not the one where it holds a post).
 * Run: node --test --test-concurrency=1 tests/e2e/   (after `npm --prefix frontend run build`)
 */
import assert from 'node:assert/strict'
import { before, beforeEach, describe, it } from 'node:test'
import { api, apiToken, browserSuite, findByName, screenshot, signInToDashboard, SKIP } from './harness.mjs'

const DAY = 86_400_000

describe('待办 on 工作台', { skip: SKIP }, () => {
  let backend
  let browser
  let page
  let secretary
  const suite = browserSuite()

  before(async () => {
    ({ backend, browser, page } = suite)
    secretary = await apiToken(backend.base, 'secretary')
  })
  beforeEach(async () => {
    await browser.context.clearCookies() // each test signs in as its own user
  })

  /** The to-do of `kind` whose text has `text`, on 工作台. */
  const todo = (kind, text) => page.locator(`[data-testid=todos] [data-testid=todo][data-kind=${kind}]`).filter({ hasText: text })

  /** Back to 工作台, where the to-dos are fetched again (what was done is gone). */
  async function backToDashboard() {
    const fetched = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/todos') && r.ok())
    await page.locator('[data-menu=dashboard]').click()
    await page.locator('[data-testid=todos]').waitFor()
    await fetched
  }

  async function createAssembly(title, startsAt, notify) {
    const tree = await api(backend.base, secretary, 'GET', '/organizations/tree')
    assert.equal(tree.status, 200)
    const branch = findByName(tree.body, '第一党支部（幸福小区）')
    assert.ok(branch, 'the demo branch of the member')
    const created = await api(backend.base, secretary, 'POST', '/meetings', {
      organization_id: branch.id,
      type: 'branch_assembly',
      title,
      starts_at: startsAt.toISOString(),
      place: '幸福小区党员活动室',
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    if (notify) assert.equal((await api(backend.base, secretary, 'POST', `/meetings/${created.body.id}/notify`)).status, 200)
    return created.body.id
  }

  it('secretary: a meeting to notify is done on its page and leaves the list', async () => {
    const title = '待办演示：十二月支部党员大会'
    const id = await createAssembly(title, new Date(Date.now() + 3 * DAY), false)
    await signInToDashboard(page, backend.base, 'secretary')
    const item = todo('meeting_notify', title)
    await item.waitFor()
    assert.match(await item.innerText(), /尚未发出会议通知/)
    assert.equal(await item.locator('a').getAttribute('href'), `/meetings/${id}`)
    assert.doesNotMatch(await page.locator('[data-testid=todos]').innerText(), /[A-Z]{2,}-\d{2}/, 'no rule IDs on screen')
    await screenshot(page, '90-todos-secretary')

    await item.locator('a').click()
    await page.locator('[data-testid=meeting-title]').filter({ hasText: title }).waitFor()
    await page.locator('[data-testid=notice-send]').click()
    const confirm = page.locator('.notify-confirm')
    await confirm.waitFor()
    await confirm.locator('.el-button--primary').click()
    await page.locator('[data-testid=meeting-status]').filter({ hasText: '已通知' }).waitFor()

    await backToDashboard()
    await todo('meeting_notify', title).waitFor({ state: 'detached' })
    // 工作台 counts the whole scope of the secretary's community
    const scope = (await api(backend.base, secretary, 'GET', '/dashboard')).body.scope
    assert.equal(await page.locator('[data-testid=scope-orgs]').innerText(), String(scope.organizations))
    const members = scope.member_counts.formal + scope.member_counts.probationary
    assert.equal(await page.locator('[data-testid=scope-members]').innerText(), String(members))
  })

  it('street: 组织数 and 党员总数 are the whole street', async () => {
    const street = await apiToken(backend.base, 'street')
    const scope = (await api(backend.base, street, 'GET', '/dashboard')).body.scope
    assert.ok(scope.organizations > 1, JSON.stringify(scope))
    await signInToDashboard(page, backend.base, 'street')
    await page.locator('[data-testid=scope-orgs]').filter({ hasText: String(scope.organizations) }).waitFor()
    await screenshot(page, '91-dashboard-street')
  })

  it('组织委员: a correction request is decided on the corrections page and leaves the list', async () => {
    const member = await apiToken(backend.base, 'member')
    const asked = await api(backend.base, member, 'POST', '/me/member/corrections', { changes: { grid_area: '幸福小区7号楼' }, reason: '已搬到7号楼居住' })
    assert.equal(asked.status, 201, JSON.stringify(asked.body))
    const zuzhi = await apiToken(backend.base, 'zuzhi')
    const pending = async () => (await api(backend.base, zuzhi, 'GET', '/me/todos')).body.filter((i) => i.kind === 'corrections_review').reduce((n, i) => n + i.count, 0)
    const before = await pending()
    assert.ok(before >= 1)

    await signInToDashboard(page, backend.base, 'zuzhi')
    const item = todo('corrections_review', `${before} 条党员信息更正申请待审核`)
    await item.waitFor()
    await item.locator('a').click()
    const row = page.locator('[data-testid=corrections-table] .el-table__row').filter({ hasText: '已搬到7号楼居住' })
    await row.waitFor()
    await row.locator('[data-testid=correction-approve]').click()
    const confirm = page.locator('.correction-approve')
    await confirm.waitFor()
    await confirm.locator('.el-button--primary').click()
    await page.locator('.el-message--success').filter({ hasText: '已同意' }).waitFor()

    await backToDashboard()
    assert.equal(await pending(), before - 1)
    await todo('corrections_review', `${before} 条`).waitFor({ state: 'detached' })
    if (before > 1) await todo('corrections_review', `${before - 1} 条`).waitFor()
  })

  it('member: the next meeting is answered with a leave request, the unread notices are read', async () => {
    const title = '待办演示：党员冬训动员会'
    const id = await createAssembly(title, new Date(Date.now() + 2 * DAY), true)
    await signInToDashboard(page, backend.base, 'member')
    const next = todo('next_meeting', title)
    await next.waitFor()
    assert.match(await next.innerText(), new RegExp(`请参加「${title}」`))
    const unread = todo('unread_notices', '条未读消息')
    await unread.waitFor()
    await screenshot(page, '92-todos-member')

    await next.locator('a').click()
    await page.waitForURL((url) => url.pathname === `/my/meetings/${id}`)
    await page.locator('[data-testid=ask-leave]').click()
    const dialog = page.locator('.leave-dialog')
    await dialog.waitFor()
    await dialog.locator('textarea[name=leave-dialog-text]').fill('当天在外地照顾老人，无法到会')
    await dialog.locator('[data-testid=leave-dialog-submit]').click()
    await page.locator('.el-message--success').filter({ hasText: '请假申请已提交' }).waitFor()
    await backToDashboard()
    await todo('next_meeting', title).waitFor({ state: 'detached' }) // leave asked: nothing more to do

    await todo('unread_notices', '条未读消息').locator('a').click()
    await page.locator('[data-testid=inbox-read-all]').click()
    await page.locator('[data-testid=inbox-read-all]:disabled').waitFor()
    await backToDashboard()
    await todo('unread_notices', '条未读消息').waitFor({ state: 'detached' })
    // the secretary now has the leave request to decide, linking to the meeting
    const staff = (await api(backend.base, secretary, 'GET', '/me/todos')).body
    assert.ok(staff.some((i) => i.kind === 'leave_requests' && i.link === `/meetings/${id}` && i.count === 1), JSON.stringify(staff))
  })
})
