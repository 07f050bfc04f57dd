/**
 * npm run bench [-- --province] [--skip-solver] [--skip-load] [--only health|load|province|tiles|visits] [--solver-args "..."]
 *
 * Prints the machine (cores, memory), then for the embedded database and, when
 * DATABASE_URL is set, for PostgreSQL + PostGIS: open + migrate, seeding Shaoguan
 * (1,468 villages), the median latency of the read API on city, county and town
 * scopes, plan times, and the latency of GET /api/health while a grid plan of all of
 * Shaoguan computes (target p99 ≤ 50 ms); on PostgreSQL the load table (autocannon, 50 and 200
 * connections on the main reads, scripts/load.ts). With --province it also seeds all of
 * Guangdong (26,842 villages): coverage of the province computed and cached, what a county
 * edit leaves cached, and on PostgreSQL a staff plan of the province and its apply (with the
 * number of SQL statements it sent). Villages vector tiles at zooms 6-14: p50/p95 of the
 * endpoint beside the raw query of the same tiles (scripts/bench-tiles.ts; target ≤ 1.2 ×).
 * `--only health|load|province|tiles` runs just that part
 * (after seeding Shaoguan) and skips the browser and solver benchmarks; `--only visits` runs
 * only the visit-plan solver benchmark (8 stations: a 22-working-day month and February 2026).
 * Then the first map paint and hover frame time in headless Chromium, and the solver
 * benchmarks (npm run bench:solver). DATABASE_URL's database must have
 * "bench" or "test" in its name: its tables are dropped.
 */
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import { parseArgs } from 'node:util'
import type { AddressInfo } from 'node:net'
import { createApp } from '../server/app.js'
import { openDatabase, type Database } from '../server/db/connection.js'
import { migrateDownAll, migrateLatest } from '../server/db/migrate.js'
import { clearDataset, countDivisions } from '../server/repositories/dataset.repository.js'
import { invalidate } from '../server/repositories/meta.repository.js'
import { seedDemo } from '../server/services/seed.service.js'
import { hashPassword } from '../server/auth/password.js'
import { findUserByName, insertUser } from '../server/repositories/users.repository.js'
import { InProcessJobQueue } from '../server/services/jobs.js'
import { applyPlan, createPlan, getPlan, planJobHandler } from '../server/services/plans.service.js'
import { solverPool } from '../solver/index.js'
import { benchVisits } from '../solver/benchmarks/visits.js'
import { benchMap } from '../test/e2e/bench-map.js'
import { chromiumPath } from '../test/e2e/browser.js'
import { loadTest } from './load.js'
import { benchTiles } from './bench-tiles.js'

const { values: args } = parseArgs({
  options: {
    province: { type: 'boolean', default: false },
    'skip-solver': { type: 'boolean', default: false },
    'skip-load': { type: 'boolean', default: false },
    'solver-args': { type: 'string', default: '' },
    only: { type: 'string' },
  },
})

const rows: string[][] = []
const record = (db: string, what: string, size: string, value: string) => {
  rows.push([db, what, size, value])
  console.log(`  ${db.padEnd(9)} ${what.padEnd(44)} ${size.padEnd(22)} ${value}`)
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`

async function ensureBenchUser(db: Database) {
  if (!(await findUserByName(db.knex, 'bench'))) {
    await insertUser(db.knex, { username: 'bench', passwordHash: await hashPassword('bench-password'), role: 'admin', scope: '44' })
  }
}

/** Signs in as the bench user; returns the session cookie. */
async function benchLogin(base: string): Promise<string> {
  const login = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: 'bench-password' }),
  })
  if (!login.ok) throw new Error(`bench sign-in failed: ${login.status}`)
  return (login.headers.get('set-cookie') ?? '').split(';')[0]
}

/** The load table on PostgreSQL: a server process, autocannon over loopback. */
async function timeLoad(db: Database, databaseUrl: string) {
  await ensureBenchUser(db)
  console.log('  load: server process + autocannon over loopback, 8 s per read and connection count')
  for (const r of await loadTest(databaseUrl, benchLogin)) {
    const target = r.connections === 200 && r.path.startsWith('/api/coverage') ? ' (target p99 ≤ 200 ms)' : ''
    const bad = r.non2xx || r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''
    record('postgres', `load ${r.connections} conn: GET ${r.path}`, r.what, `${r.requestsPerSec} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms${target}${bad}`)
  }
}

/** The app on a free loopback port (with `jobs` as its queue, when given). */
async function listen(db: Database, jobs?: InProcessJobQueue): Promise<{ server: import('node:http').Server; base: string }> {
  const app = createApp(db, { serveWeb: false, ...(jobs ? { jobs } : {}) })
  const server = await new Promise<import('node:http').Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s))
  })
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

/** Villages tiles of Shaoguan per zoom: the endpoint beside the raw query (target ≤ 1.2 ×). */
async function timeTiles(db: Database, label: string) {
  const { server, base } = await listen(db)
  await ensureBenchUser(db)
  const cookie = await benchLogin(base)
  const raw = db.kind === 'postgres' ? 'raw ST_AsMVT' : 'raw clip query (no ST_AsMVT)'
  for (const f of await benchTiles(db.knex, db.kind, base, cookie)) {
    const ratio = f.endpoint.p50 / f.raw.p50
    record(
      label,
      `GET /tiles/villages/${f.z}/x/y.mvt`,
      `${f.tiles} tiles, ${f.kib.toFixed(1)} KiB avg`,
      `p50 ${f.endpoint.p50.toFixed(1)} / p95 ${f.endpoint.p95.toFixed(1)} ms; ${raw} p50 ${f.raw.p50.toFixed(1)} / p95 ${f.raw.p95.toFixed(1)} ms; ${ratio.toFixed(2)}× (target ≤ 1.2)`,
    )
  }
  await new Promise((r) => server.close(r))
}

async function timeApi(db: Database, label: string) {
  const { server, base } = await listen(db)
  await ensureBenchUser(db)
  const cookie = await benchLogin(base)
  const paths = [
    ['/api/divisions/4402', 'city'],
    ['/api/divisions/4402/children', 'city: 10 counties'],
    ['/api/villages?within=4402', 'city: 1,468 villages'],
    ['/api/villages?within=440282', 'county 南雄市'],
    ['/api/grid-units?within=4402', 'city'],
    ['/api/workers?within=4402', 'city'],
    ['/api/rules/check?within=4402', 'city'],
    ['/api/rules/check?within=440282', 'county'],
    ['/api/coverage?within=440282', 'county 南雄市: 237 villages'],
    ['/api/coverage?within=4402&geometry=false', 'city, no polygons'],
    ['/api/coverage?within=4402', 'city with polygons'],
  ]
  for (const [path, size] of paths) {
    // Coverage reports are cached by data version: time them computed (the version bumped
    // before each request, as after any change) and answered from the cache.
    const cached = path.startsWith('/api/coverage')
    for (const mode of cached ? (['computed', 'cached'] as const) : ([null] as const)) {
      const times: number[] = []
      let bytes = 0
      for (let i = 0; i < 5; i++) {
        if (mode === 'computed') await invalidate(db.knex)
        const t = performance.now()
        const res = await fetch(base + path, { headers: { cookie } })
        bytes = (await res.arrayBuffer()).byteLength
        if (!res.ok) throw new Error(`${path} → ${res.status}`)
        if (mode && !res.headers.get('server-timing')?.includes(`"${mode}"`)) throw new Error(`${path}: expected a ${mode} report`)
        times.push(performance.now() - t)
      }
      times.sort((a, b) => a - b)
      record(label, `GET ${path}${mode ? ` (${mode})` : ''}`, `${size}, ${(bytes / 1024).toFixed(0)} KiB`, `median ${times[2].toFixed(0)} ms`)
    }
  }
  await new Promise((r) => server.close(r))
}

/**
 * The province: coverage of all Guangdong computed (target ≤ 500 ms on PostgreSQL) and
 * cached, and what an edit in one county leaves cached (per-county data versions).
 */
async function timeProvince(db: Database, label: string, size: string) {
  const { server, base } = await listen(db)
  await ensureBenchUser(db)
  const cookie = await benchLogin(base)
  const fetchTimed = async (path: string) => {
    const t = performance.now()
    const res = await fetch(base + path, { headers: { cookie } })
    const bytes = (await res.arrayBuffer()).byteLength
    if (!res.ok) throw new Error(`${path} → ${res.status}`)
    return { ms: performance.now() - t, bytes, timing: res.headers.get('server-timing') ?? '' }
  }
  const province = '/api/coverage?within=44&geometry=false'
  for (const mode of ['computed', 'cached'] as const) {
    const times: number[] = []
    let bytes = 0
    for (let i = 0; i < 5; i++) {
      if (mode === 'computed') await invalidate(db.knex)
      const r = await fetchTimed(province)
      if (!r.timing.includes(`"${mode}"`)) throw new Error(`${province}: expected a ${mode} report`)
      times.push(r.ms)
      bytes = r.bytes
    }
    times.sort((a, b) => a - b)
    const target = mode === 'computed' ? ' (target ≤ 500 ms on PostgreSQL)' : ''
    record(label, `GET ${province} (${mode})`, `${size}, ${(bytes / 1024).toFixed(0)} KiB`, `median ${times[2].toFixed(0)} ms${target}`)
  }
  // An edit in 南雄市 (440282): 乐昌市's (440281) cached coverage stays valid, the province's is computed anew.
  const other = '/api/coverage?within=440281&geometry=false'
  await fetchTimed(other)
  await db.knex.raw(`update workers set certified = not certified where id = (select w.id from workers w join stations s on s.id = w.station_id where s.town_code like '440282%' order by w.id limit 1)`)
  const [afterOther, afterProvince] = [await fetchTimed(other), await fetchTimed(province)]
  const state = (r: { timing: string }) => (r.timing.includes('"cached"') ? 'cached' : 'computed')
  record(label, 'after an edit in 南雄市: coverage of 乐昌市', 'another county', `${state(afterOther)} (${afterOther.ms.toFixed(0)} ms; expected cached)`)
  record(label, 'after an edit in 南雄市: coverage of Guangdong', 'the province', `${state(afterProvince)} (${afterProvince.ms.toFixed(0)} ms; expected computed)`)
  await new Promise((r) => server.close(r))
  if (db.kind !== 'postgres') return

  // A staff plan of all Guangdong: request to reviewable draft, then its apply and the statements it sends.
  const user = { id: 0, username: 'bench', role: 'admin' as const, scope: '44', supervisorId: null }
  const jobs = new InProcessJobQueue(db.knex, planJobHandler(db.knex))
  let t = performance.now()
  const { id } = await createPlan(db.knex, jobs, user, { kind: 'staff', within: '44', params: {} })
  await jobs.idle()
  const plan = await getPlan(db.knex, user, id)
  const r = plan.result as { status?: string; ms?: number } | null
  const moves = (plan.diff as { moves?: unknown[] } | null)?.moves?.length ?? 0
  record(label, 'staff plan of Guangdong (job: solve + diff + coverage)', size, `${seconds(performance.now() - t)} (${plan.status}, solver ${r?.status}, ${moves} moves)`)
  if (plan.status !== 'draft') return
  const statements: string[] = []
  const count = (q: { sql: string }) => statements.push(q.sql)
  db.knex.on('query', count)
  t = performance.now()
  await applyPlan(db.knex, user, id).finally(() => db.knex.off('query', count))
  const writes = statements.filter((s) => /^\s*(insert|update|delete)/i.test(s)).length
  record(label, 'apply the staff plan of Guangdong', `${moves} moves`, `${seconds(performance.now() - t)}, ${statements.length} SQL statements (${writes} writes)`)
}

/** Plans on the Shaoguan demo, computed as the server does (job, diff, coverage before/after). */
async function timePlans(db: Database, label: string) {
  const user = { id: 0, username: 'bench', role: 'admin' as const, scope: '44', supervisorId: null }
  const jobs = new InProcessJobQueue(db.knex, planJobHandler(db.knex))
  const runs = [
    ['staff', '440282', 'county 南雄市: 19 towns, 237 villages'],
    ['staff', '4402', 'city: 10 counties, 112 towns'],
    ['grids', '4402', 'city: 112 towns'],
    ['supervisors', '4402', 'city: 112 stations'],
  ] as const
  for (const [kind, within, size] of runs) {
    const t = performance.now()
    const { id } = await createPlan(db.knex, jobs, user, { kind, within, params: {} })
    await jobs.idle()
    const plan = await getPlan(db.knex, user, id)
    const r = plan.result as { status?: string; ms?: number; verified?: boolean } | null
    record(label, `${kind} plan (job: solve + diff + coverage)`, size, `${seconds(performance.now() - t)} (${plan.status}, solver ${r?.status}, ${((r?.ms ?? 0) / 1000).toFixed(2)} s in the solver)`)
  }
}

/**
 * GET /api/health, one request after another (10 ms apart), while a grid plan of all of
 * Shaoguan (112 towns) computes in the same process: the event loop must stay free, since
 * every MILP runs on the solver pool's threads. Target p99 ≤ 50 ms.
 */
async function timeHealthDuringPlan(db: Database, label: string) {
  const jobs = new InProcessJobQueue(db.knex, planJobHandler(db.knex))
  const { server, base } = await listen(db, jobs)
  // The client reuses its connection across the pause while the plan is created: keep it open.
  server.keepAliveTimeout = 120_000
  const user = { id: 0, username: 'bench', role: 'admin' as const, scope: '44', supervisorId: null }
  /** Latencies of /api/health, one request after another, until `stop()` says so. */
  const sample = async (stop: () => boolean) => {
    const times: number[] = []
    while (!stop()) {
      const t = performance.now()
      const res = await fetch(`${base}/api/health`)
      await res.arrayBuffer()
      if (!res.ok) throw new Error(`/api/health → ${res.status}`)
      times.push(performance.now() - t)
      await new Promise((r) => setTimeout(r, 10))
    }
    times.sort((a, b) => a - b)
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1)
    return `p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${times[times.length - 1].toFixed(1)} ms over ${times.length} requests`
  }
  // The same machine with no plan running, for comparison (a busy machine slows both).
  const idleUntil = performance.now() + 5000
  const idle = await sample(() => performance.now() > idleUntil)
  record(label, 'GET /api/health, no plan running (5 s)', `${os.availableParallelism()} cores`, idle)
  const t0 = performance.now()
  const { id } = await createPlan(db.knex, jobs, user, { kind: 'grids', within: '4402', params: {} })
  let finished = false
  const done = jobs.idle().then(() => (finished = true))
  const during = await sample(() => finished)
  await done
  const planMs = performance.now() - t0
  await new Promise((r) => server.close(r))
  const status = (await getPlan(db.knex, user, id)).status
  record(
    label,
    'GET /api/health during a city grid plan',
    `112 towns, ${solverPool().size} solver threads`,
    `${during} (target p99 ≤ 50 ms); plan ${seconds(planMs)} (${status})`,
  )
}

async function benchDatabase(databaseUrl: string | null) {
  const label = databaseUrl ? 'postgres' : 'embedded'
  let t = performance.now()
  const db = await openDatabase({ databaseUrl, dataDir: null })
  if (db.kind === 'postgres') {
    const name = (await db.knex.raw('select current_database() as n')).rows[0].n as string
    if (!/bench|test/.test(name)) throw new Error(`DATABASE_URL database "${name}" must contain "bench" or "test" (its tables are dropped)`)
    await migrateDownAll(db.knex)
  }
  await migrateLatest(db.knex)
  record(label, 'open + migrate', '', seconds(performance.now() - t))
  const shaoguan = await seedDemo(db.knex, { city: '4402' })
  record(label, 'seed Shaoguan: generate', '112 towns, 1,468 villages', seconds(shaoguan.generateMs))
  record(label, 'seed Shaoguan: insert', '112 towns, 1,468 villages', seconds(shaoguan.insertMs))
  const only = args.only
  if (!only) {
    await timeApi(db, label)
    await timePlans(db, label)
  }
  if (!only || only === 'tiles') await timeTiles(db, label)
  if (!only || only === 'health') await timeHealthDuringPlan(db, label)
  if (databaseUrl && ((!only && !args['skip-load']) || only === 'load')) await timeLoad(db, databaseUrl)
  if ((!only && args.province) || only === 'province') {
    await clearDataset(db.knex)
    t = performance.now()
    const province = await seedDemo(db.knex, { province: '44' })
    const counts = await countDivisions(db.knex)
    const size = `${counts.town} towns, ${counts.village} villages`
    record(label, 'seed Guangdong: generate', size, seconds(province.generateMs))
    record(label, 'seed Guangdong: insert', size, seconds(province.insertMs))
    record(label, 'seed Guangdong: total', size, seconds(performance.now() - t))
    await timeProvince(db, label, size)
  }
  await db.close()
}

console.log(`Shuangbai Grid benchmarks — ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString()}`)
if (args.only === 'visits') {
  console.log('\n== visit plans (solver only, median of 7 runs)')
  for (const r of await benchVisits()) record('solver', String(r.instance), `${r.stations} stations, ${r['working days']} working days`, `${r['ms (median)']} ms (${r['ms (min-max)']}), ${r.km} km, ${r.status}, ${r.cores} cores`)
  process.exit(0)
}
console.log('\n== database and API')
await benchDatabase(null)
if (process.env.DATABASE_URL) await benchDatabase(process.env.DATABASE_URL)
else console.log('  (set DATABASE_URL=postgres://…/shuangbai_bench to measure PostgreSQL + PostGIS too)')

if (args.only) process.exit(0)

console.log('\n== web map (headless Chromium, Shaoguan city view, 1,468 villages)')
if (chromiumPath()) {
  for (const databaseUrl of [null, process.env.DATABASE_URL ?? null].filter((u, i) => i === 0 || u)) {
    const saved = process.env.DATABASE_URL
    if (databaseUrl) process.env.DATABASE_URL = databaseUrl
    else delete process.env.DATABASE_URL
    const m = await benchMap()
    const label = databaseUrl ? 'postgres' : 'embedded'
    record(label, 'first map paint, data unchanged since the last visit (median of 5)', `${m.villages} villages`, `${m.firstPaintMs} ms (target ≤ 1500)`)
    record(label, 'first map paint, data changed just before (median of 5)', `${m.villages} villages`, `${m.firstPaintColdMs} ms (target ≤ 1500)`)
    record(label, 'hover across the city: mean frame time', `${m.villages} villages`, `${m.hoverFrameMs} ms`)
    if (saved) process.env.DATABASE_URL = saved
  }
} else console.log('  skipped: Chromium not found (apt-get install chromium)')

if (!args['skip-solver']) {
  console.log('\n== solver (npm run bench:solver)')
  const extra = args['solver-args'].split(' ').filter(Boolean)
  const r = spawnSync('npx', ['tsx', 'solver/bench.ts', ...extra], { stdio: 'inherit' })
  if (r.status !== 0) process.exitCode = r.status ?? 1
}
