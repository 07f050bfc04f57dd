/**
 * Scope, table-driven over every route: a bureau user of county 990101 gets 403/404 for
 * every read and write on county 990102's divisions and ids, and the data stays as it was.
 * A route added without a row here fails the completeness test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { tableHashes } from '../../server/repositories/dataset.repository.js'
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
let planB: { id: string; jobId: string }

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
  userA = await signIn(db, url, 'scope-bureau-a', 'bureau', '990101')
})
afterAll(async () => {
  await jobs?.idle()
  await new Promise((r) => server?.close(r))
})

const NOT_SCOPED = ['/api/health', '/api/openapi.json', '/api/login', '/api/logout', '/api/me', '/api/divisions']

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
  ['/api/plans/{id}', 'GET', `/api/plans/${planB.id}`],
  ['/api/plans/{id}/apply', 'POST', `/api/plans/${planB.id}/apply`],
  ['/api/plans/{id}/discard', 'POST', `/api/plans/${planB.id}/discard`],
  ['/api/plans/{id}/revert', 'POST', `/api/plans/${planB.id}/revert`],
  ['/api/jobs/{id}', 'GET', `/api/jobs/${planB.jobId}`],
  ['/api/workers/{id}/move', 'POST', '/api/workers/w-990102001-p11/move', { to: 'st-990102001' }],
  ['/api/workers/{id}/move', 'POST', '/api/workers/w-990101001-p11/move', { to: 'st-990102001' }],
  ['/api/villages/{code}/grid-unit', 'PUT', '/api/villages/990102001001/grid-unit', { gridUnitId: null }],
  ['/api/villages/{code}/grid-unit', 'PUT', '/api/villages/990101001001/grid-unit', { gridUnitId: 'gu-990102001-1' }],
  ['/api/service-points/{id}/host', 'PUT', '/api/service-points/sp-990102001-1/host', { villageCode: '990102001002' }],
]

describe('scope', () => {
  it('has a case for every scoped route', () => {
    const covered = new Set(cases().map((c) => c[0]))
    const missing = appRoutes(db).filter((r) => !NOT_SCOPED.includes(r) && !covered.has(r))
    expect(missing).toEqual([])
  })

  it("county A's user gets 403/404 for every read and write on county B, and nothing changes", async () => {
    const before = await tableHashes(db.knex)
    for (const [, method, path, body] of cases()) {
      const res = await call(url, method, path, { cookie: userA, body })
      expect([403, 404], `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status)
      expect(JSON.stringify(res.body)).not.toContain('样例2县')
    }
    expect(await tableHashes(db.knex)).toEqual(before)
    const plan = (await db.knex('plans').where({ id: planB.id }).first()) as { status: string }
    expect(plan.status).toBe('draft')
  })

  it('lists only what the scope holds', async () => {
    const roots = await call(url, 'GET', '/api/divisions', { cookie: userA })
    expect(roots.body.divisions.map((d: { code: string }) => d.code)).toEqual(['990101'])
  })
})
