/**
 * `npm run backup` / `npm run restore` as an operator runs them: separate processes, on this
 * file's PostgreSQL database (DATABASE_URL run) or on an embedded data folder of their own
 * (a temp dir, never the test process's shared PGlite). A restore must give back every table
 * of the app exactly, refuse what it cannot restore, and change nothing when it fails.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../server/db/connection.js'
import { migrateLatest } from '../../server/db/migrate.js'
import { allTableHashes } from '../../server/repositories/dataset.repository.js'
import * as S from '../../server/contract/responses.js'
import { compliantDataset } from '../fixtures/compliant-dataset.js'
import { call, get, loadDataset, signIn, startApp, testDb, testDbUrl } from './harness.js'

const run = promisify(execFile)
const onPostgres = Boolean(process.env.DATABASE_URL)
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-backup-test-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

/** Runs `server/cli/backup.ts <command> <file>` with the given database settings. */
async function cli(command: string, file: string | null, env: NodeJS.ProcessEnv) {
  const args = ['--import', 'tsx', 'server/cli/backup.ts', command, ...(file === null ? [] : [file])]
  try {
    const r = await run(process.execPath, args, { env: { ...process.env, ...env } })
    return { code: 0, out: r.stdout, err: r.stderr }
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string }
    return { code: x.code, out: x.stdout, err: x.stderr }
  }
}

/** Every table of the app in a fresh migration, PostGIS's spatial_ref_sys aside. */
const APP_TABLES = [
  'api_tokens',
  'audit_log',
  'audit_log_divisions',
  'calendar_days',
  'calendar_tokens',
  'calendar_years',
  'data_versions',
  'divisions',
  'geometry_versions',
  'grid_unit_villages',
  'grid_units',
  'jobs',
  'knex_migrations',
  'knex_migrations_lock',
  'login_throttle',
  'plans',
  'service_points',
  'sessions',
  'station_inspections',
  'station_scores',
  'stations',
  'supervisor_stations',
  'supervisors',
  'training_records',
  'users',
  'village_special_groups',
  'visit_plans',
  'visits',
  'workers',
]

/** Puts rows in every table: the network, a user with a session, a failed sign-in, an audited edit, a computed plan and its job, a published visit plan with its visits and a calendar token. */
async function fillEveryTable(db: Database): Promise<void> {
  await loadDataset(db, compliantDataset(2))
  const app = await startApp(db)
  try {
    const bureau = await signIn(db, app.url, 'backup-bureau', 'bureau', '990101')
    expect((await call(app.url, 'POST', '/api/login', { body: { username: 'backup-bureau', password: 'not the password' } })).status).toBe(401)
    const moved = await call(app.url, 'POST', '/api/workers/w-990101001-p11/move', { cookie: bureau, body: { to: 'st-990101002' } })
    expect(moved.status, JSON.stringify(moved.body)).toBe(200)
    expect((await call(app.url, 'POST', '/api/tokens', { cookie: bureau, body: { name: 'backup' } })).status).toBe(201)
    for (const [path, body] of [
      ['/api/station-scores', { stationId: 'st-990101001', quarter: '2025Q1', score: 75, inspector: '李', date: '2025-03-31' }],
      ['/api/inspections', { stationId: 'st-990101001', date: '2025-02-01', inspector: '王', findings: '' }],
      ['/api/training-records', { workerId: 'w-990101001-s1', date: '2025-02-01', kind: 'prejob', hours: 8, course: '岗前培训' }],
    ] as const) {
      const res = await call(app.url, 'POST', path, { cookie: bureau, body })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
    }
    const created = await call(app.url, 'POST', '/api/plans', { cookie: bureau, body: { kind: 'staff', within: '990101' } })
    expect(created.status, JSON.stringify(created.body)).toBe(202)
    const { jobId } = S.PlanCreated.parse(created.body)
    let state = 'queued'
    while (state === 'queued' || state === 'running') {
      await new Promise((r) => setTimeout(r, 100))
      state = (await get(app.url, `/api/jobs/${jobId}`, bureau)).body.state
    }
    expect(state).toBe('done')
    const admin = await signIn(db, app.url, 'backup-admin', 'admin', '990101')
    const visitPlan = await call(app.url, 'POST', '/api/visit-plans', { cookie: admin, body: { supervisorId: 'sv-990101-1', month: '2026-03' } })
    expect(visitPlan.status, JSON.stringify(visitPlan.body)).toBe(202)
    await app.jobs.idle()
    expect((await call(app.url, 'POST', `/api/visit-plans/${visitPlan.body.id}/publish`, { cookie: admin })).status).toBe(200)
    expect((await call(app.url, 'POST', '/api/supervisors/sv-990101-1/calendar-token', { cookie: admin })).status).toBe(201)
  } finally {
    await app.stop()
  }
  const hashes = await allTableHashes(db.knex)
  expect(Object.keys(hashes)).toEqual(APP_TABLES)
  expect(Object.entries(hashes).filter(([, h]) => h === 'empty').map(([t]) => t)).toEqual([])
}

/** Changes the network, the users and sessions, the plans and jobs and the audit log. */
async function changeData(db: Database): Promise<void> {
  await db.knex.raw("update divisions set population = population + 1 where level = 'village'")
  await db.knex.raw("update workers set name = name || ' (changed)'")
  await db.knex.raw('delete from audit_log')
  await db.knex.raw('delete from plans') // and their jobs
  await db.knex.raw('delete from users') // and their sessions and tokens
  await db.knex.raw('delete from login_throttle')
}

const CHANGED = ['api_tokens', 'audit_log', 'audit_log_divisions', 'divisions', 'jobs', 'login_throttle', 'plans', 'sessions', 'users', 'workers']

/** The data version counters by key (migration 0009). */
async function versionCounters(db: Database): Promise<Record<string, number>> {
  const { rows } = await db.knex.raw('select code, version from data_versions')
  return Object.fromEntries(rows.map((r: { code: string; version: string }) => [r.code, Number(r.version)]))
}

/** Tables whose hashes differ. */
const differing = (a: Record<string, string>, b: Record<string, string>) => Object.keys(a).filter((t) => a[t] !== b[t])

/** A copy of the first `share` of a backup: readable at the start (pg_dump's table of contents), broken on the way. */
function truncatedCopy(file: string, share: number): string {
  const bytes = fs.readFileSync(file)
  const out = `${file}.truncated`
  fs.writeFileSync(out, bytes.subarray(0, Math.floor(bytes.length * share)))
  return out
}

describe('npm run backup / restore: arguments and files', () => {
  const env = onPostgres ? {} : { DATABASE_URL: '', DATA_DIR: path.join(tmp, 'never-opened') }
  const envFor = async () => (onPostgres ? { DATABASE_URL: (await testDbUrl()) ?? '' } : env)

  it('refuses a missing file argument or an unknown command with exit code 2', async () => {
    const none = await cli('restore', null, await envFor())
    expect(none.code).toBe(2)
    expect(none.err).toMatch(/give the backup file[\s\S]*usage:/)
    expect((await cli('copy', 'x', await envFor())).code).toBe(2)
  })

  it('refuses to restore a file that does not exist', async () => {
    const r = await cli('restore', path.join(tmp, 'no-such.backup'), await envFor())
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/no such file: .*no-such\.backup[\s\S]*The database was not changed/)
  })

  it("refuses the other backend's backup and a file of neither, naming what it is", async () => {
    const pgFile = path.join(tmp, 'fake.dump')
    fs.writeFileSync(pgFile, Buffer.concat([Buffer.from('PGDMP'), Buffer.alloc(100)]))
    const embeddedFile = path.join(tmp, 'fake.tgz')
    fs.writeFileSync(embeddedFile, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]))
    const other = path.join(tmp, 'notes.txt')
    fs.writeFileSync(other, 'not a backup at all')
    const wrong = await cli('restore', onPostgres ? embeddedFile : pgFile, await envFor())
    expect(wrong.code).toBe(1)
    expect(wrong.err).toMatch(onPostgres ? /is an embedded-database backup .*unset DATABASE_URL/ : /is a PostgreSQL backup .*set DATABASE_URL/)
    const neither = await cli('restore', other, await envFor())
    expect(neither.code).toBe(1)
    expect(neither.err).toMatch(/is not a Shuangbai backup/)
  })

  it('refuses to write a backup into a folder that does not exist', async () => {
    const r = await cli('backup', path.join(tmp, 'missing', 'x.backup'), await envFor())
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/does not exist/)
  })
})

describe.skipIf(!onPostgres)('npm run backup / restore on PostgreSQL', () => {
  it('restores every table exactly as backed up, while the server runs; a restore failing half-way changes nothing', async () => {
    const db = await testDb()
    const env = { DATABASE_URL: (await testDbUrl()) ?? '' }
    await fillEveryTable(db)
    const app = await startApp(db)
    try {
      const before = await allTableHashes(db.knex)
      const file = path.join(tmp, 'shuangbai.dump')
      const backup = await cli('backup', file, env)
      expect(backup.code, backup.err).toBe(0)
      expect(backup.out).toMatch(/table public\.divisions/) // progress
      expect(backup.out).toMatch(/backup written: .*shuangbai\.dump, \d+\.\d MB in \d+\.\d s/)
      expect(fs.existsSync(`${file}.partial`)).toBe(false)

      await changeData(db)
      const changed = await allTableHashes(db.knex)
      expect(differing(before, changed)).toEqual(['data_versions', ...CHANGED].sort())

      // A view of another schema on a network table (say, a report someone added) makes pg_restore fail
      // half-way: the tables that depend on nothing were dropped already. One transaction → nothing changed.
      await db.knex.raw('create schema reports; create view reports.towns as select code from public.divisions')
      const broken = await cli('restore', file, env)
      expect(broken.code).toBe(1)
      expect(broken.err).toMatch(/pg_restore failed[\s\S]*cannot drop table public\.divisions because other objects depend on it[\s\S]*The database was not changed/)
      expect(await allTableHashes(db.knex)).toEqual(changed)
      await db.knex.raw('drop schema reports cascade')

      const versionsBefore = await versionCounters(db)
      const healthBefore = (await get(app.url, '/api/health')).body.dataVersion as number
      const restore = await cli('restore', file, env)
      expect(restore.code, restore.err).toBe(0)
      expect(restore.out).toMatch(/restored .*shuangbai\.dump \(\d+\.\d MB\) in \d+\.\d s/)
      const after = await allTableHashes(db.knex)
      // data_versions differs alone: every counter moved past the replaced one, so no cache or ETag takes the restored data for a version it has seen.
      expect(differing(before, after)).toEqual(['data_versions'])
      const versionsAfter = await versionCounters(db)
      for (const [code, v] of Object.entries(versionsBefore)) expect(versionsAfter[code], code).toBeGreaterThan(v)
      expect((await get(app.url, '/api/health')).body.dataVersion).toBeGreaterThan(healthBefore)
    } finally {
      await app.stop()
    }
  }, 300_000)
})

describe.skipIf(onPostgres)('npm run backup / restore on the embedded database', () => {
  const dataDir = path.join(tmp, 'data')
  const env = { DATABASE_URL: '', DATA_DIR: dataDir }
  /** Opens the data folder in this process (taking its lock, as a running server would), runs `fn`, closes it. */
  async function withFolder<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    const db = await openDatabase({ databaseUrl: null, dataDir })
    try {
      await migrateLatest(db.knex)
      return await fn(db)
    } finally {
      await db.close()
    }
  }

  it('restores every table exactly as backed up; refuses a folder in use; a broken file changes nothing', async () => {
    const file = path.join(tmp, 'shuangbai.tgz')
    const before = await withFolder(async (db) => {
      await fillEveryTable(db)
      // The folder is open here, as under a running server: backup and restore refuse.
      fs.writeFileSync(file, Buffer.from([0x1f, 0x8b, 8, 0]))
      for (const command of ['backup', 'restore']) {
        const r = await cli(command, file, env)
        expect(r.code).toBe(1)
        expect(r.err).toMatch(/in use by process \d+[\s\S]*need the server stopped/)
      }
      return allTableHashes(db.knex)
    })

    const backup = await cli('backup', file, env)
    expect(backup.code, backup.err).toBe(0)
    expect(backup.out).toMatch(/backup written: .*shuangbai\.tgz, \d+\.\d MB in \d+\.\d s/)

    const changed = await withFolder(async (db) => {
      await changeData(db)
      return allTableHashes(db.knex)
    })
    expect(differing(before, changed)).toEqual(['data_versions', ...CHANGED].sort())

    const broken = await cli('restore', truncatedCopy(file, 0.5), env)
    expect(broken.code).toBe(1)
    expect(broken.err).toMatch(/could not be loaded[\s\S]*The database was not changed/)
    expect(fs.readdirSync(dataDir).sort()).toEqual(['pglite'])
    expect(await withFolder((db) => allTableHashes(db.knex))).toEqual(changed)

    const restore = await cli('restore', file, env)
    expect(restore.code, restore.err).toBe(0)
    expect(restore.out).toMatch(/checking the restored database[\s\S]*restored .*shuangbai\.tgz \(\d+\.\d MB\) in \d+\.\d s/)
    expect(fs.readdirSync(dataDir).sort()).toEqual(['pglite'])
    expect(await withFolder((db) => allTableHashes(db.knex))).toEqual(before)
  }, 600_000) // six PGlite boots: 100-165 s on this shared 2-core machine
})
