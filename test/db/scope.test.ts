/**
 * Scope, table-driven over every route: a bureau user of county 990101 gets 403/404 for
 * every read and write on county 990102's divisions and ids, and the data stays as it was.
 * A route added without a row here fails the completeness test.
 * Every route that takes a division code answers a province-scoped user for the province
 * (99), answers 404 for it to a city-scoped user, and 400 naming the field for malformed codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { allTableHashes, tableHashes } from '../../server/repositories/dataset.repository.js'
import type { JobQueue } from '../../server/services/jobs.js'
import { createApp } from '../../server/app.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { appRoutes } from '../routes.js'
import { call, loadDataset, signIn, testDb } from './harness.js'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'

let db: Database
let url: string
let server: Server
let jobs: JobQueue
let userA: string
let provinceUser: string
let cityUser: string
let planB: { id: string; jobId: string }
let sessionB: string
let tokenB: string
let visitPlanB: { id: string; jobId: string }
let visitB: string
let adminA: string
let recordsB: { score: string; inspection: string; training: string }

beforeAll(async () => {
  db = await testDb()
  await loadDataset(db, compliantDataset(2))
  const app = createApp(db, { serveWeb: false })
  jobs = app.locals.jobs
  server = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s))
  })
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const adminB = await signIn(db, url, 'scope-bureau-b', 'bureau', '990102')
  planB = (await call(url, 'POST', '/api/plans', { cookie: adminB, body: { kind: 'supervisors', within: '990102' } })).body
  await jobs.idle()
  sessionB = (await call(url, 'GET', '/api/sessions', { cookie: adminB })).body.sessions[0].id
  tokenB = (await call(url, 'POST', '/api/tokens', { cookie: adminB, body: { name: 'b' } })).body.id
  // County B's supervisor publishes a month (an admin of county B plans it): a visit plan, its job and visits.
  const visitAdminB = await signIn(db, url, 'scope-admin-b', 'admin', '990102')
  visitPlanB = (await call(url, 'POST', '/api/visit-plans', { cookie: visitAdminB, body: { supervisorId: 'sv-990102-1', month: '2026-03' } })).body
  await jobs.idle()
  await call(url, 'POST', `/api/visit-plans/${visitPlanB.id}/publish`, { cookie: visitAdminB })
  visitB = (await db.knex('visits').where({ supervisor_id: 'sv-990102-1' }).first()).id
  adminA = await signIn(db, url, 'scope-admin-a', 'admin', '990101')
  const record = async (path: string, body: unknown) => {
    const res = await call(url, 'POST', path, { cookie: adminB, body })
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body.id as string
  }
  recordsB = {
    score: await record('/api/station-scores', { stationId: 'st-990102001', quarter: '2025Q1', score: 75, inspector: '李', date: '2025-03-31' }),
    inspection: await record('/api/inspections', { stationId: 'st-990102001', date: '2025-02-01', inspector: '王', findings: '' }),
    training: await record('/api/training-records', { workerId: 'w-990102001-s1', date: '2025-02-01', kind: 'prejob', hours: 8, course: '岗前培训' }),
  }
  userA = await signIn(db, url, 'scope-bureau-a', 'bureau', '990101')
  provinceUser = await signIn(db, url, 'scope-bureau-province', 'bureau', '99')
  cityUser = await signIn(db, url, 'scope-bureau-city', 'bureau', '9901')
})
afterAll(async () => {
  await jobs?.idle()
  await new Promise((r) => server?.close(r))
})

// The working-day calendar is national (the State Council's, the same for every scope); its PUT is admin-only (calendar.test.ts).
// The OGC API's documents hold no data of a division (a collection's extent is the caller's own scope's),
// and a user's tokens are the user's own (tokens.test.ts: another user's token is a 404).
// A calendar subscription (/ics/{token}.ics) is answered by its secret token, not by a session's scope (visit-plans.test.ts).
const NOT_SCOPED = ['/api/health', '/api/openapi.json', '/api/login', '/api/logout', '/api/me', '/api/divisions', '/api/calendar/{year}', '/api/tokens', '/ogc', '/ogc/conformance', '/ogc/api', '/ogc/collections', '/ogc/collections/{collectionId}', '/ics/{token}.ics']

/** [route as documented, method, concrete path with county B's ids, body] */
const cases = (): [string, string, string, unknown?][] => [
  ['/api/divisions/{code}', 'GET', '/api/divisions/990102'],
  ['/api/divisions/{code}', 'GET', '/api/divisions/990102001001'],
  ['/api/divisions/{code}/children', 'GET', '/api/divisions/990102/children'],
  ['/api/villages', 'GET', '/api/villages?within=990102'],
  ['/api/stations', 'GET', '/api/stations?within=990102001'],
  ['/api/grid-units', 'GET', '/api/grid-units?within=990102'],
  ['/api/service-points', 'GET', '/api/service-points?within=990102'],
  ['/api/workers', 'GET', '/api/workers?within=990102'],
  ['/api/supervisors', 'GET', '/api/supervisors?within=990102'],
  ['/api/rules/check', 'GET', '/api/rules/check?within=990102'],
  ['/api/coverage', 'GET', '/api/coverage?within=990102'],
  ['/api/coverage', 'GET', '/api/coverage?within=9901'],
  ['/api/plans', 'POST', '/api/plans', { kind: 'staff', within: '990102' }],
  ['/api/plans', 'GET', '/api/plans?within=990102'],
  ['/api/plans/staff/bounds', 'GET', '/api/plans/staff/bounds?within=990102'],
  ['/api/plans/{id}', 'GET', `/api/plans/${planB.id}`],
  ['/api/plans/{id}/export.xlsx', 'GET', `/api/plans/${planB.id}/export.xlsx`],
  ['/api/plans/{id}/apply', 'POST', `/api/plans/${planB.id}/apply`],
  ['/api/plans/{id}/submit', 'POST', `/api/plans/${planB.id}/submit`, { note: 'x' }],
  ['/api/plans/{id}/approve', 'POST', `/api/plans/${planB.id}/approve`, {}],
  ['/api/plans/{id}/return', 'POST', `/api/plans/${planB.id}/return`, { comment: 'x' }],
  ['/api/plans/{id}/discard', 'POST', `/api/plans/${planB.id}/discard`],
  ['/api/plans/{id}/revert', 'POST', `/api/plans/${planB.id}/revert`],
  ['/api/jobs/{id}', 'GET', `/api/jobs/${planB.jobId}`],
  ['/api/jobs/{id}/cancel', 'POST', `/api/jobs/${planB.jobId}/cancel`],
  ['/api/workers/{id}/move', 'POST', '/api/workers/w-990102001-p11/move', { to: 'st-990102001' }],
  ['/api/workers/{id}/move', 'POST', '/api/workers/w-990101001-p11/move', { to: 'st-990102001' }],
  ['/api/villages/{code}/grid-unit', 'PUT', '/api/villages/990102001001/grid-unit', { gridUnitId: null }],
  ['/api/villages/{code}/grid-unit', 'PUT', '/api/villages/990101001001/grid-unit', { gridUnitId: 'gu-990102001-1' }],
  ['/api/service-points/{id}/host', 'PUT', '/api/service-points/sp-990102001-1/host', { villageCode: '990102001002' }],
  ['/api/audit', 'GET', '/api/audit?within=990102'],
  ['/api/sessions', 'GET', '/api/sessions?user=scope-bureau-b'],
  ['/api/sessions/{id}', 'DELETE', `/api/sessions/${sessionB}`],
  ['/api/compliance', 'GET', '/api/compliance?within=990102&quarter=2025Q1'],
  ['/api/inspection-plan', 'GET', '/api/inspection-plan?within=990102&quarter=2025Q1'],
  ['/api/station-scores', 'GET', '/api/station-scores?within=990102'],
  ['/api/station-scores', 'POST', '/api/station-scores', { stationId: 'st-990102002', quarter: '2025Q1', score: 80, inspector: '李', date: '2025-03-31' }],
  ['/api/station-scores/{id}', 'DELETE', `/api/station-scores/${recordsB.score}`],
  ['/api/inspections', 'GET', '/api/inspections?within=990102'],
  ['/api/inspections', 'POST', '/api/inspections', { stationId: 'st-990102002', date: '2025-02-01', inspector: '王', findings: '' }],
  ['/api/inspections/{id}', 'DELETE', `/api/inspections/${recordsB.inspection}`],
  ['/api/training-records', 'GET', '/api/training-records?within=990102'],
  ['/api/training-records', 'POST', '/api/training-records', { workerId: 'w-990102001-s2', date: '2025-02-01', kind: 'professional', hours: 8, course: '个案管理' }],
  ['/api/training-records/{id}', 'DELETE', `/api/training-records/${recordsB.training}`],
  ['/tiles/{layer}/{z}/{x}/{y}.mvt', 'GET', '/tiles/villages/0/0/0.mvt?scope=990102'],
  ['/tiles/{layer}.json', 'GET', '/tiles/villages.json?scope=990102'],
  ['/api/tokens/{id}', 'DELETE', `/api/tokens/${tokenB}`],
  ['/ogc/collections/{collectionId}/items', 'GET', '/ogc/collections/villages/items?county=990102'],
  ['/ogc/collections/{collectionId}/items', 'GET', '/ogc/collections/stations/items?town=990102001'],
  ['/ogc/collections/{collectionId}/items', 'GET', '/ogc/collections/counties/items?city=9902'],
  ['/ogc/collections/{collectionId}/items/{featureId}', 'GET', '/ogc/collections/villages/items/990102001001'],
  ['/ogc/collections/{collectionId}/items/{featureId}', 'GET', '/ogc/collections/coverage/items/990102001001'],
  ['/ogc/collections/{collectionId}/items/{featureId}', 'GET', '/ogc/collections/counties/items/990102'],
  ['/ogc/collections/{collectionId}/items/{featureId}', 'GET', '/ogc/collections/stations/items/st-990102001'],
  ['/ogc/collections/{collectionId}/items/{featureId}', 'GET', '/ogc/collections/grid-units/items/gu-990102001-1'],
  ['/ogc/collections/{collectionId}/items/{featureId}', 'GET', '/ogc/collections/service-points/items/sp-990102001-1'],
  ...visitCases(),
]

/** County B's supervisor's visit plans, visits and calendar: the bureau of A reads none; an admin of A (who may manage visits) neither. */
const visitCases = (): [string, string, string, unknown?][] => [
  ['/api/visit-plans', 'POST', '/api/visit-plans', { supervisorId: 'sv-990102-1', month: '2026-04' }],
  ['/api/visit-plans', 'GET', '/api/visit-plans?supervisorId=sv-990102-1'],
  ['/api/visit-plans/{id}', 'GET', `/api/visit-plans/${visitPlanB.id}`],
  ['/api/visit-plans/{id}/visits/{stationId}', 'PATCH', `/api/visit-plans/${visitPlanB.id}/visits/st-990102001`, { theme: 'x' }],
  ['/api/visit-plans/{id}/publish', 'POST', `/api/visit-plans/${visitPlanB.id}/publish`],
  ['/api/jobs/{id}', 'GET', `/api/jobs/${visitPlanB.jobId}`],
  ['/api/visits', 'GET', '/api/visits?within=990102&month=2026-03'],
  ['/api/visits/{id}/record', 'POST', `/api/visits/${visitB}/record`, { status: 'missed', notes: 'x' }],
  ['/api/supervisors/{id}/visits.ics', 'GET', '/api/supervisors/sv-990102-1/visits.ics?month=2026-03'],
  ['/api/supervisors/{id}/calendar-token', 'POST', '/api/supervisors/sv-990102-1/calendar-token'],
  ['/api/supervisors/{id}/calendar-token', 'DELETE', '/api/supervisors/sv-990102-1/calendar-token'],
]

/** Hashes of the compliance records (migration 0019), which the scope cases must not change either. */
const recordHashes = async () => Object.fromEntries(Object.entries(await allTableHashes(db.knex)).filter(([t]) => ['station_scores', 'station_inspections', 'training_records'].includes(t)))

describe('scope', () => {
  it('has a case for every scoped route', () => {
    const covered = new Set(cases().map((c) => c[0]))
    const missing = appRoutes(db).filter((r) => !NOT_SCOPED.includes(r) && !covered.has(r))
    expect(missing).toEqual([])
  })

  it("county A's user gets 403/404 for every read and write on county B, and nothing changes", async () => {
    const before = { ...(await tableHashes(db.knex)), ...(await recordHashes()) }
    for (const [, method, path, body] of cases()) {
      const res = await call(url, method, path, { cookie: userA, body })
      expect([403, 404], `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status)
      expect(JSON.stringify(res.body)).not.toContain('样例2县')
    }
    expect((await db.knex('visit_plans').where({ id: visitPlanB.id }).first()).status).toBe('published')
    expect({ ...(await tableHashes(db.knex)), ...(await recordHashes()) }).toEqual(before)
    const plan = (await db.knex('plans').where({ id: planB.id }).first()) as { status: string }
    expect(plan.status).toBe('draft')
    expect(await db.knex('sessions').where({ id: sessionB }).first()).toBeTruthy()
    expect(await db.knex('api_tokens').where({ id: tokenB }).first()).toBeTruthy()
  })

  it("an admin of county A (who manages visits) gets 404 for county B's visit plans, visits and calendar, and nothing changes", async () => {
    const visits = await db.knex('visits').orderBy('id')
    const plans = await db.knex('visit_plans').count({ n: '*' })
    for (const [, method, path, body] of visitCases()) {
      const res = await call(url, method, path, { cookie: adminA, body })
      expect(res.status, `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`).toBe(404)
    }
    expect(await db.knex('visits').orderBy('id')).toEqual(visits)
    expect(await db.knex('visit_plans').count({ n: '*' })).toEqual(plans)
    expect(await db.knex('calendar_tokens').where({ supervisor_id: 'sv-990102-1' })).toEqual([])
  })

  it('lists only what the scope holds', async () => {
    const roots = await call(url, 'GET', '/api/divisions', { cookie: userA })
    expect(roots.body.divisions.map((d: { code: string }) => d.code)).toEqual(['990101'])
  })
})

/** [route as documented, the path asking for `code`, the field naming the code] for every route that takes one. */
const CODE_ROUTES: [string, (code: string) => string, string][] = [
  ['/api/divisions/{code}', (c) => `/api/divisions/${c}`, 'code'],
  ['/api/divisions/{code}/children', (c) => `/api/divisions/${c}/children`, 'code'],
  ...['villages', 'stations', 'grid-units', 'service-points', 'workers', 'supervisors', 'rules/check', 'coverage', 'plans', 'audit', 'station-scores', 'inspections', 'training-records'].map(
    (kind): [string, (code: string) => string, string] => [`/api/${kind}`, (c) => `/api/${kind}?within=${c}`, 'within'],
  ),
  ['/api/visits', (c) => `/api/visits?within=${c}&month=2026-03`, 'within'],
  ['/api/compliance', (c) => `/api/compliance?within=${c}&quarter=2025Q1`, 'within'],
]

describe('the province level', () => {
  it('has a row for every GET route that takes a division code', () => {
    // The staff budget bounds take a county code alone (any other level is a 400 naming within: test/db/staff-recruit.test.ts).
    // The inspection plan takes a city or county alone (a province is a 400 naming within: test/db/compliance.test.ts).
    const taking = cases().filter(([route, method, path]) => method === 'GET' && (route.includes('{code}') || path.includes('within=')) && route !== '/api/plans/staff/bounds' && route !== '/api/inspection-plan')
    expect(new Set(CODE_ROUTES.map((r) => r[0]))).toEqual(new Set(taking.map((c) => c[0])))
  })

  it('answers a province-scoped user for the province on every route', async () => {
    for (const [route, path] of CODE_ROUTES) {
      const res = await call(url, 'GET', path('99'), { cookie: provinceUser })
      expect(res.status, `${route} → ${res.status} ${JSON.stringify(res.body)}`).toBe(200)
    }
    const get = async (path: string) => (await call(url, 'GET', path, { cookie: provinceUser })).body
    expect(await get('/api/divisions/99')).toMatchObject({ code: '99', level: 'province', parentCode: null, childLevel: 'city', children: 1, summary: { villages: 40, stations: 10 } })
    expect((await get('/api/divisions/99/children')).features.map((f: { id: string }) => f.id)).toEqual(['9901'])
    expect((await get('/api/divisions/9901')).parentCode).toBe('99')
    expect((await get('/api/villages?within=99')).features).toHaveLength(40)
    expect((await get('/api/stations?within=99')).features).toHaveLength(10)
    expect((await get('/api/supervisors?within=99')).features).toHaveLength(2)
    const coverage = await get('/api/coverage?within=99&geometry=false')
    expect(coverage).toMatchObject({ within: '99', name: '样例省', total: { villages: 40 } })
    expect(coverage.counties.map((c: { code: string }) => c.code)).toEqual(['990101', '990102'])
    expect((await get('/api/plans?within=99')).plans.map((p: { id: string }) => p.id)).toContain(planB.id)
    expect((await get('/api/divisions')).divisions.map((d: { code: string }) => d.code)).toEqual(['99'])
  })

  it('computes a staff plan for a province (its counties one by one); refuses supervisor and grid plans there with a 400 naming within', async () => {
    for (const kind of ['supervisors', 'grids']) {
      const res = await call(url, 'POST', '/api/plans', { cookie: provinceUser, body: { kind, within: '99' } })
      expect(res.status).toBe(400)
      expect(res.body.field).toBe('within')
      expect(res.body.detail).toMatch(/within must be a city or a county.*99 is a province/)
    }
    const created = await call(url, 'POST', '/api/plans', { cookie: provinceUser, body: { kind: 'staff', within: '99' } })
    expect(created.status, JSON.stringify(created.body)).toBe(202)
    let job
    do {
      await new Promise((r) => setTimeout(r, 200))
      job = await call(url, 'GET', `/api/jobs/${created.body.jobId}`, { cookie: provinceUser })
    } while (job.body.state === 'queued' || job.body.state === 'running')
    expect(job.body.state, JSON.stringify(job.body)).toBe('done')
    const plan = await call(url, 'GET', `/api/plans/${created.body.id}`, { cookie: provinceUser })
    expect(plan.body.status).toBe('draft')
    expect(plan.body.result.counties.map((c: { code: string }) => c.code)).toEqual(['990101', '990102'])
  })

  it('gives a city-scoped user 404 for the province on every route', async () => {
    for (const [route, path] of CODE_ROUTES) {
      const res = await call(url, 'GET', path('99'), { cookie: cityUser })
      expect(res.status, `${route} → ${res.status} ${JSON.stringify(res.body)}`).toBe(404)
      expect(JSON.stringify(res.body)).not.toContain('样例省')
    }
    const ok = await call(url, 'GET', '/api/divisions/9901', { cookie: cityUser })
    expect(ok.status).toBe(200)
  })

  it('answers 400 naming the field for malformed codes on every route', async () => {
    for (const [route, path, field] of CODE_ROUTES) {
      for (const bad of ['990', '99010', '99ab', '9901010010011']) {
        const res = await call(url, 'GET', path(bad), { cookie: provinceUser })
        expect(res.status, `${route} with ${bad} → ${res.status}`).toBe(400)
        expect(res.body.field).toBe(field)
        expect(res.body.detail).toContain(field)
      }
    }
    const res = await call(url, 'POST', '/api/plans', { cookie: provinceUser, body: { kind: 'staff', within: '99010' } })
    expect([res.status, res.body.field]).toEqual([400, 'within'])
  })
})
