import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import type { Database } from '../../server/db/connection.js'
import * as S from '../../server/contract/responses.js'
import { compliantDataset, VILLAGE_POPULATION } from '../fixtures/compliant-dataset.js'
import { invalidate } from '../../server/repositories/meta.repository.js'
import { get, loadDataset, signIn, startApp, testDb } from './harness.js'

let db: Database
let app: { url: string; stop: () => Promise<void> }
let cookie: string

beforeAll(async () => {
  db = await testDb()
  await loadDataset(db, compliantDataset())
  app = await startApp(db)
  cookie = await signIn(db, app.url, 'api-admin', 'admin', '99')
})
afterAll(() => app?.stop())

/** GETs a path, expects 200 and a body matching the documented schema. */
async function ok<T extends z.ZodType>(path: string, schema: T, type = 'application/json'): Promise<z.infer<T>> {
  const res = await get(app.url, path, cookie)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  expect(res.type).toContain(type)
  return schema.parse(res.body)
}

describe('API contract', () => {
  it('GET /api/health', async () => {
    const body = await ok('/api/health', S.Health)
    expect(body.database).toBe(db.kind)
    expect(body.postgis).toMatch(/^3\.\d+/)
    expect(body.dataVersion).toBeGreaterThan(0)
  })

  it("GET /api/divisions lists the scope's own division (here the province)", async () => {
    const body = await ok('/api/divisions', S.DivisionList)
    expect(body.divisions.map((d) => d.code)).toEqual(['99'])
  })

  it('GET /api/divisions/:code summarises a county', async () => {
    const body = await ok('/api/divisions/990101', S.DivisionDetail)
    expect(body).toMatchObject({ code: '990101', level: 'county', parentCode: '9901', childLevel: 'town', children: 5 })
    const population = VILLAGE_POPULATION.reduce((a, b) => a + b, 0) * 5
    expect(body.summary).toMatchObject({
      villages: 20,
      population,
      stations: 5,
      gridUnits: 10,
      servicePoints: 10,
      workers: 30,
      stationWorkers: 10,
      pointWorkers: 20,
    })
    // dibao is 10, 20, 30, 40 in the four villages of each town.
    expect(body.summary.specialGroups.dibao).toBe(100 * 5)
    expect(body.summary.specialGroups.tekun).toBe(10 * 5)
  })

  it('GET /api/divisions/:code/children gives GeoJSON with summaries', async () => {
    const body = await ok('/api/divisions/990101/children', S.DivisionChildren, 'application/geo+json')
    expect(body.features.map((f) => f.properties.code)).toEqual(['990101001', '990101002', '990101003', '990101004', '990101005'])
    const first = body.features[0]
    expect((first.geometry as { type: string }).type).toBe('MultiPolygon')
    expect(first.properties).toMatchObject({ villages: 4, stations: 1, workers: 6, population: 10000 })
  })

  it('GET /api/divisions/:code/children?level= gives the divisions of a lower level in one answer', async () => {
    const towns = await ok('/api/divisions/9901/children?level=town', S.DivisionChildren, 'application/geo+json')
    expect(towns.features.map((f) => f.properties.code)).toEqual(['990101001', '990101002', '990101003', '990101004', '990101005'])
    expect(towns.features[0].properties).toMatchObject({ level: 'town', parentCode: '990101', villages: 4, stations: 1, workers: 6, population: 10000 })
    const villages = await ok('/api/divisions/99/children?level=village', S.DivisionChildren, 'application/geo+json')
    expect(villages.features).toHaveLength(20)
    expect(villages.features.every((f) => f.properties.level === 'village')).toBe(true)
    const counties = await ok('/api/divisions/9901/children?level=county', S.DivisionChildren, 'application/geo+json')
    expect(counties).toEqual(await ok('/api/divisions/9901/children', S.DivisionChildren, 'application/geo+json'))
  })

  it('GET /api/divisions/:code/children of a village is empty', async () => {
    const body = await ok('/api/divisions/990101001001/children', S.DivisionChildren, 'application/geo+json')
    expect(body.features).toEqual([])
  })

  const lists = [
    ['villages', S.Villages, 4],
    ['stations', S.Stations, 1],
    ['grid-units', S.GridUnits, 2],
    ['service-points', S.ServicePoints, 2],
    ['workers', S.Workers, 6],
    ['supervisors', S.Supervisors, 1],
  ] as const
  for (const [kind, schema, n] of lists) {
    it(`GET /api/${kind}?within=<town> lists ${n}`, async () => {
      const body = await ok(`/api/${kind}?within=990101001`, schema, 'application/geo+json')
      expect(body.features).toHaveLength(n)
    })
  }

  it('lists carry the right numbers', async () => {
    const villages = await ok('/api/villages?within=990101001', S.Villages, 'application/geo+json')
    expect(villages.features[3].properties).toMatchObject({
      code: '990101001004',
      population: 4000,
      dibao: 40,
      gridUnitId: 'gu-990101001-2',
      servicePointId: 'sp-990101001-2',
    })
    const stations = await ok('/api/stations?within=9901', S.Stations, 'application/geo+json')
    expect(stations.features).toHaveLength(5)
    expect(stations.features[0].properties).toMatchObject({ adminPosts: 2, servicePosts: 4, gridUnits: 2, supervisorId: 'sv-990101-1' })
    const units = await ok('/api/grid-units?within=990101001', S.GridUnits, 'application/geo+json')
    expect(units.features[0].properties.villageCodes).toEqual(['990101001001', '990101001002'])
    expect((units.features[0].geometry as { type: string } | null)?.type).toBe('MultiPolygon')
    const points = await ok('/api/service-points?within=990101001', S.ServicePoints, 'application/geo+json')
    expect(points.features.map((f) => f.properties.workers)).toEqual([2, 2])
    const supervisors = await ok('/api/supervisors?within=990101003', S.Supervisors, 'application/geo+json')
    expect(supervisors.features[0].properties.stationIds).toHaveLength(5)
  })

  it('GET /api/rules/check answers the documented shape', async () => {
    const body = await ok('/api/rules/check?within=9901', S.RuleCheck)
    expect(body.violations).toEqual([])
  })

  it('GET /api/openapi.json documents every route the app has, and no other', async () => {
    const res = await get(app.url, '/api/openapi.json', cookie)
    expect(res.status).toBe(200)
    expect(res.body.openapi).toBe('3.0.3')
    const documented = Object.keys(res.body.paths as Record<string, unknown>).sort()
    const { appRoutes } = await import('../routes.js')
    expect(documented).toEqual(appRoutes(db).sort())
  })
})

describe('API bad input', () => {
  const problems: [string, number, string | undefined][] = [
    ['/api/divisions/44x', 400, 'code'],
    ['/api/divisions/12345', 400, 'code'],
    ['/api/divisions/9999', 404, undefined],
    ['/api/divisions/999999999/children', 404, undefined],
    ['/api/divisions/990101/children?level=city', 400, 'level'],
    ['/api/divisions/990101/children?level=county', 400, 'level'],
    ['/api/divisions/990101/children?level=street', 400, 'level'],
    ['/api/divisions/990101/children?depth=2', 400, 'depth'],
    ['/api/villages', 400, 'within'],
    ['/api/villages?within=', 400, 'within'],
    ['/api/villages?within=abc', 400, 'within'],
    ['/api/stations?within=440203100201999', 400, 'within'],
    ['/api/workers?within=9901&limit=5', 400, 'limit'],
    ['/api/grid-units?within=9902', 404, undefined],
    ['/api/rules/check', 400, 'within'],
    ['/api/rules/check?within=123', 400, 'within'],
    ['/api/rules/check?within=12', 404, undefined],
    ['/api/rules/check?within=4402', 404, undefined],
    ['/api/nothing-here', 404, undefined],
  ]
  for (const [path, status, field] of problems) {
    it(`GET ${path} → ${status}${field ? ` naming ${field}` : ''}`, async () => {
      const res = await get(app.url, path, cookie)
      expect(res.status).toBe(status)
      expect(res.type).toContain('application/problem+json')
      const body = S.Problem.parse(res.body)
      expect(body.status).toBe(status)
      if (field) {
        expect(body.field).toBe(field)
        expect(body.detail).toContain(field)
      }
    })
  }

  it('a repeated query parameter is a 400, not a 500', async () => {
    const res = await get(app.url, '/api/villages?within=9901&within=990101', cookie)
    expect(res.status).toBe(400)
  })

  it('a malformed JSON body is a 400', async () => {
    const res = await fetch(`${app.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' })
    expect(res.status).toBe(400)
  })

  it('answers a division and its children from the versioned cache, with revalidation, until the data changes', async () => {
    for (const path of ['/api/divisions/990101', '/api/divisions/990101/children']) {
      await invalidate(db.knex, '990101')
      const first = await get(app.url, path, cookie)
      expect(first.headers.get('server-timing'), path).toMatch(/"computed"/)
      const second = await get(app.url, path, cookie)
      expect(second.headers.get('server-timing'), path).toMatch(/"cached"/)
      expect(second.body, path).toEqual(first.body)
      // Gzipped for a client that accepts it (fetch does), the same JSON plain for one that does not.
      expect(second.headers.get('content-encoding'), path).toBe('gzip')
      const plain = await fetch(app.url + path, { headers: { cookie, 'accept-encoding': 'identity' } })
      expect(plain.headers.get('content-encoding'), path).toBeNull()
      expect(await plain.json(), path).toEqual(first.body)
      const etag = first.headers.get('etag')!
      // (fetch adds Cache-Control: no-cache to a conditional request unless told otherwise)
      const revalidated = await fetch(app.url + path, { headers: { cookie, 'if-none-match': etag, 'cache-control': 'max-age=0' } })
      expect(revalidated.status, path).toBe(304)
      // A change to the network is a new version: computed anew, with the change.
      await db.knex('divisions').where({ code: '990101001' }).update({ name: '改名镇' })
      const changed = await get(app.url, path, cookie)
      expect(changed.headers.get('server-timing'), path).toMatch(/"computed"/)
      expect(changed.headers.get('etag'), path).not.toBe(etag)
      await db.knex('divisions').where({ code: '990101001' }).update({ name: '样例1镇' })
    }
  })
})

