/**
 * Supervision compliance on a real database (issue 11): the records through the API
 * (validation naming the field, scope, audit, personal data), each rule of the report by hand
 * on the fixture, and the inspection plan's properties. Dates lie in 2024-2025, before today,
 * since records of the future are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { allTableHashes } from '../../server/repositories/dataset.repository.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { call, loadDataset, signIn, startApp, testDb } from './harness.js'

let db: Database
let app: Awaited<ReturnType<typeof startApp>>
let city: string
let countyA: string
let viewer: string
let planner: string

const RECORD_TABLES = ['station_scores', 'station_inspections', 'training_records']
const recordHashes = async () => Object.fromEntries(Object.entries(await allTableHashes(db.knex)).filter(([t]) => RECORD_TABLES.includes(t)))

const post = (cookie: string, path: string, body: unknown) => call(app.url, 'POST', path, { cookie, body })
const get = (cookie: string, path: string) => call(app.url, 'GET', path, { cookie })
/** The stations of the fixture: county 9901cc, town t (1-5). */
const st = (county: number, town: number) => `st-9901${String(county).padStart(2, '0')}00${town}`

beforeAll(async () => {
  db = await testDb()
  // 20 counties × 5 stations = 100 stations: 49 % and 50 % are whole numbers of stations.
  await loadDataset(db, compliantDataset(20))
  app = await startApp(db)
  city = await signIn(db, app.url, 'comp-bureau-city', 'bureau', '9901')
  countyA = await signIn(db, app.url, 'comp-bureau-a', 'bureau', '990101')
  viewer = await signIn(db, app.url, 'comp-viewer', 'viewer', '9901')
  planner = await signIn(db, app.url, 'comp-planner', 'planner', '990101')
})
afterAll(async () => {
  await app?.stop()
})

describe('records', () => {
  it('records a score, answers it, audits it, and refuses a second one for the quarter with 409', async () => {
    const res = await post(countyA, '/api/station-scores', { stationId: st(1, 5), quarter: '2024Q4', score: 88.5, inspector: '李督导', date: '2025-01-10' })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body).toMatchObject({ stationId: st(1, 5), quarter: '2024Q4', score: 88.5, date: '2025-01-10', recordedBy: 'comp-bureau-a', townCode: '990101005' })
    const again = await post(countyA, '/api/station-scores', { stationId: st(1, 5), quarter: '2024Q4', score: 90, inspector: '李督导', date: '2025-01-11' })
    expect([again.status, again.body.field]).toEqual([409, 'quarter'])
    const audit = await get(city, '/api/audit?within=990101005')
    expect(audit.body.entries[0]).toMatchObject({ action: 'station_score.record', user: 'comp-bureau-a', target: { type: 'station', id: st(1, 5) } })
    expect(audit.body.entries[0].summary.zh).toContain('88.5')
    const list = await get(viewer, '/api/station-scores?within=990101005&quarter=2024Q4')
    expect(list.body.scores.map((s: { score: number }) => s.score)).toEqual([88.5])
    const del = await call(app.url, 'DELETE', `/api/station-scores/${res.body.id}`, { cookie: countyA })
    expect(del.status).toBe(204)
    expect((await get(viewer, '/api/station-scores?within=990101005')).body.scores).toEqual([])
    expect((await get(city, '/api/audit?within=990101005')).body.entries[0].action).toBe('station_score.delete')
  })

  it('answers 400 naming the field for bad input, and nothing changes', async () => {
    const before = await recordHashes()
    const score = { stationId: st(1, 1), quarter: '2025Q1', score: 80, inspector: '李', date: '2025-03-31' }
    const inspection = { stationId: st(1, 1), date: '2025-02-01', inspector: '王', findings: '' }
    const training = { workerId: 'w-990101001-s1', date: '2025-02-01', kind: 'prejob', hours: 8, course: '岗前培训' }
    const bad: [string, unknown, string][] = [
      ['/api/station-scores', { ...score, score: 100.5 }, 'score'],
      ['/api/station-scores', { ...score, score: 80.25 }, 'score'],
      ['/api/station-scores', { ...score, quarter: '2025Q5' }, 'quarter'],
      ['/api/station-scores', { ...score, date: '2025-02-30' }, 'date'],
      ['/api/station-scores', { ...score, date: '2099-01-01', quarter: '2099Q1' }, 'date'], // the future
      ['/api/station-scores', { ...score, date: '2024-12-31' }, 'date'], // a 2025Q1 score given before 2025Q1
      ['/api/station-scores', { ...score, inspector: ' ' }, 'inspector'],
      ['/api/station-scores', { ...score, stationId: 'ST 1' }, 'stationId'],
      ['/api/station-scores', { ...score, extra: 1 }, 'extra'],
      ['/api/inspections', { ...inspection, quarter: '2025Q2' }, 'quarter'], // not the date's
      ['/api/inspections', { ...inspection, findings: 'x'.repeat(4001) }, 'findings'],
      ['/api/inspections', { ...inspection, date: undefined }, 'date'],
      ['/api/training-records', { ...training, kind: 'policy' }, 'kind'],
      ['/api/training-records', { ...training, hours: 0 }, 'hours'],
      ['/api/training-records', { ...training, hours: 1.25 }, 'hours'],
      ['/api/training-records', { ...training, hours: 201 }, 'hours'],
      ['/api/training-records', { ...training, course: '' }, 'course'],
    ]
    for (const [path, body, field] of bad) {
      const res = await post(countyA, path, body)
      expect([res.status, res.body.field], `${path} ${JSON.stringify(body).slice(0, 120)} → ${JSON.stringify(res.body)}`).toEqual([400, field])
    }
    const queries: [string, string][] = [
      ['/api/compliance?within=990101&quarter=2025q1', 'quarter'],
      ['/api/compliance?within=990101', 'quarter'],
      ['/api/compliance?within=99010&quarter=2025Q1', 'within'],
      ['/api/inspection-plan?within=990101001&quarter=2025Q1', 'within'], // a town: the city group plans cities and counties
      ['/api/inspection-plan?within=990101&quarter=2025Q0', 'quarter'],
      ['/api/station-scores?within=990101&quarter=Q1', 'quarter'],
      ['/api/training-records?within=990101&year=25', 'year'],
      ['/api/inspections?within=990101&x=1', 'x'],
    ]
    for (const [path, field] of queries) {
      const res = await get(city, path)
      expect([res.status, res.body.field], `${path} → ${JSON.stringify(res.body)}`).toEqual([400, field])
    }
    expect(await recordHashes()).toEqual(before)
  })

  it('keeps workers by name to the roles that need them; writes to the bureau and admin', async () => {
    expect((await get(viewer, '/api/training-records?within=9901')).status).toBe(403)
    expect((await get(planner, '/api/training-records?within=990101')).status).toBe(403)
    expect((await post(viewer, '/api/inspections', { stationId: st(1, 1), date: '2025-02-01', inspector: '王', findings: '' })).status).toBe(403)
    expect((await post(planner, '/api/station-scores', { stationId: st(1, 1), quarter: '2025Q1', score: 80, inspector: '李', date: '2025-03-31' })).status).toBe(403)
    const report = await get(viewer, '/api/compliance?within=990101&quarter=2025Q1')
    expect(report.status).toBe(200)
    expect(report.body.training).toMatchObject({ restricted: true, gaps: [], workers: 30 })
    expect(report.body.training.preJobShort).toBe(30) // nobody has pre-job hours yet, counted but not named
    expect(JSON.stringify(report.body)).not.toContain('站务')
  })

  it("refuses another county's stations, workers and records with 404, and changes nothing", async () => {
    const b = await signIn(db, app.url, 'comp-bureau-b', 'bureau', '990102')
    const mine = await post(b, '/api/inspections', { stationId: st(2, 1), date: '2025-02-01', inspector: '王', findings: '台账不全' })
    expect(mine.status).toBe(201)
    const before = await recordHashes()
    for (const [path, body] of [
      ['/api/station-scores', { stationId: st(2, 1), quarter: '2025Q1', score: 80, inspector: '李', date: '2025-03-31' }],
      ['/api/inspections', { stationId: st(2, 1), date: '2025-02-01', inspector: '王', findings: '' }],
      ['/api/training-records', { workerId: 'w-990102001-s1', date: '2025-02-01', kind: 'prejob', hours: 8, course: '岗前培训' }],
    ] as const) {
      expect((await post(countyA, path, body)).status, path).toBe(404)
    }
    expect((await call(app.url, 'DELETE', `/api/inspections/${mine.body.id}`, { cookie: countyA })).status).toBe(404)
    for (const path of ['/api/compliance?within=990102&quarter=2025Q1', '/api/inspection-plan?within=990102&quarter=2025Q1', '/api/inspections?within=990102', '/api/training-records?within=990102', '/api/station-scores?within=990102']) {
      const res = await get(countyA, path)
      expect(res.status, path).toBe(404)
    }
    expect((await get(countyA, '/api/inspections?within=990101')).body.inspections).toEqual([])
    expect(await recordHashes()).toEqual(before)
    expect((await call(app.url, 'DELETE', `/api/inspections/${mine.body.id}`, { cookie: b })).status).toBe(204)
  })
})

describe('the compliance report, each rule by hand', () => {
  it('shows a yellow card exactly at the second consecutive quarter below 80', async () => {
    const scores: [string, string, number, string][] = [
      [st(1, 1), '2024Q3', 85, '2024-09-30'],
      [st(1, 1), '2024Q4', 75, '2024-12-31'],
      [st(1, 1), '2025Q1', 78, '2025-03-31'],
      [st(1, 2), '2024Q3', 70, '2024-09-30'], // 2024Q4 missing: the run breaks
      [st(1, 2), '2025Q1', 70, '2025-03-31'],
    ]
    for (const [stationId, quarter, score, date] of scores) expect((await post(countyA, '/api/station-scores', { stationId, quarter, score, inspector: '李督导', date })).status).toBe(201)
    const at = async (quarter: string) => {
      const r = (await get(city, `/api/compliance?within=990101&quarter=${quarter}`)).body
      return { cards: r.scores.yellowCards, row1: r.scores.stations.find((s: { stationId: string }) => s.stationId === st(1, 1)), row2: r.scores.stations.find((s: { stationId: string }) => s.stationId === st(1, 2)) }
    }
    expect((await at('2024Q4')).cards).toBe(0) // first quarter below 80
    const q1 = await at('2025Q1')
    expect(q1.cards).toBe(1)
    expect(q1.row1.yellowCard).toBe(true)
    expect(q1.row1.scores).toEqual([
      { quarter: '2024Q2', score: null, yellowCard: false },
      { quarter: '2024Q3', score: 85, yellowCard: false },
      { quarter: '2024Q4', score: 75, yellowCard: false },
      { quarter: '2025Q1', score: 78, yellowCard: true },
    ])
    expect(q1.row2.yellowCard).toBe(false)
    expect((await at('2025Q2')).cards).toBe(0) // no score in 2025Q2 yet
  })

  it("flags the city's 49 % inspected and not 50 %, per quarter and per county", async () => {
    // 49 stations of the city inspected in 2025Q2: all 5 of counties 01-09, 4 of county 10.
    const stations = Array.from({ length: 10 }, (_, c) => [1, 2, 3, 4, 5].map((t) => st(c + 1, t))).flat().slice(0, 49)
    for (const [i, stationId] of stations.entries()) {
      const res = await post(city, '/api/inspections', { stationId, date: `2025-0${4 + (i % 3)}-1${i % 10}`, inspector: '市督导组', findings: '' })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
    }
    // A second visit of a station counts once.
    await post(city, '/api/inspections', { stationId: st(1, 1), date: '2025-06-30', quarter: '2025Q2', inspector: '市督导组', findings: '复查' })
    const q = async () => (await get(city, '/api/compliance?within=9901&quarter=2025Q2')).body.inspections
    let share = await q()
    expect(share.quarters.at(-1)).toEqual({ quarter: '2025Q2', stations: 100, inspected: 49, share: 0.49, required: 50, meets: false })
    expect(share.counties.find((c: { code: string }) => c.code === '990110')).toMatchObject({ stations: 5, inspected: 4, required: 3, meets: true })
    expect(share.counties.find((c: { code: string }) => c.code === '990111')).toMatchObject({ inspected: 0, meets: false })
    await post(city, '/api/inspections', { stationId: st(10, 5), date: '2025-05-05', inspector: '市督导组', findings: '' })
    share = await q()
    expect(share.quarters.at(-1)).toMatchObject({ inspected: 50, share: 0.5, meets: true })
    // A county's own report counts its own stations.
    const a = (await get(countyA, '/api/compliance?within=990101&quarter=2025Q2')).body.inspections
    expect(a.quarters.at(-1)).toMatchObject({ stations: 5, inspected: 5, meets: true })
    expect(a.quarters.at(-2)).toMatchObject({ quarter: '2025Q1', inspected: 0, meets: false })
  })

  it('sums training per Asia/Shanghai calendar year around New Year', async () => {
    const worker = 'w-990101001-s1'
    const records: [string, string, number][] = [
      ['2024-06-01', 'prejob', 10],
      ['2025-12-31', 'prejob', 6],
      ['2025-12-31', 'professional', 40],
      ['2026-01-01', 'professional', 10],
      ['2025-01-01', 'professional', 7.5],
      ['2024-12-31', 'professional', 48],
    ]
    for (const [date, kind, hours] of records) {
      const res = await post(countyA, '/api/training-records', { workerId: worker, date, kind, hours, course: kind === 'prejob' ? '岗前培训' : '个案管理' })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      expect(res.body.date).toBe(date)
    }
    const gap = async (quarter: string) => (await get(countyA, `/api/compliance?within=990101001&quarter=${quarter}`)).body.training.gaps.find((g: { workerId: string }) => g.workerId === worker)
    expect(await gap('2024Q4')).toMatchObject({ preJobHours: 10, preJobShort: 5, professionalHours: 48, professionalShort: 0 })
    // The year's hours: in 2025Q1 the records of all 2025 count (the year's so far, once 2025 is over all of it).
    expect(await gap('2025Q1')).toMatchObject({ preJobHours: 16, professionalHours: 47.5, professionalShort: 0.5 })
    expect(await gap('2025Q4')).toMatchObject({ preJobHours: 16, preJobShort: 0, professionalHours: 47.5, professionalShort: 0.5 })
    expect(await gap('2026Q1')).toMatchObject({ preJobHours: 16, professionalHours: 10, professionalShort: 38 })
    const r = (await get(countyA, '/api/compliance?within=990101001&quarter=2025Q4')).body.training
    expect(r).toMatchObject({ year: 2025, yearComplete: true, workers: 6, restricted: false })
    const list = await get(countyA, '/api/training-records?within=990101001&year=2025')
    expect(list.body.records.map((x: { date: string }) => x.date)).toEqual(['2025-12-31', '2025-12-31', '2025-01-01'])
  })

  it('lists supervisors outside 5-8 stations, and the station-months without a visit of 16 h', async () => {
    // Move two stations of county 01 to county 02's supervisor: 3 and 7 stations.
    await db.knex('supervisor_stations').whereIn('station_id', [st(1, 1), st(1, 2)]).update({ supervisor_id: 'sv-990102-1' })
    const r = (await get(city, '/api/compliance?within=990101&quarter=2025Q1')).body
    expect(r.supervisors.outside).toEqual([{ supervisorId: 'sv-990101-1', name: '督导甲', countyCode: '990101', stations: 3 }])
    expect(r.supervisors.rule).toMatchObject({ min: 5, max: 8 })
    const city2 = (await get(city, '/api/compliance?within=9901&quarter=2025Q1')).body
    expect(city2.supervisors.outside.map((s: { supervisorId: string }) => s.supervisorId)).toEqual(['sv-990101-1'])
    await db.knex('supervisor_stations').whereIn('station_id', [st(1, 1), st(1, 2)]).update({ supervisor_id: 'sv-990101-1' })
    // No visit recorded in the fixture: each of the county's 5 stations misses each month of the quarter.
    expect(r.visits).toMatchObject({ available: true, note: null })
    expect(r.visits.missed).toHaveLength(15)
    expect(r.visits.missed[0]).toEqual({ stationId: st(1, 1), stationName: '样例1镇社工站', townCode: '990101001', month: '2025-01', longestVisitHours: 0 })
    expect(r.months).toEqual(['2025-01', '2025-02', '2025-03'])
  })
})

describe('the inspection plan', () => {
  it('takes ≥ 50 %, every county, not inspected last quarter and low scorers first; deterministic', async () => {
    // 2025Q2 inspected counties 01-10 (50 stations, above); plan 2025Q3 for the city.
    const res = await get(city, '/api/inspection-plan?within=9901&quarter=2025Q3')
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const p = res.body
    expect(p).toMatchObject({ within: '9901', quarter: '2025Q3', previousQuarter: '2025Q2', stations: 100, required: 50, selected: 50 })
    const selected = p.plan.filter((s: { selected: boolean }) => s.selected)
    expect(new Set(selected.map((s: { countyCode: string }) => s.countyCode)).size).toBe(20)
    expect(p.counties.every((c: { selected: number }) => c.selected >= 1)).toBe(true)
    // The 50 stations not inspected in 2025Q2 (counties 11-20) come first; 40 of them are chosen,
    // and one of each of counties 01-10 (all inspected last quarter) so that every county is represented.
    expect(p.plan.slice(0, 50).every((s: { inspectedLastQuarter: boolean }) => !s.inspectedLastQuarter)).toBe(true)
    expect(selected.filter((s: { inspectedLastQuarter: boolean }) => !s.inspectedLastQuarter)).toHaveLength(40)
    // Priority: a station chosen after one left out is there for its county only.
    const firstLeftOut = p.plan.find((s: { selected: boolean }) => !s.selected).rank
    for (const s of selected.filter((x: { rank: number }) => x.rank > firstLeftOut)) expect(s.reasons.map((r: { code: string }) => r.code)).toContain('countyRepresented')
    const represented = selected.filter((s: { inspectedLastQuarter: boolean }) => s.inspectedLastQuarter)
    expect(represented).toHaveLength(10)
    for (const s of represented) expect(s.reasons.map((r: { code: string }) => r.code)).toContain('countyRepresented')
    for (const s of p.plan) expect(s.reasons.length).toBeGreaterThan(0)
    expect(selected[0].reasons.map((r: { code: string }) => r.code)).toEqual(['notInspectedLastQuarter', 'noScore', 'priority'])
    expect(p.plan.at(-1).reasons.at(-1)).toMatchObject({ code: 'shareReached', zh: expect.any(String), en: expect.any(String) })
    // Ranks in order, and the same answer twice.
    expect(p.plan.map((s: { rank: number }) => s.rank)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    expect((await get(city, '/api/inspection-plan?within=9901&quarter=2025Q3')).body).toEqual(p)
  })

  it('puts low scorers first within a county and keeps a yellow-card station', async () => {
    // County 01 in 2025Q2: every station inspected (above); st 1 has a yellow card at 2025Q1, st 2 scored 70.
    const p = (await get(countyA, '/api/inspection-plan?within=990101&quarter=2025Q2')).body
    // 2025Q1 had no inspection in county 01: all five are "not inspected last quarter"; by score: never-scored first, then 70, 78.
    expect(p.plan.map((s: { stationId: string }) => s.stationId)).toEqual([st(1, 3), st(1, 4), st(1, 5), st(1, 2), st(1, 1)])
    // Already inspected in 2025Q2: all five count, so all five are selected.
    expect(p.selected).toBe(5)
    const q3 = (await get(countyA, '/api/inspection-plan?within=990101&quarter=2025Q3')).body
    expect(q3.required).toBe(3)
    // The card is the previous quarter's: st 1 had one at 2025Q1 (the 2025Q2 plan above), none at 2025Q2 (no score).
    expect(p.plan.find((s: { stationId: string }) => s.stationId === st(1, 1))).toMatchObject({ yellowCard: true, reasons: expect.arrayContaining([expect.objectContaining({ code: 'yellowCard' })]) })
    const first = q3.plan.find((s: { stationId: string }) => s.stationId === st(1, 1))
    expect(first.yellowCard).toBe(false)
    expect(first.lastScore).toEqual({ quarter: '2025Q1', score: 78 })
    // All five inspected in 2025Q2, so by score: never scored first (nothing known), then 70, 78.
    expect(q3.plan.slice(0, 3).map((s: { stationId: string }) => s.stationId)).toEqual([st(1, 3), st(1, 4), st(1, 5)])
  })
})
