import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { tableHashes } from '../../server/repositories/dataset.repository.js'
import * as S from '../../server/contract/responses.js'
import { dataVersion } from '../../server/repositories/meta.repository.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { call, get, loadDataset, signIn, startApp, testDb } from './harness.js'

let db: Database
let app: { url: string; stop: () => Promise<void> }
let planner: string

beforeAll(async () => {
  db = await testDb()
  await loadDataset(db, compliantDataset(2))
  app = await startApp(db)
  planner = await signIn(db, app.url, 'edit-planner', 'planner', '990101')
})
afterAll(() => app?.stop())

// The version of the edited county (the version its cached answers are keyed on).
const version = () => dataVersion(db.knex, '990101')
const auditCount = async () => Number((await db.knex.raw('select count(*)::int as n from audit_log')).rows[0].n)

describe('planner edits', () => {
  it('moving a worker warns about the rules it breaks, bumps the version and is audited', async () => {
    const [v0, a0] = [await version(), await auditCount()]
    const res = await call(app.url, 'POST', '/api/workers/w-990101001-p11/move', { cookie: planner, body: { to: 'st-990101002' } })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    S.EditResult.parse(res.body)
    expect(res.body.warnings.map((w: { rule: string; code: string }) => `${w.rule}:${w.code}`)).toEqual(['town_service_posts_min:990101001'])
    expect(res.body.dataVersion).toBe(v0 + 1)
    expect(await auditCount()).toBe(a0 + 1)
    const stations = await get(app.url, '/api/stations?within=990101002', planner)
    expect(stations.body.features[0].properties.adminPosts).toBe(3)
    // Moving it back repairs the town: no warnings.
    const back = await call(app.url, 'POST', '/api/workers/w-990101001-p11/move', { cookie: planner, body: { to: 'sp-990101001-1' } })
    expect(back.body.warnings).toEqual([])
  })

  it('taking a village out of its grid unit warns that it is uncovered', async () => {
    const res = await call(app.url, 'PUT', '/api/villages/990101001002/grid-unit', { cookie: planner, body: { gridUnitId: null } })
    expect(res.status).toBe(200)
    expect(res.body.warnings.map((w: { rule: string }) => w.rule)).toEqual(['village_uncovered'])
    const back = await call(app.url, 'PUT', '/api/villages/990101001002/grid-unit', { cookie: planner, body: { gridUnitId: 'gu-990101001-1' } })
    expect(back.body.warnings).toEqual([])
  })

  it("moves a service point to another village of its unit", async () => {
    const res = await call(app.url, 'PUT', '/api/service-points/sp-990101001-1/host', { cookie: planner, body: { villageCode: '990101001002' } })
    expect(res.status).toBe(200)
    const points = await get(app.url, '/api/service-points?within=990101001', planner)
    const p = points.body.features.find((f: { properties: { id: string } }) => f.properties.id === 'sp-990101001-1')
    expect(p.properties.villageCode).toBe('990101001002')
    // The point now lies inside village 2 (x from 113.005 to 113.01).
    expect(p.geometry.coordinates[0]).toBeGreaterThan(113.005)
    await call(app.url, 'PUT', '/api/service-points/sp-990101001-1/host', { cookie: planner, body: { villageCode: '990101001001' } })
  })

  it('refuses bad edits with 4xx naming the field, leaving the data as it was', async () => {
    const before = await tableHashes(db.knex)
    const viewer = await signIn(db, app.url, 'edit-viewer', 'viewer', '990101')
    const cases: [string, string, unknown, string, number, string?][] = [
      [planner, '/api/workers/w-990101001-p11/move', {}, 'POST', 400, 'to'],
      [planner, '/api/workers/w-990101001-p11/move', { to: 'st-990102001' }, 'POST', 404],
      [planner, '/api/workers/w-990102001-p11/move', { to: 'st-990101001' }, 'POST', 404],
      [planner, '/api/workers/W!/move', { to: 'st-990101001' }, 'POST', 400, 'id'],
      [planner, '/api/villages/990101001002/grid-unit', { gridUnitId: 'gu-990101002-1' }, 'PUT', 400, 'gridUnitId'],
      [planner, '/api/villages/990101001002/grid-unit', { gridUnit: 'x' }, 'PUT', 400, 'gridUnitId'],
      [planner, '/api/villages/990102001002/grid-unit', { gridUnitId: null }, 'PUT', 404],
      [planner, '/api/service-points/sp-990101001-1/host', { villageCode: '990101001004' }, 'PUT', 400, 'villageCode'],
      [planner, '/api/service-points/sp-990101001-1/host', { villageCode: '99' }, 'PUT', 400, 'villageCode'],
      [viewer, '/api/workers/w-990101001-p11/move', { to: 'st-990101001' }, 'POST', 403],
    ]
    for (const [cookie, path, body, method, status, field] of cases) {
      const res = await call(app.url, method, path, { cookie, body })
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status)
      if (field) expect(res.body.field).toBe(field)
    }
    expect(await tableHashes(db.knex)).toEqual(before)
  })
})
