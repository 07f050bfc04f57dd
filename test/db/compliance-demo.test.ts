/**
 * The demo's synthetic supervision history (geodata/compliance-history.ts): every part of the
 * compliance report shows something on first start, and the history is deterministic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { seedDemo } from '../../server/services/seed.service.js'
import { generateDataset } from '../../geodata/generate.js'
import { generateComplianceHistory } from '../../geodata/compliance-history.js'
import { currentQuarter, lastCompleteQuarter } from '../../solver/quarters.js'
import { clearDataset } from '../../server/repositories/dataset.repository.js'
import { call, signIn, startApp, testDb } from './harness.js'

let db: Database
let app: Awaited<ReturnType<typeof startApp>>
let bureau: string
const NOW = new Date('2026-12-02T02:00:00Z')

beforeAll(async () => {
  db = await testDb()
  await clearDataset(db.knex)
  await seedDemo(db.knex, { city: '4402' }, 1, NOW)
  app = await startApp(db)
  bureau = await signIn(db, app.url, 'demo-comp-bureau', 'bureau', '4402')
})
afterAll(async () => {
  await app?.stop()
})

describe('the demo supervision history', () => {
  it('is deterministic and never dated after today', () => {
    const data = generateDataset({ city: '4402' }, { seed: 1 })
    const a = generateComplianceHistory(data, { seed: 1, today: '2026-12-02' })
    expect(generateComplianceHistory(data, { seed: 1, today: '2026-12-02' })).toEqual(a)
    const dates = [...a.scores, ...a.inspections, ...a.training].map((r) => r.date)
    expect(dates.every((d) => d <= '2026-12-02')).toBe(true)
  })

  it('fills every part of the report of the last complete quarter', async () => {
    const quarter = lastCompleteQuarter(NOW)
    expect(quarter).toBe('2026Q3')
    const r = (await call(app.url, 'GET', `/api/compliance?within=4402&quarter=${quarter}`, { cookie: bureau })).body
    expect(r.scores.yellowCards).toBeGreaterThanOrEqual(1)
    expect(r.scores.stations.every((s: { scores: { score: number | null }[] }) => s.scores.every((x) => x.score !== null))).toBe(true)
    const short = r.inspections.counties.filter((c: { meets: boolean }) => !c.meets)
    expect(short.length).toBeGreaterThanOrEqual(1)
    expect(r.inspections.quarters.map((q: { quarter: string }) => q.quarter)).toEqual(['2025Q4', '2026Q1', '2026Q2', '2026Q3'])
    expect(r.training.preJobShort).toBeGreaterThan(0)
    expect(r.training.professionalShort).toBeGreaterThan(0)
    expect(r.training.gaps.length).toBeGreaterThan(0)
    expect(r.supervisors.outside.length).toBeGreaterThan(0)
    const plan = (await call(app.url, 'GET', `/api/inspection-plan?within=4402&quarter=${currentQuarter(NOW)}`, { cookie: bureau })).body
    expect(plan.plan.some((s: { inspectedThisQuarter: boolean }) => s.inspectedThisQuarter)).toBe(true)
    expect(plan.counties).toHaveLength(10)
    expect(plan.counties.every((c: { selected: number }) => c.selected > 0)).toBe(true)
  })
})
