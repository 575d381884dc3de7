/**
 * E2E harness: starts a REAL backend (fresh SQLite database, demo data) on a free port, serving
 * the built SPA from frontend/dist, and drives /usr/bin/chromium through playwright-core (taken
 * from frontend/node_modules — no browser is ever downloaded).
 */
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before } from 'node:test'

const here = dirname(fileURLToPath(import.meta.url))
export const REPO = resolve(here, '../..')
export const SPA_DIR = process.env.DANGJIAN_SPA_DIR ?? join(REPO, 'frontend', 'dist')
export const SCREENSHOTS = join(here, 'screenshots')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const DEMO_PASSWORD = 'Dangjian#2026'
const DANGJIAN = process.env.DANGJIAN_BIN ?? join(REPO, '.venv', 'bin', 'dangjian')
/** The Python of the backend's virtualenv (the one DANGJIAN_BIN belongs to), e.g. for openpyxl. */
export const PYTHON = join(dirname(DANGJIAN), 'python')

/**
 * The platform's zone (backend core/clock.py, DANGJIAN_TIMEZONE). The people who use the SPA are
 * in it, so the browser runs in it and so does this process: a date the test computes
 * (`new Date()`) is the day the server calls today, whatever zone the machine running CI is in.
 * Without this a run between 16:00 and 24:00 UTC saw the browser one day behind the server.
 */
export const PLATFORM_ZONE = process.env.DANGJIAN_TIMEZONE ?? 'Asia/Shanghai'
process.env.TZ = PLATFORM_ZONE

/**
 * Why the browser tests cannot run here, or null when they can. Without Chromium they are
 * skipped with this message — except under CI=true, where a missing browser is a failure.
 */
export function unavailable() {
  if (!existsSync(CHROMIUM)) {
    const msg = `Chromium not found at ${CHROMIUM} (apt-get install -y chromium fonts-noto-cjk)`
    if (process.env.CI === 'true') throw new Error(`${msg} — required when CI=true`)
    return msg
  }
  if (!existsSync(join(SPA_DIR, 'index.html'))) throw new Error(`SPA not built: ${SPA_DIR}/index.html missing (npm --prefix frontend run build)`)
  if (!existsSync(DANGJIAN)) throw new Error(`backend CLI not found at ${DANGJIAN} (make install)`)
  return null
}

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', fail)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => ok(port))
    })
  })
}

/** The backend's environment for a database and keys in `dir` (DANGJIAN_VAR_DIR). */
function backendEnv(dir, { accessTtl } = {}) {
  return {
    ...process.env,
    DANGJIAN_ENVIRONMENT: 'development',
    DANGJIAN_DATABASE_URL: `sqlite+aiosqlite:///${join(dir, 'e2e.db')}`,
    DANGJIAN_VAR_DIR: dir,
    DANGJIAN_SPA_DIR: SPA_DIR,
    DANGJIAN_DEMO_PASSWORD: DEMO_PASSWORD,
    // The cheapest argon2id (as in the backend tests; allowed in development only): the browser
    // tests sign in many times and do not test the hashing cost.
    DANGJIAN_PASSWORD_HASH_TIME_COST: '1',
    DANGJIAN_PASSWORD_HASH_MEMORY_KIB: '8',
    DANGJIAN_PASSWORD_HASH_PARALLELISM: '1',
    ...(accessTtl ? { DANGJIAN_ACCESS_TOKEN_TTL_SECONDS: String(accessTtl) } : {}),
  }
}

/**
 * `dangjian migrate` and `dangjian seed-demo` into the (empty) directory `dir`: the SQLite file
 * and whatever the seed writes beside it (data_key, audit_key — without them the copy could not
 * decrypt or verify anything).
 */
export function seedDemo(dir) {
  const env = backendEnv(dir)
  for (const args of [['migrate'], ['seed-demo']]) {
    const r = spawnSync(DANGJIAN, args, { env, encoding: 'utf-8', timeout: 120_000 })
    if (r.status !== 0) throw new Error(`dangjian ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`)
  }
}

/**
 * A directory seeded once per run (tests/e2e/run.sh builds it with seed-template.mjs and names it
 * in DANGJIAN_E2E_TEMPLATE): every suite starts from its own copy, which saves each suite the
 * migrate and seed (about 8 s). Without it (a suite run directly) each suite seeds its own.
 */
const TEMPLATE = process.env.DANGJIAN_E2E_TEMPLATE || null

/**
 * `dangjian serve` on a free port, once it answers /readyz; returns { child, base, state }
 * (state.output: what it has logged).
 * The port is free when chosen but not reserved: another process (a suite running alongside,
 * anything else on the machine) may bind it first. So the backend counts as up only once its own
 * log says it is listening on that port — never on a /readyz answered by someone else's server —
 * and when the port was taken it starts again on another one.
 */
async function serve(env) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const child = spawn(DANGJIAN, ['serve', '--host', '127.0.0.1', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const state = { output: '' }
    child.stdout.on('data', (d) => (state.output += d))
    child.stderr.on('data', (d) => (state.output += d))
    const closed = new Promise((r) => child.on('close', r)) // exited, and all its output read
    const base = `http://127.0.0.1:${port}`
    const listening = `Uvicorn running on ${base}`
    const deadline = Date.now() + 30_000
    for (;;) {
      if (child.exitCode !== null) {
        await closed
        if (state.output.includes('address already in use') && attempt < 3) break
        throw new Error(`backend exited early:\n${state.output}`)
      }
      if (state.output.includes(listening)) {
        try {
          const res = await fetch(`${base}/readyz`)
          if (res.ok) return { child, base, state }
        } catch {
          // not up yet
        }
      }
      if (Date.now() > deadline) {
        child.kill('SIGTERM')
        throw new Error(`backend did not become ready:\n${state.output}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

/** Start a backend with a fresh database with the demo data; returns { base, stop }. */
export async function startBackend({ accessTtl } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dj-e2e-'))
  const env = backendEnv(dir, { accessTtl })
  if (TEMPLATE) {
    if (!existsSync(join(TEMPLATE, 'e2e.db'))) throw new Error(`DANGJIAN_E2E_TEMPLATE=${TEMPLATE} holds no e2e.db`)
    cpSync(TEMPLATE, dir, { recursive: true })
  } else {
    seedDemo(dir)
  }
  const { child, base, state } = await serve(env)
  return {
    base,
    log: () => state.output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL')
            r()
          }, 5000)
          child.on('exit', () => {
            clearTimeout(t)
            r()
          })
        })
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const frontendRequire = createRequire(join(REPO, 'frontend', 'package.json'))

/** A fresh Chromium profile; tracks dialogs, CSP violations, page errors and foreign requests. */
export async function launchBrowser(base, { viewport = { width: 1366, height: 860 }, strictCsp = false } = {}) {
  const { chromium } = frontendRequire('playwright-core')
  const profile = mkdtempSync(join(tmpdir(), 'dj-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    locale: 'zh-CN',
    timezoneId: PLATFORM_ZONE,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const events = { dialogs: [], cspViolations: [], pageErrors: [], foreignRequests: [], apiResponses: [] }
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP-VIOLATION ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`)
    })
  })
  if (strictCsp) {
    // The strictest policy the brief names: nothing but 'self'. Proves the SPA needs no 'unsafe-inline'.
    await context.route(`${base}/**`, async (route) => {
      const response = await route.fetch()
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': "default-src 'self'" } })
    })
  }
  const watch = (page) => {
    page.on('dialog', (d) => {
      events.dialogs.push(`${d.type()}: ${d.message()}`)
      void d.dismiss()
    })
    page.on('console', (m) => {
      if (m.text().startsWith('CSP-VIOLATION')) events.cspViolations.push(m.text())
    })
    page.on('pageerror', (e) => events.pageErrors.push(e.message))
    page.on('request', (r) => {
      const url = r.url()
      if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('blob:')) events.foreignRequests.push(url)
    })
    page.on('response', (r) => {
      if (r.url().includes('/api/v1/')) events.apiResponses.push({ url: r.url(), status: r.status(), method: r.request().method() })
    })
  }
  context.on('page', watch)
  for (const p of context.pages()) watch(p)
  const page = context.pages()[0] ?? (await context.newPage())
  return {
    context,
    page,
    events,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}


/**
 * Why the browser tests are skipped (logged once), or false — every suite is
 * `describe(name, { skip: SKIP }, …)`. Under CI=true a missing browser throws instead.
 */
export const SKIP = (() => {
  const reason = unavailable()
  if (reason) console.log(`# SKIP browser tests: ${reason}`)
  return reason ?? false
})()

/**
 * The set-up every browser suite shares; call it inside the suite's describe(). Before the suite:
 * a fresh backend with the demo data (`accessTtl` shortens access tokens) and one browser per
 * entry of `browsers` ({ viewport, strictCsp }), each page with `timeout` as its default timeout
 * (null leaves Playwright's). After it: the browsers close and the backend stops. The returned
 * object is filled in before the suite's own before() hooks run: `backend`, `browsers`, and
 * `browser` / `page` for the first browser.
 */
export function browserSuite({ accessTtl, browsers = [{}], timeout = 15_000 } = {}) {
  const suite = { backend: null, browsers: [], browser: null, page: null }
  before(async () => {
    suite.backend = await startBackend({ accessTtl })
    for (const options of browsers) {
      const browser = await launchBrowser(suite.backend.base, options)
      if (timeout != null) browser.page.setDefaultTimeout(timeout)
      suite.browsers.push(browser)
    }
    suite.browser = suite.browsers[0]
    suite.page = suite.browser.page
  })
  after(async () => {
    for (const browser of [...suite.browsers].reverse()) await browser.close()
    await suite.backend?.stop()
  })
  return suite
}
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

/** Sign in through the sign-in page. */
export async function signIn(page, base, username, password = DEMO_PASSWORD) {
  await page.goto(`${base}/login`)
  await page.locator('input[name=username]').fill(username)
  await page.locator('input[name=password]').fill(password)
  await page.locator('[data-testid=login-submit]').click()
}

/** Sign in and wait for the workbench. */
export async function signInToDashboard(page, base, username, password = DEMO_PASSWORD) {
  await signIn(page, base, username, password)
  await page.locator('[data-testid=dashboard]').waitFor({ timeout: 15_000 })
}

export async function signOut(page) {
  const confirm = page.locator('.el-message-box__btns .el-button--primary')
  // Under load the menu item can be clicked while its dropdown is still opening (or closing)
  // and no confirmation appears: open the menu and choose 退出登录 again.
  for (let attempt = 0; ; attempt += 1) {
    const logout = page.locator('[data-testid=logout]')
    // The menu opens on click and a second click closes it: open it only when it is closed.
    if (!(await logout.isVisible())) await page.locator('[data-testid=user-menu]').click()
    await logout.waitFor()
    await logout.dispatchEvent('click')
    if (await confirm.waitFor({ timeout: 3_000 }).then(() => true, () => false)) break
    if (attempt === 2) throw new Error('退出登录: no confirmation box after three attempts')
  }
  await confirm.click()
  await page.locator('input[name=username]').waitFor()
}

/** Choose an option of an Element Plus select (optionally typing to filter/search first). */
export async function chooseOption(page, trigger, optionText, typed) {
  await trigger.click()
  // A click that lands while the picker is still loading its options opens nothing: click again.
  const popper = page.locator('.el-popper:visible').last()
  if (!(await popper.waitFor({ timeout: 3_000 }).then(() => true, () => false))) await trigger.click()
  if (typed !== undefined) await page.keyboard.type(typed, { delay: 30 })
  const option = page
    .locator('.el-popper:visible')
    .last()
    .locator('.el-select-dropdown__item, .el-tree-node__content')
    .filter({ hasText: optionText })
    .first()
  await option.waitFor({ timeout: 10_000 })
  // The dropdown is still animating into place; a dispatched click does not wait for it.
  await option.dispatchEvent('click')
  await option.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {})
}

/** Sign in through the API (not the browser) and return the access token. */
export async function apiToken(base, username, password = DEMO_PASSWORD) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }),
  })
  if (!res.ok) throw new Error(`API sign-in of ${username} failed: ${res.status} ${await res.text()}`)
  return (await res.json()).access_token
}

export async function api(base, token, method, path, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

/** The node named `name` in an organisation tree (GET /organizations/tree), or null. */
export function findByName(nodes, name) {
  for (const n of nodes) {
    if (n.name === name) return n
    const hit = findByName(n.children ?? [], name)
    if (hit) return hit
  }
  return null
}

// ---------------------------------------------------------------- shared checks of the suites

function randomBirth() {
  const pad = (n) => String(n).padStart(2, '0')
  return `${1960 + Math.floor(Math.random() * 40)}${pad(1 + Math.floor(Math.random() * 12))}${pad(1 + Math.floor(Math.random() * 28))}`
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

/** A valid citizen ID number (GB 11643) born on `birth` (YYYYMMDD; default a random day of
 * 1960–1999), with a random sequence. */
export function idNumber(birth = randomBirth()) {
  const seq = String(Math.floor(Math.random() * 1000)).padStart(3, '0')
  const first = `110105${birth}${seq}`
  const sum = [...first].reduce((s, c, i) => s + Number(c) * ID_WEIGHTS[i], 0)
  return first + '10X98765432'[sum % 11]
}

/** Run a Python snippet with the backend's virtualenv (openpyxl); its stdout parsed as JSON. */
export function python(script, ...args) {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf-8' })
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`)
  return JSON.parse(r.stdout)
}

const READ_XLSX = `
import json, sys
from openpyxl import load_workbook
ws = load_workbook(sys.argv[1]).worksheets[0]
print(json.dumps({"title": ws.title, "rows": [list(r) for r in ws.iter_rows(values_only=True)]}, default=str, ensure_ascii=False))
`

/** The first sheet of a downloaded .xlsx, opened with openpyxl: { title, rows } (values; dates as text). */
export function readXlsx(path) {
  return python(READ_XLSX, path)
}

/**
 * A printable page (PrintPage) prints: 打印 calls window.print once, and in print media the
 * application frame and the buttons are hidden while `content` stays visible.
 */
export async function checkPrintable(page, content) {
  await page.evaluate(() => {
    window.__printed = 0
    window.print = () => {
      window.__printed += 1
    }
  })
  await page.locator('[data-testid=print-button]').click()
  if ((await page.evaluate(() => window.__printed)) !== 1) throw new Error('打印 did not call window.print')
  await page.emulateMedia({ media: 'print' })
  for (const hidden of ['.aside', '.header', '[data-testid=print-button]']) {
    if (await page.locator(hidden).first().isVisible()) throw new Error(`${hidden} is printed`)
  }
  if (!(await content.isVisible())) throw new Error('the content is not printed')
}
