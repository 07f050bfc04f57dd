/**
 * OGC API – Features under /ogc against the requirements the OGC conformance suite
 * ets-ogcapi-features10 checks for Part 1 (Core, GeoJSON, OpenAPI 3.0) and Part 2 (CRS by
 * reference), on the Shaoguan demo, with a county and a city user. Written from the
 * suite's abstract tests (their ids are in the test names); the numbers are checked
 * against SQL of their own, and the Web Mercator coordinates against the projection's formula.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { seedDemo } from '../../server/services/seed.service.js'
import { call, signIn, startApp, testDb, type Reply } from './harness.js'

let db: Database
let app: { url: string; stop: () => Promise<void> }
let county: string
let city: string
const COUNTY = '440203'
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
const EPSG = (n: number) => `http://www.opengis.net/def/crs/EPSG/0/${n}`
const COLLECTIONS = ['villages', 'towns', 'counties', 'stations', 'grid-units', 'service-points', 'coverage']

beforeAll(async () => {
  db = await testDb()
  await seedDemo(db.knex, { city: '4402' })
  app = await startApp(db)
  county = await signIn(db, app.url, 'ogc-county', 'viewer', COUNTY)
  city = await signIn(db, app.url, 'ogc-city', 'viewer', '4402')
})
afterAll(() => app?.stop())

const get = (path: string, cookie = county, headers: Record<string, string> = {}) => call(app.url, 'GET', path.startsWith('http') ? path.slice(app.url.length) : path, { cookie, headers })
const sqlCount = async (sql: string, bindings: unknown[] = []) => Number((await db.knex.raw(sql, bindings as never)).rows[0].n)

/** Every page of a collection by its next links; checks each page's own rules on the way. */
async function allPages(path: string, cookie = county): Promise<{ features: { id: string; geometry: { coordinates: unknown }; properties: Record<string, unknown> }[]; matched: number; pages: number }> {
  let next: string | undefined = path
  const features = []
  let matched = -1
  let pages = 0
  while (next) {
    const before = Date.now() - 1000
    const res: Reply = await get(next, cookie)
    expect(res.status, next).toBe(200)
    expect(res.type).toMatch(/^application\/geo\+json/)
    const body = res.body
    expect(body.type).toBe('FeatureCollection')
    // /req/core/fc-timeStamp, fc-numberReturned
    expect(Date.parse(body.timeStamp)).toBeGreaterThanOrEqual(before)
    expect(Date.parse(body.timeStamp)).toBeLessThanOrEqual(Date.now() + 1000)
    expect(body.numberReturned).toBe(body.features.length)
    if (matched >= 0) expect(body.numberMatched).toBe(matched)
    matched = body.numberMatched
    // /req/core/fc-links, fc-rel-type: self, and next while features remain.
    const self = body.links.find((l: { rel: string }) => l.rel === 'self')
    expect(self.type).toBe('application/geo+json')
    features.push(...body.features)
    next = body.links.find((l: { rel: string }) => l.rel === 'next')?.href
    if (pages > 0) expect(body.links.some((l: { rel: string }) => l.rel === 'prev')).toBe(true)
    pages++
  }
  expect(features.length).toBe(matched)
  expect(new Set(features.map((f) => f.id)).size).toBe(features.length)
  return { features, matched, pages }
}

describe('OGC API – Features Part 1 Core (ets-ogcapi-features10)', () => {
  it('A.2.2 landing page (/req/core/root-op, root-success): service-desc, conformance and data links', async () => {
    const res = await get('/ogc')
    expect(res.status).toBe(200)
    const rels = res.body.links.map((l: { rel: string }) => l.rel)
    expect(rels).toEqual(expect.arrayContaining(['self', 'service-desc', 'conformance', 'data']))
    expect((await get('/ogc?f=json')).status).toBe(200)
    expect((await get('/ogc?f=html')).status).toBe(400)
    expect((await get('/ogc', county, { accept: 'text/html' })).status).toBe(406)
    expect((await get('/ogc', county, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })).status).toBe(200)
  })

  it('A.2.3 API definition (/req/core/api-definition-op, oas30): OpenAPI 3.0 with limit and bbox as the standard defines them', async () => {
    const landing = (await get('/ogc')).body
    const desc = landing.links.find((l: { rel: string }) => l.rel === 'service-desc')
    const res = await fetch(desc.href, { headers: { cookie: county, accept: desc.type } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.oai\.openapi\+json/)
    const doc = await res.json()
    expect(doc.openapi).toMatch(/^3\.0\./)
    expect(doc.servers[0].url).toBe(`${app.url}/ogc`)
    expect(Object.keys(doc.paths).sort()).toEqual(['/', '/api', '/collections', '/collections/{collectionId}', '/collections/{collectionId}/items', '/collections/{collectionId}/items/{featureId}', '/conformance'])
    const params = doc.paths['/collections/{collectionId}/items'].get.parameters as { name: string; in: string; required?: boolean; style?: string; explode?: boolean; schema: Record<string, unknown> }[]
    const limit = params.find((p) => p.name === 'limit')!
    // Abstract Test 16 (/req/core/fc-limit-definition)
    expect(limit).toMatchObject({ in: 'query', style: 'form', explode: false, schema: { type: 'integer', minimum: 1, maximum: 10000, default: 100 } })
    expect(limit.required ?? false).toBe(false)
    // Abstract Test 14 (/req/core/fc-bbox-definition)
    const bbox = params.find((p) => p.name === 'bbox')!
    expect(bbox).toMatchObject({ in: 'query', style: 'form', explode: false, schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } } })
    expect(params.map((p) => p.name)).toEqual(expect.arrayContaining(['datetime', 'crs', 'bbox-crs', 'status', 'county', 'town']))
    expect((await get('/ogc/api?f=json')).status).toBe(200)
  })

  it('A.2.4 conformance (/req/core/conformance-op, conformance-success)', async () => {
    const res = await get('/ogc/conformance')
    expect(res.status).toBe(200)
    expect(res.body.conformsTo).toEqual(
      expect.arrayContaining([
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
        'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
      ]),
    )
  })

  it('A.2.5 collections (/req/core/fc-md-op, fc-md-success, fc-md-links, fc-md-extent) and A.2.6 one collection (/req/core/sfc-md-op, sfc-md-success)', async () => {
    const res = await get('/ogc/collections')
    expect(res.status).toBe(200)
    expect(res.body.links.some((l: { rel: string }) => l.rel === 'self')).toBe(true)
    expect(res.body.collections.map((c: { id: string }) => c.id)).toEqual(COLLECTIONS)
    const [w, s, e, n] = (await db.knex.raw('select ST_XMin(geom) w, ST_YMin(geom) s, ST_XMax(geom) e, ST_YMax(geom) n from divisions where code = ?', [COUNTY])).rows.map((r: Record<string, number>) => [r.w, r.s, r.e, r.n])[0]
    for (const c of res.body.collections) {
      expect(c.links.find((l: { rel: string }) => l.rel === 'items').type).toBe('application/geo+json')
      expect(c.extent.spatial.bbox[0].map((x: number) => x.toFixed(6))).toEqual([w, s, e, n].map((x: number) => x.toFixed(6)))
      const one = await get(`/ogc/collections/${c.id}`)
      expect(one.status).toBe(200)
      expect(one.body).toEqual(c)
    }
    expect((await get('/ogc/collections/workers')).status).toBe(400)
  })

  it.each(COLLECTIONS)('A.2.7 items of %s (/req/core/fc-op, fc-response, fc-links, numberMatched): every feature of the scope over the next links, as SQL counts them', async (id) => {
    const { features, matched, pages } = await allPages(`/ogc/collections/${id}/items?limit=37`)
    const expected: Record<string, string> = {
      villages: `select count(*) n from divisions where level = 'village' and code like '${COUNTY}%'`,
      towns: `select count(*) n from divisions where level = 'town' and code like '${COUNTY}%'`,
      counties: `select count(*) n from divisions where level = 'county' and code like '${COUNTY}%'`,
      stations: `select count(*) n from stations where town_code like '${COUNTY}%'`,
      'grid-units': `select count(*) n from grid_units where town_code like '${COUNTY}%'`,
      'service-points': `select count(*) n from service_points where village_code like '${COUNTY}%'`,
    }
    if (id !== 'coverage') expect(matched).toBe(await sqlCount(expected[id]!))
    expect(matched).toBeGreaterThan(0)
    if (matched > 37) expect(pages).toBe(Math.ceil(matched / 37))
    // /req/core/crs84: longitude, latitude inside Shaoguan.
    const first = JSON.stringify(features[0]!.geometry.coordinates).match(/-?[0-9.]+/g)!.map(Number)
    expect(first[0]).toBeGreaterThan(112)
    expect(first[0]).toBeLessThan(115)
    expect(first[1]).toBeGreaterThan(23)
    expect(first[1]).toBeLessThan(26)
  })

  it('villages carry population, the special groups and the coverage status of GET /api/coverage; coverage holds exactly the gaps', async () => {
    const report = (await get(`/api/coverage?within=${COUNTY}&geometry=false`)).body
    const statusOf = new Map(report.villages.features.map((f: { properties: { code: string; status: string } }) => [f.properties.code, f.properties.status]))
    const { features } = await allPages('/ogc/collections/villages/items?limit=10000')
    for (const f of features) expect(f.properties.status, f.id).toBe(statusOf.get(f.id))
    const v = features[0]!.properties
    expect(Object.keys(v)).toEqual(expect.arrayContaining(['population', 'dibao', 'tekun', 'disabled', 'children_in_difficulty', 'left_behind_children', 'elderly_in_difficulty', 'left_behind_women', 'gridUnitId', 'servicePointId', 'status']))
    const [row] = (await db.knex.raw('select v.population, g.dibao from divisions v join village_special_groups g on g.village_code = v.code where v.code = ?', [features[0]!.id])).rows
    expect([v.population, v.dibao]).toEqual([row.population, row.dibao])
    const gaps = [...statusOf].filter(([, s]) => s !== 'ok').map(([c]) => c).sort()
    expect(gaps.length).toBeGreaterThan(0)
    expect((await allPages('/ogc/collections/coverage?limit=10000'.replace('coverage?', 'coverage/items?'))).features.map((f) => f.id)).toEqual(gaps)
    const uncovered = [...statusOf].filter(([, s]) => s === 'uncovered').length
    expect((await get('/ogc/collections/villages/items?status=uncovered')).body.numberMatched).toBe(uncovered)
    expect((await get('/ogc/collections/coverage/items?status=ok')).status).toBe(400)
  })

  it('filters by properties (county, town), scoped: a filter outside the scope is a 404', async () => {
    const town = (await db.knex.raw(`select code from divisions where level = 'town' and code like '${COUNTY}%' order by code limit 1`)).rows[0].code
    const res = await get(`/ogc/collections/villages/items?town=${town}&limit=10000`)
    expect(res.body.numberMatched).toBe(await sqlCount(`select count(*) n from divisions where level = 'village' and parent_code = ?`, [town]))
    expect(res.body.features.every((f: { properties: { townCode: string } }) => f.properties.townCode === town)).toBe(true)
    expect((await get(`/ogc/collections/stations/items?town=${town}`)).body.numberMatched).toBe(1)
    expect((await get('/ogc/collections/villages/items?county=440204')).status).toBe(404)
    // The city user sees every county, and filters them.
    const all = (await get('/ogc/collections/villages/items?limit=1', city)).body.numberMatched
    expect(all).toBe(await sqlCount(`select count(*) n from divisions where level = 'village'`))
    expect((await get(`/ogc/collections/villages/items?county=${COUNTY}&limit=1`, city)).body.numberMatched).toBe((await get('/ogc/collections/villages/items?limit=1')).body.numberMatched)
    expect((await get('/ogc/collections/counties/items?city=4402', city)).body.numberMatched).toBe(10)
  })

  it('Abstract Tests 20, 21 (/req/core/query-param-invalid, query-param-unknown) and limits: 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['limit=unlimited', 'limit'],
      ['limit=0', 'limit'],
      ['limit=10001', 'limit'],
      ['unknownQueryParameter=1', 'unknownQueryParameter'],
      ['bbox=1,2,3', 'bbox'],
      ['bbox=a,b,c,d', 'bbox'],
      ['bbox=114,25,113,24', 'bbox'],
      ['bbox=0,100,1,101', 'bbox'],
      ['crs=EPSG:4326', 'crs'],
      ['bbox-crs=http://www.opengis.net/def/crs/EPSG/0/2000', 'bbox-crs'],
      ['datetime=yesterday', 'datetime'],
      ['city=4402', 'city'],
      ['status=bad', 'status'],
      ['f=html', 'f'],
    ]
    for (const [q, field] of cases) {
      const res = await get(`/ogc/collections/villages/items?${q}`)
      expect(res.status, q).toBe(400)
      expect(res.body.field, q).toBe(field)
    }
    const one = await get('/ogc/collections/villages/items?limit=1')
    expect(one.body.features).toHaveLength(1)
    expect(one.body.numberReturned).toBe(1)
    expect((await get('/ogc/collections/villages/items?datetime=2026-01-01T00:00:00Z/..&limit=1')).body.numberMatched).toBe(one.body.numberMatched)
  })

  it('Abstract Test 15 (/req/core/fc-bbox-response): the features touching the box, as PostGIS finds them; a 6-number box too', async () => {
    const box = [113.45, 24.75, 113.6, 24.9]
    const res = await get(`/ogc/collections/villages/items?bbox=${box.join(',')}&limit=10000`)
    expect(res.status).toBe(200)
    const ids = res.body.features.map((f: { id: string }) => f.id)
    const expected = (await db.knex.raw(`select code from divisions where level = 'village' and code like '${COUNTY}%' and ST_Intersects(geom, ST_MakeEnvelope(?, ?, ?, ?, 4326)) order by code`, box)).rows.map((r: { code: string }) => r.code)
    expect(expected.length).toBeGreaterThan(0)
    expect(ids).toEqual(expected)
    const six = await get(`/ogc/collections/villages/items?bbox=${[box[0], box[1], 0, box[2], box[3], 100].join(',')}&limit=10000`)
    expect(six.body.features.map((f: { id: string }) => f.id)).toEqual(expected)
  })

  it('A.2.8 one feature (/req/core/f-op, f-success, f-links); 404 for an unknown id or one outside the scope', async () => {
    const list = (await get('/ogc/collections/service-points/items?limit=1')).body
    const fid = list.features[0].id
    const res = await get(`/ogc/collections/service-points/items/${fid}`)
    expect(res.status).toBe(200)
    expect(res.type).toMatch(/^application\/geo\+json/)
    expect(res.body).toMatchObject({ type: 'Feature', id: fid, properties: list.features[0].properties, geometry: list.features[0].geometry })
    expect(res.body.links.map((l: { rel: string }) => l.rel)).toEqual(expect.arrayContaining(['self', 'collection']))
    const village = (await get('/ogc/collections/villages/items?limit=1')).body.features[0]
    expect((await get(`/ogc/collections/villages/items/${village.id}`)).body.properties).toEqual(village.properties)
    const other = (await db.knex.raw(`select code from divisions where level = 'village' and code not like '${COUNTY}%' limit 1`)).rows[0].code
    expect((await get(`/ogc/collections/villages/items/${other}`)).status).toBe(404)
    expect((await get(`/ogc/collections/villages/items/${other}`, city)).status).toBe(200)
    expect((await get('/ogc/collections/villages/items/nothing')).status).toBe(404)
    expect((await get(`/ogc/collections/towns/items/${village.id}`)).status).toBe(404)
    expect((await get(`/ogc/collections/villages/items/${village.id}?limit=1`)).status).toBe(400)
  })
})

describe('OGC API – Features Part 2 CRS by reference (ets-ogcapi-features10 crs)', () => {
  it('A.1 discovery (/req/crs/fc-md-crs-list, fc-md-storageCrs): CRS84 first, storageCrs in the list', async () => {
    for (const c of (await get('/ogc/collections')).body.collections) {
      expect(c.crs).toEqual([CRS84, EPSG(4490), EPSG(4326), EPSG(3857)])
      expect(c.crs).toContain(c.storageCrs)
    }
  })

  it('A.2.1 crs (/req/crs/fc-crs-valid-value, ogc-crs-header): Content-Crs, CRS84 by default, EPSG:4326 and 4490 latitude first, EPSG:3857 in metres', async () => {
    const path = '/ogc/collections/stations/items?limit=5'
    const base = await get(path)
    expect(base.headers.get('content-crs')).toBe(`<${CRS84}>`)
    const lonLat = base.body.features.map((f: { geometry: { coordinates: [number, number] } }) => f.geometry.coordinates)
    for (const srid of [4326, 4490]) {
      const res = await get(`${path}&crs=${encodeURIComponent(EPSG(srid))}`)
      expect(res.headers.get('content-crs')).toBe(`<${EPSG(srid)}>`)
      const latLon = res.body.features.map((f: { geometry: { coordinates: [number, number] } }) => f.geometry.coordinates)
      // CGCS2000 and WGS 84 agree to the centimetre: PostGIS transforms between them without a shift.
      latLon.forEach(([lat, lon]: [number, number], i: number) => {
        expect(lat).toBeCloseTo(lonLat[i][1], 6)
        expect(lon).toBeCloseTo(lonLat[i][0], 6)
      })
    }
    const merc = await get(`${path}&crs=${encodeURIComponent(EPSG(3857))}`)
    expect(merc.headers.get('content-crs')).toBe(`<${EPSG(3857)}>`)
    const R = 6378137
    merc.body.features.forEach((f: { geometry: { coordinates: [number, number] } }, i: number) => {
      const [lon, lat] = lonLat[i]
      expect(f.geometry.coordinates[0]).toBeCloseTo((R * lon * Math.PI) / 180, 1)
      expect(f.geometry.coordinates[1]).toBeCloseTo(R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)), 1)
    })
    // The next link keeps the CRS; a single feature takes it too.
    const next = merc.body.links.find((l: { rel: string }) => l.rel === 'next').href
    expect((await get(next)).headers.get('content-crs')).toBe(`<${EPSG(3857)}>`)
    const one = await get(`/ogc/collections/stations/items/${base.body.features[0].id}?crs=${encodeURIComponent(EPSG(4326))}`)
    expect(one.headers.get('content-crs')).toBe(`<${EPSG(4326)}>`)
    expect(one.body.geometry.coordinates[0]).toBeCloseTo(lonLat[0][1], 6)
    expect((await get(`/ogc/collections/stations/items/${base.body.features[0].id}?crs=${encodeURIComponent(EPSG(2000))}`)).status).toBe(400)
  })

  it('A.2.2 bbox-crs (/req/crs/fc-bbox-crs-definition, bbox-crs-action): the same features for the same box in every CRS', async () => {
    const [w, s, e, n] = [113.45, 24.75, 113.6, 24.9]
    const ids = async (q: string) => {
      const res = await get(`/ogc/collections/villages/items?limit=10000&${q}`)
      expect(res.status, q).toBe(200)
      return res.body.features.map((f: { id: string }) => f.id)
    }
    const reference = await ids(`bbox=${[w, s, e, n]}`)
    expect(reference.length).toBeGreaterThan(0)
    expect(await ids(`bbox=${[w, s, e, n]}&bbox-crs=${encodeURIComponent(CRS84)}`)).toEqual(reference)
    expect(await ids(`bbox=${[s, w, n, e]}&bbox-crs=${encodeURIComponent(EPSG(4326))}`)).toEqual(reference)
    expect(await ids(`bbox=${[s, w, n, e]}&bbox-crs=${encodeURIComponent(EPSG(4490))}`)).toEqual(reference)
    const R = 6378137
    const x = (lon: number) => (R * lon * Math.PI) / 180
    const y = (lat: number) => R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))
    expect(await ids(`bbox=${[x(w), y(s), x(e), y(n)]}&bbox-crs=${encodeURIComponent(EPSG(3857))}`)).toEqual(reference)
    // Lon/lat order given to a latitude-first CRS: latitude 113 is no latitude.
    expect((await get(`/ogc/collections/villages/items?bbox=${[w, s, e, n]}&bbox-crs=${encodeURIComponent(EPSG(4326))}`)).status).toBe(400)
  })
})
