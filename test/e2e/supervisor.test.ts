/**
 * The supervisor's home in real headless Chromium, on the Shaoguan demo (issue 11 §7): the
 * demo supervisor signs in and lands on its visits: the month as a calendar with holidays
 * and adjusted working days (调休) marked as the stored State Council calendar says, plans
 * next month (run → review: calendar with the visits, the route on the map with its numbered
 * stops, km), edits a theme, publishes, gets its calendar links, and records a visit in two
 * clicks. Screenshots go to test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Database } from '../../server/db/connection.js'
import { seedDemo, seedDemoUsers } from '../../server/services/seed.service.js'
import { shanghaiDate } from '../../server/services/calendar.js'
import { monthsBefore } from '../../server/services/ics.service.js'
import { call, signIn, startApp, testDb } from '../db/harness.js'
import { artifactPath, browserRequired, chromiumPath, launchBrowser } from './browser.js'
import { ensureWebBuilt } from './build.js'

const chromium = chromiumPath()
if (!chromium) {
  if (browserRequired) throw new Error('[e2e] Chromium not found: under CI the browser tests must run, not skip')
  console.warn('[e2e] SKIPPED: Chromium not found (install Debian package chromium or set CHROMIUM_PATH)')
}

const TODAY = shanghaiDate()
const NEXT = monthsBefore(TODAY, -1)
const LAST = monthsBefore(TODAY, 1)

/** Features of a GeoJSON source as the map holds them. */
const sourceFeatures = (page: Page, source: string) =>
  page.evaluate(async (s) => {
    type Data = { features: { properties: Record<string, unknown>; geometry: { type: string } }[] }
    const map = (window as unknown as { shuangbaiMap: { getSource: (s: string) => { getData: () => Promise<Data> } } }).shuangbaiMap
    return (await map.getSource(s).getData()).features.map((f) => ({ ...f.properties, type: f.geometry.type }) as Record<string, unknown>)
  }, source)

describe.skipIf(!chromium)('the supervisor in Chromium', () => {
  let browser: Browser
  let page: Page
  let app: Awaited<ReturnType<typeof startApp>>
  let db: Database
  let supervisorId: string
  const errors: string[] = []

  beforeAll(async () => {
    ensureWebBuilt()
    db = await testDb()
    await seedDemo(db.knex, { city: '4402' })
    await seedDemoUsers(db.knex, '4402')
    app = await startApp(db, { serveWeb: true })
    supervisorId = (await db.knex('users').where({ username: 'supervisor' }).first()).supervisor_id
    // Last month, published: visits in the past, waiting to be recorded.
    const admin = await signIn(db, app.url, 'e2e-visits-admin', 'admin', '44')
    const created = await call(app.url, 'POST', '/api/visit-plans', { cookie: admin, body: { supervisorId, month: LAST } })
    await app.jobs.idle()
    expect((await call(app.url, 'POST', `/api/visit-plans/${created.body.id}/publish`, { cookie: admin })).status).toBe(200)
    browser = await launchBrowser()
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' })
    page = await context.newPage()
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`))
  })
  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })

  it('signs in to the visits of the month: a calendar of the working days', async () => {
    await page.goto(app.url)
    await page.getByLabel('用户名').fill('supervisor')
    await page.getByLabel('密码').fill('shuangbai-supervisor')
    await page.getByRole('button', { name: '登录' }).click()
    await page.getByRole('tab', { name: '督导走访', selected: true }).waitFor()
    await page.locator(`.calendar[data-month="${TODAY.slice(0, 7)}"] [data-date="${TODAY}"]`).waitFor()
    await page.locator('.map[data-ready="true"]').waitFor({ timeout: 60_000 })
  })

  it('marks holidays and adjusted working days (调休) as the stored calendar says (February 2026)', async () => {
    const months = (Number(TODAY.slice(0, 4)) - 2026) * 12 + Number(TODAY.slice(5, 7)) - 2
    for (let i = 0; i < months; i++) await page.getByRole('button', { name: '上个月' }).click()
    await page.locator('.calendar[data-month="2026-02"] [data-date="2026-02-28"]').waitFor()
    const official = (await (await page.request.get(`${app.url}/api/calendar/2026`)).json()).days as { date: string; workday: boolean; name?: string }[]
    const kinds = Object.fromEntries(await page.locator('.calendar [data-date]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-date'), e.getAttribute('data-kind')])))
    for (const d of official.filter((x) => x.date.startsWith('2026-02-'))) {
      const weekend = [0, 6].includes(new Date(`${d.date}T00:00:00Z`).getUTCDay())
      const expected = d.workday ? (weekend ? 'adjusted' : 'workday') : d.name ? 'holiday' : 'weekend'
      expect(kinds[d.date], d.date).toBe(expected)
    }
    expect(kinds['2026-02-14']).toBe('adjusted') // 春节调休上班
    expect(kinds['2026-02-28']).toBe('adjusted')
    expect(kinds['2026-02-17']).toBe('holiday')
    await expect.poll(() => page.locator('[data-date="2026-02-14"] .badge.work').textContent()).toBe('班')
    await page.locator('.calendar').screenshot({ path: artifactPath('supervisor-calendar-feb-2026.png') })
  })

  it('plans next month: the review shows every station on working days, the route with numbered stops and the km', async () => {
    await page.getByRole('button', { name: '规划下个月' }).click()
    const review = page.locator('.review[data-status="draft"]')
    await review.waitFor({ timeout: 30_000 })
    await page.locator(`.calendar[data-month="${NEXT}"]`).waitFor()
    const plan = (await (await page.request.get(`${app.url}/api/visit-plans/${await review.getAttribute('data-plan')}`)).json()) as {
      visits: { stationId: string; dates: string[] }[]
      legs: unknown[]
      totalKm: number
      workingDays: string[]
    }
    const stations = await db.knex('supervisor_stations').where({ supervisor_id: supervisorId }).pluck('station_id')
    expect(plan.visits).toHaveLength(stations.length)
    // The calendar: each visit day marked with its stop, on a working day.
    const marked = await page.locator('.calendar [data-date]:has(.stop)').evaluateAll((els) => els.map((e) => [e.getAttribute('data-date'), e.getAttribute('data-kind')]))
    expect(marked.map(([d]) => d).sort()).toEqual(plan.visits.flatMap((v) => v.dates).sort())
    for (const [, kind] of marked) expect(['workday', 'adjusted']).toContain(kind)
    expect(await review.locator('.km').getAttribute('data-km')).toBe(String(plan.totalKm))
    await expect.poll(() => review.locator('.km').textContent()).toMatch(/路程 [\d,.]+ 公里/)
    // The route on the map: one line per leg, one numbered stop per station and the base.
    await expect.poll(async () => (await sourceFeatures(page, 'visit-stops')).length).toBe(stations.length + 1)
    const stops = await sourceFeatures(page, 'visit-stops')
    expect(stops.filter((s) => !s.base).map((s) => Number(s.order)).sort((a, b) => a - b)).toEqual(stations.map((_, i) => i + 1))
    expect((await sourceFeatures(page, 'visit-route')).length).toBe(plan.legs.length)
    const visible = await page.evaluate(() => (window as unknown as { shuangbaiMap: { getLayoutProperty: (l: string, p: string) => string } }).shuangbaiMap.getLayoutProperty('visit-route-line', 'visibility'))
    expect(visible).toBe('visible')
    await page.screenshot({ path: artifactPath('supervisor-plan-review.png') })
  })

  it('edits a theme and publishes: the visits exist; the calendar links are there', async () => {
    const first = page.locator('.review .stops li').first()
    const stationId = await first.getAttribute('data-station')
    await first.getByLabel('主题').fill('个案督导')
    await first.getByLabel('主题').press('Enter')
    await first.getByLabel('主题').blur()
    const planId = await page.locator('.review').getAttribute('data-plan')
    await expect.poll(async () => (await (await page.request.get(`${app.url}/api/visit-plans/${planId}`)).json()).visits.find((v: { stationId: string }) => v.stationId === stationId).theme).toBe('个案督导')
    await page.getByRole('button', { name: '发布（告知市、县、镇）' }).click()
    await page.locator('.review[data-status="published"]').waitFor()
    await page.getByText('已发布：市、县、镇民政部门可见').waitFor()
    const published = (await (await page.request.get(`${app.url}/api/visits?within=44&month=${NEXT}`)).json()).visits
    expect(published.length).toBeGreaterThan(0)
    expect(published.find((v: { stationId: string }) => v.stationId === stationId).theme).toBe('个案督导')
    await expect.poll(() => page.locator('ul.visits li').count()).toBe(published.length)
    const ics = page.getByRole('link', { name: '下载本月日历（ICS）' })
    expect(await ics.getAttribute('href')).toBe(`/api/supervisors/${supervisorId}/visits.ics?month=${NEXT}`)
    await page.getByRole('button', { name: '生成订阅链接' }).click()
    const url = await page.locator('input.subscription').inputValue()
    const feed = await fetch(url) // no cookie: the token is the credential
    expect(feed.status).toBe(200)
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/)
    expect(await feed.text()).toContain('个案督导')
  })

  it('records a visit of last month in two clicks', async () => {
    await page.getByRole('button', { name: '上个月' }).click() // this month
    await page.locator(`.calendar[data-month="${TODAY.slice(0, 7)}"]`).waitFor()
    await page.getByRole('button', { name: '上个月' }).click()
    await page.locator(`.calendar[data-month="${LAST}"]`).waitFor()
    const row = page.locator('ul.visits li[data-status="planned"]').first()
    await row.waitFor()
    const id = await row.getAttribute('data-visit')
    await row.getByRole('button', { name: '完成', exact: true }).click()
    await page.locator(`li[data-visit="${id}"]`).getByRole('button', { name: '保存' }).click()
    await page.locator(`li[data-visit="${id}"][data-status="done"]`).waitFor()
    await expect.poll(() => page.locator(`li[data-visit="${id}"] .status`).textContent()).toBe('已完成 16 小时')
    const stored = await db.knex('visits').where({ id }).first()
    expect(stored).toMatchObject({ status: 'done', hours_done: 16, recorded_by: 'supervisor' })
    await page.screenshot({ path: artifactPath('supervisor-recorded.png') })
    expect(errors).toEqual([])
  })
})
