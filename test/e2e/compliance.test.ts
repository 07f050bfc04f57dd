/**
 * The bureau's compliance dashboard in real Chromium (issue 11) on the Shaoguan demo with its
 * synthetic supervision history: the sections filled, the inspection plan, the XLSX export
 * read back by an independent reader, a score entered through the form, zh/en.
 */
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import readXlsxFile from 'read-excel-file/node'
import type { Browser, Page } from 'playwright-core'
import type { Database } from '../../server/db/connection.js'
import { clearDataset } from '../../server/repositories/dataset.repository.js'
import { seedDemo } from '../../server/services/seed.service.js'
import { lastCompleteQuarter } from '../../solver/quarters.js'
import { ensureUser, startApp, testDb, TEST_PASSWORD } from '../db/harness.js'
import { artifactPath, browserRequired, chromiumPath, launchBrowser } from './browser.js'
import { ensureWebBuilt } from './build.js'

const chromium = chromiumPath()
if (!chromium && browserRequired) throw new Error('[e2e] Chromium not found: under CI the browser tests must run, not skip')

describe.skipIf(!chromium)('the compliance dashboard in Chromium', () => {
  let browser: Browser
  let page: Page
  let app: Awaited<ReturnType<typeof startApp>>
  let db: Database
  const errors: string[] = []

  beforeAll(async () => {
    ensureWebBuilt()
    db = await testDb()
    await clearDataset(db.knex)
    await seedDemo(db.knex, { city: '4402' })
    await ensureUser(db, 'e2e-comp-bureau', 'bureau', '4402')
    app = await startApp(db, { serveWeb: true })
    browser = await launchBrowser()
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true, locale: 'zh-CN' })
    page = await context.newPage()
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    page.on('pageerror', (e) => errors.push(e.message))
  })
  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })

  it('shows missed visits, supervisors outside 5-8, the inspection share, yellow cards, training gaps and the plan', async () => {
    await page.goto(app.url)
    await page.getByLabel('用户名').fill('e2e-comp-bureau')
    await page.getByLabel('密码').fill(TEST_PASSWORD)
    await page.getByRole('button', { name: '登录' }).click()
    await page.locator('.map[data-ready="true"]').waitFor({ timeout: 60_000 })
    await page.getByRole('tab', { name: '督导考核' }).click()
    const quarter = lastCompleteQuarter()
    const api = await (await page.request.get(`${app.url}/api/compliance?within=4402&quarter=${quarter}`)).json()
    await expect.poll(() => page.getByTestId('training-counts').innerText().catch(() => ''), { timeout: 30_000 }).toContain(`岗前不足 ${api.training.preJobShort} 人`)
    expect(api.visits.available).toBe(true)
    await expect.poll(() => page.getByTestId('compliance-kpis').innerText()).toContain(String(api.visits.missed.length))
    expect(await page.getByTestId('supervisors-outside').locator('li').count()).toBe(api.supervisors.outside.length)
    expect(api.scores.yellowCards).toBeGreaterThan(0)
    expect(await page.getByTestId('yellow-cards').locator('tbody tr').count()).toBeGreaterThanOrEqual(api.scores.yellowCards)
    expect(await page.getByTestId('yellow-cards').innerText()).toContain('■')
    expect(await page.getByTestId('inspection-share').innerText()).toContain('未达标')
    await expect.poll(() => page.getByTestId('inspection-plan').locator('li').count()).toBeGreaterThanOrEqual(56)
    expect(await page.getByTestId('plan-summary').innerText()).toMatch(/选 \d+\/112 站（至少 56 站），覆盖 10 个县\(区\)/)
    await page.screenshot({ path: artifactPath('web-compliance.png'), fullPage: true })
    expect(errors).toEqual([])
  })

  it('exports the report as an XLSX workbook that an independent reader opens', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()])
    const file = artifactPath(`web-${download.suggestedFilename()}`)
    await download.saveAs(file)
    const sheets = await readXlsxFile(fs.readFileSync(file))
    expect(sheets.map((s) => s.sheet.replace(/ \d{4}Q\d$/, ''))).toEqual(['督导走访', '督导负责站数', '市督导组走访比例', '考核得分与黄牌', '培训学时不足'])
    const scores = sheets[3].data
    expect(scores[0].slice(0, 2)).toEqual(['社工站', '乡镇代码'])
    expect(scores.filter((r) => r.at(-1) === '是').length).toBeGreaterThan(0)
    expect(scores.slice(1).every((r) => typeof r[2] === 'number' || r[2] === null)).toBe(true)
  })

  it('enters a score through the form and answers in English', async () => {
    await page.getByText('录入记录').click()
    const form = page.getByTestId('record-form')
    await form.locator('input[name="inspector"]').fill('测试督导')
    await form.locator('input[name="quarter"]').fill('2024Q1')
    await form.locator('input[name="score"]').fill('66.5')
    await form.locator('input[name="date"]').fill('2024-04-02')
    await form.getByRole('button', { name: '保存' }).click()
    await expect.poll(() => form.getByRole('status').innerText()).toBe('已保存')
    const saved = await db.knex('station_scores').where({ quarter: '2024Q1' }).first()
    expect(Number(saved.score)).toBe(66.5)
    // A second one for the same station and quarter: the server's 409 is shown, naming the field.
    await form.getByRole('button', { name: '保存' }).click()
    await expect.poll(() => form.getByRole('status').innerText()).toContain('quarter')
    await page.getByRole('button', { name: 'EN' }).click()
    await expect.poll(() => page.locator('#compliance-title').innerText()).toContain('Supervision compliance')
    expect(errors.filter((e) => !e.includes('409'))).toEqual([])
  })
})
