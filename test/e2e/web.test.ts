/**
 * The web UI in real headless Chromium, on the faulty fixture (city 9901, counties 990101
 * and 990102; two staffing faults in 990101 that a staff plan fixes): sign-in, village
 * polygons drawn (pixels), hover and click numbers, metric switch, zh/en, exports, the plan
 * cycle run → review → apply that updates the map, and a 409 shown as a message.
 * Screenshots of the main views go to test-artifacts/.
 */
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import readXlsxFile from 'read-excel-file/node'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import type { Database } from '../../server/db/connection.js'
import { faultyDataset } from '../fixtures/faulty-dataset.js'
import { ensureUser, loadDataset, startApp, testDb, TEST_PASSWORD } from '../db/harness.js'
import { artifactPath, browserRequired, chromiumPath, launchBrowser } from './browser.js'
import { ensureWebBuilt } from './build.js'

const chromium = chromiumPath()
if (!chromium) {
  const missing = `Chromium not found (install Debian package chromium or set CHROMIUM_PATH${process.env.CHROMIUM_PATH ? `; ${process.env.CHROMIUM_PATH} does not exist` : ''})`
  if (browserRequired) throw new Error(`[e2e] ${missing}: under CI the browser tests must run, not skip`)
  console.warn(`[e2e] SKIPPED: ${missing}`)
}

/** The status colours of web/src/map/metrics.ts as drawn: fill opacity 0.86 over the background. */
const BACKGROUND = [0xec, 0xee, 0xe9]
const blend = (hex: string, a = 0.86) => [1, 3, 5].map((i, k) => Math.round(a * parseInt(hex.slice(i, i + 2), 16) + (1 - a) * BACKGROUND[k]))
const STATUS = { uncovered: '#c8372d', far: '#ec8f2d', overloaded: '#8a4fb0', ok: '#45a98c' }
const DISTANCE_RAMP = ['#1f8f4e', '#8ccb6a', '#e3ee95', '#f8c66a', '#cf3a2b']

/** Pixels of the map area within ±tol of each colour (read in the page from a screenshot). */
async function countColours(page: Page, colours: number[][], tol = 14): Promise<number[]> {
  const png = await page.locator('.mapwrap').screenshot()
  return page.evaluate(
    async ({ b64, colours, tol }) => {
      // Decoded here, not fetched: the app's CSP (connect-src 'self') rightly refuses data: URLs.
      const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' })
      const img = await createImageBitmap(blob)
      const ctx = new OffscreenCanvas(img.width, img.height).getContext('2d')!
      ctx.drawImage(img, 0, 0)
      const d = ctx.getImageData(0, 0, img.width, img.height).data
      const counts = colours.map(() => 0)
      for (let i = 0; i < d.length; i += 4) {
        for (let c = 0; c < colours.length; c++) {
          const [r, g, b] = colours[c]
          if (Math.abs(d[i] - r) <= tol && Math.abs(d[i + 1] - g) <= tol && Math.abs(d[i + 2] - b) <= tol) {
            counts[c]++
            break
          }
        }
      }
      return counts
    },
    { b64: png.toString('base64'), colours, tol },
  )
}

/** Screen position (in the page) of a lng/lat on the map. */
async function screenPoint(page: Page, lnglat: [number, number]): Promise<{ x: number; y: number }> {
  return page.evaluate((ll) => {
    const map = (window as unknown as { shuangbaiMap: { project: (p: [number, number]) => { x: number; y: number }; getCanvas: () => HTMLCanvasElement } }).shuangbaiMap
    const p = map.project(ll)
    const r = map.getCanvas().getBoundingClientRect()
    return { x: r.left + p.x, y: r.top + p.y }
  }, lnglat)
}

/** Waits until the map has drawn the coverage of `code` and is idle. */
async function drawn(page: Page, code: string): Promise<void> {
  await page.locator(`.map[data-drawn="${code}"]`).waitFor({ timeout: 30_000 })
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = (window as unknown as { shuangbaiMap: { loaded: () => boolean; once: (e: string, f: () => void) => void; triggerRepaint: () => void } }).shuangbaiMap
        map.once('idle', () => resolve())
        map.triggerRepaint()
      }),
  )
}

// playwright-core has no test runner assertions: poll the page with vitest's expect.poll.
const POLL = { timeout: 20_000 }
const textOf = (l: Locator) => l.first().innerText({ timeout: 2_000 }).catch(() => '')
const contains = (l: Locator, s: string) => expect.poll(() => textOf(l), POLL).toContain(s)
const hasText = (l: Locator, s: string) => expect.poll(async () => (await textOf(l)).trim(), POLL).toBe(s)
const hasAttr = (l: Locator, name: string, v: string) => expect.poll(() => l.first().getAttribute(name, { timeout: 2_000 }).catch(() => null), POLL).toBe(v)
const hasCount = (l: Locator, n: number) => expect.poll(() => l.count(), POLL).toBe(n)
const mapIdle = (page: Page) =>
  page.evaluate(
    () =>
      new Promise((r) => {
        const map = (window as unknown as { shuangbaiMap: { once: (e: string, f: () => void) => void; triggerRepaint: () => void } }).shuangbaiMap
        map.once('idle', () => r(null))
        map.triggerRepaint()
      }),
  )
/** Demand per worker of the villages (codes starting with `prefix`) in the map's own data. */
const mapLoads = (page: Page, prefix: string) =>
  page.evaluate((prefix) => {
    const map = (window as unknown as { shuangbaiMap: { querySourceFeatures: (s: string) => { properties: { code: string; demandPerWorker: number } }[] } }).shuangbaiMap
    const out: Record<string, number> = {}
    for (const f of map.querySourceFeatures('villages')) if (f.properties.code.startsWith(prefix)) out[f.properties.code] = f.properties.demandPerWorker
    return out
  }, prefix)
/** A property of a village in the map's own data. */
const villageOnMap = (page: Page, code: string, prop: string) =>
  page.evaluate(
    ({ code, prop }) => {
      const map = (window as unknown as { shuangbaiMap: { querySourceFeatures: (s: string, o: object) => { properties: Record<string, unknown> }[] } }).shuangbaiMap
      return map.querySourceFeatures('villages', { filter: ['==', ['get', 'code'], code] })[0]?.properties[prop] ?? null
    },
    { code, prop },
  )

describe.skipIf(!chromium)('web UI in Chromium', () => {
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let app: { url: string; stop: () => Promise<void> }
  let db: Database
  const errors: string[] = []
  /** Requests to anywhere but the app: none (no basemap, fonts, glyphs or scripts from outside). */
  const external: string[] = []
  /** Content-Security-Policy violations reported by the page, across navigations. */
  const cspViolations: string[] = []

  beforeAll(async () => {
    ensureWebBuilt()
    db = await testDb()
    await loadDataset(db, faultyDataset())
    await ensureUser(db, 'e2e-bureau', 'bureau', '9901')
    app = await startApp(db, { serveWeb: true })
    browser = await launchBrowser()
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, locale: 'zh-CN' })
    page = await context.newPage()
    await page.exposeFunction('reportCspViolation', (v: string) => cspViolations.push(v))
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        ;(window as unknown as { reportCspViolation: (v: string) => void }).reportCspViolation(`${e.violatedDirective} ${e.blockedURI}`)
      })
    })
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`))
    page.on('request', (r) => {
      const u = new URL(r.url())
      if (u.protocol !== 'data:' && u.protocol !== 'blob:' && u.origin !== new URL(app.url).origin) external.push(r.url())
    })
  })
  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })

  it('signs in (Chinese first) and draws the village polygons of the city', async () => {
    await page.goto(app.url)
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-CN')
    await page.getByRole('heading', { name: '双百网格' }).waitFor()
    await page.screenshot({ path: artifactPath('web-login.png') })
    await page.getByLabel('用户名').fill('e2e-bureau')
    await page.getByLabel('密码').fill(TEST_PASSWORD)
    await page.getByRole('button', { name: '登录' }).click()
    await page.locator('.map[data-ready="true"]').waitFor({ timeout: 60_000 })
    await drawn(page, '9901')
    await contains(page.locator('#dash-title'), '样例市')
    // The URL keeps the view.
    expect(new URL(page.url()).searchParams.get('d')).toBe('9901')
    await page.screenshot({ path: artifactPath('web-city-status.png') })
    // Village polygons are drawn: pixels of the status colours, not just a DOM node. Each
    // status the API gives some village is painted; the others are not.
    const report = await (await page.request.get(`${app.url}/api/coverage?within=9901&geometry=false`)).json()
    const villagesWith = (status: string) => report.villages.features.filter((f: { properties: { status: string } }) => f.properties.status === status).length
    const pixels = await countColours(page, Object.values(STATUS).map((c) => blend(c)))
    expect(pixels[3]).toBeGreaterThan(50_000)
    Object.keys(STATUS).forEach((status, i) => {
      if (villagesWith(status) === 0) expect(pixels[i], status).toBeLessThan(500)
      else expect(pixels[i], status).toBeGreaterThan(1000)
    })
    // The fixture: 990102's 4800-units are overloaded against that county's median (3470), whatever the view.
    expect(villagesWith('overloaded')).toBeGreaterThan(0)
    // Legend with classes and counts.
    await contains(page.locator('.legend'), '覆盖缺口状态')
    await contains(page.locator('.legend'), '正常')
    expect(errors).toEqual([])
  })

  it('hover and click show the numbers of the village under the pointer', async () => {
    const res = await page.request.get(`${app.url}/api/coverage?within=9901`)
    const villages = (await res.json()).villages.features.map((f: { properties: Record<string, unknown> }) => f.properties)
    const v = villages.find((x: { code: string }) => x.code === '990101002004')
    // Village 4 of town 2 is the north-east quarter of the square at 113.01-113.02 °E, 24.00-24.01 °N.
    const at = await screenPoint(page, [113.0175, 24.0075])
    await page.mouse.move(at.x, at.y)
    const card = page.locator('[data-hover="990101002004"]')
    await card.waitFor()
    await contains(card, v.name)
    await contains(card, '4,000')
    await page.screenshot({ path: artifactPath('web-hover.png') })
    // The hovered village is highlighted with feature-state.
    const hover = await page.evaluate(() => (window as unknown as { shuangbaiMap: { getFeatureState: (f: object) => Record<string, unknown> } }).shuangbaiMap.getFeatureState({ source: 'villages', id: '990101002004' }))
    expect(hover.hover).toBe(true)
    // Its outline is drawn over the map, around the village and nowhere else.
    const outlined = () =>
      page.evaluate(
        ([x, y]) => {
          const canvas = document.querySelector('canvas.hover-outline') as HTMLCanvasElement
          const r = canvas.getBoundingClientRect()
          const ratio = canvas.width / r.width
          const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
          let inked = 0
          let far = 0
          for (let i = 3; i < d.length; i += 4) {
            if (d[i] === 0) continue
            inked++
            const px = ((i - 3) / 4) % canvas.width
            const py = Math.floor((i - 3) / 4 / canvas.width)
            // A village is about 0.005° (some tens of pixels here): ink far from its centre is wrong.
            if (Math.hypot(px / ratio + r.left - x, py / ratio + r.top - y) > 400) far++
          }
          return { inked, far }
        },
        [at.x, at.y],
      )
    const ink = await outlined()
    expect(ink.inked).toBeGreaterThan(50)
    expect(ink.far).toBe(0)

    await page.mouse.click(at.x, at.y)
    await hasText(page.locator('[data-details-name]'), v.name)
    await hasText(page.locator('[data-fact="population"]'), '4,000')
    await hasText(page.locator('[data-fact="specialGroupMembers"]'), Number(v.specialGroupMembers).toLocaleString('en-US'))
    await hasText(page.locator('[data-fact="unitWorkers"]'), String(v.unitWorkers))
    await contains(page.locator('[data-fact="distanceKm"]'), String(Math.round(v.distanceKm * 100) / 100))
    // The seven special groups, and the workers of its service point.
    await contains(page.locator('.details table.groups'), '低保对象')
    await contains(page.locator('.details table.groups'), '40')
    await hasCount(page.locator('.details .workers li'), v.unitWorkers)
    expect(new URL(page.url()).searchParams.get('s')).toBe('v:990101002004')
    await page.screenshot({ path: artifactPath('web-village-details.png') })
    expect(errors).toEqual([])
  })

  it('switching the metric changes the legend and the colours', async () => {
    const before = await countColours(page, DISTANCE_RAMP.map((c) => blend(c)))
    await page.getByText('服务距离', { exact: true }).click()
    await hasAttr(page.locator('.legend'), 'data-metric', 'distanceKm')
    await hasText(page.locator('#legend-title'), '到社工点的距离')
    await hasText(page.locator('.legend .unit'), '直线距离，公里')
    await mapIdle(page)
    const after = await countColours(page, DISTANCE_RAMP.map((c) => blend(c)))
    // Distances here are 0 or 0.51 km: the two nearest classes appear.
    expect(after[0] + after[1]).toBeGreaterThan(10_000)
    expect(after[0] + after[1]).toBeGreaterThan(5 * (before[0] + before[1]) + 1000)
    const [, , , okNow] = await countColours(page, Object.values(STATUS).map((c) => blend(c)))
    expect(okNow).toBeLessThan(500)
    expect(new URL(page.url()).searchParams.get('m')).toBe('distanceKm')
    await page.screenshot({ path: artifactPath('web-city-distance.png') })
    await page.getByText('缺口状态', { exact: true }).click()
    await hasAttr(page.locator('.legend'), 'data-metric', 'status')
    expect(errors).toEqual([])
  })

  it('switches between Chinese and English', async () => {
    await page.getByRole('button', { name: 'EN', exact: true }).click()
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en')
    await page.getByRole('tab', { name: 'Dashboard' }).waitFor()
    await hasText(page.locator('#legend-title'), 'Coverage gap status')
    await page.getByRole('tab', { name: 'Dashboard' }).click()
    await contains(page.locator('.kpi[data-kpi="covered"]'), 'Covered')
    await page.screenshot({ path: artifactPath('web-city-en.png') })
    await page.getByRole('button', { name: '中文', exact: true }).click()
    await page.getByRole('tab', { name: '概览' }).waitFor()
    expect(errors).toEqual([])
  })

  it('works on a laptop screen with the keyboard alone, every control named for screen readers', async () => {
    await page.setViewportSize({ width: 1366, height: 768 })
    try {
      await mapIdle(page)
      // Nothing wider than the window; the map and the panel both on screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
      for (const selector of ['.map canvas.maplibregl-canvas', '[role="tabpanel"]']) {
        const box = await page.locator(selector).first().boundingBox()
        expect(box && box.width > 200 && box.height > 200, selector).toBe(true)
      }
      // Every visible control has an accessible name (label, aria-label, aria-labelledby or text).
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll('button, input, select, textarea, a[href], [role="tab"], [role="radio"], [tabindex="0"]')]
          .filter((el) => (el as HTMLElement).offsetParent !== null)
          .filter((el) => {
            const labelled = el.getAttribute('aria-labelledby')
            const byId = labelled ? labelled.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join('') : ''
            const labels = 'labels' in el ? [...((el as HTMLInputElement).labels ?? [])].map((l) => l.textContent ?? '').join('') : ''
            const name = (el.getAttribute('aria-label') ?? '') + byId + labels + (el.textContent ?? '') + (el.getAttribute('title') ?? '')
            return name.trim() === ''
          })
          .map((el) => el.outerHTML.slice(0, 120)),
      )
      expect(unnamed).toEqual([])
      // The metric is a radio group: arrow keys change it.
      await page.getByRole('radio', { name: '缺口状态' }).focus()
      await page.keyboard.press('ArrowRight')
      await hasAttr(page.locator('.legend'), 'data-metric', 'demandPerWorker')
      await page.keyboard.press('ArrowLeft')
      await hasAttr(page.locator('.legend'), 'data-metric', 'status')
      // The panel's tabs: arrow keys move between them, the panel follows.
      await page.getByRole('tab', { name: '概览' }).focus()
      await page.keyboard.press('ArrowRight')
      await hasAttr(page.getByRole('tab', { name: '详情' }), 'aria-selected', 'true')
      await page.keyboard.press('ArrowLeft')
      await hasAttr(page.getByRole('tab', { name: '概览' }), 'aria-selected', 'true')
      // The map takes the keyboard focus (and keyboard panning and zooming).
      await page.locator('.map canvas.maplibregl-canvas').focus()
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('地图 Map')
      await page.screenshot({ path: artifactPath('web-laptop.png') })
      expect(errors).toEqual([])
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 })
    }
  })

  it('finds a place by name and keeps the view in a shareable link', async () => {
    const search = page.getByRole('combobox', { name: '按名称搜索' })
    await search.fill('样例3镇社工站')
    await page.getByRole('option', { name: /样例3镇社工站/ }).waitFor()
    await search.press('Enter')
    await hasText(page.locator('[data-details-name]'), '样例3镇社工站')
    // The planted fault: one administrative post, the rule asks for two.
    await contains(page.locator('[data-fact="adminPosts"]'), '1')
    await contains(page.locator('.details'), '事务性岗位1人，少于规定的2人')
    await page.getByText('特殊群体', { exact: true }).click()
    await hasAttr(page.locator('.legend'), 'data-metric', 'specialGroupMembers')
    const link = page.url()
    expect(new URL(link).searchParams.get('s')).toBe('st:st-990101003')
    // The link opens the same view.
    await page.goto(link)
    await page.locator('.map[data-ready="true"]').waitFor({ timeout: 60_000 })
    await hasText(page.locator('[data-details-name]'), '样例3镇社工站')
    await hasAttr(page.locator('.legend'), 'data-metric', 'specialGroupMembers')
    await page.getByText('缺口状态', { exact: true }).click()
    await drawn(page, '9901')
    expect(errors).toEqual([])
  })

  it('exports the town table as CSV and XLSX and the map as PNG', async () => {
    await page.getByRole('tab', { name: '概览' }).click()
    const save = async (label: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: label }).click()])
      const file = artifactPath(`web-export-${download.suggestedFilename()}`)
      await download.saveAs(file)
      return { name: download.suggestedFilename(), data: fs.readFileSync(file) }
    }
    const csv = await save('导出 CSV')
    expect(csv.name).toMatch(/\.csv$/)
    const text = csv.data.toString('utf8')
    expect(text.charCodeAt(0)).toBe(0xfeff)
    expect(text).toContain('样例1镇')
    expect(text.trim().split('\r\n')).toHaveLength(11) // header + 10 towns
    const xlsx = await save('导出 Excel')
    expect(xlsx.data.subarray(0, 2).toString()).toBe('PK')
    // An independent reader (read-excel-file) finds the same table as the CSV, numbers as numbers.
    const sheets = await readXlsxFile(xlsx.data)
    expect(sheets).toHaveLength(1)
    const cells = sheets[0].data
    const csvRows = text.slice(1).trim().split('\r\n').map((line) => line.split(','))
    expect(cells).toHaveLength(csvRows.length)
    expect(cells[0]).toEqual(csvRows[0])
    const town1 = cells.find((row) => row[2] === '样例1镇')!
    expect(town1).toBeDefined()
    expect(town1.some((v) => typeof v === 'number')).toBe(true)
    for (const [r, row] of cells.entries()) expect(row.map((v) => (v === null ? '' : String(v))), `row ${r}`).toEqual(csvRows[r])
    const png = await save('导出地图 PNG')
    expect(png.data.subarray(1, 4).toString()).toBe('PNG')
    expect(png.data.length).toBeGreaterThan(20_000)
    expect(errors).toEqual([])
  })

  it('runs a staff plan, reviews it (moves on the map) and applies it: the map updates', async () => {
    await page.locator('[data-picker="county"]').selectOption('990101')
    await drawn(page, '990101')
    await hasText(page.locator('.kpi[data-kpi="violations"] .v'), '2')
    // Town 1's first grid unit lost a worker: 1475 + 2805 weighted demand for one worker.
    await expect.poll(() => villageOnMap(page, '990101001001', 'demandPerWorker'), POLL).toBe(4280)
    const loadsBefore = await mapLoads(page, '990101')
    await page.getByRole('tab', { name: '规划' }).click()
    expect(await page.getByLabel('过载倍数（× 中位数）').inputValue()).toBe('1.3')
    await page.getByRole('button', { name: '运行规划' }).click()
    const review = page.locator('.review[data-plan-status="draft"]')
    await review.waitFor({ timeout: 60_000 })
    await contains(review.locator('[data-summary]'), '镇内调配')
    // Nobody changes town: town 990101001's missing service post is a post to recruit.
    for (const [label, n] of [['跨镇调动', '0'], ['拟招聘岗位', '1'], ['空缺岗位', '0'], ['精简人员', '0']]) {
      await hasText(review.locator('[data-summary] div', { hasText: label }).locator('.v'), n)
    }
    await review.locator('.moves li').first().waitFor()
    await contains(review, '已独立验证')
    // The moves are drawn as arrows.
    await mapIdle(page)
    const arrows = await page.evaluate(() => (window as unknown as { shuangbaiMap: { querySourceFeatures: (s: string) => unknown[] } }).shuangbaiMap.querySourceFeatures('move-heads').length)
    expect(arrows).toBeGreaterThan(0)
    await page.screenshot({ path: artifactPath('web-plan-review.png') })

    await review.getByRole('button', { name: '实施方案' }).click()
    const dialog = page.getByRole('dialog')
    await contains(dialog, '确认实施方案')
    await page.screenshot({ path: artifactPath('web-plan-confirm.png') })
    await dialog.getByRole('button', { name: '实施方案' }).click()
    await contains(page.locator('[data-notice="ok"]'), '方案已实施')
    await page.locator('.review[data-plan-status="applied"]').waitFor()
    // The map and the dashboard show the new state: one violation left (town 1's post waits for the recruitment).
    await drawn(page, '990101')
    await page.getByRole('tab', { name: '概览' }).click()
    await hasText(page.locator('.kpi[data-kpi="violations"] .v'), '1')
    // The map shows the new numbers: those of the API after the apply, different from before.
    const api = await page.request.get(`${app.url}/api/coverage?within=990101&geometry=false`)
    const loadsAfter = Object.fromEntries((await api.json()).villages.features.map((f: { properties: { code: string; demandPerWorker: number } }) => [f.properties.code, f.properties.demandPerWorker]))
    await expect.poll(() => mapLoads(page, '990101'), POLL).toEqual(Object.fromEntries(Object.entries(loadsAfter).filter(([c]) => c.startsWith('990101'))))
    expect(await mapLoads(page, '990101')).not.toEqual(loadsBefore)
    await page.screenshot({ path: artifactPath('web-plan-applied.png') })
    expect(errors).toEqual([])
  })

  it('shows a 409 as a message when the data changed since the plan was computed', async () => {
    await page.getByRole('tab', { name: '规划' }).click()
    await page.getByRole('button', { name: '返回' }).click()
    await page.getByLabel('督导分片').check()
    await page.getByRole('button', { name: '运行规划' }).click()
    const review = page.locator('.review[data-plan-status="draft"]')
    await review.waitFor({ timeout: 60_000 })
    // Someone else changes a worker of the county meanwhile.
    await db.knex('workers').where({ id: 'w-990101005-p21' }).update({ certified: false })
    await review.getByRole('button', { name: '实施方案' }).click()
    await page.getByRole('dialog').getByRole('button', { name: '实施方案' }).click()
    const notice = page.locator('[data-notice="conflict"]')
    await contains(notice, '数据已被修改')
    await contains(notice, 'workers')
    await page.screenshot({ path: artifactPath('web-plan-409.png') })
    // The browser logs the 409 response itself; nothing else may fail.
    expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([])
    // The plan can be discarded; the history lists both plans.
    await review.getByRole('button', { name: '放弃方案' }).click()
    await contains(page.locator('[data-notice="ok"]'), '方案已放弃')
    await hasCount(page.locator('.history li'), 2)
    // Back goes to the city view the county was opened from.
    await page.goBack()
    await drawn(page, '9901')
    await contains(page.locator('#dash-title'), '样例市')
    expect(external).toEqual([])
  })

  it('runs a grid plan for a town: the villages changing unit are listed and outlined, and apply redraws the units', async () => {
    await page.locator('[data-picker="county"]').selectOption('990101')
    await drawn(page, '990101')
    await page.locator('[data-picker="town"]').selectOption('990101001')
    await drawn(page, '990101001')
    await page.getByRole('tab', { name: '规划' }).click()
    const back = page.getByRole('button', { name: '返回' })
    if (await back.isVisible()) await back.click()
    await page.getByLabel('网格划分').check()
    await page.getByRole('button', { name: '运行规划' }).click()
    const review = page.locator('.review[data-plan-status="draft"]')
    await review.waitFor({ timeout: 60_000 })
    // Units {v1, v2} | {v3, v4} become the balanced columns {v1, v3} | {v2, v4}: v2 and v3 move.
    const listed = review.locator('[data-grid-changes] li')
    await hasCount(listed, 2)
    expect((await listed.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.village))).sort()).toEqual(['990101001002', '990101001003'])
    await contains(listed.first(), '→')
    // The map outlines exactly those villages (dashed "changed" marks).
    await mapIdle(page)
    const marked = () =>
      page.evaluate(() => {
        const map = (window as unknown as { shuangbaiMap: { querySourceFeatures: (s: string) => { properties: { mark: string; code: string } }[] } }).shuangbaiMap
        return [...new Set(map.querySourceFeatures('marks').filter((f) => f.properties.mark === 'changed').map((f) => f.properties.code))].sort()
      })
    // Outlined: the villages changing unit and those whose coverage status the plan changes.
    const newest = (await (await page.request.get(`${app.url}/api/plans?within=990101001`)).json()).plans[0]
    const plan = await (await page.request.get(`${app.url}/api/plans/${newest.id}`)).json()
    const { before, after } = plan.coverage as { before: { villageStatus: Record<string, string> }; after: { villageStatus: Record<string, string> } }
    const statusChanged = Object.keys(after.villageStatus).filter((c) => after.villageStatus[c] !== before.villageStatus[c])
    const expected = [...new Set([...plan.diff.membership.map((m: { villageCode: string }) => m.villageCode), ...statusChanged])].sort()
    expect(expected).toEqual(expect.arrayContaining(['990101001002', '990101001003']))
    await expect.poll(marked, POLL).toEqual(expected)
    await page.screenshot({ path: artifactPath('web-plan-grids.png') })

    await review.getByRole('button', { name: '实施方案' }).click()
    const dialog = page.getByRole('dialog')
    await contains(dialog, '2 个村(居)将调整网格')
    await dialog.getByRole('button', { name: '实施方案' }).click()
    await contains(page.locator('[data-notice="ok"]'), '方案已实施')
    // The grid-unit outlines on the map are the new units.
    const unitsOnMap = () =>
      page.evaluate(() => {
        const map = (window as unknown as { shuangbaiMap: { querySourceFeatures: (s: string) => { properties: { villageCodes: unknown } }[] } }).shuangbaiMap
        const codes = map.querySourceFeatures('grid-units').map((f) => {
          const v = f.properties.villageCodes
          return (typeof v === 'string' ? (JSON.parse(v) as string[]) : (v as string[])).filter((c) => c.startsWith('990101001')).join(',')
        })
        return [...new Set(codes)].filter(Boolean).sort()
      })
    await mapIdle(page)
    await expect.poll(unitsOnMap, POLL).toEqual(['990101001001,990101001003', '990101001002,990101001004'])
    expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([])
  })

  it('lists the changes made above in the audit tab, opens a plan from it, and lists this session', async () => {
    await page.getByRole('tab', { name: '审计' }).click()
    const entries = page.locator('.audit li')
    // Newest first: the grid plan of town 990101001, applied by this user in the test before.
    await contains(entries.first(), '应用网格划分方案')
    await contains(entries.first(), 'e2e-bureau')
    await hasCount(page.locator('.audit li[data-audit="plan.apply"]'), 2)
    await hasCount(page.locator('.audit li[data-audit="plan.discard"]'), 1)
    await page.screenshot({ path: artifactPath('web-audit.png') })
    // The staff plan applied earlier opens in the plan review.
    const plans = (await (await page.request.get(`${app.url}/api/plans?within=990101`)).json()).plans as { id: string; kind: string; status: string }[]
    const staff = plans.find((p) => p.kind === 'staff' && p.status === 'applied')!
    const staffEntry = page.locator('.audit li[data-audit="plan.apply"]', { hasText: '社工岗位配置' })
    await staffEntry.getByRole('button', { name: '查看方案' }).click()
    await hasAttr(page.getByRole('tab', { name: '规划' }), 'aria-selected', 'true')
    await page.locator('.review[data-plan-status="applied"]').waitFor()
    await contains(page.locator('.review [data-summary]'), '镇内调配')
    await expect.poll(() => new URL(page.url()).searchParams.get('plan'), POLL).toBe(staff.id)
    // Settings list this browser's session as the current one.
    await page.getByRole('button', { name: '设置' }).click()
    await contains(page.getByRole('dialog').locator('[data-session="current"]'), '当前会话')
    await page.screenshot({ path: artifactPath('web-sessions.png') })
    await page.getByRole('dialog').getByRole('button', { name: '取消' }).click()
    expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([])
  })

  it('starts a province-scoped user at the province, its cities in the picker', async () => {
    await ensureUser(db, 'e2e-province', 'admin', '99')
    const own = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
    const p = await own.newPage()
    const mine: string[] = []
    p.on('console', (m) => m.type() === 'error' && mine.push(m.text()))
    p.on('pageerror', (e) => mine.push(e.message))
    try {
      await p.goto(app.url)
      await p.getByLabel('用户名').fill('e2e-province')
      await p.getByLabel('密码').fill(TEST_PASSWORD)
      await p.getByRole('button', { name: '登录' }).click()
      await drawn(p, '99')
      await contains(p.locator('#dash-title'), '样例省')
      expect(new URL(p.url()).searchParams.get('d')).toBe('99')
      const cities = p.locator('select[data-picker="city"]')
      await expect.poll(() => cities.locator('option').allTextContents()).toEqual(['全部市', '样例市'])
      await expect(p.locator('select[data-picker="county"]').count()).resolves.toBe(0)
      await p.screenshot({ path: artifactPath('web-province.png') })
      await cities.selectOption('9901')
      await drawn(p, '9901')
      await contains(p.locator('#dash-title'), '样例市')
      await p.locator('select[data-picker="county"]').waitFor()
      await cities.selectOption('')
      await drawn(p, '99')
      expect(mine).toEqual([])
    } finally {
      await own.close()
    }
  })

  it('runs under its Content-Security-Policy with no violation (MapLibre workers included)', async () => {
    const res = await page.request.get(app.url)
    const csp = res.headers()['content-security-policy'] ?? ''
    expect(csp).toMatch(/script-src 'self' 'sha256-/)
    expect(csp).toMatch(/worker-src 'self'(;|$)/)
    expect(res.headers()['x-frame-options']).toBe('DENY')
    // Every view above ran with the policy in force: the map drew, its workers ran, the exports worked.
    expect(cspViolations).toEqual([])
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([])
  })
})
