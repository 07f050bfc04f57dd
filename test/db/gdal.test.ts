/**
 * GDAL as a client of the OGC API (README "OGC API and tokens"): `ogrinfo` lists the
 * collections and `ogr2ogr` copies each of them into a GeoPackage with an API token sent
 * as HTTP Basic (GDAL_HTTP_AUTH=BASIC, GDAL_HTTP_USERPWD=user:token), paging by the next
 * links; the GeoPackage, read back by ogrinfo, holds every feature of the token's scope as
 * the database counts them. Skipped with a message when GDAL is not installed, except
 * under CI=true, where that fails.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/connection.js'
import { seedDemo } from '../../server/services/seed.service.js'
import { call, signIn, startApp, testDb } from './harness.js'

const run = promisify(execFile)
const COUNTY = '440203'
const USER = 'gdal-county'

async function gdalVersion(): Promise<string | null> {
  try {
    return (await run('ogrinfo', ['--version'])).stdout.trim()
  } catch {
    return null
  }
}
const version = await gdalVersion()
if (!version) {
  if (process.env.CI === 'true') throw new Error('ogrinfo is not installed (apt-get install gdal-bin): the GDAL tests cannot be skipped under CI=true')
  console.warn('[skip] test/db/gdal.test.ts: ogrinfo not found (apt-get install gdal-bin)')
}

let db: Database
let app: { url: string; stop: () => Promise<void> }
let env: NodeJS.ProcessEnv
let dir: string

beforeAll(async () => {
  if (!version) return
  db = await testDb()
  await seedDemo(db.knex, { city: '4402' })
  app = await startApp(db)
  const cookie = await signIn(db, app.url, USER, 'viewer', COUNTY)
  const { token } = (await call(app.url, 'POST', '/api/tokens', { cookie, body: { name: 'GDAL' } })).body
  // No proxy, no cache: every request reaches this server.
  env = { ...process.env, GDAL_HTTP_AUTH: 'BASIC', GDAL_HTTP_USERPWD: `${USER}:${token}`, NO_PROXY: '*', GDAL_HTTP_TIMEOUT: '60', CPL_VSIL_CURL_NON_CACHED: '/vsicurl/' }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ogc-gdal-'))
}, 120_000)
afterAll(async () => {
  await app?.stop()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

const count = async (sql: string) => Number((await db.knex.raw(sql)).rows[0].n)

describe.skipIf(!version)(`GDAL (${version ?? 'not installed'}) reads the OGC API with a token`, () => {
  it('ogrinfo lists the collections', async () => {
    const { stdout } = await run('ogrinfo', ['-ro', '-q', `OAPIF:${app.url}/ogc`], { env })
    const layers = [...stdout.matchAll(/^\d+: ([a-z-]+)/gm)].map((m) => m[1])
    expect(layers.sort()).toEqual(['counties', 'coverage', 'grid-units', 'service-points', 'stations', 'towns', 'villages'])
  }, 60_000)

  it('without the token GDAL is refused', async () => {
    const refused = run('ogrinfo', ['-ro', '-q', `OAPIF:${app.url}/ogc`], { env: { ...env, GDAL_HTTP_USERPWD: `${USER}:sbt_${'x'.repeat(43)}` } })
    await expect(refused).rejects.toThrow(/401/)
  }, 60_000)

  it.each([
    ['villages', `select count(*) n from divisions where level = 'village' and code like '${COUNTY}%'`],
    ['towns', `select count(*) n from divisions where level = 'town' and code like '${COUNTY}%'`],
    ['stations', `select count(*) n from stations where town_code like '${COUNTY}%'`],
    ['grid-units', `select count(*) n from grid_units where town_code like '${COUNTY}%'`],
    ['service-points', `select count(*) n from service_points where village_code like '${COUNTY}%'`],
    ['counties', `select count(*) n from divisions where level = 'county' and code like '${COUNTY}%'`],
  ])('ogr2ogr copies every feature of %s in the token\'s scope into a GeoPackage, paging by next links', async (layer, sql) => {
    const out = path.join(dir, `${layer}.gpkg`)
    // A small page size makes GDAL follow several next links (its default is 1,000 a page).
    await run('ogr2ogr', ['-f', 'GPKG', out, `OAPIF:${app.url}/ogc`, layer, '-oo', 'PAGE_SIZE=50'], { env })
    const { stdout } = await run('ogrinfo', ['-ro', '-so', out, layer])
    const copied = Number(/Feature Count: (\d+)/.exec(stdout)?.[1])
    const expected = await count(sql)
    expect(expected).toBeGreaterThan(0)
    expect(copied).toBe(expected)
    // Longitude/latitude (CRS84 as EPSG:4326 in the GeoPackage), inside Shaoguan.
    expect(stdout).toMatch(/WGS 84|EPSG",4326/)
    const extent = /Extent: \(([-0-9.]+), ([-0-9.]+)\) - \(([-0-9.]+), ([-0-9.]+)\)/.exec(stdout)!.slice(1).map(Number)
    expect(extent[0]).toBeGreaterThan(112)
    expect(extent[1]).toBeGreaterThan(23)
    expect(extent[2]).toBeLessThan(115)
    expect(extent[3]).toBeLessThan(26)
  }, 120_000)

  it('ogr2ogr copies the coverage gaps: as many as the coverage report of the county has', async () => {
    const out = path.join(dir, 'coverage.gpkg')
    await run('ogr2ogr', ['-f', 'GPKG', out, `OAPIF:${app.url}/ogc`, 'coverage'], { env })
    const copied = Number(/Feature Count: (\d+)/.exec((await run('ogrinfo', ['-ro', '-so', out, 'coverage'])).stdout)?.[1])
    const cookie = await signIn(db, app.url, USER, 'viewer', COUNTY)
    const report = (await call(app.url, 'GET', `/api/coverage?within=${COUNTY}&geometry=false`, { cookie })).body
    const gaps = report.villages.features.filter((f: { properties: { status: string } }) => f.properties.status !== 'ok').length
    expect(gaps).toBeGreaterThan(0)
    expect(copied).toBe(gaps)
  }, 120_000)

  it('GDAL pages by the next links (its requests, as CPL_DEBUG logs them)', async () => {
    const out = path.join(dir, 'paged.gpkg')
    const { stderr } = await run('ogr2ogr', ['-f', 'GPKG', out, `OAPIF:${app.url}/ogc`, 'villages', '-oo', 'PAGE_SIZE=50', '--config', 'CPL_DEBUG', 'ON'], { env })
    const pages = stderr.split('\n').filter((l) => /collections\/villages\/items\?/.test(l) && /HTTP|OAPIF|Fetching/i.test(l))
    const villages = await count(`select count(*) n from divisions where level = 'village' and code like '${COUNTY}%'`)
    expect(villages).toBeGreaterThan(50)
    expect(pages.length, stderr.slice(-2000)).toBeGreaterThanOrEqual(Math.ceil(villages / 50))
  }, 120_000)

  it('the villages copied carry their codes, population and status, and only the county\'s', async () => {
    const out = path.join(dir, 'villages.gpkg')
    const { stdout } = await run('ogrinfo', ['-ro', '-q', out, '-sql', "select count(*) as n, sum(population) as pop, min(code) as lo, max(code) as hi, sum(case when status = 'uncovered' then 1 else 0 end) as unc from villages"])
    const pick = (k: string) => new RegExp(`${k} \\([^)]*\\) = (\\S+)`).exec(stdout)?.[1]
    const [row] = (await db.knex.raw(`select count(*)::int n, sum(population)::bigint pop, min(code) lo, max(code) hi from divisions where level = 'village' and code like '${COUNTY}%'`)).rows
    expect(Number(pick('n'))).toBe(Number(row.n))
    expect(Number(pick('pop'))).toBe(Number(row.pop))
    expect([pick('lo'), pick('hi')]).toEqual([row.lo, row.hi])
    const uncovered = (await call(app.url, 'GET', `/ogc/collections/villages/items?status=uncovered&limit=1`, { headers: { authorization: env.GDAL_HTTP_USERPWD ? `Basic ${Buffer.from(env.GDAL_HTTP_USERPWD).toString('base64')}` : '' } })).body.numberMatched
    expect(Number(pick('unc'))).toBe(uncovered)
  }, 60_000)
})
