/**
 * Coverage of the hand-made fixture against hand-computed numbers.
 * Village v = 1..4 of each town: population 1000v, dibao 10v, tekun v, disabled 5v,
 * children 1, left-behind children 2, elderly 3, left-behind women 4. With the default
 * weights its demand is 1000v + 20·10v + 30·v + 20·5v + 25 + 10·2 + 20·3 + 10·4 = 1330v + 145:
 * 1475, 2805, 4135, 5465. Unit 1 (v1, v2) = 4280 for 2 workers → 2140 per worker; unit 2
 * (v3, v4) = 9600 → 4800. Within one town the median is (2140 + 4800) / 2 = 3470 and the
 * Gini of {2140, 4800} = 2660 / (2 · 2² · 3470 / 2) = 0.1916. Points sit at the centres of v1 and v3;
 * v2 and v4 are 0.005° of longitude away at 24.0025°N: 0.5085 km.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import * as S from '../../server/contract/responses.js'
import { dataVersion } from '../../server/repositories/meta.repository.js'
import { get, loadDataset, signIn, startApp, testDb } from './harness.js'
import { byteSize, VersionedCache } from '../../server/services/versioned.cache.js'
import { cachedCoverage } from '../../server/services/coverage.service.js'

let db: Database
let app: { url: string; stop: () => Promise<void> }
let cookie: string

beforeAll(async () => {
  db = await testDb()
  const data = compliantDataset()
  // Plant: town 990101001's second point loses its two workers (moved to the station).
  for (const w of data.workers.filter((x) => x.servicePointId === 'sp-990101001-2')) {
    w.post = 'station'
    w.servicePointId = null
  }
  await loadDataset(db, data)
  app = await startApp(db)
  cookie = await signIn(db, app.url, 'coverage-viewer', 'viewer', '9901')
})
afterAll(() => app?.stop())

describe('coverage', () => {
  it('computes village numbers and statuses by hand', async () => {
    const res = await get(app.url, '/api/coverage?within=990101', cookie)
    expect(res.status).toBe(200)
    S.Coverage.parse(res.body)
    const byCode = Object.fromEntries(res.body.villages.features.map((f: { properties: { code: string } }) => [f.properties.code, f.properties]))
    // Town 2 is untouched.
    expect(byCode['990101002001']).toMatchObject({ demand: 1475, demandPerWorker: 2140, distanceKm: 0, status: 'ok', servicePointId: 'sp-990101002-1' })
    expect(byCode['990101002002'].distanceKm).toBeCloseTo(0.5085, 2)
    expect(byCode['990101002002'].status).toBe('ok')
    // Median over the 9 staffed units (five at 2140, four at 4800) = 2140; above 2782 is overloaded.
    expect(res.body.medianDemandPerWorker).toBe(2140)
    expect(byCode['990101002004']).toMatchObject({ demand: 5465, demandPerWorker: 4800, status: 'overloaded' })
    // Town 1's unit 2 has no workers: uncovered.
    expect(byCode['990101001003']).toMatchObject({ status: 'uncovered', unitWorkers: 0, demandPerWorker: null })
    const town1 = res.body.towns.find((t: { code: string }) => t.code === '990101001')
    expect(town1).toMatchObject({
      villages: 4,
      coveredVillages: 2,
      coveredPct: 50,
      specialGroupMembers: 200,
      specialGroupMembersReached: 26 + 42,
      specialGroupReachedPct: 34,
      adminPosts: 4,
      adminPostsRequired: 2,
      servicePosts: 2,
      servicePostsRequired: 4,
      statusCounts: { uncovered: 2, far: 0, overloaded: 0, ok: 2 },
    })
    expect(res.body.total.statusCounts).toEqual({ uncovered: 2, far: 0, overloaded: 8, ok: 10 })
    // The rule check names the cause (an unstaffed point), not each village it leaves uncovered.
    expect(res.body.violations.map((v: { rule: string; code: string }) => `${v.rule}:${v.code}`)).toEqual([
      'town_service_posts_min:990101001',
      'point_unstaffed:sp-990101001-2',
    ])
  })

  it('flags far and overloaded villages with the thresholds given', async () => {
    const res = await get(app.url, '/api/coverage?within=990101002&distanceKm=0.3&overloadFactor=1.1&geometry=false', cookie)
    expect(res.status).toBe(200)
    const byCode = Object.fromEntries(res.body.villages.features.map((f: { properties: { code: string } }) => [f.properties.code, f.properties]))
    expect(res.body.villages.features[0].geometry).toBeNull()
    // Judged against the county's units (median 2140, overloaded above 2354), not town 2's alone (median 3470).
    expect(res.body.medianDemandPerWorker).toBe(2140)
    expect(res.body.overload).toEqual([{ county: '990101', median: 2140, threshold: 2354 }])
    expect(byCode['990101002001'].flags).toEqual(['ok'])
    expect(byCode['990101002002'].flags).toEqual(['far'])
    expect(byCode['990101002003'].flags).toEqual(['overloaded'])
    expect(byCode['990101002004'].flags).toEqual(['far', 'overloaded'])
    expect(byCode['990101002004'].status).toBe('far')
    expect(res.body.total).toMatchObject({
      specialGroupMembersReached: 26 + 58,
      specialGroupReachedPct: 42,
      demandPerWorker: { units: 2, median: 3470, max: 4800, maxOverMedian: 1.383, gini: 0.1916 },
    })
  })

  it("a village's status does not depend on the view: town, county and city agree", async () => {
    const statuses = async (within: string) => {
      // At 1.5 × the median, town 2 alone (median 3470) would call none of its units overloaded.
      const res = await get(app.url, `/api/coverage?within=${within}&geometry=false&overloadFactor=1.5`, cookie)
      expect(res.status).toBe(200)
      return Object.fromEntries(res.body.villages.features.map((f: { properties: { code: string; flags: string[] } }) => [f.properties.code, f.properties.flags.join()]))
    }
    const [town, county, city] = await Promise.all([statuses('990101002'), statuses('990101'), statuses('9901')])
    expect(Object.keys(town)).toHaveLength(4)
    for (const [code, flags] of Object.entries(town)) {
      expect(county[code], code).toBe(flags)
      expect(city[code], code).toBe(flags)
    }
    // In the town view as in the county view, town 2's 4800-units are overloaded (2140 × 1.5 = 3210).
    expect(town['990101002004']).toBe('overloaded')
    const res = await get(app.url, '/api/coverage?within=9901&geometry=false', cookie)
    expect(res.body.medianDemandPerWorker).toBeNull()
    expect(res.body.overload).toEqual([{ county: '990101', median: 2140, threshold: 2782 }])
  })

  it('rejects bad thresholds naming the field, and unknown parameters', async () => {
    for (const [query, field] of [
      ['within=990101&distanceKm=-1', 'distanceKm'],
      ['within=990101&distanceKm=abc', 'distanceKm'],
      ['within=990101&overloadFactor=0.5', 'overloadFactor'],
      ['within=990101&geometry=maybe', 'geometry'],
      ['within=990101&radius=3', 'radius'],
    ]) {
      const res = await get(app.url, `/api/coverage?${query}`, cookie)
      expect(res.status, query).toBe(400)
      expect(res.body.field).toBe(field)
    }
  })

  it('answers from the cache until the data changes, whoever changes it', async () => {
    const path = '/api/coverage?within=990101002&geometry=false'
    const timing = (r: { headers: Headers }) => r.headers.get('server-timing') ?? ''
    const demandOf = (r: { body: { villages: { features: Array<{ properties: { code: string; demand: number } }> } } }) =>
      r.body.villages.features.find((f) => f.properties.code === '990101002001')?.properties.demand
    const first = await get(app.url, path, cookie)
    const second = await get(app.url, path, cookie)
    expect(timing(second)).toContain('desc="cached"')
    expect(second.body).toEqual(first.body)
    // A browser revalidating with the ETag gets 304 while nothing changed.
    const etag = second.headers.get('etag')!
    expect(second.headers.get('cache-control')).toContain('no-cache')
    // (fetch adds `Cache-Control: no-cache` to a conditional request unless told otherwise,
    // which asks for a full answer; a browser revalidating its cache sends max-age=0.)
    const revalidate = () => fetch(app.url + path, { headers: { cookie, 'if-none-match': etag, 'cache-control': 'max-age=0' } })
    const revalidated = await revalidate()
    expect(revalidated.status).toBe(304)

    // A transaction that is rolled back changes nothing, not even the version.
    const version = () => dataVersion(db.knex)
    const before = await version()
    await db.knex
      .transaction(async (trx) => {
        await trx('divisions').where({ code: '990101002001' }).increment('population', 1000)
        throw new Error('roll back')
      })
      .catch(() => {})
    expect(await version()).toBe(before)
    expect(timing(await get(app.url, path, cookie))).toContain('desc="cached"')

    // A change made with plain SQL (not through the app) is seen at once.
    await db.knex.raw(`update divisions set population = population + 1000 where code = '990101002001'`)
    try {
      expect(await version()).toBeGreaterThan(before)
      const changed = await get(app.url, path, cookie)
      expect(timing(changed)).toContain('desc="computed"')
      expect(demandOf(changed)).toBe(demandOf(first)! + 1000)
      expect(changed.headers.get('etag')).not.toBe(etag)
      expect((await revalidate()).status).toBe(200)
    } finally {
      await db.knex.raw(`update divisions set population = population - 1000 where code = '990101002001'`)
    }
    expect(demandOf(await get(app.url, path, cookie))).toBe(demandOf(first))
  })

  it('keeps the cache within its memory bound (least recently used first out) and shares concurrent computations', async () => {
    const first = await cachedCoverage(new VersionedCache(), db.knex, '990101001', { geometry: false })
    // A bound smaller than one report keeps only the latest.
    const cache = new VersionedCache(byteSize(first) + 1)
    await cachedCoverage(cache, db.knex, '990101001', { geometry: false })
    await cachedCoverage(cache, db.knex, '990101002', { geometry: false })
    expect(cache.size.entries).toBe(1)
    expect((await cachedCoverage(cache, db.knex, '990101002', { geometry: false })).cached).toBe(true)
    expect((await cachedCoverage(cache, db.knex, '990101001', { geometry: false })).cached).toBe(false)
    // Two requests for a missing report: one computation, the same text.
    const [a, b] = await Promise.all([cachedCoverage(cache, db.knex, '990101003', { geometry: false }), cachedCoverage(cache, db.knex, '990101003', { geometry: false })])
    expect(a.body.equals(b.body)).toBe(true)
    expect([a.cached, b.cached].sort()).toEqual([false, true])
    await expect(db.knex.transaction((trx) => cachedCoverage(cache, trx, '990101003', { geometry: false }))).rejects.toThrow(/transaction/)

    // Room for two reports: the least recently used one leaves first.
    const sizes = await Promise.all(['990101001', '990101002', '990101003'].map(async (t) => byteSize(await cachedCoverage(new VersionedCache(), db.knex, t, { geometry: false }))))
    const lru = new VersionedCache(2 * Math.max(...sizes))
    for (const t of ['990101001', '990101002', '990101001', '990101003']) await cachedCoverage(lru, db.knex, t, { geometry: false })
    expect(lru.size.entries).toBe(2)
    expect(lru.size.bytes).toBe(sizes[0] + sizes[2])
    expect((await cachedCoverage(lru, db.knex, '990101001', { geometry: false })).cached).toBe(true)
    expect((await cachedCoverage(lru, db.knex, '990101002', { geometry: false })).cached).toBe(false)
  })

  it('still answers 404 outside the scope of the caller once the report is cached', async () => {
    const path = '/api/coverage?within=990101&geometry=false'
    expect((await get(app.url, path, cookie)).status).toBe(200)
    const other = await signIn(db, app.url, 'coverage-other-county', 'viewer', '990102')
    const res = await get(app.url, path, other)
    expect(res.status).toBe(404)
    expect(JSON.stringify(res.body)).not.toContain('990101001001')
  })
})
