/**
 * The database the db tests run on: the PostgreSQL of DATABASE_URL when set (a
 * dedicated test database: its tables are dropped and re-created), otherwise an
 * in-memory embedded PGlite. One instance per test run (vitest runs the db files in
 * one process, one after another; see vitest.config.ts).
 */
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createApp } from '../../server/app.js'
import { openDatabase, type Database } from '../../server/db/connection.js'
import { migrateDownAll, migrateLatest } from '../../server/db/migrate.js'
import { clearDataset, insertDataset } from '../../server/repositories/dataset.repository.js'
import type { Dataset } from '../../geodata/types.js'
import { hashPassword } from '../../server/auth/password.js'
import type { Role } from '../../server/auth/roles.js'
import { findUserByName, insertUser } from '../../server/repositories/users.repository.js'
import { checkResponse } from '../contract.js'

let shared: Promise<Database> | null = null

/** The shared, migrated test database. */
export function testDb(): Promise<Database> {
  shared ??= (async () => {
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL ?? null, dataDir: null })
    if (db.kind === 'postgres') {
      const name = (await db.knex.raw('select current_database() as n')).rows[0].n as string
      if (!/test/.test(name)) throw new Error(`refusing to run db tests on database "${name}": its name must contain "test"`)
      await migrateDownAll(db.knex)
    }
    await migrateLatest(db.knex)
    return db
  })()
  return shared
}

/** Replaces all data with `data`. */
export async function loadDataset(db: Database, data: Dataset): Promise<void> {
  await clearDataset(db.knex)
  await insertDataset(db.knex, data)
}

/** Starts the app on a free port; returns its base URL and a stop function. */
export async function startApp(db: Database, opts: { serveWeb?: boolean } = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  const app = createApp(db, { serveWeb: opts.serveWeb ?? false })
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(() => r())) }
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
 * Sends a request (JSON body when given); returns status, content type and parsed body.
 * A cookie from signIn carries its CSRF token unless `csrf: false`.
 */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: { cookie?: string; body?: unknown; headers?: Record<string, string>; csrf?: boolean } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.cookie) headers.cookie = opts.cookie
  const token = opts.cookie ? csrfTokens.get(opts.cookie) : undefined
  if (token && opts.csrf !== false && method !== 'GET') headers['x-csrf-token'] = token
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(base + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) })
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
export async function ensureUser(db: Database, username: string, role: Role, scope: string): Promise<void> {
  if (await findUserByName(db.knex, username)) return
  await insertUser(db.knex, { username, passwordHash: await hashPassword(TEST_PASSWORD), role, scope })
}

/** Signs in as a (new or existing) user and returns the session cookie for requests. */
export async function signIn(db: Database, base: string, username: string, role: Role, scope: string): Promise<string> {
  await ensureUser(db, username, role, scope)
  const res = await call(base, 'POST', '/api/login', { body: { username, password: TEST_PASSWORD } })
  if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`)
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]
  csrfTokens.set(cookie, res.body.csrfToken)
  return cookie
}
