/**
 * Vector tiles over the Shaoguan demo, decoded with an independent decoder
 * (@mapbox/vector-tile + pbf): per tile the features and their attributes equal a SQL count
 * of the rows touching the (buffered) tile envelope; scope filtering; 204; ETag and 304; the
 * geometry version moves with geometry only; bad input; on PostgreSQL ST_AsMVT and the
 * JavaScript encoder give the same features.
 */
import { VectorTile, type VectorTileFeature } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { clearDataset } from '../../server/repositories/dataset.repository.js'
import { seedDemo } from '../../server/services/seed.service.js'
import { jsTile } from '../../server/services/tiles.service.js'
import { postgisTile, SIMPLIFY_UNITS, TILE_BUFFER, TILE_EXTENT } from '../../server/repositories/tiles.repository.js'
import type { TileLayerName } from '../../server/contract/requests.js'
import { checkResponse } from '../contract.js'
import { signIn, startApp, testDb } from './harness.js'

let db: Database
let app: { url: string; stop: () => Promise<void> }
let city: string
let county: string

beforeAll(async () => {
  db = await testDb()
  await clearDataset(db.knex)
  await seedDemo(db.knex, { city: '4402' })
  app = await startApp(db)
  city = await signIn(db, app.url, 'tiles-city', 'viewer', '4402')
  county = await signIn(db, app.url, 'tiles-county', 'viewer', '440203')
})
afterAll(() => app?.stop())

interface TileReply {
  status: number
  headers: Headers
  bytes: Buffer
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json?: any
}

async function fetchTile(path: string, cookie?: string, headers: Record<string, string> = {}): Promise<TileReply> {
  const res = await fetch(app.url + path, { headers: { ...headers, ...(cookie ? { cookie } : {}) } })
  const bytes = Buffer.from(await res.arrayBuffer())
  const type = res.headers.get('content-type') ?? ''
  const json = /json/.test(type) ? JSON.parse(bytes.toString('utf8')) : undefined
  checkResponse('GET', path, res.status, type, json ?? (bytes.length ? 'binary' : null))
  return { status: res.status, headers: res.headers, bytes, json }
}

interface Decoded {
  id: number | undefined
  type: number
  properties: Record<string, unknown>
  geometry: { x: number; y: number }[][]
}

function decode(bytes: Buffer, layer: string): Decoded[] {
  if (!bytes.length) return []
  const tile = new VectorTile(new PbfReader(bytes))
  expect(Object.keys(tile.layers)).toEqual([layer])
  const l = tile.layers[layer]!
  expect(l.extent).toBe(TILE_EXTENT)
  const out: Decoded[] = []
  for (let i = 0; i < l.length; i++) {
    const f: VectorTileFeature = l.feature(i)
    out.push({ id: f.id, type: f.type, properties: f.properties, geometry: f.loadGeometry().map((ring) => ring.map((p) => ({ x: p.x, y: p.y }))) })
  }
  return out.sort((a, b) => String(a.properties.code).localeCompare(String(b.properties.code)) || String(a.properties.id ?? '').localeCompare(String(b.properties.id ?? '')))
}

/** The tile holding a point (lng/lat) at zoom z. */
function tileAt(lng: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z
  const r = (lat * Math.PI) / 180
  return { z, x: Math.floor(((lng + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n) }
}

/** Codes of the villages (or another level) touching the buffered envelope of a tile, straight from SQL. */
async function sqlCodes(level: string, scope: string, t: { z: number; x: number; y: number }): Promise<string[]> {
  const { rows } = await db.knex.raw(
    `select code from divisions where level = ? and code like ? and ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope(?, ?, ?, margin => ?::float8)) order by code`,
    [level, `${scope}%`, t.z, t.x, t.y, TILE_BUFFER / TILE_EXTENT],
  )
  return rows.map((r: { code: string }) => r.code)
}

/** The largest area of these divisions in square tile units at zoom z. */
async function maxAreaInUnits(codes: string[], z: number): Promise<number> {
  const unit = (2 * 20037508.342789244) / 2 ** z / TILE_EXTENT
  const { rows } = await db.knex.raw('select max(ST_Area(ST_Transform(geom, 3857))) as a from divisions where code = any(?)', [codes])
  return rows[0].a / unit ** 2
}

async function innerPoint(code: string): Promise<[number, number]> {
  const { rows } = await db.knex.raw('select ST_X(inner_point) as x, ST_Y(inner_point) as y from divisions where code = ?', [code])
  return [rows[0].x, rows[0].y]
}

async function tileUrl(layer: string, cookie: string): Promise<string> {
  const doc = await fetchTile(`/tiles/${layer}.json`, cookie)
  expect(doc.status).toBe(200)
  return new URL(doc.json.tiles[0]).pathname + new URL(doc.json.tiles[0]).search
}
const at = (template: string, t: { z: number; x: number; y: number }) =>
  decodeURI(template).replace('{z}', String(t.z)).replace('{x}', String(t.x)).replace('{y}', String(t.y))

describe('vector tiles', () => {
  it('TileJSON 3.0: the URL template with version and scope, zooms, the scope bounds and the fields', async () => {
    const doc = (await fetchTile('/tiles/villages.json', city)).json
    expect(doc.tilejson).toBe('3.0.0')
    expect(doc.tiles[0]).toMatch(/\/tiles\/villages\/\{z\}\/\{x\}\/\{y\}\.mvt\?v=\d+&scope=4402$/)
    expect(doc.geometryVersion).toBeGreaterThan(0)
    expect(doc.vector_layers[0]).toMatchObject({ id: 'villages', fields: { code: 'String', name: 'String', level: 'String', parentCode: 'String' } })
    expect(doc.promoteId).toBeNull()
    const { rows } = await db.knex.raw(`select ST_XMin(e) w, ST_YMin(e) s, ST_XMax(e) e, ST_YMax(e) n from (select ST_Extent(geom) e from divisions where code = '4402') t`)
    expect(doc.bounds.map((v: number) => v.toFixed(6))).toEqual([rows[0].w, rows[0].s, rows[0].e, rows[0].n].map((v: number) => v.toFixed(6)))
    const sp = (await fetchTile('/tiles/service-points.json', county)).json
    expect(sp.promoteId).toBe('id')
    expect(sp.tiles[0]).toMatch(/scope=440203$/)
    expect(sp.bounds[0]).toBeGreaterThan(doc.bounds[0])
  })

  it('villages tiles at zoom 6-14 hold exactly the villages touching the tile, with id = code and the stable attributes', async () => {
    const template = await tileUrl('villages', city)
    const [lng, lat] = await innerPoint('440203100201')
    const { rows: villages } = await db.knex.raw(`select code, name, parent_code from divisions where level = 'village'`)
    const byCode = new Map<string, { name: string; parent_code: string }>(villages.map((v: { code: string; name: string; parent_code: string }) => [v.code, v]))
    for (const z of [6, 8, 10, 12, 14]) {
      const t = tileAt(lng, lat, z)
      const res = await fetchTile(at(template, t), city)
      expect(res.status, `z${z}`).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile')
      const features = decode(res.bytes, 'villages')
      const expected = await sqlCodes('village', '4402', t)
      expect(expected.length, `z${z}`).toBeGreaterThan(0)
      const got = features.map((f) => String(f.properties.code))
      // A polygon the zoom's simplification collapses is left out: all of them are tiny.
      const missing = expected.filter((c) => !got.includes(c))
      expect(got.filter((c) => !expected.includes(c)), `z${z}`).toEqual([])
      if (missing.length) expect(await maxAreaInUnits(missing, z), `z${z} ${missing}`).toBeLessThan((4 * SIMPLIFY_UNITS) ** 2)
      expect(missing.length, `z${z} ${missing}`).toBeLessThanOrEqual(Math.ceil(expected.length * 0.03))
      if (z >= 10) expect(missing, `z${z}`).toEqual([])
      for (const f of features) {
        const code = String(f.properties.code)
        expect(f.id).toBe(Number(code))
        expect(f.type).toBe(3)
        expect(f.properties).toEqual({ code, name: byCode.get(code)!.name, level: 'village', parentCode: byCode.get(code)!.parent_code })
      }
    }
  })

  it('the other layers: towns, counties, cities, grid units, stations and service points of a tile', async () => {
    const [lng, lat] = await innerPoint('440203100')
    const t = tileAt(lng, lat, 9)
    for (const [layer, level] of [['towns', 'town'], ['counties', 'county'], ['cities', 'city']] as const) {
      const features = decode((await fetchTile(at(await tileUrl(layer, city), t), city)).bytes, layer)
      expect(features.map((f) => f.properties.code)).toEqual(await sqlCodes(level, '4402', t))
      expect(features.every((f) => f.id === Number(f.properties.code) && f.properties.level === level)).toBe(true)
    }
    const env = [t.z, t.x, t.y, TILE_BUFFER / TILE_EXTENT]
    const box = 'ST_Transform(ST_TileEnvelope(?, ?, ?, margin => ?::float8), 4326)'
    const stations = (await db.knex.raw(`select id, town_code from stations where town_code like '4402%' and geom && ${box} order by town_code`, env)).rows
    const st = decode((await fetchTile(at(await tileUrl('stations', city), t), city)).bytes, 'stations')
    expect(st.map((f) => [f.properties.id, f.id, f.type])).toEqual(stations.map((s: { id: string; town_code: string }) => [s.id, Number(s.town_code), 1]))
    const points = (await db.knex.raw(`select id from service_points where village_code like '4402%' and geom && ${box} order by village_code, id`, env)).rows
    const sp = decode((await fetchTile(at(await tileUrl('service-points', city), t), city)).bytes, 'service-points')
    expect(sp.map((f) => f.properties.id).sort()).toEqual(points.map((p: { id: string }) => p.id).sort())
    expect(sp.every((f) => f.id === undefined && typeof f.properties.gridUnitId === 'string')).toBe(true)
    const units = (
      await db.knex.raw(
        `select distinct gv.grid_unit_id as id from grid_unit_villages gv join divisions d on d.code = gv.village_code
          where gv.town_code like '4402%' and ST_Intersects(d.geom, ${box})`,
        env,
      )
    ).rows
    const gu = decode((await fetchTile(at(await tileUrl('grid-units', city), t), city)).bytes, 'grid-units')
    expect(gu.map((f) => f.properties.id).sort()).toEqual(units.map((u: { id: string }) => u.id).sort())
    expect(gu.every((f) => f.type === 3)).toBe(true)
  })

  it("a county user gets its county's features only, other tiles are empty (204), another scope is a 404", async () => {
    const template = await tileUrl('villages', county)
    expect(template).toMatch(/scope=440203$/)
    // A zoom-8 tile holding 武江区 and its neighbours.
    const [lng, lat] = await innerPoint('440203100201')
    const t = tileAt(lng, lat, 8)
    const all = await sqlCodes('village', '4402', t)
    const own = await sqlCodes('village', '440203', t)
    expect(all.length).toBeGreaterThan(own.length)
    const features = decode((await fetchTile(at(template, t), county)).bytes, 'villages')
    expect(features.map((f) => f.properties.code)).toEqual(own)
    // Without scope in the URL: the caller's own, cached privately.
    const plain = await fetchTile(`/tiles/villages/${t.z}/${t.x}/${t.y}.mvt`, county)
    expect(decode(plain.bytes, 'villages').map((f) => f.properties.code)).toEqual(own)
    expect(plain.headers.get('cache-control')).toBe('private, max-age=60')
    // A tile of 南雄市 (440282) only: nothing of 440203.
    const [nlng, nlat] = await innerPoint((await db.knex('divisions').where({ level: 'village' }).andWhereLike('code', '440282%').first()).code)
    const far = tileAt(nlng, nlat, 12)
    expect(await sqlCodes('village', '440203', far)).toEqual([])
    const empty = await fetchTile(at(template, far), county)
    expect(empty.status).toBe(204)
    expect(empty.bytes.length).toBe(0)
    expect((await fetchTile(at(template, far).replace('scope=440203', 'scope=440282'), county)).status).toBe(404)
    expect((await fetchTile('/tiles/villages.json?scope=440282', county)).status).toBe(404)
    // A city user may narrow to one of its counties.
    const narrowed = decode((await fetchTile(at(template, t), city)).bytes, 'villages')
    expect(narrowed.map((f) => f.properties.code)).toEqual(own)
  })

  it('an empty tile far away is 204; no session is 401', async () => {
    const template = await tileUrl('villages', city)
    const res = await fetchTile(at(template, tileAt(2.35, 48.85, 10)), city)
    expect(res.status).toBe(204)
    expect(res.headers.get('etag')).toBeTruthy()
    expect((await fetchTile('/tiles/villages/0/0/0.mvt')).status).toBe(401)
    expect((await fetchTile('/tiles/villages.json')).status).toBe(401)
  })

  it('strong ETag, a year of caching for the versioned URL, 304 on revalidation; geometry edits alone move the version', async () => {
    const template = await tileUrl('villages', city)
    const t = tileAt(...(await innerPoint('440203100201')), 10)
    const first = await fetchTile(at(template, t), city)
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^"[^"]+"$/)
    expect(first.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const again = await fetchTile(at(template, t), city, { 'if-none-match': etag })
    expect(again.status).toBe(304)
    expect(again.bytes.length).toBe(0)
    expect((await fetchTile(at(template, t), city, { 'if-none-match': `"x", W/${etag}` })).status).toBe(304)
    // Another scope is another ETag.
    expect((await fetchTile(at(template, t).replace('scope=4402', 'scope=440203'), city)).headers.get('etag')).not.toBe(etag)

    // Population and staffing do not touch the tiles.
    await db.knex('divisions').where({ code: '440203100201' }).update({ population: db.knex.raw('population + 1') })
    await db.knex('workers').where('station_id', 'like', 'st-440203%').update({ certified: db.knex.raw('not certified') })
    expect(await tileUrl('villages', city)).toBe(template)
    expect((await fetchTile(at(template, t), city, { 'if-none-match': etag })).status).toBe(304)

    // A village's outline moves: a new version, the old URL is no longer immutable and its ETag no longer matches.
    await db.knex.raw(`update divisions set geom = ST_Multi(ST_SnapToGrid(geom, 0.0001)) where code = '440203100201'`)
    const moved = await tileUrl('villages', city)
    expect(moved).not.toBe(template)
    const stale = await fetchTile(at(template, t), city, { 'if-none-match': etag })
    expect(stale.status).toBe(200)
    expect(stale.headers.get('cache-control')).toBe('public, max-age=60')
    // Another county's versions stay put.
    const other = (await fetchTile('/tiles/villages.json?scope=440282', city)).json.tiles[0]
    await db.knex.raw(`update divisions set geom = ST_Multi(ST_SnapToGrid(geom, 0.0001)) where code = '440203100202'`)
    expect((await fetchTile('/tiles/villages.json?scope=440282', city)).json.tiles[0]).toBe(other)
    // Stations have their own version: a village edit leaves it.
    const stations = await tileUrl('stations', city)
    await db.knex.raw(`update divisions set geom = ST_Multi(ST_SnapToGrid(geom, 0.0001)) where code = '440203100203'`)
    expect(await tileUrl('stations', city)).toBe(stations)
  })

  it('bad tile numbers, zooms and layers are 400 naming the field', async () => {
    const bad: [string, string][] = [
      ['/tiles/villages/21/0/0.mvt', 'z'],
      ['/tiles/villages/3/8/0.mvt', 'x'],
      ['/tiles/villages/3/0/8.mvt', 'y'],
      ['/tiles/villages/1.5/0/0.mvt', 'z'],
      ['/tiles/villages/1/-1/0.mvt', 'x'],
      ['/tiles/villages/1/0/1e0.mvt', 'y'],
      ['/tiles/villages/01/0/0.mvt', 'z'],
      ['/tiles/lakes/1/0/0.mvt', 'layer'],
      ['/tiles/lakes.json', 'layer'],
      ['/tiles/villages/1/0/0.mvt?v=abc', 'v'],
      ['/tiles/villages/1/0/0.mvt?scope=123', 'scope'],
      ['/tiles/villages/1/0/0.mvt?zoom=1', 'zoom'],
    ]
    for (const [path, field] of bad) {
      const res = await fetchTile(path, city)
      expect(res.status, path).toBe(400)
      expect(res.headers.get('content-type'), path).toMatch(/^application\/problem\+json/)
      expect(res.json.field, path).toBe(field)
    }
    const none = await fetchTile('/tiles/villages/1/0/0.png', city)
    expect(none.status).toBe(404)
    expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  })

  it.runIf(process.env.DATABASE_URL)('PostgreSQL: ST_AsMVT and the JavaScript encoder give the same features for the same tile', async () => {
    const [lng, lat] = await innerPoint('440203100201')
    const layers: TileLayerName[] = ['villages', 'towns', 'counties', 'cities', 'grid-units', 'stations', 'service-points']
    let compared = 0
    for (const z of [6, 8, 10, 12, 14]) {
      const t = tileAt(lng, lat, z)
      for (const layer of layers) {
        const pg = decode(await postgisTile(db.knex, layer, t, '4402'), layer)
        const js = decode(await jsTile(db.knex, layer, t, '4402'), layer)
        const where = `${layer} z${z}`
        expect(js.map((f) => [f.id, f.type, f.properties]), where).toEqual(pg.map((f) => [f.id, f.type, f.properties]))
        for (let i = 0; i < pg.length; i++) {
          const a = summary(pg[i]!.geometry)
          const b = summary(js[i]!.geometry)
          for (const k of ['minX', 'minY', 'maxX', 'maxY'] as const) expect(Math.abs(a[k] - b[k]), `${where} ${pg[i]!.properties.code} ${k}`).toBeLessThanOrEqual(4)
          expect(Math.abs(a.area - b.area), `${where} ${pg[i]!.properties.code} area`).toBeLessThanOrEqual(Math.max(0.02 * a.area, 64))
          compared++
        }
      }
    }
    expect(compared).toBeGreaterThan(100)
  })
})

/** Bounding box and absolute ring area (shoelace, tile units) of a decoded geometry. */
function summary(rings: { x: number; y: number }[][]) {
  const xs = rings.flat().map((p) => p.x)
  const ys = rings.flat().map((p) => p.y)
  let area = 0
  for (const ring of rings) {
    let a = 0
    for (let i = 0; i < ring.length; i++) {
      const p = ring[i]!
      const q = ring[(i + 1) % ring.length]!
      a += p.x * q.y - q.x * p.y
    }
    area += a / 2
  }
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys), area: Math.abs(area) }
}
