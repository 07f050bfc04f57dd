/**
 * The databases the db (and e2e) tests run on: one per test file, so that files share no
 * users, sessions, plans or data.
 * - DATABASE_URL set (a dedicated test database; its name must contain "test"): the global
 *   setup (test/db/global-setup.ts) migrates it afresh once per run; each file gets a copy
 *   `<name>__<file>`, created with the migrated database as its template (~0.2 s), and
 *   dropped after the file.
 * - otherwise one in-memory embedded PGlite per test process (it boots in ~10 s and has a
 *   single connection) with a schema per file, `file_<file>`, migrated and dropped after the
 *   file; PostGIS stays in `public`, on every file's search path. (A PGlite `clone()` per
 *   file took 5-6 s here; a schema takes 0.2-0.4 s.)
 * test/db/setup.ts (vitest `setupFiles`) drops each file's database after the file.
 */
import type { JobQueue } from '../../server/services/jobs.js'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import knexFactory, { type Knex } from 'knex'
import { expect } from 'vitest'
import type { PGlite } from '@electric-sql/pglite'
import { createApp, type AppOptions } from '../../server/app.js'
import { openDatabase, type Database } from '../../server/db/connection.js'
import { migrateLatest } from '../../server/db/migrate.js'
import { clearDataset, insertDataset } from '../../server/repositories/dataset.repository.js'
import type { Dataset } from '../../geodata/types.js'
import { hashPassword } from '../../server/auth/password.js'
import type { Role } from '../../server/auth/roles.js'
import { findUserByName, insertUser } from '../../server/repositories/users.repository.js'
import { checkResponse } from '../contract.js'
import { assertTestDatabaseName } from './global-setup.js'

interface FileDb {
  file: string
  /** The file's PostgreSQL database URL; null on the embedded database. */
  url: string | null
  db: Database
  drop: () => Promise<void>
}

let current: { file: string; ready: Promise<FileDb> } | null = null

/** The migrated database of the running test file (created on first use). */
export async function testDb(): Promise<Database> {
  return (await currentFileDb()).db
}

/** The PostgreSQL URL of the running test file's database (null on the embedded database), e.g. for a CLI child process. */
export async function testDbUrl(): Promise<string | null> {
  return (await currentFileDb()).url
}

/** Closes and drops the running test file's database (test/db/setup.ts calls it after each file). */
export async function releaseTestDb(): Promise<void> {
  const done = current
  current = null
  if (done) await (await done.ready).drop()
}

function currentFileDb(): Promise<FileDb> {
  const file = expect.getState().testPath
  if (!file) throw new Error('testDb() is for test files (call it in a hook or a test)')
  if (current && current.file !== file) throw new Error(`the database of ${current.file} was not released: add test/db/setup.ts to the project's setupFiles`)
  current ??= { file, ready: openFileDb(file) }
  return current.ready
}

async function openFileDb(file: string): Promise<FileDb> {
  const slug = path.basename(file).replace(/\.test\.ts$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '_')
  const url = process.env.DATABASE_URL
  return url ? openPostgresCopy(url, slug, file) : openEmbeddedSchema(slug, file)
}

async function openPostgresCopy(baseUrl: string, slug: string, file: string): Promise<FileDb> {
  const url = new URL(baseUrl)
  const base = decodeURIComponent(url.pathname.slice(1))
  assertTestDatabaseName(base)
  const name = `${base}__${slug}`.slice(0, 63) // PostgreSQL truncates identifiers at 63 bytes
  // CREATE/DROP DATABASE run from the maintenance database: nobody may be connected to the template.
  const admin = async (sql: string, bindings: string[]) => {
    const adminUrl = new URL(baseUrl)
    adminUrl.pathname = '/postgres'
    const k = knexFactory({ client: 'pg', connection: adminUrl.href, pool: { min: 0, max: 1 } })
    try {
      await k.raw(sql, bindings)
    } finally {
      await k.destroy()
    }
  }
  await admin('drop database if exists ?? with (force)', [name]) // left by an interrupted run
  await admin('create database ?? template ??', [name, base])
  url.pathname = `/${encodeURIComponent(name)}`
  const db = await openDatabase({ databaseUrl: url.href, dataDir: null })
  return {
    file,
    url: url.href,
    db,
    drop: async () => {
      await db.close()
      await admin('drop database if exists ?? with (force)', [name])
    },
  }
}

let pglite: Promise<PGlite> | null = null

/** The test process's one embedded PGlite, PostGIS installed in `public`. */
function processPglite(): Promise<PGlite> {
  pglite ??= (async () => {
    const [{ PGlite }, { postgis }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-postgis')])
    const p = await PGlite.create(undefined, { extensions: { postgis } })
    await p.exec('create extension if not exists postgis schema public')
    return p
  })()
  return pglite
}

async function openEmbeddedSchema(slug: string, file: string): Promise<FileDb> {
  const [p, { default: ClientPgLite }] = await Promise.all([processPglite(), import('knex-pglite')])
  /** knex-pglite closes the PGlite when its knex is destroyed; the next file still needs it. */
  class SharedPgliteClient extends ClientPgLite {
    override async destroyRawConnection(): Promise<void> {}
  }
  const schema = `file_${slug}`
  await p.exec(`drop schema if exists "${schema}" cascade; create schema "${schema}"`)
  const knex = knexFactory({
    client: SharedPgliteClient as unknown as typeof knexFactory.Client,
    dialect: 'postgres',
    connection: () => ({ pglite: p }) as object,
    searchPath: [schema, 'public'],
  } as Knex.Config)
  await migrateLatest(knex)
  const db: Database = { knex, kind: 'embedded', close: () => knex.destroy() }
  return {
    file,
    url: null,
    db,
    drop: async () => {
      await knex.destroy()
      await p.exec(`drop schema "${schema}" cascade`)
    },
  }
}

/** Replaces all data with `data`. */
export async function loadDataset(db: Database, data: Dataset): Promise<void> {
  await clearDataset(db.knex)
  await insertDataset(db.knex, data)
}

/** Starts the app on a free port; returns its base URL and a stop function. */
export async function startApp(db: Database, opts: Partial<AppOptions> = {}): Promise<{ url: string; jobs: JobQueue; stop: () => Promise<void> }> {
  const app = createApp(db, { ...opts, serveWeb: opts.serveWeb ?? false })
  const jobs: JobQueue = app.locals.jobs
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  // Stopping waits for the app's running jobs first (a job outliving its test file fails the next).
  const stop = async () => {
    await jobs.idle()
    await new Promise<void>((r) => server.close(() => r()))
  }
  return { url: `http://127.0.0.1:${port}`, jobs, stop }
}

export interface Reply {
  status: number
  type: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
  headers: Headers
}

// The CSRF token of each session cookie signIn made: call() sends it, as the web does.
const csrfTokens = new Map<string, string>()

/**
 * Sends a request (a JSON body, or `raw` text as it is); returns status, content type and parsed body.
 * A cookie from signIn carries its CSRF token unless `csrf: false`.
 */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: { cookie?: string; body?: unknown; raw?: string; headers?: Record<string, string>; csrf?: boolean } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.cookie) headers.cookie = opts.cookie
  const token = opts.cookie ? csrfTokens.get(opts.cookie) : undefined
  if (token && opts.csrf !== false && method !== 'GET') headers['x-csrf-token'] = token
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(base + path, { method, headers, body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) })
  const type = res.headers.get('content-type') ?? ''
  const text = await res.text()
  const body = text ? JSON.parse(text) : null
  checkResponse(method, path, res.status, type, body)
  return { status: res.status, type, body, headers: res.headers }
}

/** GET a path (with a session cookie when given). */
export function get(base: string, path: string, cookie?: string): Promise<Reply> {
  return call(base, 'GET', path, { cookie })
}

export const TEST_PASSWORD = 'correct horse battery'

/** Creates the user if needed (password TEST_PASSWORD). */
export async function ensureUser(db: Database, username: string, role: Role, scope: string, supervisorId: string | null = null): Promise<void> {
  if (await findUserByName(db.knex, username)) return
  await insertUser(db.knex, { username, passwordHash: await hashPassword(TEST_PASSWORD), role, scope, supervisorId })
}

/** Signs in as a (new or existing) user and returns the session cookie for requests; a supervisor user stands for `supervisorId`. */
export async function signIn(db: Database, base: string, username: string, role: Role, scope: string, supervisorId: string | null = null): Promise<string> {
  await ensureUser(db, username, role, scope, supervisorId)
  const res = await call(base, 'POST', '/api/login', { body: { username, password: TEST_PASSWORD } })
  if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`)
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]
  csrfTokens.set(cookie, res.body.csrfToken)
  return cookie
}
