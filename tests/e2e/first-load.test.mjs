/**
 * First load (issue 18, item 9): what a cold browser (fresh profile, empty cache) transfers for
 * the sign-in page and for a member's 工作台, against byte budgets; the scripts and styles come
 * compressed (br or gzip) with the long immutable cache header; a cold sign-in page logs no
 * error in the console (item 10: no refresh attempt that answers 401 when there is no session).
 * Run: node --test tests/e2e/first-load.test.mjs   (after `npm --prefix frontend run build`)
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { browserSuite, DEMO_PASSWORD, screenshot, SKIP } from './harness.mjs'

const KIB = 1024
const SIGN_IN_BUDGET = 350 * KIB
const MEMBER_DASHBOARD_BUDGET = 500 * KIB

/**
 * Counts what the page transfers over the wire (CDP Network.loadingFinished encodedDataLength:
 * headers plus the body as sent, i.e. compressed), request by request.
 */
async function recordTransfers(page) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  const urls = new Map()
  const inflight = new Set()
  const transfers = []
  let lastActivity = Date.now()
  cdp.on('Network.requestWillBeSent', (e) => {
    urls.set(e.requestId, e.request.url)
    inflight.add(e.requestId)
    lastActivity = Date.now()
  })
  cdp.on('Network.loadingFinished', (e) => {
    transfers.push({ url: urls.get(e.requestId) ?? '?', bytes: e.encodedDataLength })
    inflight.delete(e.requestId)
    lastActivity = Date.now()
  })
  cdp.on('Network.loadingFailed', (e) => {
    inflight.delete(e.requestId)
    lastActivity = Date.now()
  })
  return {
    transfers,
    total: () => transfers.reduce((sum, t) => sum + t.bytes, 0),
    /** Resolves once nothing has been in flight for `quiet` ms. */
    async idle(quiet = 750) {
      const deadline = Date.now() + 30_000
      while (inflight.size > 0 || Date.now() - lastActivity < quiet) {
        if (Date.now() > deadline) throw new Error(`network never went idle: ${[...inflight].map((id) => urls.get(id)).join(', ')}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    report(label) {
      const rows = [...transfers].sort((a, b) => b.bytes - a.bytes)
      const lines = rows.map((t) => `  ${(t.bytes / KIB).toFixed(1).padStart(8)} KiB  ${new URL(t.url).pathname}`)
      console.log(`# ${label}: ${(this.total() / KIB).toFixed(1)} KiB in ${rows.length} responses\n${lines.join('\n')}`)
    },
  }
}

/** The JS/CSS responses of `page`, with their headers. */
function watchAssets(page) {
  const assets = []
  page.on('response', async (r) => {
    const path = new URL(r.url()).pathname
    if (!/\.(js|css)$/.test(path)) return
    const accepted = (await r.request().allHeaders())['accept-encoding'] ?? ''
    assets.push({ path, status: r.status(), headers: await r.allHeaders(), offersBrotli: /\bbr\b/.test(accepted) })
  })
  return assets
}

function assertCompressedAndCached(assets) {
  assert.ok(assets.some((a) => a.path.endsWith('.js')), 'some script was loaded')
  assert.ok(assets.some((a) => a.path.endsWith('.css')), 'some style sheet was loaded')
  for (const a of assets) {
    assert.equal(a.status, 200, a.path)
    assert.match(a.path, /^\/assets\//, `${a.path} is a hashed asset`)
    // the build compresses files of 1 KiB and more (below that there is nothing worth saving)
    if (Number(a.headers['content-length']) >= 1024 || a.headers['content-encoding'] !== undefined) {
      // brotli when the browser offers it (Chromium does, even over plain HTTP to 127.0.0.1), else gzip
      assert.equal(a.headers['content-encoding'], a.offersBrotli ? 'br' : 'gzip', `${a.path} came compressed`)
    }
    assert.match(a.headers.vary ?? '', /accept-encoding/i, a.path)
    assert.equal(a.headers['cache-control'], 'public, max-age=31536000, immutable', a.path)
  }
}

describe('first load', { skip: SKIP }, () => {
  let backend
  // three fresh browsers: each cold (own profile, empty cache, no cookies)
  const suite = browserSuite({ browsers: [{}, {}, {}] })
  before(() => {
    backend = suite.backend
  })

  it('the sign-in page: under its budget, compressed, cached, no console error', async () => {
    const { page } = suite.browsers[0]
    const errors = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    const assets = watchAssets(page)
    const net = await recordTransfers(page)
    const document = await page.goto(`${backend.base}/login`)
    assert.equal(document.headers()['cache-control'], 'no-cache', 'index.html is revalidated')
    await page.locator('input[name=username]').waitFor()
    await net.idle()
    net.report('sign-in page, cold')
    await screenshot(page, '95-first-load-login')

    assert.ok(net.total() < SIGN_IN_BUDGET, `sign-in page transferred ${(net.total() / KIB).toFixed(1)} KiB (budget ${SIGN_IN_BUDGET / KIB} KiB)`)
    assertCompressedAndCached(assets)
    assert.ok(!net.transfers.some((t) => t.url.includes('/api/v1/auth/refresh')), 'no refresh attempt without a session')
    assert.deepEqual(errors, [], 'no console error on a cold sign-in page')
    assert.deepEqual(suite.browsers[0].events.pageErrors, [])
  })

  it("a member's 工作台 from a cold browser (sign-in page included): under its budget", async () => {
    const { page, events } = suite.browsers[1]
    const assets = watchAssets(page)
    const net = await recordTransfers(page)
    await page.goto(`${backend.base}/login`)
    await page.locator('input[name=username]').fill('member')
    await page.locator('input[name=password]').fill(DEMO_PASSWORD)
    await page.locator('[data-testid=login-submit]').click()
    await page.locator('[data-testid=dashboard]').waitFor()
    await page.locator('[data-testid=todos]').waitFor()
    await net.idle()
    net.report("member's 工作台, cold (sign-in page included)")
    await screenshot(page, '96-first-load-member-dashboard')

    assert.ok(
      net.total() < MEMBER_DASHBOARD_BUDGET,
      `member's 工作台 transferred ${(net.total() / KIB).toFixed(1)} KiB (budget ${MEMBER_DASHBOARD_BUDGET / KIB} KiB)`,
    )
    assert.ok(!net.transfers.some((t) => /\/assets\/echarts-/.test(t.url)), 'a member (no charts) loads no ECharts')
    assertCompressedAndCached(assets)
    assert.deepEqual(events.pageErrors, [])
  })

  it('the roster (党员花名册) opened cold loads no ECharts; the secretary\'s 工作台 chart loads it on demand', async () => {
    const { page, events } = suite.browsers[2]
    const net = await recordTransfers(page)
    await page.goto(`${backend.base}/members`) // signed out: the sign-in page, back here after
    await page.locator('input[name=username]').fill('secretary')
    await page.locator('input[name=password]').fill(DEMO_PASSWORD)
    await page.locator('[data-testid=login-submit]').click()
    await page.locator('[data-testid=roster-table] .el-table__body-wrapper').waitFor()
    await net.idle()
    net.report('roster, cold (sign-in page included)')
    const echarts = () => net.transfers.filter((t) => /\/assets\/echarts-/.test(t.url))
    assert.deepEqual(echarts(), [], 'the roster shows no chart')

    await page.locator('[data-menu=dashboard]').click()
    await page.locator('[data-testid=member-chart] canvas').waitFor()
    assert.equal(echarts().length, 1, 'ECharts arrives with the first chart')
    assert.deepEqual(events.pageErrors, [])
  })
})
