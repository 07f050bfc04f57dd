/**
 * The planner's workflow in real Chromium (issue 10), on the faulty fixture (county 990101):
 * the budget's bounds shown and checked before solving, odd values refused in the UI's
 * language, the review's moves/transfers/recruits/vacant/released; a plan link that survives
 * a reload and a new tab, an unknown plan id that says why; submit with a note → a bureau
 * user sees it waiting, returns it with a comment → the planner sees the comment, submits
 * again → approved and applied; the second tab's apply says "already applied" and refreshes;
 * the plan's XLSX document and its printable page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import readXlsxFile from 'read-excel-file/node'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import type { Database } from '../../server/db/connection.js'
import { faultyDataset } from '../fixtures/faulty-dataset.js'
import { ensureUser, loadDataset, startApp, testDb, TEST_PASSWORD } from '../db/harness.js'
import { artifactPath, chromiumPath, launchBrowser } from './browser.js'
import { ensureWebBuilt } from './build.js'

const chromium = chromiumPath()
const POLL = { timeout: 30_000 }
const textOf = (l: Locator) => l.first().innerText({ timeout: 2_000 }).catch(() => '')
const contains = (l: Locator, s: string) => expect.poll(() => textOf(l), POLL).toContain(s)
/** Latin words of English prose (ids, codes and table names aside): none may reach the Chinese UI. */
const ENGLISH = /\b(the|is|has|been|already|changed|since|plan|must|only|does|not|exist)\b/i

describe.skipIf(!chromium)('the planner workflow in Chromium', () => {
  let browser: Browser
  let app: { url: string; stop: () => Promise<void> }
  let db: Database
  const errors: string[] = []

  beforeAll(async () => {
    ensureWebBuilt()
    db = await testDb()
    await loadDataset(db, faultyDataset())
    await ensureUser(db, 'flow-planner', 'planner', '990101')
    await ensureUser(db, 'flow-bureau', 'bureau', '9901')
    app = await startApp(db, { serveWeb: true })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })

  async function signedIn(username: string, path = '/', viewport = { width: 1366, height: 768 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, acceptDownloads: true, locale: 'zh-CN' })
    const page = await context.newPage()
    page.on('console', (m) => m.type() === 'error' && !/status of (400|404|409)/.test(m.text()) && errors.push(`${username}: ${m.text()}`))
    page.on('pageerror', (e) => errors.push(`${username}: ${e.message}`))
    await page.goto(app.url + path)
    await page.getByLabel('用户名').fill(username)
    await page.getByLabel('密码').fill(TEST_PASSWORD)
    await page.getByRole('button', { name: '登录' }).click()
    await page.locator('.map[data-ready="true"]').waitFor({ timeout: 60_000 })
    return { context, page }
  }

  let planner: Page
  let planId = ''

  it('shows the budget bounds before solving and refuses odd values in Chinese', async () => {
    ;({ page: planner } = await signedIn('flow-planner'))
    await planner.getByRole('tab', { name: '规划' }).click()
    const bounds = await (await planner.request.get(`${app.url}/api/plans/staff/bounds?within=990101`)).json()
    const shown = planner.locator('[data-bounds]')
    await expect.poll(() => shown.getAttribute('data-bounds').catch(() => null), POLL).toBe(`${bounds.minimum}-${bounds.maximum}`)
    await contains(shown, `可设范围 ${bounds.minimum}–${bounds.maximum}`)
    await contains(shown, `现有 ${bounds.current}`)
    // Above the maximum: the form says so and sends nothing.
    await planner.locator('input[data-field="budget"]').fill(String(bounds.maximum + 1))
    await planner.getByRole('button', { name: '运行规划' }).click()
    await contains(planner.locator('[data-problem="budget"]'), `社工总数应在 ${bounds.minimum} 至 ${bounds.maximum} 之间`)
    expect(await planner.locator('.progress').count()).toBe(0)
    await planner.locator('input[data-field="budget"]').fill('')
    // Every weight 0 and a 1 s time limit: named in Chinese.
    for (const input of await planner.locator('fieldset', { hasText: '需求权重' }).locator('input[type="number"]').all()) await input.fill('0')
    await planner.locator('input[data-field="timeLimitSec"]').fill('1')
    await planner.getByRole('button', { name: '运行规划' }).click()
    await contains(planner.locator('[data-problem="weights"]'), '所有权重都为 0')
    await contains(planner.locator('[data-problem="timeLimitSec"]'), '求解时限 应在 5 至 600 之间')
    await planner.screenshot({ path: artifactPath('planner-form-problems.png') })
    // The server refuses the same in Chinese too (its schema, 400 naming the field).
    const res = await planner.request.post(`${app.url}/api/plans`, {
      data: { kind: 'staff', within: '990101', params: { timeLimitSec: 1 } },
      headers: { 'x-csrf-token': await planner.evaluate(async () => (await (await fetch('/api/me')).json()).csrfToken) },
    })
    expect(res.status()).toBe(400)
    expect(await res.json()).toMatchObject({ field: 'params.timeLimitSec', text: { zh: expect.stringContaining('不能小于 5') } })
    await planner.getByRole('button', { name: '恢复默认' }).click()
  })

  it('a plan with a budget above today: recruits per town in the review, transfers listed apart', async () => {
    const bounds = await (await planner.request.get(`${app.url}/api/plans/staff/bounds?within=990101`)).json()
    await planner.locator('input[data-field="budget"]').fill(String(bounds.keep + 2))
    await planner.locator('input[data-field="allowTransfers"]').check()
    await contains(planner.locator('form'), '跨镇调动距离上限（公里）')
    await planner.getByRole('button', { name: '运行规划' }).click()
    const review = planner.locator('.review[data-plan-status="draft"]')
    await review.waitFor({ timeout: 60_000 })
    planId = new URL(planner.url()).searchParams.get('plan') ?? ''
    expect(planId).toMatch(/^[0-9a-f-]{36}$/)
    const plan = await (await planner.request.get(`${app.url}/api/plans/${planId}`)).json()
    expect(plan.diff.summary.recruits).toBeGreaterThan(0)
    for (const section of ['moves', 'transfers', 'recruits', 'vacant', 'released']) await review.locator(`[data-section="${section}"]`).waitFor()
    await contains(review.locator('[data-section="recruits"] h3'), `(${plan.diff.summary.recruits})`)
    const recruitTowns = plan.diff.towns.filter((t: { recruits: number }) => t.recruits > 0)
    expect(await review.locator('[data-recruit-town]').count()).toBe(recruitTowns.length)
    await contains(review.locator(`[data-recruit-town="${recruitTowns[0].code}"]`), recruitTowns[0].name)
    expect(await review.locator('[data-section="transfers"] [data-move]').count()).toBe(plan.diff.summary.transfers)
    expect(await review.locator('[data-section="moves"] [data-move]').count()).toBe(Math.min(30, plan.diff.summary.moves))
    // The solver's line in Chinese (no raw "optimal" / "infeasible").
    await contains(review.locator('.solver'), '求解结果：最优')
    await planner.screenshot({ path: artifactPath('planner-review-recruits.png'), fullPage: true })
  })

  it('keeps the plan of a link on reload and in a new tab; an unknown plan id says why', async () => {
    await planner.reload()
    await planner.locator('.map[data-ready="true"]').waitFor({ timeout: 60_000 })
    await planner.locator(`.review[data-plan-status="draft"]`).waitFor(POLL)
    expect(new URL(planner.url()).searchParams.get('plan')).toBe(planId)
    // The same link in a new tab of the same session.
    const tab = await planner.context().newPage()
    await tab.goto(planner.url())
    await tab.locator('.review[data-plan-status="draft"]').waitFor(POLL)
    expect(new URL(tab.url()).searchParams.get('plan')).toBe(planId)
    // An id no plan has: a message, not a silent drop.
    await tab.goto(`${app.url}/?d=990101&tab=plan&plan=00000000-0000-4000-8000-000000000000`)
    await contains(tab.locator('[data-link-problem]'), '链接中的方案 00000000… 不存在')
    await tab.close()
  })

  let bureau: Page
  it('submit with a note → the bureau sees it waiting and returns it with a comment → the planner sees the comment', async () => {
    const review = planner.locator('.review')
    await review.locator('textarea[data-field="note"]').fill('请审核：补足服务岗')
    await review.locator('[data-action="submit"]').click()
    await contains(planner.locator('[data-notice="ok"]'), '方案已提交')
    await planner.locator('.review[data-plan-status="submitted"]').waitFor()

    ;({ page: bureau } = await signedIn('flow-bureau', '/?d=990101'))
    // The tab's badge and the notice above the history.
    await contains(bureau.locator('[data-awaiting-badge]'), '1')
    await bureau.getByRole('tab', { name: /规划/ }).click()
    await contains(bureau.locator('[data-awaiting]'), '1 个方案待审批')
    const row = bureau.locator(`.history li[data-plan="${planId}"]`)
    await contains(row, '待审批')
    await contains(row, '样例县') // the division's name, not only its code
    await contains(row, '拟招聘岗位')
    await contains(row, '允许跨镇')
    await row.getByRole('button', { name: '查看' }).click()
    const review2 = bureau.locator('.review[data-plan-status="submitted"]')
    await review2.waitFor()
    await contains(review2.locator('[data-review]'), '请审核：补足服务岗')
    await bureau.screenshot({ path: artifactPath('planner-bureau-submitted.png') })
    await review2.locator('[data-action="return"]').click()
    await review2.locator('textarea[data-field="comment"]').fill('招聘人数请与乡镇核实')
    await review2.locator('[data-action="send-return"]').click()
    await bureau.locator('.review[data-plan-status="returned"]').waitFor()

    // The planner's tab: back to the history (read anew), which shows the outcome and the comment.
    await planner.getByRole('button', { name: '返回' }).click()
    const mine = planner.locator(`.history li[data-plan="${planId}"]`)
    await contains(mine, '已退回')
    await contains(mine, '招聘人数请与乡镇核实')
  })

  it('submitted again, approved and applied; the other tab applying it too hears "already applied" and refreshes', async () => {
    const mine = planner.locator(`.history li[data-plan="${planId}"]`)
    await mine.getByRole('button', { name: '查看' }).click()
    await contains(planner.locator('.review [data-review]'), '招聘人数请与乡镇核实')
    await planner.locator('.review [data-action="submit"]').click()
    await planner.locator('.review[data-plan-status="submitted"]').waitFor()

    await bureau.reload()
    await bureau.locator('.review[data-plan-status="submitted"]').waitFor(POLL)
    await bureau.locator('.review [data-action="approve"]').click()
    await bureau.locator('.review[data-plan-status="approved"]').waitFor()
    // A second tab of the bureau user, on the approved plan.
    const other = await bureau.context().newPage()
    await other.goto(bureau.url())
    await other.locator('.review[data-plan-status="approved"]').waitFor(POLL)

    await bureau.locator('.review [data-action="apply"]').click()
    await bureau.getByRole('dialog').getByRole('button', { name: '实施方案' }).click()
    await bureau.locator('.review[data-plan-status="applied"]').waitFor(POLL)

    await other.locator('.review [data-action="apply"]').click()
    await other.getByRole('dialog').getByRole('button', { name: '实施方案' }).click()
    const notice = other.locator('[data-notice="stale"]')
    await contains(notice, '该方案已经实施过')
    await contains(notice, '方案已由 flow-bureau')
    expect(await textOf(notice)).not.toMatch(ENGLISH)
    expect(await textOf(notice)).not.toContain('数据已被修改')
    // The stale tab now shows the plan as applied.
    await other.locator('.review[data-plan-status="applied"]').waitFor(POLL)
    await other.screenshot({ path: artifactPath('planner-already-applied.png') })
    await other.close()
  })

  it('the city view does not scroll; the legend names the overload threshold and clears the map; the panel widens; each tab keeps its own scroll', async () => {
    const { page, context } = await signedIn('flow-bureau', '/?d=9901', { width: 1366, height: 768 })
    await page.locator('.map[data-drawn="9901"]').waitFor(POLL)
    await page.locator('#dash-title').waitFor()
    await new Promise((r) => setTimeout(r, 1500))
    const overflow = await page.evaluate(() => ({ doc: document.documentElement.scrollHeight - window.innerHeight, body: document.body.scrollHeight - window.innerHeight, x: document.documentElement.scrollWidth - window.innerWidth }))
    expect(overflow).toEqual({ doc: 0, body: 0, x: 0 })
    // The threshold `overloaded` is judged by, from the report's `overload` (per county: median × factor).
    const report = await (await page.request.get(`${app.url}/api/coverage?within=9901&geometry=false`)).json()
    const thresholds = report.overload.map((o: { threshold: number }) => o.threshold).filter((x: number | null) => x !== null)
    const fmt = (x: number) => x.toLocaleString('zh-CN', { maximumFractionDigits: 0 })
    await contains(page.locator('[data-overload]'), `${fmt(Math.min(...thresholds))}–${fmt(Math.max(...thresholds))}`)
    // No village lies under the legend.
    const legend = await page.locator('.legend').boundingBox()
    const covered = await page.evaluate((box) => {
      const map = (window as unknown as { shuangbaiMap: { queryRenderedFeatures: (b: [[number, number], [number, number]], o: { layers: string[] }) => unknown[]; getCanvas: () => HTMLCanvasElement } }).shuangbaiMap
      const r = map.getCanvas().getBoundingClientRect()
      return map.queryRenderedFeatures([[box.x - r.left, box.y - r.top], [box.x - r.left + box.width, box.y - r.top + box.height]], { layers: ['villages-fill'] }).length
    }, legend!)
    expect(covered).toBe(0)
    // Each tab its own scroll: the dashboard scrolled down, the planning tab opens at its top, the dashboard comes back where it was.
    const panel = page.locator('.tabpanel')
    await panel.evaluate((el) => (el.scrollTop = 300))
    await page.getByRole('tab', { name: /规划/ }).click()
    await expect.poll(() => panel.evaluate((el) => el.scrollTop), POLL).toBe(0)
    await page.getByRole('tab', { name: '概览' }).click()
    // (Where it was: within a few pixels, as the dashboard's charts settle.)
    await expect.poll(() => panel.evaluate((el) => Math.abs(el.scrollTop - 300) <= 10), POLL).toBe(true)
    // The panel widens by dragging its edge; the ranking then shows more of its columns.
    const before = (await page.locator('.panel').boundingBox())!.width
    const edge = (await page.locator('.panel-resizer').boundingBox())!
    await page.mouse.move(edge.x + 4, edge.y + 200)
    await page.mouse.down()
    await page.mouse.move(edge.x - 300, edge.y + 200, { steps: 5 })
    await page.mouse.up()
    expect((await page.locator('.panel').boundingBox())!.width).toBeGreaterThan(before + 250)
    await page.screenshot({ path: artifactPath('planner-wide-panel.png') })
    await context.close()
  })

  it('exports the plan document (XLSX, read back) and prints the review alone', async () => {
    const [download] = await Promise.all([bureau.waitForEvent('download'), bureau.locator('.review [data-action="export"]').click()])
    const sheets = await readXlsxFile(await download.path())
    expect(sheets.map((s) => s.sheet)).toEqual(['人员调动', '各乡镇岗位', '各站点岗位', '覆盖前后对比', '参数与验证'])
    const params = Object.fromEntries(sheets[4].data.map((r) => [r[0], r[1]]))
    expect(params['审批意见']).toBeNull()
    expect(params['实施人']).toBe('flow-bureau')
    await bureau.emulateMedia({ media: 'print' })
    expect(await bureau.locator('.mapwrap').isVisible()).toBe(false)
    expect(await bureau.locator('.review [data-section="recruits"]').isVisible()).toBe(true)
    expect(await bureau.locator('.review .actions').first().isVisible()).toBe(false)
    await bureau.screenshot({ path: artifactPath('planner-print.png'), fullPage: true })
    await bureau.emulateMedia({ media: 'screen' })
    expect(errors).toEqual([])
  })

  it('screenshots of the views changed, at 1366×768 and 1920×1080, in Chinese and English (for a person to look at)', async () => {
    for (const [w, h] of [[1366, 768], [1920, 1080]]) {
      for (const lang of ['zh', 'en']) {
        const { page, context } = await signedIn('flow-bureau', '/?d=990101', { width: w, height: h })
        await page.goto(`${app.url}/?d=990101&tab=plan&plan=${planId}&lang=${lang}`)
        await page.locator('.review').waitFor(POLL)
        await page.locator('.map[data-drawn="990101"]').waitFor(POLL)
        await page.screenshot({ path: artifactPath(`views-${w}-${lang}-review.png`) })
        await page.locator('.tabpanel').evaluate((el) => (el.scrollTop = el.scrollHeight))
        await page.screenshot({ path: artifactPath(`views-${w}-${lang}-review-end.png`) })
        await page.locator('.review').getByRole('button', { name: lang === 'zh' ? '返回' : 'Back' }).click()
        await page.screenshot({ path: artifactPath(`views-${w}-${lang}-form.png`) })
        await context.close()
      }
    }
    expect(errors).toEqual([])
  })
})
